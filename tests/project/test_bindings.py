"""`idp check` and `idp update` on a project with two bindings: the app template's
`.copier-answers.yml` and a client component's `.copier-answers.summarizer.yml`."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import Invoke, commit_all, git
from tests.project.fleet import V2, answers, head, publish, release, snapshot
from tests.project.two_bindings import CATALOG_SUMMARIZER_DEPRECATED

World = tuple[Path, Path, Path, Path]


def test_check_reports_each_binding(invoke: Invoke, two_bindings: World) -> None:
    *_, project = two_bindings
    assert (project / ".copier-answers.summarizer.yml").is_file()
    result = invoke("check", project, "-o", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["outdated"] is False
    assert [(b["name"], b["answers_file"]) for b in report["bindings"]] == [
        ("template", ".copier-answers.yml"),
        ("summarizer", ".copier-answers.summarizer.yml"),
    ]
    assert [b["model"]["ref"] for b in report["bindings"]] == [
        "acme/assistant@1.0.0",
        "acme/summarizer@1.0.0",
    ]


def test_a_deprecated_version_drifts_its_binding_only(invoke: Invoke, two_bindings: World) -> None:
    _, _, catalog, project = two_bindings
    publish(catalog, CATALOG_SUMMARIZER_DEPRECATED)

    result = invoke("check", project, "-o", "json")
    assert result.exit_code == 5, result.stderr
    report = json.loads(result.stdout)
    assert report["outdated"] is True
    by_name = {b["name"]: b for b in report["bindings"]}
    assert by_name["template"]["outdated"] is False
    assert by_name["template"]["reasons"] == []
    assert by_name["summarizer"]["outdated"] is True
    assert by_name["summarizer"]["model"]["latest"] == "acme/summarizer@2.0.0"
    assert report["reasons"] == [
        "summarizer: acme/summarizer@1.0.0 is deprecated; successor acme/summarizer@2.0.0"
    ]

    table = invoke("check", project)
    assert table.exit_code == 5, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0] == "binding template (.copier-answers.yml)"
    summarizer = lines.index("binding summarizer (.copier-answers.summarizer.yml)")
    assert "Up to date." in "\n".join(lines[:summarizer])
    assert any("acme/summarizer@1.0.0 (deprecated)  outdated" in x for x in lines[summarizer:])
    assert lines[-1] == "Out of date: summarizer. Run `idp update --latest --binding summarizer`."

    narrowed = invoke("check", project, "--binding", "template", "-o", "json")
    assert narrowed.exit_code == 0, narrowed.stderr
    assert [b["name"] for b in json.loads(narrowed.stdout)["bindings"]] == ["template"]


def test_an_unknown_binding_is_an_error_with_a_suggestion(
    invoke: Invoke, two_bindings: World
) -> None:
    *_, project = two_bindings
    for command in ("check", "update"):
        result = invoke(command, project, "--binding", "sumarizer")
        assert result.exit_code == 1
        assert "has no binding named 'sumarizer'" in result.stderr
        assert "Did you mean summarizer?" in result.stderr


def _edit_both(project: Path) -> None:
    """The user's own lines, in a file of each binding that the update rewrites."""
    client = project / "summarizer" / "client.py"
    client.write_text(client.read_text() + "\n\ndef mine():\n    return 'user code'\n")
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("Template line three.", "User line three."))
    commit_all(project, "user edits")


