"""The Tekton update step end to end with the real idp: a chat-service project generated
with `--ci tekton` from a catalog that is a real git repository, pushed to a bare remote;
the catalog then deprecates the bound version for a successor; the step's script, run as
Tekton runs it with the test venv's idp standing in for the one it installs, finds the
drift, regenerates the project, pushes idp/update and opens the pull request on a local
fake of GitHub's API."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from tests.helpers import Invoke, commit_all, make_repo
from tests.project.fleet import CATALOG_V1, CATALOG_V2, catalog_repo, publish
from tests.templates.ci_projects import Project, tekton_step
from tests.templates.fake_forge import fake_forge
from tests.templates.tekton_steps import git, run_step

BOT_TOKEN = "test-bot-token-value-e2e-0123"


@pytest.mark.slow
def test_the_update_step_proposes_the_successor(invoke: Invoke, tmp_path: Path) -> None:
    catalog = catalog_repo(tmp_path / "catalog", CATALOG_V1)
    project = tmp_path / "app"
    made = invoke(
        "new", project, "-t", "chat-service", "-m", "acme/assistant@1.0.0",
        "--catalog", catalog, "--ci", "tekton", "--defaults",
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    make_repo(project)
    commit_all(project, "Generate project")
    bare = tmp_path / "server" / "team" / "app.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(project), str(bare))
    checkout = tmp_path / "checkout"
    git(tmp_path, "clone", "--quiet", f"file://{bare}", str(checkout))
    publish(catalog, CATALOG_V2)

    step = tekton_step(Project("chat-service", "tekton", project), "idp-update", "update")
    # The isolated test environment (HOME, idp's config and cache, git identity), as a pod
    # has its own.
    isolated = {k: v for k, v in os.environ.items() if k.startswith(("IDP_", "GIT_", "XDG_"))}
    with fake_forge() as forge:
        env = {
            **isolated,
            "HOME": os.environ["HOME"],
            "IDP_SUMMARY_FILE": str(tmp_path / "idp-update-summary.md"),
            "REPO_URL": f"file://{bare}",
            "TARGET_BRANCH": "main",
            "REPO_OWNER": "team",
            "REPO_NAME": "app",
            "FORGE": "github",
            "FORGE_API_URL": forge.url,
            "IDP_BOT_TOKEN": BOT_TOKEN,
        }
        run = run_step(step, checkout, tmp_path, env, fake_idp=False)
    assert run.code == 0, run.output
    assert run.log("idp") == [], "the real idp ran, not the stand-in"
    assert "Opened pull request #9 from idp/update." in run.output

    # The branch holds the project regenerated for the successor ...
    pushed = yaml.safe_load(git(bare, "show", "idp/update:.copier-answers.yml"))
    assert pushed["model_ref"] == "acme/assistant@2.0.0"
    assert "assistant-2" in git(bare, "show", "idp/update:.copier-answers.yml")
    assert git(bare, "rev-parse", "main") == git(project, "rev-parse", "HEAD"), "main untouched"
    # ... and the pull request carries idp's summary.
    search, opened = forge.requests
    assert (search.method, opened.method) == ("GET", "POST")
    assert opened.path == "/repos/team/app/pulls"
    assert opened.body["head"] == "idp/update" and opened.body["base"] == "main"
    summary = (tmp_path / "idp-update-summary.md").read_text(encoding="utf-8")
    assert opened.body["body"] == summary
    assert opened.body["title"] == summary.splitlines()[0].lstrip("# ")
    assert "acme/assistant" in opened.body["title"]
    assert git(bare, "log", "-1", "--format=%s", "idp/update") == opened.body["title"]
    # The .tekton files themselves came through the update unchanged.
    assert git(bare, "diff", "main", "idp/update", "--", ".tekton", "tekton") == ""
