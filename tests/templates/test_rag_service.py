"""The rag-service template with the bundled catalog: a project for each pair of a chat model
and an embedding model it can bind passes its own linter and tests offline (fake model
servers, a real sqlite-vec index), with both bindings recorded apart; the embeddings client
alone is added to an existing project with `idp add`."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from idp_cli.cli.app import app
from tests.helpers import Invoke
from tests.project import existing_app
from tests.templates.contract import check_project
from tests.templates.predictive_helpers import render_with_copier

SECRET = "sk-rag-test-never-write-me-0123456789"


def _compatible() -> tuple[list[str], list[str]]:
    result = CliRunner().invoke(app, ["templates", "show", "rag-service", "-o", "json"])
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    (embeddings,) = shown["bindings"]
    assert embeddings["name"] == "embeddings"
    return [e["ref"] for e in shown["compatible"]], [e["ref"] for e in embeddings["compatible"]]


CHAT, EMBEDDINGS = _compatible()
PAIRS = list(itertools.product(CHAT, EMBEDDINGS))


def test_every_bundled_embedding_model_fits_the_embeddings_binding() -> None:
    assert EMBEDDINGS == ["baai/bge-small-en-v1.5@1.1.0", "nomic-ai/nomic-embed-text-v1.5@1.0.0"]
    assert len(CHAT) >= 4


@pytest.mark.slow
@pytest.mark.parametrize(("chat", "embeddings"), PAIRS)
def test_generated_project_keeps_the_contract(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chat: str, embeddings: str
) -> None:
    # what the generated tests must never read, nor write anywhere
    for name in ("CHAT_MODEL_ENDPOINT", "EMBEDDINGS_MODEL_ENDPOINT"):
        monkeypatch.setenv(name, "http://203.0.113.1:9")
    for name in (
        "CHAT_MODEL_ENDPOINT_BEARER",
        "EMBEDDINGS_MODEL_ENDPOINT_BEARER",
        "EMBEDDINGS_TOKEN",
    ):
        monkeypatch.setenv(name, SECRET)
    monkeypatch.setenv("VECTOR_STORE_URL", "redis://nowhere.invalid/0")
    ci = "github" if PAIRS.index((chat, embeddings)) % 2 else "gitlab"
    dest = tmp_path / "ask-docs"
    args = ["new", str(dest), "-t", "rag-service", "-m", chat, "-m", f"embeddings={embeddings}"]
    result = CliRunner().invoke(app, [*args, "--ci", ci, "--defaults", "-o", "json"])
    assert result.exit_code == 0, result.stderr
    made = json.loads(result.stdout)
    assert made["bindings"] == {"embeddings": made["bindings"]["embeddings"]}

    answers = check_project(dest, ci, SECRET)

    assert answers["model_ref"] == made["model"]
    own = yaml.safe_load((dest / ".copier-answers.embeddings.yml").read_text(encoding="utf-8"))
    assert own["model_ref"] == made["bindings"]["embeddings"]
    assert own["env_prefix"] == "EMBEDDINGS_"
    binding = json.loads((dest / "src/ask_docs/embeddings_client/binding.json").read_text())
    assert binding["dimension"] == {"baai": 384, "nomic-ai": 768}[embeddings.split("/")[0]]
    chat_answers = yaml.safe_load((dest / ".copier-answers.app-chat.yml").read_text())
    assert (chat_answers["model_ref"], chat_answers["env_prefix"]) == (made["model"], "CHAT_")
    assert not (dest / "rag-index.sqlite3").exists()


@pytest.mark.slow
def test_plain_copier_renders_a_working_project(tmp_path: Path) -> None:
    render_with_copier("rag-service", tmp_path / "svc", {"project_name": "svc"})

    report = existing_app.run_pytest(tmp_path / "svc")

    assert "tests/test_app.py::test_ask_answers_with_citations PASSED" in report
    assert "tests/embeddings_client/test_client.py::" in report
    assert (tmp_path / "svc/.copier-answers.embeddings.yml").is_file()


@pytest.mark.slow
def test_the_embeddings_client_is_added_to_an_existing_project(
    invoke: Invoke, tmp_path: Path
) -> None:
    project = existing_app.make(tmp_path / "shop")

    result = invoke("add", project, "--model", "baai/bge-small-en-v1.5", "--defaults", "-o", "json")

    assert result.exit_code == 0, result.stderr
    added = json.loads(result.stdout)
    assert (added["template"], added["binding"]) == ("embeddings-client", "bge_small_en_v1_5")
    report = existing_app.run_pytest(project, {"MODEL_ENDPOINT": "http://203.0.113.1:9"})
    assert "tests/test_api.py::test_item PASSED" in report
    assert (
        "tests/bge_small_en_v1_5_client/test_client.py::test_embed_sends_the_protocol_request PASSED"
        in report
    )


def test_a_model_without_a_dimension_is_refused_by_name(invoke: Invoke, tmp_path: Path) -> None:
    from tests.helpers import write_catalog

    bundled = (Path(__file__).resolve().parents[2] / "catalog.yaml").read_text(encoding="utf-8")
    catalog = write_catalog(
        tmp_path / "catalog", bundled.replace("        embedding: {dimension: 384}\n", "")
    )
    project = existing_app.make(tmp_path / "shop")

    result = invoke(
        "add", project, "--model", "baai/bge-small-en-v1.5", "--catalog", catalog, "--defaults"
    )

    assert result.exit_code == 1
    assert "declares no embedding.dimension" in " ".join(result.stderr.split())
