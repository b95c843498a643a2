"""`idp templates list/show`: what each bundled template serves, and why a model does not fit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import Invoke


def test_list_counts_compatible_models(invoke: Invoke) -> None:
    result = invoke("templates", "list", "-o", "json")
    assert result.exit_code == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert {"chat-service", "prediction-service", "batch-scoring"} <= set(rows)
    assert rows["chat-service"]["protocols"] == ["openai-v1", "ollama"]
    assert rows["chat-service"]["compatibleModels"] >= 4
    assert rows["prediction-service"]["compatibleModels"] >= 4


def test_show_lists_questions_and_why_models_do_not_fit(invoke: Invoke) -> None:
    result = invoke("templates", "show", "prediction-service", "-o", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert "model" in {q["name"] for q in data["questions"]}
    compatible = {entry["ref"].split("@")[0] for entry in data["compatible"]}
    assert "acme/churn-classifier" in compatible
    reasons = {entry["ref"].split("@")[0]: entry["reasons"] for entry in data["incompatible"]}
    assert any("generative model" in r for r in reasons["meta-llama/llama-3.1-8b-instruct"])
    assert not compatible & set(reasons)


def test_show_table_and_unknown_template(invoke: Invoke) -> None:
    table = invoke("templates", "show", "chat-service")
    assert table.exit_code == 0, table.stderr
    assert "compatible models" in table.stdout
    assert "cannot serve" in table.stdout
    unknown = invoke("templates", "show", "chat-servise")
    assert unknown.exit_code == 1
    assert "chat-service" in unknown.stderr


def test_components_are_listed_apart_and_new_refuses_them(invoke: Invoke, tmp_path: Path) -> None:
    listed = invoke("templates", "list", "-o", "json")
    assert listed.exit_code == 0, listed.stderr
    kinds = {row["name"]: row["kind"] for row in json.loads(listed.stdout)}
    assert kinds["predictive-client"] == "component"
    assert kinds["prediction-service"] == "app"

    result = invoke("new", tmp_path / "p", "-t", "predictive-client", "--defaults")
    assert result.exit_code == 1
    assert "is a component" in result.stderr
    assert "idp add" in result.stderr
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize("columns", [80, 100, 200])
def test_the_template_list_fits_the_terminal(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    result = invoke("templates", "list")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= columns and line == line.rstrip() for line in lines)
    names = [row["name"] for row in json.loads(invoke("templates", "list", "-o", "json").stdout)]
    assert [line.split()[0] for line in lines[1:]] == names  # every name whole


def test_a_bare_name_is_the_bundled_template_even_beside_a_folder_of_that_name(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project generated as `prediction-service/` sits in the folder idp runs in: the name
    still means the bundled template, and `./NAME` the folder."""
    (tmp_path / "prediction-service").mkdir()
    (tmp_path / "prediction-service" / "README.md").write_text("an app, not a template\n")
    monkeypatch.chdir(tmp_path)
    shown = invoke("templates", "show", "prediction-service", "-o", "json")
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["name"] == "prediction-service"
    folder = invoke("templates", "show", "./prediction-service")
    assert folder.exit_code != 0
    assert "prediction-service" in folder.stderr and "copier.yml" in folder.stderr


def test_a_bare_name_is_a_configured_sources_template_before_a_folder_of_that_name(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "team-templates"
    (own / "team-app" / "template").mkdir(parents=True)
    (own / "team-app" / "copier.yml").write_text("_subdirectory: template\nname:\n  type: str\n")
    config = tmp_path / "config.toml"
    config.write_text(f'[templates]\nsources = ["{own}"]\n')
    monkeypatch.setenv("IDP_CONFIG_FILE", str(config))
    work = tmp_path / "work"
    local = work / "team-app"  # a checkout of it, say, in the folder idp runs in
    (local / "template").mkdir(parents=True)
    (local / "copier.yml").write_text("_subdirectory: template\nname:\n  type: str\n")
    monkeypatch.chdir(work)
    shown = invoke("templates", "show", "team-app", "-o", "json")
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["source"] == str((own / "team-app").resolve())
    folder = invoke("templates", "show", "./team-app", "-o", "json")
    assert folder.exit_code == 0, folder.stderr
    assert json.loads(folder.stdout)["source"] == str(local.resolve())
