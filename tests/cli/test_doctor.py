"""`idp doctor` in a bound project, in an unbound folder, and with a broken catalog or config."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Invoke


def _doctor(invoke: Invoke, *args: str | Path) -> tuple[int, dict[str, Any]]:
    result = invoke("doctor", *args, "-o", "json")
    return result.exit_code, json.loads(result.stdout)


def test_unbound_folder_with_the_bundled_catalog(invoke: Invoke, tmp_path: Path) -> None:
    code, found = _doctor(invoke, tmp_path)
    assert code == 0, found["problems"]
    assert found["ok"] is True
    assert found["idp"]["distribution"].startswith("idp-ai-platform ")
    assert found["catalog"]["kind"] == "bundled"
    assert "nothing names another" in found["catalog"]["why"]
    assert found["catalog"]["valid"] is True and found["catalog"]["models"] > 10
    assert "prediction-service" in found["templates"]["apps"]
    assert "predictive-client" in found["templates"]["components"]
    assert found["tools"]["git"] and found["tools"]["copier"]
    assert found["project"] == {"path": str(tmp_path.resolve()), "bound": False, "bindings": []}
    # the test's own HOME-based config file, which does not exist
    assert found["config_file"]["exists"] is False


def test_table_names_the_catalog_and_why(invoke: Invoke, catalog_dir: Path, tmp_path: Path) -> None:
    result = invoke("--catalog", catalog_dir, "doctor", tmp_path)
    assert result.exit_code == 0, result.output
    assert str(catalog_dir) in result.stdout
    assert "named by --catalog" in result.stdout
    assert "not a generated project" in result.stdout
    assert "No problems found." in result.stdout


def test_bound_project_lists_its_binding_and_drift(
    invoke: Invoke, catalog_dir: Path, tmp_path: Path
) -> None:
    project = tmp_path / "churn"
    made = invoke(
        "new", project, "--template", "prediction-service", "--model",
        "acme/churn-classifier", "--catalog", catalog_dir, "--defaults",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    code, found = _doctor(invoke, project, "--catalog", catalog_dir)
    assert code == 0, found["problems"]
    assert found["project"]["bound"] is True
    [binding] = found["project"]["bindings"]
    assert binding["name"] == "prediction-service"
    assert binding["model_ref"] == "acme/churn-classifier@4.0.0"
    assert binding["outdated"] is False and binding["reasons"] == []
    # the components `idp new` rendered with the app are listed, and checked with it
    on_disk = sorted(p.name for p in project.glob(".copier-answers.app-*.yml"))
    assert on_disk, "prediction-service renders its components as parts"
    assert sorted(p["answers_file"] for p in binding["parts"]) == on_disk
    table = invoke("doctor", project, "--catalog", catalog_dir)
    assert "- prediction-service: prediction-service" in table.stdout
    assert "current" in table.stdout
    for part in binding["parts"]:
        assert f"part {part['name']}: {part['template']}" in table.stdout


def test_broken_catalog_is_a_problem_named_by_its_source(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IDP_CATALOG", str(tmp_path / "missing"))
    code, found = _doctor(invoke, tmp_path)
    assert code == 1
    assert found["ok"] is False
    assert found["catalog"]["why"] == "named by IDP_CATALOG"
    assert found["catalog"]["valid"] is False
    [problem] = found["problems"]
    assert problem["area"] == "catalog"
    assert "(named by IDP_CATALOG)" in problem["message"]
    assert problem["hint"].startswith("Check IDP_CATALOG:")
    # everything else is still reported
    assert found["tools"]["git"] and found["templates"]["apps"]


def test_invalid_catalog_content_is_a_problem(invoke: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "catalog.yaml"
    bad.write_text("apiVersion: idp/v1alpha1\nkind: ModelCatalog\nmodels: [{name: 3}]\n")
    result = invoke("doctor", tmp_path, "--catalog", bad)
    assert result.exit_code == 1
    assert "catalog:" in result.stderr and "catalog.yaml" in result.stderr
    assert "1 problem found." in result.stderr


def test_broken_config_file_is_a_problem(invoke: Invoke, tmp_path: Path) -> None:
    config = Path(__import__("os").environ["IDP_CONFIG_FILE"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("catalog = \n")
    code, found = _doctor(invoke, tmp_path)
    assert code == 1
    assert any(
        p["area"] == "config file" and "invalid TOML" in p["message"] for p in found["problems"]
    )
