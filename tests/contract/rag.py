"""What the rag-service contract tests share: the generated project (both bindings from the
contract catalog), its documents, and running its own commands against the live servers."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.contract.generated import CATALOG, Project
from tests.contract.processes import Server, venv_env
from tests.templates.predictive_helpers import idp, isolated

CHAT, EMBEDDINGS = "contract/tiny-llama@1.0.0", "contract/tiny-embed@1.0.0"
DOCS = {
    "guide.md": "# Keys\n\nRotate the signing keys every ninety days.\n\n" + "More text. " * 60,
    "notes/faq.txt": "The service answers from the ingested documents only.\n",
}


def generate(root: Path) -> Project:
    """`idp new ROOT/ask-docs -t rag-service` bound to the tiny chat and embedding models."""
    dest = root / "ask-docs"
    # a copy outside git: read as it is, whichever branch this checkout is on
    catalog = shutil.copy(CATALOG, root / "catalog.yaml")
    args: list[str | Path] = ["new", dest, "-t", "rag-service", "-m", CHAT]
    args += ["-m", f"embeddings={EMBEDDINGS}", "--catalog", catalog, "--defaults", "-o", "json"]
    with isolated(root / "home"):
        result = idp(*args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["bindings"] == {"embeddings": EMBEDDINGS}
    return Project(dest)


def write_docs(folder: Path) -> Path:
    for name, text in DOCS.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def project_env(project: Project, server: Server, store_url: str, **extra: str) -> dict[str, str]:
    """The project's environment: the one llama.cpp server for both bindings, the index."""
    env = venv_env(Path(sys.prefix))
    env.update(
        PYTHONPATH=f"{project.path / 'src'}",
        PYTHONDONTWRITEBYTECODE="1",
        CHAT_MODEL_ENDPOINT=server.url,
        EMBEDDINGS_MODEL_ENDPOINT=server.url,
        VECTOR_STORE_URL=store_url,
        CHUNK_SIZE="200",
        CHUNK_OVERLAP="20",
    )
    env.update(extra)
    return env


def python(project: Project, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` with idp's interpreter in the project's folder."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=project.path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def ingest(
    project: Project, env: dict[str, str], docs: Path, *more: str
) -> subprocess.CompletedProcess[str]:
    return python(project, env, "-m", project.package, "ingest", str(docs), *more)


def make_index(project: Project, env: dict[str, str], model: str, dimension: int) -> None:
    """An index built for `model` and `dimension` by the project's own store."""
    code = (
        f"from {project.package}.settings import RagSettings; "
        f"from {project.package}.store import open_store; "
        f"open_store(RagSettings.from_env().store_url, model={model!r}, "
        f"dimension={dimension}).close()"
    )
    made = python(project, env, "-c", code)
    assert made.returncode == 0, made.stderr


@pytest.fixture(scope="module")
def rag_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return generate(tmp_path_factory.mktemp("rag"))


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_docs(tmp_path_factory.mktemp("docs"))
