"""rag-service against llama-cpp-python's OpenAI-compatible server started with --embedding:
`python -m PKG ingest DOCS_DIR` embeds real chunks through /v1/embeddings into a sqlite-vec
index, then the service itself (uvicorn, as `python -m PKG` runs it) answers `POST /ask` with
the chat model's answer and the chunks as citations. One llama.cpp server serves both
bindings: the tiny GGUF with mean pooling (models/tiny_gguf.py) embeds, and still answers
"Hello world!" to any chat."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.contract import envs
from tests.contract.conftest import MODELS
from tests.contract.generated import CATALOG, Project
from tests.contract.processes import Server, free_ports, start, stop, venv_env, wait_ready
from tests.templates.predictive_helpers import idp, isolated

pytestmark = [pytest.mark.contract, pytest.mark.slow]

CHAT, EMBEDDINGS = "contract/tiny-llama@1.0.0", "contract/tiny-embed@1.0.0"
ANSWER = "Hello world!"
DOCS = {
    "guide.md": "# Keys\n\nRotate the signing keys every ninety days.\n\n" + "More text. " * 60,
    "notes/faq.txt": "The service answers from the ingested documents only.\n",
}


@pytest.fixture(scope="module")
def embed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    try:
        venv = envs.ensure("llama")
    except envs.BuildError as exc:
        pytest.fail(f"could not build the llama server environment: {exc}", pytrace=False)
    root = tmp_path_factory.mktemp("embed")
    python = str(venv / "bin" / "python")
    made = subprocess.run(
        [python, str(MODELS / "tiny_gguf.py"), str(root / "tiny-embed.gguf"), "--embedding"],
        env=venv_env(venv),
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    [port] = free_ports(1)
    args = [python, "-m", "llama_cpp.server", "--model", str(root / "tiny-embed.gguf")]
    args += ["--model_alias", "tiny-embed", "--embedding", "true", "--host", "127.0.0.1"]
    # a prompt holds the system prompt and TOP_K chunks, spelled mostly byte by byte
    args += ["--port", str(port), "--n_ctx", "2048", "--n_threads", "2"]
    url = f"http://127.0.0.1:{port}"
    starting = start(
        "llama-embed",
        args,
        env=venv_env(venv),
        url=url,
        ready_path="/v1/models",
        log=root / "server.log",
        cwd=root,
    )
    try:
        yield wait_ready(starting)
    finally:
        stop(starting.process)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    dest = tmp_path_factory.mktemp("rag") / "ask-docs"
    # a copy outside git: read as it is, whichever branch this checkout is on
    catalog = shutil.copy(CATALOG, dest.parent / "catalog.yaml")
    args: list[str | Path] = ["new", dest, "-t", "rag-service", "-m", CHAT]
    args += ["-m", f"embeddings={EMBEDDINGS}", "--catalog", catalog, "--defaults", "-o", "json"]
    with isolated(dest.parent / "home"):
        result = idp(*args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["bindings"] == {"embeddings": EMBEDDINGS}
    return Project(dest)


def _env(project: Project, server: Server, index: Path, **extra: str) -> dict[str, str]:
    env = venv_env(Path(sys.prefix))
    env.update(
        PYTHONPATH=f"{project.path / 'src'}",
        PYTHONDONTWRITEBYTECODE="1",
        CHAT_MODEL_ENDPOINT=server.url,
        EMBEDDINGS_MODEL_ENDPOINT=server.url,
        VECTOR_STORE_URL=str(index),
        CHUNK_SIZE="200",
        CHUNK_OVERLAP="20",
    )
    env.update(extra)
    return env


def _ingest(
    project: Project, env: dict[str, str], docs: Path, *more: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", project.package, "ingest", str(docs), *more],
        cwd=project.path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    for name, text in DOCS.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def ingested(project: Project, embed_server: Server, docs: Path) -> tuple[Path, str]:
    index = project.path.parent / "index.sqlite3"
    result = _ingest(project, _env(project, embed_server, index), docs)
    assert result.returncode == 0, result.stdout + result.stderr
    return index, result.stdout


@pytest.fixture(scope="module")
def service(project: Project, embed_server: Server, ingested: tuple[Path, str]) -> Iterator[str]:
    [port] = free_ports(1)
    env = _env(project, embed_server, ingested[0], HOST="127.0.0.1", PORT=str(port))
    url = f"http://127.0.0.1:{port}"
    log = project.path.parent / "service.log"
    starting = start(
        "rag-service",
        [sys.executable, "-m", project.package],
        env=env,
        url=url,
        ready_path="/livez",
        log=log,
        cwd=project.path,
    )
    try:
        wait_ready(starting)
        yield url
    finally:
        stop(starting.process)


def _call(url: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    import httpx

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
    assert len(body["citations"]) == 3
    sources = {(c["source"], c["chunk"]) for c in body["citations"]}
    assert sources <= {("guide.md", i) for i in range(20)} | {("notes/faq.txt", 0)}
    assert [c["n"] for c in body["citations"]] == [1, 2, 3]
    assert all(c["text"] for c in body["citations"])


def test_readyz_sees_both_upstreams_and_the_index(service: str, ingested: tuple[Path, str]) -> None:
    status, body = _call(service + "/readyz")

    assert status == 200, body
    assert body["checks"]["chat"]["ok"] and body["checks"]["embeddings"]["ok"]
    assert body["checks"]["store"]["chunks"] > 0


def test_an_index_of_another_dimension_is_a_clear_error(
    project: Project, embed_server: Server, docs: Path, tmp_path: Path
) -> None:
    index = tmp_path / "other.sqlite3"
    env = _env(project, embed_server, index)
    # an index built for 384-dimension vectors, by the project's own store
    build = (
        f"from pathlib import Path; from {project.package}.store import SqliteVecStore; "
        f"SqliteVecStore(Path({str(index)!r}), model='contract/tiny-embed', dimension=384).close()"
    )
    made = subprocess.run([sys.executable, "-c", build], env=env, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr

    refused = _ingest(project, env, docs)
    rebuilt = _ingest(project, env, docs, "--rebuild")

    assert refused.returncode == 1
    assert "built by contract/tiny-embed with 384-dimension vectors" in refused.stderr
    assert "--rebuild" in refused.stderr
    assert rebuilt.returncode == 0, rebuilt.stderr
