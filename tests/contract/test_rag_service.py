"""rag-service against llama-cpp-python's OpenAI-compatible server started with --embedding:
`python -m PKG ingest DOCS_DIR` embeds real chunks through /v1/embeddings into a sqlite-vec
index, then the service itself (uvicorn, as `python -m PKG` runs it) answers `POST /ask` with
the chat model's answer and the chunks as citations. One llama.cpp server serves both
bindings: the tiny GGUF with mean pooling (models/tiny_gguf.py) embeds, and still answers
"Hello world!" to any chat."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.contract.generated import Project
from tests.contract.processes import Server, free_ports, start, stop, wait_ready
from tests.contract.rag import docs, ingest, make_index, project_env, rag_project

pytestmark = [pytest.mark.contract, pytest.mark.slow]
__all__ = ["docs", "rag_project"]  # fixtures

ANSWER = "Hello world!"


@pytest.fixture(scope="module")
def ingested(rag_project: Project, llama_embed_server: Server, docs: Path) -> tuple[Path, str]:
    index = rag_project.path.parent / "index.sqlite3"
    result = ingest(rag_project, project_env(rag_project, llama_embed_server, str(index)), docs)
    assert result.returncode == 0, result.stdout + result.stderr
    return index, result.stdout


@pytest.fixture(scope="module")
def service(
    rag_project: Project, llama_embed_server: Server, ingested: tuple[Path, str]
) -> Iterator[str]:
    [port] = free_ports(1)
    env = project_env(
        rag_project, llama_embed_server, str(ingested[0]), HOST="127.0.0.1", PORT=str(port)
    )
    url = f"http://127.0.0.1:{port}"
    starting = start(
        "rag-service",
        [sys.executable, "-m", rag_project.package],
        env=env,
        url=url,
        ready_path="/livez",
        log=rag_project.path.parent / "service.log",
        cwd=rag_project.path,
    )
    try:
        wait_ready(starting)
        yield url
    finally:
        stop(starting.process)


def _call(url: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    with httpx.Client(timeout=60, trust_env=False) as client:
        response = client.get(url) if body is None else client.post(url, json=body)
    return response.status_code, response.json()


def test_ingestion_embeds_every_chunk_into_the_index(ingested: tuple[Path, str]) -> None:
    index, output = ingested
    assert output.startswith("ingested 2 files (")
    chunks = int(output.split("(")[1].split()[0])
    assert chunks >= 3  # the guide takes several 200-character chunks
    assert f"the index holds {chunks} chunks" in output
    assert index.is_file()


def test_ask_answers_with_citations(service: str) -> None:
    status, body = _call(service + "/ask", {"question": "How often are keys rotated?", "top_k": 3})

    assert status == 200, body
    assert body["answer"] == ANSWER
    assert [c["n"] for c in body["citations"]] == [1, 2, 3]
    sources = {(c["source"], c["chunk"]) for c in body["citations"]}
    assert sources <= {("guide.md", i) for i in range(20)} | {("notes/faq.txt", 0)}
    assert all(c["text"] for c in body["citations"])


def test_readyz_sees_both_upstreams_and_the_index(service: str) -> None:
    status, body = _call(service + "/readyz")

    assert status == 200, body
    assert body["checks"]["chat"]["ok"] and body["checks"]["embeddings"]["ok"]
    assert body["checks"]["store"]["chunks"] > 0


def test_an_index_of_another_dimension_is_a_clear_error(
    rag_project: Project, llama_embed_server: Server, docs: Path, tmp_path: Path
) -> None:
    env = project_env(rag_project, llama_embed_server, str(tmp_path / "other.sqlite3"))
    make_index(rag_project, env, "contract/tiny-embed", 384)

    refused = ingest(rag_project, env, docs)
    rebuilt = ingest(rag_project, env, docs, "--rebuild")

    assert refused.returncode == 1
    assert "built by contract/tiny-embed with 384-dimension vectors" in refused.stderr
    assert "--rebuild" in refused.stderr
    assert rebuilt.returncode == 0, rebuilt.stderr
