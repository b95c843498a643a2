"""`idp new` with the bundled chat-service template, for every bundled model it can serve and
each CI system: the generated project passes its own linter and tests offline, its CI file
validates against the CI system's schema, its catalog-info.yaml against Backstage's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from idp_cli.ci import CI_SYSTEMS
from idp_cli.cli.app import app
from tests.templates.contract import check_project

SECRET = "sk-bundled-test-never-write-me-0123456789"


def _compatible() -> list[str]:
    result = CliRunner().invoke(app, ["templates", "show", "chat-service", "-o", "json"])
    assert result.exit_code == 0, result.stderr
    return [entry["ref"] for entry in json.loads(result.stdout)["compatible"]]


MODELS = _compatible()


def test_the_bundled_catalog_has_chat_models_for_both_protocols() -> None:
    assert len(MODELS) >= 4
    protocols: set[str] = set()
    for ref in MODELS:
        shown = CliRunner().invoke(app, ["models", "show", ref, "-o", "json"])
        protocols.update(
            e["protocol"] for e in json.loads(shown.stdout)["version"]["serving"]["endpoints"]
        )
    assert {"openai-v1", "ollama"} <= protocols


@pytest.mark.slow
@pytest.mark.parametrize("ci", list(CI_SYSTEMS))
@pytest.mark.parametrize("ref", MODELS)
def test_generated_project_keeps_the_contract(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ref: str, ci: str
) -> None:
    monkeypatch.setenv("MODEL_ENDPOINT_BEARER", SECRET)
    dest = tmp_path / "chat-app"
    result = CliRunner().invoke(
        app,
        ["new", str(dest), "-t", "chat-service", "-m", ref, "--ci", ci, "--defaults", "-o", "json"],
    )
    assert result.exit_code == 0, result.stderr
    answers = check_project(dest, ci, SECRET)
    assert answers["model_ref"] == json.loads(result.stdout)["model"]
    assert answers["ci"] == ci
