"""An app template composed of parts (`_idp.parts`): `idp new` renders the parts into the
project, each with its own answers file; `idp check` reports them as the app's one binding,
`idp update` updates them with it, and a binding `idp add` makes stays a binding of its own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from idp_cli import __version__
from idp_cli.project import bindings
from idp_cli.templates import snapshots
from tests.helpers import Invoke, commit_all, git
from tests.project.test_bundled_updates import CHURN_NEW, CHURN_OLD, new_committed, update_latest

PARTS = (
    ".copier-answers.app-base.yml",
    ".copier-answers.app-client.yml",
    ".copier-answers.app-deploy.yml",
)


def test_the_parts_are_the_apps_binding(invoke: Invoke, tmp_path: Path) -> None:
    project = new_committed(invoke, tmp_path / "job", "batch-scoring", CHURN_OLD)
    for name in PARTS:
        assert (project / name).is_file(), name
    assert (project / "src" / "job" / "model_client" / "client.py").is_file()

    found = bindings.find(project)
    assert [b.name for b in found] == ["batch-scoring"]
    assert sorted(a.path.name for a in found[0].parts) == list(PARTS)

    check = invoke("check", project, "-o", "json")
    assert check.exit_code == 5, check.stderr
    report = json.loads(check.stdout)
    assert "bindings" not in report  # one binding, reported as a one-binding project is
    assert report["model"]["ref"] == CHURN_OLD

    done = update_latest(invoke, project)
    changed = {f["path"] for f in done["files"]}
    assert {".copier-answers.yml", *PARTS} <= changed
    assert "src/job/model_client/binding.json" in changed
    binding = json.loads((project / "src/job/model_client/binding.json").read_text())
    assert binding["model_ref"] == CHURN_NEW
    for name in (".copier-answers.yml", *PARTS):
        assert f"model_ref: {CHURN_NEW}" in (project / name).read_text(), name


def test_a_binding_added_to_a_composed_app_is_its_own(invoke: Invoke, tmp_path: Path) -> None:
    project = new_committed(invoke, tmp_path / "svc", "prediction-service", CHURN_NEW)
    added = invoke("add", project, "--model", "acme/delivery-eta-regressor", "--as", "eta")
    assert added.exit_code == 0, added.stderr
    commit_all(project, "Add eta")

    found = bindings.find(project)
    assert [b.name for b in found] == ["prediction-service", "eta"]
    assert found[1].parts == ()
    taken = invoke("add", project, "--model", "acme/delivery-eta-regressor", "--as", "model")
    assert taken.exit_code != 0
    assert "model_client" in taken.stderr


def test_a_part_is_not_a_project_of_its_own(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("new", tmp_path / "p", "-t", "app-base", "--defaults")
    assert result.exit_code != 0
    assert "part of app templates" in result.stderr
    listed = invoke("templates", "list", "-o", "json")
    assert listed.exit_code == 0, listed.stderr
    assert "app-base" not in listed.stdout and "service-runner" not in listed.stdout


def test_a_part_that_fails_leaves_no_project(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from idp_cli.errors import IdpError
    from idp_cli.project import parts

    real = parts.render

    def failing(*args: Any, **kwargs: Any) -> list[str]:
        real(*args, **kwargs)  # the app and its parts are written...
        raise IdpError("a part failed to render")  # ...and then one fails

    monkeypatch.setattr(parts, "render", failing)
    result = invoke(
        "new", tmp_path / "app", "-t", "prediction-service", "-m", "acme/churn-classifier",
        "--defaults",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "a part failed to render" in result.stderr
    assert not (tmp_path / "app").exists()


def test_a_part_with_a_newer_version_of_its_own_is_reported_and_updated(
    invoke: Invoke, tmp_path: Path
) -> None:
    project = new_committed(invoke, tmp_path / "svc", "prediction-service", CHURN_NEW)
    # app-base's repository gets a version the app template does not have
    repo = snapshots.location("app-base")
    ignore = repo / "template" / ".gitignore"
    ignore.write_text(ignore.read_text() + "*.sqlite\n")
    git(repo, "commit", "--quiet", "-am", "app-base ignores databases")
    git(repo, "tag", "v0.1.1")

    check = invoke("check", project, "-o", "json")
    assert check.exit_code == 5, check.stderr
    report = json.loads(check.stdout)
    assert report["reasons"] == [f"part base: template v{__version__} -> v0.1.1"]
    assert report["template"]["outdated"] is False
    assert report["parts"]["client"]["outdated"] is False
    table = invoke("check", project)
    assert f"  part base: app-base v{__version__} → v0.1.1  outdated" in table.stdout
    doctor = invoke("doctor", project, "-o", "json")  # reads a binding as `check` does
    [binding] = json.loads(doctor.stdout)["project"]["bindings"]
    assert binding["outdated"] is True and binding["reasons"] == report["reasons"]

    update = invoke("update", project, "--defaults", "-o", "json")
    assert update.exit_code == 0, update.stderr
    changed = {f["path"] for f in json.loads(update.stdout)["files"]}
    assert changed == {".copier-answers.app-base.yml", ".gitignore"}
    assert (project / ".gitignore").read_text().endswith("*.sqlite\n")
