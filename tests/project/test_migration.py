"""`idp update` of a project generated before the app templates were composed of parts.

The project is made by the idp of that time: this repository's tree at the commit before the
templates were composed, run from a `git archive` of it with its version set to 0.0.9 (so the
bundled templates' snapshots hold that version beside this idp's). The user edits a file that
moved to a part at the same path (.gitignore, now app-base's) and one that moved to another path
(the client, now predictive-client's or chat-client's `PKG/model_client/`); the update must keep
both edits and leave exactly the project this idp makes from the updated answers, plus them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.helpers import Invoke, commit_all, git, make_repo
from tests.project.fleet import snapshot
from tests.templates.test_answers_roundtrip import assert_same_tree, rerender

ROOT = Path(__file__).resolve().parents[2]
OLD_VERSION = "0.0.9"
USER_LINE = "# the team's own line\n"
USER_CODE = "\n\ndef team_helper() -> str:\n    return 'ours'\n"
MODELS = {
    "prediction-service": "acme/churn-classifier@4.0.0",
    "batch-scoring": "acme/churn-classifier@4.0.0",
    "chat-service": "meta-llama/llama-3.1-8b-instruct@2.1.0",
}
# A client module the team edits: where it was, and where its part writes it now. One whose
# new version changed little (the client modules grew async clients since, and an edit where
# the template changed too is a conflict the user resolves, as in any update).
EDITED = {
    "prediction-service": "signature.py",
    "batch-scoring": "signature.py",
    "chat-service": "config.py",
}


def client_paths(template: str) -> tuple[str, str]:
    return f"src/app/{EDITED[template]}", f"src/app/model_client/{EDITED[template]}"


@pytest.fixture(scope="module")
def old_idp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """idp as it was before the templates were composed, as release 0.0.9."""
    added = git(
        ROOT, "log", "--diff-filter=A", "--format=%H", "--", "templates/app-base/copier.yml"
    )
    composed = added.split()[-1]
    tree = tmp_path_factory.mktemp("idp-0.0.9")
    archive = tree / "tree.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "archive", f"{composed}^"], cwd=ROOT, stdout=out, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    init = tree / "idp_cli" / "__init__.py"
    init.write_text(init.read_text().replace('"0.1.0"', f'"{OLD_VERSION}"'))
    assert f'"{OLD_VERSION}"' in init.read_text()
    return tree


def _generate_with(idp: Path, template: str, ref: str, where: Path) -> Path:
    environ = {**os.environ, "PYTHONPATH": str(idp)}
    done = subprocess.run(
        [sys.executable, "-m", "idp_cli", "new", "app", "-t", template, "-m", ref, "--defaults"],
        cwd=where, env=environ, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return where / "app"


def _edit(project: Path, client: str) -> None:
    with (project / ".gitignore").open("a") as f:
        f.write(USER_LINE)
    with (project / client).open("a") as f:
        f.write(USER_CODE)


@pytest.mark.slow
@pytest.mark.parametrize("template", sorted(MODELS))
def test_an_old_layout_project_updates_into_the_composed_layout(
    invoke: Invoke, old_idp: Path, tmp_path: Path, template: str
) -> None:
    before, after = client_paths(template)
    (tmp_path / "old").mkdir()
    project = _generate_with(old_idp, template, MODELS[template], tmp_path / "old")
    assert not list(project.glob(".copier-answers.app-*.yml"))  # the old layout
    assert (project / before).is_file()
    make_repo(project)
    commit_all(project, "Generate project")
    _edit(project, before)
    commit_all(project, "The team's edits")

    result = invoke("update", project, "--defaults", "-o", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    done = json.loads(result.stdout)
    assert done["conflicts"] == []
    assert done["template"]["from"] == f"v{OLD_VERSION}"
    assert git(project, "ls-files", "--unmerged") == ""
    for part in ("base", "client"):
        assert (project / f".copier-answers.app-{part}.yml").is_file()
    assert not (project / before).exists()
    assert (project / ".gitignore").read_text().endswith(USER_LINE)
    assert (project / after).read_text().endswith(USER_CODE)  # followed the move

    # exactly what the new version renders from the updated answers, plus the team's edits
    again = tmp_path / "again" / "app"
    rerender(project, again)
    _edit(again, after)
    assert_same_tree(project, again)
    # and the files a project made by this idp has
    (tmp_path / "new").mkdir()
    fresh = invoke("new", tmp_path / "new" / "app", "-t", template, "-m", MODELS[template],
                   "--defaults")  # fmt: skip
    assert fresh.exit_code == 0, fresh.stderr
    assert sorted(snapshot(project)) == sorted(snapshot(tmp_path / "new" / "app"))

    commit_all(project, "Update")
    assert invoke("check", project).exit_code == 0
    current = invoke("update", project, "--defaults")
    assert current.exit_code == 0, current.stderr
    assert "Already up to date" in current.stdout


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["inline", "rej"])
def test_an_edit_the_new_version_also_makes_is_a_conflict(
    invoke: Invoke, old_idp: Path, tmp_path: Path, mode: str
) -> None:
    project = _generate_with(old_idp, "prediction-service", MODELS["prediction-service"], tmp_path)
    make_repo(project)
    commit_all(project, "Generate project")
    # a line the new version changes (the README's model card moved to the client's README)
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("## Model card", "## Our model card"))
    commit_all(project, "The team's edit")
    before = snapshot(project)
    conflicts = ["README.md"] if mode == "inline" else ["README.md.rej"]
    preview = invoke("update", project, "--pretend", "--conflict", mode, "-o", "json")
    assert preview.exit_code == 6, preview.stdout + preview.stderr
    assert json.loads(preview.stdout)["conflicts"] == conflicts
    assert snapshot(project) == before  # worked in a clone

    result = invoke("update", project, "--defaults", "--conflict", mode, "-o", "json")
    assert result.exit_code == 6, result.stdout + result.stderr
    assert json.loads(result.stdout)["conflicts"] == conflicts
    unmerged = git(project, "diff", "--name-only", "--diff-filter=U")
    if mode == "inline":
        assert "<<<<<<<" in readme.read_text()
        assert "README.md" in unmerged
    else:  # the team's version stays; what the new version changes in it is beside it
        assert readme.read_text() == before["README.md"].decode()
        assert "-## Model card" in (project / "README.md.rej").read_text()
        assert unmerged == ""
    # everything else merged: the parts are in place
    assert (project / "src/app/model_client/client.py").is_file()


@pytest.mark.slow
def test_with_a_binding_of_its_own_beside_the_app(
    invoke: Invoke, old_idp: Path, tmp_path: Path
) -> None:
    project = _generate_with(old_idp, "prediction-service", MODELS["prediction-service"], tmp_path)
    make_repo(project)
    commit_all(project, "Generate project")
    added = invoke("add", project, "--model", MODELS["chat-service"], "--as", "chat", "--defaults")
    assert added.exit_code == 0, added.stderr
    commit_all(project, "Bind a chat model")
    chat_before = {k: v for k, v in snapshot(project).items() if "chat" in k}

    result = invoke("update", project, "--defaults", "-o", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    done = json.loads(result.stdout)
    assert [(b["name"], b["updated"]) for b in done["bindings"]] == [
        ("prediction-service", True),
        ("chat", False),
    ]
    assert (project / ".copier-answers.app-client.yml").is_file()
    assert {k: v for k, v in snapshot(project).items() if "chat" in k} == chat_before
    assert git(project, "log", "--format=%s", "-1") == "Bind a chat model"  # no commit left
