"""A small FastAPI project that idp did not generate, with its own tests and pyproject.toml,
for `idp add`: written into tmp_path as files (a folder under tests/ would be collected as
idp's own tests) and committed in a git repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import commit_all, make_repo

PYPROJECT = """\
[project]
name = "shop"
version = "0.3.0"
requires-python = ">=3.11"
dependencies = ["fastapi>=0.110", "httpx>=0.27"]

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["src"]
"""

APP = '''\
"""The shop's API: its own code, which `idp add` must leave alone."""

from fastapi import FastAPI

app = FastAPI(title="shop")
ITEMS = {"1": "kettle", "2": "teapot"}


@app.get("/items/{item_id}")
def item(item_id: str) -> dict[str, str]:
    return {"id": item_id, "name": ITEMS.get(item_id, "unknown")}
'''

CONFTEST = """\
import pytest
from fastapi.testclient import TestClient

from shop.api import app


@pytest.fixture
def client() -> TestClient:
    return TestClient(app)
"""

TEST_API = """\
def test_item(client):
    assert client.get("/items/1").json() == {"id": "1", "name": "kettle"}
"""

FILES = {
    "pyproject.toml": PYPROJECT,
    "README.md": "# shop\n\nThe shop's API.\n",
    ".gitignore": "__pycache__/\n.pytest_cache/\n",
    "src/shop/__init__.py": '"""The shop."""\n',
    "src/shop/api.py": APP,
    "tests/conftest.py": CONFTEST,
    "tests/test_api.py": TEST_API,
}


def make(path: Path, files: dict[str, str] | None = None) -> Path:
    """The project in a new git repository, committed."""
    make_repo(path)
    for rel, text in (FILES if files is None else files).items():
        target = path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    commit_all(path, "The shop")
    return path


def run_pytest(project: Path, env: dict[str, str] | None = None) -> str:
    """The project's own test suite, with this interpreter (which has fastapi, httpx,
    pydantic and pytest), offline; returns pytest's report, a line per test."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    environ.update(env or {})
    environ.update(
        HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9",
        PYTHONDONTWRITEBYTECODE="1",
    )  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-p", "no:randomly"],
        cwd=project,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    return result.stdout
