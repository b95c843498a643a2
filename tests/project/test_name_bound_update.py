"""`idp update` on a project bound to a model *name* (training-project, `_idp.binds: name`):
there is no model version to move, so `--latest` (what an update job runs) updates the
template and says why no model moved; `--model` naming another model is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import Invoke, commit_all, git, make_repo
from tests.project.fleet import release
from tests.project.test_bundled_updates import template_repo_from_bundled

MODEL = "acme/churn-classifier"


def _training_project(invoke: Invoke, tmp_path: Path) -> tuple[Path, Path]:
    """(template repository released as v1, a training project generated from it)."""
    repo = template_repo_from_bundled(tmp_path / "template", "training-project")
    project = tmp_path / "churn-training"
    made = invoke("new", project, "-t", f"file://{repo}", "-m", MODEL, "--defaults")
    assert made.exit_code == 0, made.stderr
    make_repo(project)
    commit_all(project, "Generate project")
    return repo, project


@pytest.mark.slow
def test_latest_updates_the_template_and_says_no_model_version_moves(
    invoke: Invoke, tmp_path: Path
) -> None:
    repo, project = _training_project(invoke, tmp_path)
    readme = repo / "template" / "README.md.jinja"
    text = readme.read_text(encoding="utf-8") + "\nA paragraph added in v2.\n"
    release(repo, {"template/README.md.jinja": text}, "v2")

    result = invoke("update", project, "--latest", "--defaults", "-o", "json")

    assert result.exit_code == 0, result.stdout + result.stderr
    done = json.loads(result.stdout)
    assert (done["template"]["from"], done["template"]["to"]) == ("v1", "v2")
    assert done["trains"] == MODEL
    assert done["model"] == {"from": None, "to": None}
    assert "no model version to move" in done["note"]
    assert done["conflicts"] == []
    assert (project / "README.md").read_text(encoding="utf-8").endswith("added in v2.\n")


@pytest.mark.slow
def test_latest_on_a_current_project_is_a_no_op_with_the_note(
    invoke: Invoke, tmp_path: Path
) -> None:
    _, project = _training_project(invoke, tmp_path)

    result = invoke("update", project, "--latest", "--defaults")

    assert result.exit_code == 0, result.stdout + result.stderr
    assert "Already up to date" in result.stdout
    note = " ".join(result.stderr.split())
    assert f"churn-training trains {MODEL}, bound to the model's name" in note
    assert "no model version to move" in note
    assert git(project, "status", "--porcelain") == ""


@pytest.mark.slow
@pytest.mark.parametrize("other", ["acme/other-model", f"{MODEL}@4.0.0"])
def test_model_naming_another_model_or_a_version_is_refused(
    invoke: Invoke, tmp_path: Path, other: str
) -> None:
    _, project = _training_project(invoke, tmp_path)

    result = invoke("update", project, "--model", other, "--defaults")

    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert f"trains {MODEL}, bound to the model's name: --model {other} cannot bind it" in message
    assert "nothing was changed" in message
    assert git(project, "status", "--porcelain") == ""


@pytest.mark.slow
def test_model_naming_its_own_model_is_the_same_as_latest(invoke: Invoke, tmp_path: Path) -> None:
    _, project = _training_project(invoke, tmp_path)

    result = invoke("update", project, "--model", MODEL, "--defaults", "-o", "json")

    assert result.exit_code == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["trains"] == MODEL
