"""`idp check` and `idp update` on real git repositories: a template released as v1 then v2,
a catalog whose bound model version is deprecated, and a project its user has edited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import Invoke, commit_all, git
from tests.project.fleet import (
    CATALOG_V1,
    CATALOG_V2,
    V2,
    answers,
    catalog_repo,
    head,
    publish,
    release,
    snapshot,
    template_repo,
)


def check(invoke: Invoke, project: Path) -> tuple[int, dict[str, object]]:
    result = invoke("check", project, "-o", "json")
    assert result.exit_code in (0, 5), result.stderr
    return result.exit_code, json.loads(result.stdout)


def test_a_fresh_project_is_current(invoke: Invoke, world: tuple[Path, Path, Path]) -> None:
    _, catalog, project = world
    code, report = check(invoke, project)
    assert code == 0
    assert report["outdated"] is False
    assert report["template"] == {
        "src": answers(project)["_src_path"],
        "bundled": False,
        "current": "v1",
        "newest": "v1",
        "outdated": False,
    }
    recorded = answers(project)
    assert recorded["catalog_source"] == str(catalog)
    assert recorded["catalog_commit"] == head(catalog)
    assert report["catalog"]["recorded_commit"] == head(catalog)  # type: ignore[index]


def test_template_v2_merges_with_the_users_edits(
    invoke: Invoke, world: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    template, _, project = world
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("Template line three.", "User line three."))
    (project / "notes.txt").write_text("My own notes.\n")
    commit_all(project, "user edits")
    release(template, V2, "v2")

    code, report = check(invoke, project)
    assert code == 5
    assert report["template"]["outdated"] is True  # type: ignore[index]
    assert report["template"]["newest"] == "v2"  # type: ignore[index]
    assert report["reasons"] == ["template v1 -> v2"]

    summary = tmp_path / "summary.md"
    result = invoke("update", project, "--defaults", "--summary-file", summary, "-o", "json")
    assert result.exit_code == 0, result.stderr
    done = json.loads(result.stdout)
    assert done["template"] == {"src": answers(project)["_src_path"], "from": "v1", "to": "v2"}
    assert done["conflicts"] == []
    assert {f["path"]: f["status"] for f in done["files"]} == {
        ".copier-answers.yml": "modified",
        "CHANGELOG.md": "added",
        "README.md": "modified",
    }
    text = readme.read_text()
    assert "Template line one, revised in v2." in text  # the template's change
    assert "User line three." in text  # the user's edit in a file the template changed
    assert (project / "notes.txt").read_text() == "My own notes.\n"  # one it did not change
    assert answers(project)["_commit"] == "v2"
    markdown = summary.read_text()
    assert markdown.startswith("# Update template template v1 → v2\n")
    assert "- added: `CHANGELOG.md`" in markdown

    commit_all(project, "Update to v2")
    assert check(invoke, project)[0] == 0


def test_a_true_conflict_leaves_markers_and_exits_6(
    invoke: Invoke, world: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    template, _, project = world
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("Template line one.", "User line one."))
    commit_all(project, "user edits the line v2 changes")
    release(template, V2, "v2")

    summary = tmp_path / "summary.md"
    result = invoke("update", project, "--summary-file", summary)
    assert result.exit_code == 6, result.stderr
    assert "1 conflict to resolve" in result.stdout and "README.md" in result.stdout
    text = readme.read_text()
    assert "<<<<<<<" in text and ">>>>>>>" in text
    assert "User line one." in text  # nothing the user wrote is lost
    assert "Template line one, revised in v2." in text
    assert "- [ ] `README.md`" in summary.read_text()
    unmerged = git(project, "diff", "--name-only", "--diff-filter=U")
    assert unmerged == "README.md"


def test_conflict_rej_puts_the_change_beside_the_file(
    invoke: Invoke, world: tuple[Path, Path, Path]
) -> None:
    template, _, project = world
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("Template line one.", "User line one."))
    commit_all(project, "user edits the line v2 changes")
    release(template, V2, "v2")

    result = invoke("update", project, "--conflict", "rej", "-o", "json")
    assert result.exit_code == 6, result.stderr
    assert json.loads(result.stdout)["conflicts"] == ["README.md.rej"]
    # Copier takes the template's side in the file and keeps the user's change in the .rej
    assert "revised in v2" in readme.read_text()
    assert "User line one." in (project / "README.md.rej").read_text()


def test_deprecated_model_is_reported_and_latest_rebinds_to_its_successor(
    invoke: Invoke, world: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, catalog, project = world
    assert 'MODEL_ID = "assistant-1"' in (project / "client.py").read_text()
    new_commit = publish(catalog, CATALOG_V2)

    code, report = check(invoke, project)
    assert code == 5
    model = report["model"]
    assert isinstance(model, dict)
    assert model["ref"] == "acme/assistant@1.0.0"
    assert model["lifecycle"] == "deprecated"
    assert model["successor"] == "acme/assistant@2.0.0"
    assert model["latest"] == "acme/assistant@2.0.0"
    assert report["template"]["outdated"] is False  # type: ignore[index]
    text = invoke("check", project).stdout
    assert "successor acme/assistant@2.0.0" in text

    summary = tmp_path / "summary.md"
    result = invoke("update", project, "--latest", "--defaults", "--summary-file", summary)
    assert result.exit_code == 0, result.stderr
    client = (project / "client.py").read_text()
    assert client == 'ENDPOINT = "https://v2.llm.example.internal"\nMODEL_ID = "assistant-2"\n'
    recorded = answers(project)
    assert recorded["model_ref"] == "acme/assistant@2.0.0"
    assert recorded["catalog_commit"] == new_commit
    assert recorded["description"] == "Tiny service bound to acme/assistant (acme/assistant@2.0.0)."
    markdown = summary.read_text()
    assert "model acme/assistant@1.0.0 → acme/assistant@2.0.0" in markdown
    assert "> Twice the context, half the latency." in markdown
    assert "- lifecycle: **production**" in markdown

    commit_all(project, "Re-bind")
    assert check(invoke, project)[0] == 0


def test_a_moved_endpoint_is_drift_and_update_keeps_the_version(
    invoke: Invoke, world: tuple[Path, Path, Path]
) -> None:
    _, catalog, project = world
    publish(catalog, CATALOG_V1.replace("v1.llm.example.internal", "moved.llm.example.internal"))
    code, report = check(invoke, project)
    assert code == 5
    assert report["model"]["endpoint_changes"] == [  # type: ignore[index]
        "url https://v1.llm.example.internal -> https://moved.llm.example.internal"
    ]
    result = invoke("update", project)
    assert result.exit_code == 0, result.stderr
    assert '"https://moved.llm.example.internal"' in (project / "client.py").read_text()
    assert answers(project)["model_ref"] == "acme/assistant@1.0.0"


def test_a_new_catalog_commit_alone_is_not_drift(
    invoke: Invoke, world: tuple[Path, Path, Path]
) -> None:
    _, catalog, project = world
    publish(catalog, CATALOG_V1 + "# a comment, nothing else\n")
    code, report = check(invoke, project)
    assert code == 0
    assert report["catalog"]["current_commit"] != report["catalog"]["recorded_commit"]  # type: ignore[index]
    before = head(project)
    result = invoke("update", project)
    assert result.exit_code == 0, result.stderr
    assert "Already up to date" in result.stdout
    assert head(project) == before and git(project, "status", "--porcelain") == ""


def test_update_with_model_rebinds_to_the_named_version(
    invoke: Invoke, world: tuple[Path, Path, Path]
) -> None:
    _, catalog, project = world
    publish(catalog, CATALOG_V2)
    result = invoke("update", project, "--model", "acme/assistant@2.0.0")
    assert result.exit_code == 0, result.stderr
    assert answers(project)["model_ref"] == "acme/assistant@2.0.0"


def test_pretend_shows_the_change_and_touches_nothing(
    invoke: Invoke, world: tuple[Path, Path, Path]
) -> None:
    template, _, project = world
    release(template, V2, "v2")
    before = snapshot(project)
    result = invoke("update", project, "--pretend", "-o", "json")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["pretend"] is True and shown["updated"] is False
    assert {f["path"] for f in shown["files"]} == {
        ".copier-answers.yml",
        "CHANGELOG.md",
        "README.md",
    }
    assert snapshot(project) == before
    assert git(project, "status", "--porcelain") == ""


def test_data_changes_an_answer(invoke: Invoke, world: tuple[Path, Path, Path]) -> None:
    _, _, project = world
    result = invoke("update", project, "--data", "project_name=renamed")
    assert result.exit_code == 0, result.stderr
    assert (project / "README.md").read_text().startswith("# renamed\n")


def test_template_ref_pins_a_version(invoke: Invoke, world: tuple[Path, Path, Path]) -> None:
    template, _, project = world
    release(template, V2, "v2")
    release(template, {**V2, "template/notes.txt": "v3 notes\n"}, "v3")
    result = invoke("update", project, "--template-ref", "v2", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert answers(project)["_commit"] == "v2"
    assert (project / "notes.txt").read_text() == "Notes from the template.\n"


def test_the_recorded_catalog_ref_is_read_again(invoke: Invoke, tmp_path: Path) -> None:
    template = template_repo(tmp_path / "template")
    catalog = catalog_repo(tmp_path / "catalog")
    project = tmp_path / "app"
    made = invoke(
        "new", project, "-t", f"file://{template}", "-m", "acme/assistant",
        "--catalog", catalog, "--catalog-ref", "main", "--defaults",
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "Generate project")
    assert answers(project)["catalog_ref"] == "main"
    # An uncommitted edit in the catalog's working tree is not what the project follows...
    (catalog / "catalog.yaml").write_text(CATALOG_V2)
    assert check(invoke, project)[0] == 0
    # ...its branch is.
    commit_all(catalog, "deprecate 1.0.0")
    code, report = check(invoke, project)
    assert code == 5
    assert report["model"]["successor"] == "acme/assistant@2.0.0"  # type: ignore[index]


def test_catalog_flag_overrides_the_recorded_source(
    invoke: Invoke, world: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, _, project = world
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text(CATALOG_V2)
    result = invoke("check", project, "--catalog", elsewhere, "-o", "json")
    assert result.exit_code == 5
    assert json.loads(result.stdout)["catalog"]["source"] == str(elsewhere)
    assert invoke("--catalog", elsewhere, "check", project).exit_code == 5


def test_a_question_new_in_v2_takes_its_default_or_data(
    invoke: Invoke, world: tuple[Path, Path, Path]
) -> None:
    template, _, project = world
    v2 = {
        **V2,
        "copier.yml": V2["copier.yml"] + "region: {type: str, default: eu-west}\n",
        "template/region.txt.jinja": "{{ region }}\n",
    }
    release(template, v2, "v2")
    before = head(project)
    assert invoke("update", project, "--defaults").exit_code == 0
    assert (project / "region.txt").read_text() == "eu-west\n"
    assert answers(project)["region"] == "eu-west"
    git(project, "reset", "-q", "--hard", before)
    git(project, "clean", "-qfd")
    assert invoke("update", project, "--defaults", "--data", "region=us-east").exit_code == 0
    assert (project / "region.txt").read_text() == "us-east\n"


def test_pretend_on_a_dirty_tree_previews_the_last_commit(
    invoke: Invoke, world: tuple[Path, Path, Path]
) -> None:
    template, _, project = world
    release(template, V2, "v2")
    (project / "notes.txt").write_text("unsaved work\n")
    before = snapshot(project)
    result = invoke("update", project, "--pretend")
    assert result.exit_code == 0, result.stderr
    assert "the preview starts from the last commit" in result.stderr
    assert "CHANGELOG.md" in result.stdout
    assert snapshot(project) == before


def test_the_current_folder_is_called_by_its_name(
    invoke: Invoke, world: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    template, _, project = world
    release(template, V2, "v2")
    monkeypatch.chdir(project)
    result = invoke("update")
    assert result.exit_code == 0, result.stderr
    assert f"Updating {project.name} …" in result.stderr
    assert "Updating . " not in result.stderr
