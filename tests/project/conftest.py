"""The worlds check/update tests start from: template v1, a catalog, and a project generated
from both and committed; and the same project with a second binding."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import Invoke
from tests.project.fleet import catalog_repo, generate, template_repo
from tests.project.two_bindings import CATALOG_TWO_MODELS, add_client, client_template_repo


@pytest.fixture
def world(invoke: Invoke, tmp_path: Path) -> tuple[Path, Path, Path]:
    template = template_repo(tmp_path / "template")
    catalog = catalog_repo(tmp_path / "catalog")
    project = generate(invoke, template, catalog, tmp_path / "app", "acme/assistant")
    return template, catalog, project


@pytest.fixture
def two_bindings(invoke: Invoke, tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    """(app template, client template, catalog, project)."""
    app = template_repo(tmp_path / "template")
    client = client_template_repo(tmp_path / "client")
    catalog = catalog_repo(tmp_path / "catalog", CATALOG_TWO_MODELS)
    project = generate(invoke, app, catalog, tmp_path / "app", "acme/assistant")
    add_client(invoke, client, catalog, project, "acme/summarizer")
    return app, client, catalog, project
