"""Every way `idp check` and `idp update` can be handed a bad project: a clear message, exit 1
(2 for usage), and the project exactly as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.helpers import Invoke, commit_all, git
from tests.project.fleet import (
    V2,
    head,
    publish,
    release,
    snapshot,
)


def refused(invoke: Invoke, project: Path, *args: str, code: int = 1) -> str:
    """Run check and update; both must fail with `code` and leave the project untouched."""
    before = snapshot(project) if project.is_dir() else {}
    revision = head(project) if (project / ".git").is_dir() else None
    messages = []
    for command in (["check", str(project)], ["update", str(project)]):
        result = invoke(*command, *args)
        assert result.exit_code == code, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit), command
        messages.append(result.stderr)
    if project.is_dir():
        assert snapshot(project) == before
    if revision is not None:
        assert head(project) == revision
    return "\n".join(messages)


def test_a_folder_that_is_not_a_generated_project(invoke: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "README.md").write_text("hello\n")
    git(folder, "init", "-q")
    commit_all(folder, "plain")
    message = refused(invoke, folder)
    assert "not a generated project (no .copier-answers.yml)" in message


def test_a_missing_folder(invoke: Invoke, tmp_path: Path) -> None:
    assert refused(invoke, tmp_path / "nowhere").count("no such folder") == 2


def test_a_broken_answers_file(invoke: Invoke, world: tuple[Path, Path, Path]) -> None:
    _, _, project = world
    answers = project / ".copier-answers.yml"
    answers.write_text(answers.read_text().replace("_commit: v1", "_commit: [v1"))
    commit_all(project, "hand edit")
    message = refused(invoke, project)
    assert f"{answers}:" in message and "invalid YAML" in message


def test_an_answers_file_without_the_template_version(
    invoke: Invoke, world: tuple[Path, Path, Path]
) -> None:
    _, _, project = world
    answers = project / ".copier-answers.yml"
    answers.write_text(answers.read_text().replace("_commit: v1\n", ""))
    commit_all(project, "hand edit")
    assert "field _commit is missing" in refused(invoke, project)


def test_a_template_that_is_no_longer_reachable(
    invoke: Invoke, world: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    template, _, project = world
    shutil.move(template, tmp_path / "moved")
    message = refused(invoke, project)
    assert "is not reachable" in message and "_src_path" in message


def test_a_model_removed_from_the_catalog(invoke: Invoke, world: tuple[Path, Path, Path]) -> None:
    _, catalog, project = world
    text = (catalog / "catalog.yaml").read_text()
    publish(catalog, text.replace("acme/assistant", "acme/assistant-next"))
    message = refused(invoke, project)
    assert "model 'acme/assistant', bound in" in message
    assert "Did you mean acme/assistant-next?" in message


def test_an_unknown_template_ref(invoke: Invoke, world: tuple[Path, Path, Path]) -> None:
    _, _, project = world
    before = snapshot(project)
    result = invoke("update", project, "--template-ref", "v9")
    assert result.exit_code == 1
    assert "template ref 'v9' does not exist" in result.stderr and "Tags: v1" in result.stderr
    assert snapshot(project) == before


def test_a_downgrade_is_refused(invoke: Invoke, world: tuple[Path, Path, Path]) -> None:
    template, _, project = world
    release(template, V2, "v2")
    assert invoke("update", project).exit_code == 0
    commit_all(project, "v2")
    result = invoke("update", project, "--template-ref", "v1")
    assert result.exit_code == 1
    assert "older than the project's template version v2" in result.stderr


def test_a_dirty_tree_is_refused(invoke: Invoke, world: tuple[Path, Path, Path]) -> None:
    template, _, project = world
    release(template, V2, "v2")
    (project / "notes.txt").write_text("unsaved work\n")
    (project / "scratch.py").write_text("print()\n")
    before = snapshot(project)
    result = invoke("update", project)
    assert result.exit_code == 1
    assert "uncommitted changes (notes.txt, scratch.py)" in result.stderr
    assert "git stash -u" in result.stderr
    assert snapshot(project) == before


def test_a_project_outside_git(invoke: Invoke, world: tuple[Path, Path, Path]) -> None:
    _, _, project = world
    shutil.rmtree(project / ".git")
    result = invoke("update", project)
    assert result.exit_code == 1
    assert "not in a git repository" in result.stderr


def test_a_template_that_fails_to_render_leaves_the_project_as_it_was(
    invoke: Invoke, world: tuple[Path, Path, Path]
) -> None:
    template, _, project = world
    release(template, {**V2, "template/broken.txt.jinja": "{{ undefined_name.attr }}\n"}, "v2")
    before, revision = snapshot(project), head(project)
    result = invoke("update", project)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert snapshot(project) == before and head(project) == revision
    assert git(project, "status", "--porcelain") == ""


def test_model_and_latest_together_are_a_usage_error(
    invoke: Invoke, world: tuple[Path, Path, Path]
) -> None:
    _, _, project = world
    result = invoke("update", project, "--latest", "--model", "acme/assistant@1.0.0")
    assert result.exit_code == 2


def test_a_recorded_catalog_that_is_gone(
    invoke: Invoke, world: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, catalog, project = world
    shutil.move(catalog, tmp_path / "catalog-moved")
    message = refused(invoke, project)
    assert "the catalog this project was generated from cannot be read" in message
    assert "--catalog SOURCE" in message


def test_an_up_to_date_project_with_uncommitted_changes_is_up_to_date(
    invoke: Invoke, world: tuple[Path, Path, Path]
) -> None:
    _, _, project = world
    (project / "notes.txt").write_text("unsaved work\n")
    before = snapshot(project)
    result = invoke("update", project)
    assert result.exit_code == 0, result.stderr
    assert "Already up to date" in result.stdout
    assert snapshot(project) == before


def test_an_unknown_data_key_is_refused_with_a_suggestion(
    invoke: Invoke, world: tuple[Path, Path, Path]
) -> None:
    template, _, project = world
    release(template, V2, "v2")
    before, revision = snapshot(project), head(project)
    result = invoke("update", project, "--data", "descripton=A typo")
    assert result.exit_code == 1, result.stdout
    assert "asks no question 'descripton'" in result.stderr
    assert "did you mean description?" in result.stderr
    assert snapshot(project) == before and head(project) == revision


def test_data_cannot_overwrite_the_binding(invoke: Invoke, world: tuple[Path, Path, Path]) -> None:
    # the binding's answers come from the catalog: a --data value would make the project
    # contradict itself, or record a path no other machine can read
    _, _, project = world
    before, revision = snapshot(project), head(project)
    result = invoke("update", project, "--data", "catalog_source=/home/me/cat")
    assert result.exit_code == 1, result.stdout
    assert "'catalog_source' (--data) is set by idp from the catalog" in result.stderr
    assert "catalog_source: use --catalog." in result.stderr
    assert snapshot(project) == before and head(project) == revision
