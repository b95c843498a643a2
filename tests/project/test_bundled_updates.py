"""`idp update` on projects from the real bundled templates: a project nobody touched updates
without a conflict, the user's edits survive, and a real conflict is still reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from idp_cli.ci import CI_SYSTEMS, DEFAULT_CI
from tests.helpers import Invoke, commit_all, git, make_repo
from tests.project.fleet import answers, release, snapshot
from tests.templates.matrix import ids, servable

REPO = Path(__file__).resolve().parents[2]
DEPRECATED = [pair for pair in servable() if pair.retired]
CHURN_OLD, CHURN_NEW = "acme/churn-classifier@3.2.1", "acme/churn-classifier@4.0.0"
# One deprecated version each bundled template can serve.
OLD_VERSION = {
    "chat-service": "meta-llama/llama-3.1-8b-instruct@2.0.0",
    "prediction-service": CHURN_OLD,
    "batch-scoring": CHURN_OLD,
    "rag-service": "meta-llama/llama-3.1-8b-instruct@2.0.0",
}
# `idp new`'s other arguments for a template with bindings of its own
OLD_EXTRA: dict[str, tuple[str, ...]] = {
    "rag-service": ("-m", "embeddings=baai/bge-small-en-v1.5@1.0.0")
}


def new_committed(invoke: Invoke, project: Path, template: str, ref: str, *options: str) -> Path:
    made = invoke(
        "new", project, "-t", template, "-m", ref, "--defaults", "--allow-deprecated", *options
    )
    assert made.exit_code == 0, made.stderr
    make_repo(project)
    commit_all(project, "Generate project")
    return project


def update_latest(invoke: Invoke, project: Path) -> dict[str, Any]:
    result = invoke("update", project, "--latest", "--defaults", "-o", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    done: dict[str, Any] = json.loads(result.stdout)
    assert done["conflicts"] == []
    assert_merged_cleanly(project)
    return done


def assert_merged_cleanly(project: Path) -> None:
    assert git(project, "diff", "--name-only", "--diff-filter=U") == ""
    untracked = git(project, "ls-files", "--others", "--exclude-standard").splitlines()
    assert not [name for name in untracked if name.endswith(".rej")]
    marked = [
        name
        for name, content in snapshot(project).items()
        if b"<<<<<<< " in content or b">>>>>>> " in content
    ]
    assert marked == []


def test_every_template_has_deprecated_versions_to_update_from() -> None:
    assert {pair.template for pair in DEPRECATED} == set(OLD_VERSION)
    assert len(DEPRECATED) >= 12


@pytest.mark.slow
@pytest.mark.parametrize(("template", "ref", "retired", "extra"), DEPRECATED, ids=ids(DEPRECATED))
def test_an_untouched_project_updates_to_the_successor_as_if_new(
    invoke: Invoke, tmp_path: Path, template: str, ref: str, retired: bool, extra: tuple[str, ...]
) -> None:
    project = new_committed(invoke, tmp_path / "app", template, ref, *extra)
    update_latest(invoke, project)
    successor = str(answers(project)["model_ref"])
    # each of the app's own bindings, as `--model NAME=REF` with its version after the update
    now = tuple(
        arg
        for option in extra[1::2]
        for arg in ("-m", f"{option.split('=')[0]}={own_model(project, option.split('=')[0])}")
    )
    assert (successor, now) != (ref, extra), "a retired binding moved to its successor"
    # Nobody touched the project, so the merge leaves exactly what `idp new` makes today.
    fresh = tmp_path / "fresh" / "app"
    args = ("-t", template, "-m", successor, *now, "--defaults", "--allow-deprecated")
    made = invoke("new", fresh, *args)
    assert made.exit_code == 0, made.stderr
    assert snapshot(project) == snapshot(fresh)


@pytest.mark.slow
@pytest.mark.parametrize("ci", [ci for ci in CI_SYSTEMS if ci != DEFAULT_CI])
@pytest.mark.parametrize("template", sorted(OLD_VERSION))
def test_an_untouched_project_updates_cleanly_with_each_ci_system(
    invoke: Invoke, tmp_path: Path, template: str, ci: str
) -> None:
    """The matrix above uses the default CI system; each other one, once per template."""
    extra = OLD_EXTRA.get(template, ())
    project = new_committed(
        invoke, tmp_path / "app", template, OLD_VERSION[template], *extra, "--ci", ci
    )
    update_latest(invoke, project)
    successor = str(answers(project)["model_ref"])
    # an app's own bindings, as the update left them
    own = [f"{name}={own_model(project, name)}" for name in (a.split("=")[0] for a in extra[1::2])]
    fresh = tmp_path / "fresh" / "app"
    made = invoke(
        "new", fresh, "-t", template, "-m", successor, *(a for o in own for a in ("-m", o)),
        "--ci", ci, "--defaults", "--allow-deprecated",
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    assert snapshot(project) == snapshot(fresh)


def own_model(project: Path, binding: str) -> str:
    import yaml

    path = project / f".copier-answers.{binding}.yml"
    return str(yaml.safe_load(path.read_text(encoding="utf-8"))["model_ref"])


def template_repo_from_bundled(path: Path, name: str) -> Path:
    """The bundled template as its own git repository, released as v1."""
    make_repo(path)
    shutil.copytree(REPO / "templates" / name, path, dirs_exist_ok=True)
    commit_all(path, "release v1")
    git(path, "tag", "v1")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("template", sorted(OLD_VERSION))
def test_a_new_template_version_and_model_version_merge_without_conflicts(
    invoke: Invoke, tmp_path: Path, template: str
) -> None:
    repo = template_repo_from_bundled(tmp_path / "template", template)
    project = new_committed(
        invoke,
        tmp_path / "app",
        f"file://{repo}",
        OLD_VERSION[template],
        *OLD_EXTRA.get(template, ()),
    )
    readme = repo / "template" / "README.md.jinja"
    release(
        repo,
        {
            "template/README.md.jinja": readme.read_text(encoding="utf-8")
            + "\nA paragraph added in v2.\n",
            "template/SUPPORT.md": "Ask in #platform.\n",
        },
        "v2",
    )
    done = update_latest(invoke, project)
    # a project with several bindings reports each, the app template's first
    app_update = done["bindings"][0] if "bindings" in done else done
    assert {k: v for k, v in app_update["template"].items() if k != "src"} == {
        "from": "v1",
        "to": "v2",
    }
    assert answers(project)["model_ref"] != OLD_VERSION[template]
    assert (
        (project / "README.md").read_text(encoding="utf-8").endswith("\nA paragraph added in v2.\n")
    )
    assert (project / "SUPPORT.md").is_file()


def test_user_edits_survive_a_model_update(invoke: Invoke, tmp_path: Path) -> None:
    project = new_committed(invoke, tmp_path / "u", "prediction-service", CHURN_OLD)
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\nOn call: #team-retention.\n")
    app = project / "src" / "u" / "app.py"
    text = app.read_text()
    head, _, tail = text.rpartition("    return app\n")
    route = '    @app.get("/owner")\n    def owner() -> dict[str, str]:\n        return {"team": "retention"}\n\n'
    app.write_text(head + route + "    return app\n" + tail)
    (project / "NOTES.md").write_text("Our own notes.\n")
    test_app = project / "tests" / "test_app.py"
    test_app.write_text(test_app.read_text() + "\n\ndef test_ours() -> None:\n    assert True\n")
    commit_all(project, "user edits")
    edited = snapshot(project)

    update_latest(invoke, project)
    assert answers(project)["model_ref"] == CHURN_NEW
    assert (
        json.loads((project / "src" / "u" / "model_client" / "binding.json").read_text())[
            "model_ref"
        ]
        == CHURN_NEW
    )
    assert readme.read_text().endswith("\nOn call: #team-retention.\n")
    assert CHURN_NEW in readme.read_text()  # the template's side of the same file
    assert route in app.read_text()
    assert (project / "NOTES.md").read_bytes() == edited["NOTES.md"]
    assert test_app.read_text().endswith("\n\ndef test_ours() -> None:\n    assert True\n")


def test_an_edit_to_a_line_the_update_changes_is_a_conflict(invoke: Invoke, tmp_path: Path) -> None:
    project = new_committed(invoke, tmp_path / "u", "prediction-service", CHURN_OLD)
    readme = project / "README.md"
    old_line = next(line for line in readme.read_text().splitlines() if f"**{CHURN_OLD}**" in line)
    readme.write_text(readme.read_text().replace(old_line, old_line + " Our fork."))
    commit_all(project, "user edits the line naming the model")

    result = invoke("update", project, "--latest", "--defaults", "-o", "json")
    assert result.exit_code == 6, result.stderr
    assert json.loads(result.stdout)["conflicts"] == ["README.md"]
    text = readme.read_text()
    assert "<<<<<<< before updating" in text and ">>>>>>> after updating" in text
    assert old_line + " Our fork." in text  # nothing the user wrote is lost
    assert f"**{CHURN_NEW}**" in text
    assert git(project, "diff", "--name-only", "--diff-filter=U") == "README.md"