def test_update_latest_rebinds_the_named_binding_only(
    invoke: Invoke, two_bindings: World, tmp_path: Path
) -> None:
    _, _, catalog, project = two_bindings
    _edit_both(project)
    publish(catalog, CATALOG_SUMMARIZER_DEPRECATED)
    before = snapshot(project)

    summary = tmp_path / "summary.md"
    result = invoke(
        "update",
        project,
        "--latest",
        "--binding",
        "summarizer",
        "--defaults",
        "--summary-file",
        summary,
        "-o",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    done = json.loads(result.stdout)
    assert done["conflicts"] == []
    [summarizer] = done["bindings"]
    assert summarizer["name"] == "summarizer"
    assert summarizer["model"] == {
        "from": "acme/summarizer@1.0.0",
        "to": "acme/summarizer@2.0.0",
    }
    assert {f["path"] for f in done["files"]} == {
        ".copier-answers.summarizer.yml",
        "summarizer/client.py",
    }
    client = (project / "summarizer" / "client.py").read_text()
    assert 'ENDPOINT = "https://sum-v2.example.internal"' in client
    assert 'MODEL_ID = "summarizer-2"' in client
    assert "return 'user code'" in client  # the user's edit survives
    after = snapshot(project)
    assert "<<<<<<<" not in "".join(v.decode() for v in after.values())
    untouched = {
        k: v for k, v in after.items() if not k.startswith(("summarizer/", ".copier-answers.summ"))
    }
    assert untouched == {k: v for k, v in before.items() if k in untouched}
    assert answers(project)["model_ref"] == "acme/assistant@1.0.0"

    markdown = summary.read_text()
    assert markdown.startswith(
        "# Update summarizer: model acme/summarizer@1.0.0 → acme/summarizer@2.0.0\n"
    )
    assert "## Binding `summarizer` (`.copier-answers.summarizer.yml`)" in markdown
    assert "### Breaking changes" in markdown
    assert "## Binding `template`" not in markdown

    commit_all(project, "Re-bind the summarizer")
    assert invoke("check", project).exit_code == 0


def test_update_without_binding_updates_each_in_turn(
    invoke: Invoke, two_bindings: World, tmp_path: Path
) -> None:
    app, _, catalog, project = two_bindings
    _edit_both(project)
    release(app, V2, "v2")
    publish(catalog, CATALOG_SUMMARIZER_DEPRECATED)
    start = head(project)

    summary = tmp_path / "summary.md"
    result = invoke(
        "update", project, "--latest", "--defaults", "--summary-file", summary, "-o", "json"
    )
    assert result.exit_code == 0, result.stderr
    done = json.loads(result.stdout)
    assert [(b["name"], b["updated"]) for b in done["bindings"]] == [
        ("template", True),
        ("summarizer", True),
    ]
    assert {f["path"] for f in done["bindings"][0]["files"]} == {
        ".copier-answers.yml",
        "CHANGELOG.md",
        "README.md",
    }
    assert {f["path"] for f in done["bindings"][1]["files"]} == {
        ".copier-answers.summarizer.yml",
        "summarizer/client.py",
    }
    # left as a one-binding update leaves it: HEAD where it was, every change uncommitted
    assert head(project) == start
    assert {f["path"]: f["status"] for f in done["files"]} == {
        ".copier-answers.summarizer.yml": "modified",
        ".copier-answers.yml": "modified",
        "CHANGELOG.md": "added",
        "README.md": "modified",
        "summarizer/client.py": "modified",
    }
    assert git(project, "diff", "--cached", "--name-only") == ""
    assert "User line three." in (project / "README.md").read_text()
    assert "return 'user code'" in (project / "summarizer" / "client.py").read_text()
    assert answers(project)["_commit"] == "v2"

    markdown = summary.read_text()
    assert markdown.splitlines()[0] == (
        "# Update template: template template v1 → v2; "
        "summarizer: model acme/summarizer@1.0.0 → acme/summarizer@2.0.0"
    )
    assert markdown.index("## Binding `template`") < markdown.index("## Binding `summarizer`")

    commit_all(project, "Update both")
    assert invoke("check", project).exit_code == 0


def test_a_single_binding_option_needs_binding(invoke: Invoke, two_bindings: World) -> None:
    *_, project = two_bindings
    result = invoke("update", project, "--model", "acme/summarizer@1.0.0")
    assert result.exit_code == 1
    assert "--model applies to one binding" in result.stderr
    assert "--binding NAME" in result.stderr


def test_conflicts_in_one_binding_stop_the_next(
    invoke: Invoke, two_bindings: World, tmp_path: Path
) -> None:
    app, _, catalog, project = two_bindings
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("Template line one.", "User line one."))
    commit_all(project, "user edits the line v2 changes")
    release(app, V2, "v2")
    publish(catalog, CATALOG_SUMMARIZER_DEPRECATED)
    start, client = head(project), (project / "summarizer" / "client.py").read_text()

    summary = tmp_path / "summary.md"
    result = invoke(
        "update", project, "--latest", "--defaults", "--summary-file", summary, "-o", "json"
    )
    assert result.exit_code == 6, result.stderr
    done = json.loads(result.stdout)
    assert done["conflicts"] == ["README.md"]
    assert [(b["name"], b["skipped"]) for b in done["bindings"]] == [
        ("template", False),
        ("summarizer", True),
    ]
    assert (project / "summarizer" / "client.py").read_text() == client
    assert head(project) == start
    assert git(project, "diff", "--name-only", "--diff-filter=U") == "README.md"
    assert "Not updated: resolve the conflicts of `template`" in summary.read_text()


def test_pretend_updates_each_binding_in_a_clone(invoke: Invoke, two_bindings: World) -> None:
    app, _, catalog, project = two_bindings
    release(app, V2, "v2")
    publish(catalog, CATALOG_SUMMARIZER_DEPRECATED)
    before, start = snapshot(project), head(project)

    result = invoke("update", project, "--latest", "--pretend", "-o", "json")
    assert result.exit_code == 0, result.stderr
    done = json.loads(result.stdout)
    assert done["updated"] is False and done["pretend"] is True
    assert "summarizer/client.py" in {f["path"] for f in done["bindings"][1]["files"]}
    assert "CHANGELOG.md" in {f["path"] for f in done["files"]}
    assert snapshot(project) == before
    assert head(project) == start
