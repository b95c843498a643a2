"""`idp models list` and `idp models show` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from idp_cli.catalog.model import version_key
from idp_cli.errors import NotFound
from tests.helpers import CATALOG, Invoke, edit, write_catalog


def rows(invoke: Invoke, catalog: Path, *args: str) -> list[dict[str, Any]]:
    result = invoke("models", "list", "--catalog", catalog, "-o", "json", *args)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    return data


def refs(invoke: Invoke, catalog: Path, *args: str) -> list[str]:
    return [row["ref"] for row in rows(invoke, catalog, *args)]


# --- list ----------------------------------------------------------------------------------


def test_list_shows_one_row_per_model(invoke: Invoke, catalog_dir: Path) -> None:
    result = invoke("models", "list", "--catalog", catalog_dir)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "MODEL",
        "VERSION",
        "LIFECYCLE",
        "TYPE",
        "TASK",
        "PROTOCOL",
        "LICENSE",
    ]
    body = [line.split() for line in lines[1:] if line.strip()]
    # sorted by name, whatever the catalog's order
    assert [cells[:3] for cells in body] == [
        ["acme/chat-assistant", "1.0.0", "production"],
        ["acme/churn-classifier", "4.0.0", "(champion)"],
        ["acme/sales-forecast", "0.1.0", "staging"],
    ]
    assert "acme/legacy-scorer" not in result.stdout
    assert "\x1b[" not in result.stdout  # NO_COLOR


def test_list_json_rows(invoke: Invoke, catalog_dir: Path) -> None:
    (first,) = [r for r in rows(invoke, catalog_dir) if r["name"] == "acme/churn-classifier"]
    assert first == {
        "name": "acme/churn-classifier",
        "version": "4.0.0",
        "ref": "acme/churn-classifier@4.0.0",
        "aliases": ["champion"],
        "default": True,
        "lifecycle": "production",
        "modelType": "predictive",
        "tasks": ["tabular-classification"],
        "protocols": ["oip-v2"],
        "license": "proprietary",
        "owner": "group:default/ds-retention",
        "description": "Predicts 90-day churn probability.",
    }


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--task", "text-generation"), ["acme/chat-assistant@1.0.0"]),
        (
            ("--type", "predictive"),
            ["acme/churn-classifier@4.0.0", "acme/sales-forecast@0.1.0"],
        ),
        (("--lifecycle", "deprecated"), ["acme/churn-classifier@3.2.1"]),
        (
            ("--lifecycle", "archived"),
            ["acme/churn-classifier@2.0.0", "acme/legacy-scorer@1.0.0"],
        ),
        (("--protocol", "ollama"), ["acme/chat-assistant@1.1.0"]),
        (("--tag", "churn"), ["acme/churn-classifier@4.0.0"]),
        (("-q", "Forecast"), ["acme/sales-forecast@0.1.0"]),
        (("--query", "llm"), ["acme/chat-assistant@1.0.0"]),
        (("--type", "generative", "--protocol", "oip-v2"), []),
        (
            ("--all-versions",),
            [  # by name, newest version first
                "acme/chat-assistant@1.1.0",
                "acme/chat-assistant@1.0.0",
                "acme/churn-classifier@4.0.0",
                "acme/churn-classifier@3.2.1",
                "acme/sales-forecast@0.1.0",
            ],
        ),
        (
            ("--all-versions", "--task", "tabular-classification", "--lifecycle", "archived"),
            ["acme/churn-classifier@2.0.0", "acme/legacy-scorer@1.0.0"],
        ),
    ],
)
def test_list_filters(
    invoke: Invoke, catalog_dir: Path, args: tuple[str, ...], expected: list[str]
) -> None:
    assert refs(invoke, catalog_dir, *args) == expected


def test_list_with_no_match_prints_an_empty_json_list(invoke: Invoke, catalog_dir: Path) -> None:
    result = invoke("models", "list", "--catalog", catalog_dir, "--tag", "none", "-o", "json")
    assert result.exit_code == 0
    assert result.stdout.strip() == "[]"
    assert result.stderr == ""


def test_list_with_no_match_says_so_on_stderr(invoke: Invoke, catalog_dir: Path) -> None:
    result = invoke("models", "list", "--catalog", catalog_dir, "--tag", "none")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No model matches" in result.stderr


def test_list_yaml(invoke: Invoke, catalog_dir: Path) -> None:
    result = invoke("models", "list", "--catalog", catalog_dir, "-o", "yaml", "--all-versions")
    assert result.exit_code == 0
    data = yaml.safe_load(result.stdout)
    assert [row["ref"] for row in data] == refs(invoke, catalog_dir, "--all-versions")
    empty = invoke("models", "list", "--catalog", catalog_dir, "-o", "yaml", "--task", "x")
    assert yaml.safe_load(empty.stdout) == []


@pytest.mark.parametrize(
    ("option", "value"),
    [("--type", "llm"), ("--lifecycle", "retired"), ("--protocol", "grpc"), ("-o", "xml")],
)
def test_list_rejects_unknown_choices_as_usage_errors(
    invoke: Invoke, catalog_dir: Path, option: str, value: str
) -> None:
    result = invoke("models", "list", "--catalog", catalog_dir, option, value)
    assert result.exit_code == 2
    assert value in result.stderr
    assert result.stdout == ""


def test_list_on_an_invalid_catalog_exits_1_naming_the_place(
    invoke: Invoke, tmp_path: Path
) -> None:
    path = write_catalog(tmp_path, edit(CATALOG, "lifecycle: staging", "lifecycle: beta"))
    result = invoke("models", "list", "--catalog", path)
    assert result.exit_code == 1
    assert "catalog.yaml:" in result.stderr
    assert "models[2].versions[0].lifecycle" in result.stderr
    assert "idp catalog validate" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_list_on_malformed_yaml_exits_1(invoke: Invoke, tmp_path: Path) -> None:
    path = write_catalog(tmp_path, "apiVersion: [\n")
    result = invoke("models", "list", "--catalog", path)
    assert result.exit_code == 1
    assert "invalid YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_list_on_a_missing_catalog_exits_1(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("models", "list", "--catalog", tmp_path / "nope.yaml")
    assert result.exit_code == 1
    assert "no such file or folder" in result.stderr
    assert "hint:" in result.stderr


# --- show ----------------------------------------------------------------------------------


def test_show_prints_the_card_in_sections(invoke: Invoke, catalog_dir: Path) -> None:
    result = invoke("models", "show", "acme/churn-classifier", "--catalog", catalog_dir)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.splitlines()[0].split() == [
        "Customer",
        "churn",
        "classifier",
        "acme/churn-classifier@4.0.0",
        "production",
        "(default)",
    ]
    lines = [line.strip() for line in out.splitlines()]
    for section in ("Model", "Version 4.0.0", "Inputs", "Outputs", "Example", "Metrics"):
        assert section in lines, section
    assert "Endpoints" in lines and "Other versions" in lines
    assert "tenure_months=14" in out
    assert "roc_auc" in out and "0.913" in out
    assert "https://churn.models.example.internal" in out
    assert "bearer ($CHURN_API_TOKEN)" in out
    assert "3.2.1" in out and "deprecated" in out
    assert result.stderr == ""


def test_show_a_deprecated_version_points_to_its_successor(
    invoke: Invoke, catalog_dir: Path
) -> None:
    result = invoke("models", "show", "acme/churn-classifier@3.2.1", "--catalog", catalog_dir)
    assert result.exit_code == 0
    assert (
        "This version is deprecated, sunset 2026-12-31: use acme/churn-classifier@4.0.0."
        in result.stdout
    )


def test_show_json_has_the_ref_and_the_whole_version(invoke: Invoke, catalog_dir: Path) -> None:
    result = invoke(
        "models", "show", "acme/churn-classifier@champion", "--catalog", catalog_dir, "-o", "json"
    )
    assert result.exit_code == 0
    card = json.loads(result.stdout)
    assert card["ref"] == "acme/churn-classifier@4.0.0"
    assert card["isDefault"] is True
    assert card["model"]["name"] == "acme/churn-classifier"
    assert "versions" not in card["model"]
    assert card["version"]["releasedAt"] == "2026-06-01"
    assert card["version"]["signature"]["example"] == {
        "tenure_months": 14,
        "contract_type": "monthly",
    }
    endpoint = card["version"]["serving"]["endpoints"][0]
    assert endpoint["protocol"] == "oip-v2"
    assert endpoint["auth"] == {"type": "bearer", "tokenEnv": "CHURN_API_TOKEN"}
    assert [v["version"] for v in card["otherVersions"]] == ["3.2.1", "2.0.0"]


def test_show_yaml(invoke: Invoke, catalog_dir: Path) -> None:
    result = invoke("models", "show", "acme/chat-assistant", "--catalog", catalog_dir, "-o", "yaml")
    assert result.exit_code == 0
    card = yaml.safe_load(result.stdout)
    assert card["ref"] == "acme/chat-assistant@1.0.0"
    assert card["version"]["serving"]["endpoints"][0]["protocol"] == "openai-v1"


def test_show_an_unquoted_date_stays_as_written(invoke: Invoke, tmp_path: Path) -> None:
    path = write_catalog(
        tmp_path, edit(CATALOG, 'releasedAt: "2026-06-01"', "releasedAt: 2026-06-01")
    )
    for _ in range(2):  # from the files, then from the cache
        result = invoke("models", "show", "acme/churn-classifier", "--catalog", path, "-o", "json")
        assert json.loads(result.stdout)["version"]["releasedAt"] == "2026-06-01"


def test_show_an_unknown_model_exits_1_and_suggests(invoke: Invoke, catalog_dir: Path) -> None:
    result = invoke("models", "show", "acme/churn-clasifier", "--catalog", catalog_dir)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no model named 'acme/churn-clasifier'" in result.stderr
    assert "Did you mean acme/churn-classifier" in result.stderr
    assert "Traceback" not in result.stderr


def test_show_an_unknown_version_lists_the_known_ones(invoke: Invoke, catalog_dir: Path) -> None:
    result = invoke(
        "models", "show", "acme/chat-assistant@2", "--catalog", catalog_dir, "-o", "json"
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Known: 1.0.0, 1.1.0" in result.stderr


def test_idp_debug_shows_the_exception(
    invoke: Invoke, catalog_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IDP_DEBUG", "1")
    result = invoke("models", "show", "acme/nope", "--catalog", catalog_dir)
    assert result.exit_code == 1
    assert isinstance(result.exception, NotFound)


def test_show_needs_a_ref(invoke: Invoke, catalog_dir: Path) -> None:
    result = invoke("models", "show", "--catalog", catalog_dir)
    assert result.exit_code == 2
    assert "Missing argument 'ref'" in result.stderr


def test_models_help(invoke: Invoke) -> None:
    result = invoke("models", "--help")
    assert result.exit_code == 0
    assert "list" in result.stdout and "show" in result.stdout


@pytest.mark.parametrize("columns", [80, 100, 200])
def test_the_list_fits_the_terminal_and_never_cuts_a_name(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    # the bundled catalog: long names, aliases and tasks
    monkeypatch.setenv("COLUMNS", str(columns))
    result = invoke("models", "list", "--all-versions")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= columns for line in lines), max(lines, key=len)
    assert all(line == line.rstrip() for line in lines)  # no padding at the end
    listed = json.loads(invoke("models", "list", "--all-versions", "-o", "json").stdout)
    for row, line in zip(listed, lines[1:], strict=True):
        assert line.split()[:2] == [row["name"], row["version"]]  # whole, copyable
    dropped = "LICENSE" not in lines[0]
    assert dropped == (columns < 140)
    assert ("Left out to fit" in result.stderr) == dropped


def test_rows_are_sorted_by_name_then_newest_version(invoke: Invoke) -> None:
    listed = json.loads(invoke("models", "list", "--all-versions", "-o", "json").stdout)
    names = [row["name"] for row in listed]
    assert names == sorted(names)
    churn = [row["version"] for row in listed if row["name"] == "acme/churn-classifier"]
    assert churn == sorted(churn, key=version_key, reverse=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("llama", {"meta-llama/llama-3.1-8b-instruct", "meta-llama/llama-3.2-3b-instruct"}),
        ("churn tabular", {"acme/churn-classifier"}),  # every word must match
        ("hurn", set()),  # words match from their start: not inside another word
    ],
)
def test_the_text_search_matches_words(query: str, expected: set[str], invoke: Invoke) -> None:
    listed = json.loads(invoke("models", "list", "-q", query, "-o", "json").stdout)
    assert {row["name"] for row in listed} == expected  # `llama` does not find Ollama's models


def test_a_name_in_other_case_is_suggested(invoke: Invoke) -> None:
    result = invoke("models", "show", "ACME/CHURN-CLASSIFIER")
    assert result.exit_code == 1
    assert "Did you mean acme/churn-classifier" in result.stderr
