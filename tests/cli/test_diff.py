"""`idp catalog diff`: what changed between two refs of a catalog in a real git repository
(the sequence of commits of tests/cli/test_history.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_history import NEW, NEW_URL, OLD_URL, CatalogRepo
from tests.helpers import Invoke, edit


@pytest.fixture
def repo(tmp_path: Path) -> CatalogRepo:
    return CatalogRepo(tmp_path / "repo")


def diff(invoke: Invoke, repo: CatalogRepo, *refs: str) -> dict[str, Any]:
    result = invoke("catalog", "diff", *refs, "--catalog", repo.folder, "-o", "json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def changes(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (c["change"], c["model"], c["version"], c.get("path"), c.get("from"), c.get("to"))
        for c in data["changes"]
    ]


def test_a_new_model(invoke: Invoke, repo: CatalogRepo) -> None:
    data = diff(invoke, repo, "v1", "v2")
    assert data["from"] == {"ref": "v1", "commit": repo.c1}
    assert data["to"] == {"ref": "v2", "commit": repo.c2}
    assert data["changed"] is True
    assert changes(data) == [("model-added", NEW, None, None, None, None)]
    assert data["changes"][0]["versions"] == ["1.0.0"]
    assert data["summary"]["modelsAdded"] == 1
    assert data["lifecycle"] == data["endpoints"] == data["impact"] == []


def test_a_new_version(invoke: Invoke, repo: CatalogRepo) -> None:
    data = diff(invoke, repo, repo.c2, repo.c3)
    assert changes(data) == [("version-added", NEW, "2.0.0", None, None, None)]
    assert data["changes"][0]["lifecycle"] == "production"
    assert data["impact"] == []


def test_deprecation_and_moved_endpoint(invoke: Invoke, repo: CatalogRepo) -> None:
    data = diff(invoke, repo, repo.c3, repo.c5)
    assert changes(data) == [
        ("version-changed", NEW, "2.0.0", "serving.endpoints[prod].url", OLD_URL, NEW_URL),
        ("version-changed", NEW, "1.0.0", "lifecycle", "production", "deprecated"),
        ("version-changed", NEW, "1.0.0", "deprecation.successor", None, f"{NEW}@2.0.0"),
        ("version-changed", NEW, "1.0.0", "deprecation.sunsetDate", None, "2027-01-31"),
    ]
    assert data["lifecycle"] == [
        {
            "model": NEW,
            "version": "1.0.0",
            "ref": f"{NEW}@1.0.0",
            "from": "production",
            "to": "deprecated",
            "successor": f"{NEW}@2.0.0",
        }
    ]
    [endpoint] = data["endpoints"]
    assert endpoint["ref"] == f"{NEW}@2.0.0"
    assert endpoint["endpoint"] == "prod"
    assert endpoint["change"] == "changed"
    assert endpoint["fields"] == ["url"]
    assert endpoint["from"]["url"] == OLD_URL
    assert endpoint["to"] == {"protocol": "openai-v1", "url": NEW_URL, "modelId": "new-model-2"}
    assert [(i["kind"], i["ref"]) for i in data["impact"]] == [
        ("endpoint-moved", f"{NEW}@2.0.0"),
        ("deprecated", f"{NEW}@1.0.0"),
    ]
    assert data["impact"][1]["successor"] == f"{NEW}@2.0.0"
    assert data["summary"] == {
        "modelsAdded": 0,
        "modelsRemoved": 0,
        "modelsChanged": 1,
        "versionsAdded": 0,
        "versionsRemoved": 0,
        "versionsChanged": 2,
        "lifecycleTransitions": 1,
        "endpointChanges": 1,
    }


def test_whole_range_and_reverse(invoke: Invoke, repo: CatalogRepo) -> None:
    data = diff(invoke, repo, repo.c2, repo.c5)
    assert changes(data) == [
        ("version-added", NEW, "2.0.0", None, None, None),
        ("version-changed", NEW, "1.0.0", "lifecycle", "production", "deprecated"),
        ("version-changed", NEW, "1.0.0", "deprecation.successor", None, f"{NEW}@2.0.0"),
        ("version-changed", NEW, "1.0.0", "deprecation.sunsetDate", None, "2027-01-31"),
    ]
    assert [i["kind"] for i in data["impact"]] == ["deprecated"]

    back = diff(invoke, repo, "HEAD", "v1")
    assert changes(back) == [("model-removed", NEW, None, None, None, None)]
    assert [i["kind"] for i in back["impact"]] == ["model-removed"]


def test_working_tree_is_the_default(invoke: Invoke, repo: CatalogRepo) -> None:
    data = diff(invoke, repo, "HEAD")
    assert data["to"] == {"ref": "working tree", "commit": None}
    assert data["changed"] is False
    assert data["changes"] == []

    repo.model_file.write_text(edit(repo.text, "A new model.", "A better model."))
    catalog = repo.folder / "catalog.yaml"
    catalog.write_text(edit(catalog.read_text(), "name: Test Data Science", "name: Test DS"))
    data = diff(invoke, repo, "HEAD")
    assert changes(data) == [
        ("catalog-changed", None, None, "source.name", "Test Data Science", "Test DS"),
        ("model-changed", NEW, None, "description", "A new model.", "A better model."),
    ]


def test_exit_code(invoke: Invoke, repo: CatalogRepo) -> None:
    same = invoke("catalog", "diff", "HEAD", "--catalog", repo.folder, "--exit-code")
    assert same.exit_code == 0, same.stderr
    assert "No catalog changes" in same.stderr
    changed = invoke("catalog", "diff", "v1", "HEAD", "--catalog", repo.folder, "--exit-code")
    assert changed.exit_code == 5, changed.stderr
    without = invoke("catalog", "diff", "v1", "HEAD", "--catalog", repo.folder)
    assert without.exit_code == 0


def test_markdown_for_a_pull_request(invoke: Invoke, repo: CatalogRepo) -> None:
    result = invoke("catalog", "diff", "v2", "HEAD", "--catalog", repo.folder, "-o", "markdown")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert text.startswith("### Model catalog: `v2` → `HEAD`")
    assert "| Change | Model | Version | Field | From | To |" in text
    assert "|---|---|---|---|---|---|" in text
    assert f"| version-added | `{NEW}` | `2.0.0` |  |  | `production` |" in text
    assert "#### Impact on generated projects" in text
    assert f"- **deprecated**: {NEW}@1.0.0 is now deprecated; successor {NEW}@2.0.0" in text

    empty = invoke("catalog", "diff", "HEAD", "--catalog", repo.folder, "-o", "markdown")
    assert "No catalog changes." in empty.stdout


def test_table(invoke: Invoke, repo: CatalogRepo) -> None:
    result = invoke("catalog", "diff", repo.c3, repo.c5, "--catalog", repo.folder)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["CHANGE", "MODEL", "VERSION", "FIELD", "FROM", "TO"]
    assert "serving.endpoints[prod].url" in lines[1]
    assert "Impact on generated projects:" in result.stdout
    assert f"endpoint prod moved (url {OLD_URL} -> {NEW_URL})" in result.stdout
    assert "1 model changed, 2 versions changed" in result.stderr


@pytest.mark.parametrize("refs", [("no-such-tag",), ("v1", "no-such-branch")])
def test_unknown_ref(invoke: Invoke, repo: CatalogRepo, refs: tuple[str, ...]) -> None:
    result = invoke("catalog", "diff", *refs, "--catalog", repo.folder)
    assert result.exit_code == 1
    assert f"ref {refs[-1]!r} does not exist" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_ref_before_the_catalog_existed(invoke: Invoke, repo: CatalogRepo) -> None:
    other = repo.root / "other"
    other.mkdir()
    (other / "catalog.yaml").write_text((repo.folder / "catalog.yaml").read_text())
    result = invoke("catalog", "diff", "v1", "--catalog", other)
    assert result.exit_code == 1
    assert "other/catalog.yaml: no such file at this ref" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_catalog_outside_git(invoke: Invoke, catalog_dir: Path) -> None:
    result = invoke("catalog", "diff", "HEAD", "--catalog", catalog_dir)
    assert result.exit_code == 1
    assert "not in a git repository" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
