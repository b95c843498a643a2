from __future__ import annotations

import pytest

from tests.templates.ci_projects import TEMPLATE_NAMES, Project, generate_all


@pytest.fixture(scope="session")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Project]:
    """Each bundled template with each CI system, generated once with the real `idp new`."""
    return generate_all(tmp_path_factory.mktemp("ci-projects"))


@pytest.fixture(params=TEMPLATE_NAMES)
def github_project(
    request: pytest.FixtureRequest, projects: dict[tuple[str, str], Project]
) -> Project:
    return projects[request.param, "github"]


@pytest.fixture(params=TEMPLATE_NAMES)
def gitlab_project(
    request: pytest.FixtureRequest, projects: dict[tuple[str, str], Project]
) -> Project:
    return projects[request.param, "gitlab"]


@pytest.fixture(params=TEMPLATE_NAMES)
def tekton_project(
    request: pytest.FixtureRequest, projects: dict[tuple[str, str], Project]
) -> Project:
    return projects[request.param, "tekton"]
