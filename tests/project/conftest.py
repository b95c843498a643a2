"""The world most check/update tests start from: template v1, a catalog, and a project
generated from both and committed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import Invoke
from tests.project.fleet import catalog_repo, generate, template_repo


@pytest.fixture
def world(invoke: Invoke, tmp_path: Path) -> tuple[Path, Path, Path]:
    template = template_repo(tmp_path / "template")
    catalog = catalog_repo(tmp_path / "catalog")
    project = generate(invoke, template, catalog, tmp_path / "app", "acme/assistant")
    return template, catalog, project
