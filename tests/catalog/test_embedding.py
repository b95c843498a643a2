"""`embedding.dimension`: the vector size of an embedding model (task feature-extraction),
which the templates that index its vectors are built for."""

from __future__ import annotations

from pathlib import Path

import pytest

from idp_cli import binding
from idp_cli.catalog.read import load
from idp_cli.catalog.sources import resolve_source
from idp_cli.config import CatalogChoice
from tests.catalog.read_problems import check, only_problem
from tests.helpers import CATALOG, edit, load_spec, position, write_catalog

CHAT_VERSION = """    tags: [llm, chat]
    versions:
      - version: "1.0.0"
        lifecycle: production
"""


def _with_embedding(dimension: str, tasks: str = "feature-extraction") -> str:
    text = edit(CATALOG, "tasks: [text-generation]", f"tasks: [{tasks}]")
    return edit(
        text, CHAT_VERSION, CHAT_VERSION + f"        embedding: {{dimension: {dimension}}}\n"
    )


def test_an_embedding_model_declares_its_dimension(tmp_path: Path) -> None:
    loaded = load_spec(write_catalog(tmp_path / "c", _with_embedding("384")), use_cache=False)

    assert loaded.problems == []
    assert loaded.catalog is not None
    version = loaded.catalog.models[1].versions[0]
    assert version.raw["embedding"] == {"dimension": 384}
    endpoint = version.endpoints[0]
    assert binding.model_mapping(version, endpoint)["embedding_dimension"] == 384


@pytest.mark.parametrize("dimension", ["0", "-3", "big", "1.5"])
def test_a_dimension_must_be_a_positive_integer(tmp_path: Path, dimension: str) -> None:
    text = _with_embedding(dimension)
    _, problem = only_problem(tmp_path, text)

    assert problem.path == "models[1].versions[0].embedding.dimension"
    assert problem.line == position(text, f"dimension: {dimension}")[0]


def test_only_embedding_models_declare_a_dimension(tmp_path: Path) -> None:
    text = _with_embedding("384", tasks="text-generation")
    _, problem = only_problem(tmp_path, text)

    assert problem.path == "models[1].versions[0].embedding"
    assert "tasks: [feature-extraction]" in problem.message
    assert "text-generation" in problem.message


def test_an_unknown_key_under_embedding_is_refused(tmp_path: Path) -> None:
    text = edit(_with_embedding("384"), "{dimension: 384}", "{dimension: 384, dims: 3}")
    _, problems = check(tmp_path, text)

    assert [p.path for p in problems] == ["models[1].versions[0].embedding.dims"]


def test_the_bundled_embedding_models_have_their_dimension() -> None:
    loaded = load(resolve_source(CatalogChoice(None, None, "bundled")), use_cache=False)
    assert loaded.catalog is not None
    dimensions = {
        version.ref: (version.raw.get("embedding") or {}).get("dimension")
        for model in loaded.catalog.models
        if "feature-extraction" in model.tasks
        for version in model.versions
    }
    assert dimensions == {
        "baai/bge-small-en-v1.5@1.1.0": 384,
        "baai/bge-small-en-v1.5@1.0.0": 384,
        "nomic-ai/nomic-embed-text-v1.5@1.0.0": 768,
    }
