"""`idp remove --binding NAME`: a binding's unedited files and its answers file go, edited
files stay and are listed; what it refuses."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import Invoke, commit_all, git
from tests.project import existing_app
from tests.project.fleet import catalog_repo, snapshot
from tests.project.test_add import CATALOG
from tests.project.test_bundled_updates import CHURN_OLD, new_committed

World = tuple[Path, Path, Path, Path]
SUMMARIZER_FILES = ["summarizer/NOTES.md", "summarizer/client.py"]


def test_a_binding_added_to_a_project_goes_without_a_trace(invoke: Invoke, tmp_path: Path) -> None:
    project = existing_app.make(tmp_path / "shop")
    catalog = catalog_repo(tmp_path / "catalog", CATALOG)
    before = snapshot(project)
    added = invoke("add", project, "--catalog", catalog, "--model", "acme/churn", "--as", "churn",
                   "--defaults", "-o", "json")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    commit_all(project, "Bind churn")
    written = set(json.loads(added.stdout)["files"])

    preview = invoke("remove", project, "--binding", "churn", "--pretend", "-o", "json")
    assert preview.exit_code == 0, preview.stderr
    planned = json.loads(preview.stdout)
    assert set(planned["removed"]) == written
    # of what the client needs, pyproject.toml declares httpx (the shop's own), no other binding
    assert planned["unused_dependencies"] == ["httpx>=0.27"]
    assert git(project, "status", "--porcelain") == ""

    result = invoke("remove", project, "--binding", "churn")
    assert result.exit_code == 0, result.stderr
    assert "Removed binding churn (acme/churn@1.0.0)" in result.stdout
    assert 'No other binding needs "httpx>=0.27" in pyproject.toml' in result.stdout
    assert snapshot(project) == before  # the folders it made are gone too


def test_edited_files_are_kept_and_listed(invoke: Invoke, two_bindings: World) -> None:
    *_, project = two_bindings
    client = project / "summarizer/client.py"
    client.write_text(client.read_text() + "\n\ndef mine():\n    return 1\n")
    (project / "summarizer/NOTES.md").unlink()
    commit_all(project, "The team's code in the client")

    result = invoke("remove", project, "-b", "summarizer", "-o", "json")
    assert result.exit_code == 6, result.stdout + result.stderr
    done = json.loads(result.stdout)
    assert done["removed"] == [".copier-answers.summarizer.yml"]
    assert done["kept"] == ["summarizer/client.py"]
    assert done["missing"] == ["summarizer/NOTES.md"]
    assert "def mine" in client.read_text()
    assert not (project / ".copier-answers.summarizer.yml").exists()
    listed = invoke("bindings", project, "-o", "json")
    assert [b["name"] for b in json.loads(listed.stdout)["bindings"]] == ["template"]


def test_the_table_names_what_was_removed_and_kept(invoke: Invoke, two_bindings: World) -> None:
    *_, project = two_bindings
    notes = project / "summarizer/NOTES.md"
    notes.write_text("Our notes.\n")
    commit_all(project, "Our notes")
    result = invoke("remove", project, "-b", "summarizer")
    assert result.exit_code == 6
    assert result.stdout.splitlines()[:5] == [
        "Removed binding summarizer (acme/summarizer@1.0.0): 2 files.",
        "  summarizer/client.py",
        "  .copier-answers.summarizer.yml",
        "Kept 1 edited file (they differ from what the binding wrote; delete or keep them):",
        "  summarizer/NOTES.md",
    ]


def test_what_remove_refuses(invoke: Invoke, two_bindings: World, tmp_path: Path) -> None:
    *_, project = two_bindings
    before = snapshot(project)

    unknown = invoke("remove", project, "-b", "sumarizer")
    assert unknown.exit_code == 1
    assert "no binding named 'sumarizer'" in unknown.stderr
    assert "Did you mean summarizer?" in unknown.stderr

    app = invoke("remove", project, "-b", "template")
    assert app.exit_code == 1
    assert "binding 'template' is the app template's own (.copier-answers.yml)" in app.stderr
    assert "idp update --binding template --model REF" in app.stderr

    (project / "summarizer/client.py").write_text("edited, not committed\n")
    dirty = invoke("remove", project, "-b", "summarizer")
    assert dirty.exit_code == 1
    assert "uncommitted changes (summarizer/client.py); nothing was removed" in dirty.stderr
    git(project, "checkout", "--", ".")
    assert snapshot(project) == before

    missing = invoke("remove", project)
    assert missing.exit_code == 2
    assert "--binding" in missing.stderr

    plain = existing_app.make(tmp_path / "plain")
    none = invoke("remove", plain, "-b", "churn")
    assert none.exit_code == 1
    assert "has no bindings" in none.stderr


def test_a_part_of_a_composed_app_is_the_apps(invoke: Invoke, tmp_path: Path) -> None:
    project = new_committed(invoke, tmp_path / "svc", "prediction-service", CHURN_OLD)
    for name in ("client", "app-client", "prediction-service"):
        result = invoke("remove", project, "-b", name)
        assert result.exit_code == 1, name
        assert "is the app template's own" in result.stderr, name
    assert git(project, "status", "--porcelain") == ""
