"""`idp new` with the bundled chat-service template bound to a catalog model: real Copier
runs into tmp_path, through the CLI, and every refusal before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# re-exported: tests under tests/project import CHAT_CATALOG from this module
from tests.cli.new_projects import CHAT_CATALOG as CHAT_CATALOG
from tests.cli.new_projects import names_in, read_answers
from tests.helpers import Invoke


@pytest.fixture
def chat_catalog(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(CHAT_CATALOG)
    return path


def test_new_binds_the_production_endpoint(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path
) -> None:
    dest = tmp_path / "out" / "my-chat"
    result = invoke(
        "new",
        dest,
        "-t",
        "chat-service",
        "-m",
        "acme/assistant",
        "--defaults",
        "--catalog",
        chat_catalog,
        "-o",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["model"] == "acme/assistant@2.0.0"
    assert summary["endpoint"] == "prod"
    assert "pyproject.toml" in summary["files"]
    answers = read_answers(dest)
    assert answers["model_ref"] == "acme/assistant@2.0.0"
    assert answers["project_name"] == "my-chat"
    assert answers["catalog_source"] == str(chat_catalog)
    model = answers["model"]
    assert isinstance(model, dict)
    assert model["endpoint"]["model_id"] == "assistant-2"
    assert model["endpoint"]["token_env"] == "LLM_TOKEN"
    assert model["request_defaults"] == {"temperature": 0.2, "max_tokens": 256}
    assert (dest / ".github" / "workflows" / "ci.yml").is_file()
    assert not (dest / ".gitlab-ci.yml").exists()
    # nothing is left beside the destination
    assert names_in(dest.parent) == ["my-chat"]


def test_environment_and_ci_choose_what_is_generated(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path
) -> None:
    dest = tmp_path / "stage-chat"
    result = invoke(
        "new",
        dest,
        "-t",
        "chat-service",
        "-m",
        "acme/assistant@2.0.0",
        "--environment",
        "staging",
        "--ci",
        "gitlab",
        "--defaults",
        "--catalog",
        chat_catalog,
    )
    assert result.exit_code == 0, result.stderr
    model = read_answers(dest)["model"]
    assert isinstance(model, dict)
    assert model["endpoint"]["model_id"] == "assistant-2-rc"
    assert (dest / ".gitlab-ci.yml").is_file()
    assert not (dest / ".github").exists()


def test_pretend_lists_files_and_writes_nothing(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path
) -> None:
    dest = tmp_path / "dry"
    result = invoke(
        "new",
        dest,
        "-t",
        "chat-service",
        "-m",
        "acme/assistant",
        "--defaults",
        "--pretend",
        "--catalog",
        chat_catalog,
    )
    assert result.exit_code == 0, result.stderr
    assert "Would write" in result.stdout
    assert "pyproject.toml" in result.stdout
    assert not dest.exists()
    assert names_in(tmp_path) == ["catalog.yaml"]


def test_non_empty_destination_is_refused_and_untouched(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path
) -> None:
    dest = tmp_path / "busy"
    dest.mkdir()
    (dest / "README.md").write_text("mine\n")
    result = invoke(
        "new",
        dest,
        "-t",
        "chat-service",
        "-m",
        "acme/assistant",
        "--defaults",
        "--catalog",
        chat_catalog,
    )
    assert result.exit_code == 1
    assert "not empty" in result.stderr
    assert names_in(dest) == ["README.md"]
    assert (dest / "README.md").read_text() == "mine\n"

    forced = invoke(
        "new",
        dest,
        "-t",
        "chat-service",
        "-m",
        "acme/assistant",
        "--defaults",
        "--force",
        "--catalog",
        chat_catalog,
    )
    assert forced.exit_code == 0, forced.stderr
    assert (dest / "pyproject.toml").is_file()
    assert (dest / "README.md").read_text() != "mine\n"


@pytest.mark.parametrize(
    ("folder", "extra"),
    [("My Project", ()), ("ok-name", ("--data", "project_name=../evil")), ("9lives", ())],
)
def test_invalid_project_names_are_refused(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path, folder: str, extra: tuple[str, ...]
) -> None:
    dest = tmp_path / folder
    result = invoke(
        "new",
        dest,
        "-t",
        "chat-service",
        "-m",
        "acme/assistant",
        "--defaults",
        "--catalog",
        chat_catalog,
        *extra,
    )
    assert result.exit_code == 1
    assert "not a valid project name" in result.stderr
    assert names_in(tmp_path) == ["catalog.yaml"]


def test_unknown_template_and_model_suggest_names(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path
) -> None:
    result = invoke(
        "new",
        tmp_path / "x",
        "-t",
        "chat-servce",
        "-m",
        "acme/assistant",
        "--defaults",
        "--catalog",
        chat_catalog,
    )
    assert result.exit_code == 1
    assert "chat-service" in result.stderr
    result = invoke(
        "new",
        tmp_path / "x",
        "-t",
        "chat-service",
        "-m",
        "acme/asistant",
        "--defaults",
        "--catalog",
        chat_catalog,
    )
    assert result.exit_code == 1
    assert "acme/assistant" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x").exists()


def test_model_the_template_cannot_serve_says_why(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path
) -> None:
    result = invoke(
        "new",
        tmp_path / "emb",
        "-t",
        "chat-service",
        "-m",
        "acme/embedder",
        "--defaults",
        "--catalog",
        chat_catalog,
    )
    assert result.exit_code == 1
    assert "cannot serve acme/embedder@1.0.0" in result.stderr
    assert "feature-extraction" in result.stderr
    assert not (tmp_path / "emb").exists()


def test_deprecated_needs_consent_and_names_the_successor(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path
) -> None:
    result = invoke(
        "new",
        tmp_path / "old",
        "-t",
        "chat-service",
        "-m",
        "acme/assistant@1.0.0",
        "--defaults",
        "--catalog",
        chat_catalog,
    )
    assert result.exit_code == 1
    assert "acme/assistant@2.0.0" in result.stderr
    assert not (tmp_path / "old").exists()
    allowed = invoke(
        "new",
        tmp_path / "old",
        "-t",
        "chat-service",
        "-m",
        "acme/assistant@1.0.0",
        "--defaults",
        "--allow-deprecated",
        "--catalog",
        chat_catalog,
    )
    assert allowed.exit_code == 0, allowed.stderr
    assert "deprecated" in allowed.stderr


def test_experimental_gets_a_warning(invoke: Invoke, tmp_path: Path, chat_catalog: Path) -> None:
    result = invoke(
        "new",
        tmp_path / "exp",
        "-t",
        "chat-service",
        "-m",
        "acme/assistant@3.0.0-rc1",
        "--defaults",
        "--catalog",
        chat_catalog,
    )
    assert result.exit_code == 0, result.stderr
    assert "experimental" in result.stderr
    model = read_answers(tmp_path / "exp")["model"]
    assert isinstance(model, dict)
    assert model["endpoint"]["protocol"] == "ollama"


def test_without_a_terminal_missing_choices_are_errors(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path
) -> None:
    result = invoke("new", tmp_path / "x", "--defaults", "--catalog", chat_catalog)
    assert result.exit_code == 1
    assert "--template" in result.stderr
    result = invoke(
        "new", tmp_path / "x", "-t", "chat-service", "--defaults", "--catalog", chat_catalog
    )
    assert result.exit_code == 1
    assert "acme/assistant@2.0.0" in result.stderr  # the models that fit are listed


@pytest.mark.parametrize(
    ("key", "flag"),
    [("model_ref", "--model"), ("catalog_source", "--catalog"), ("idp_version", "idp release")],
)
def test_data_cannot_set_what_idp_binds(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path, key: str, flag: str
) -> None:
    result = invoke(
        "new", tmp_path / "app", "-t", "chat-service", "-m", "acme/assistant",
        "--catalog", chat_catalog, "--defaults", "--data", f"{key}=x",
    )  # fmt: skip
    assert result.exit_code == 1
    assert f"'{key}' (--data) is set by idp from the catalog" in result.stderr
    assert flag in result.stderr
    assert not (tmp_path / "app").exists()
    typo = invoke(
        "new", tmp_path / "app", "-t", "chat-service", "-m", "acme/assistant",
        "--catalog", chat_catalog, "--defaults", "--data", "ownr=x",
    )  # fmt: skip
    assert "catalog_source" not in typo.stderr  # not offered as a question to answer


def test_pretend_and_a_failure_leave_no_folder_behind(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path
) -> None:
    pretended = invoke(
        "new", tmp_path / "deep" / "er" / "app", "-t", "chat-service", "-m", "acme/assistant",
        "--catalog", chat_catalog, "--defaults", "--pretend",
    )  # fmt: skip
    assert pretended.exit_code == 0, pretended.stderr
    failed = invoke(
        "new", tmp_path / "other" / "app", "-t", "chat-service", "-m", "acme/assistant",
        "--catalog", chat_catalog, "--defaults", "--data", "lifecycle=bogus",
    )  # fmt: skip
    assert failed.exit_code == 1
    assert not (tmp_path / "deep").exists()
    assert not (tmp_path / "other").exists()
