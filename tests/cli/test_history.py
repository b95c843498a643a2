"""`idp models history`: a model's versions as the catalog's git history saw them, read from a
real repository built commit by commit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.helpers import CATALOG, Invoke, edit, git, make_repo, write_catalog

NEW = "acme/new-model"
OLD_URL = "https://old-gateway.example.internal/v1"
NEW_URL = "https://new-gateway.example.internal/v1"

MODEL_V1 = f"""\
# one model per file
name: {NEW}
description: A new model.
owner: group:default/test
modelType: generative
tasks: [text-generation]
license: mit
versions:
  - version: "1.0.0"
    lifecycle: production
    serving:
      endpoints:
        - name: prod
          protocol: openai-v1
          url: https://v1-gateway.example.internal/v1
          modelId: new-model-1
"""

VERSION_2 = f"""\
  - version: "2.0.0"
    lifecycle: production
    serving:
      endpoints:
        - name: prod
          protocol: openai-v1
          url: {OLD_URL}
          modelId: new-model-2
"""


def commit(repo: Path, message: str, author: str) -> str:
    git(repo, "add", "--all")
    git(
        repo,
        "commit",
        "--quiet",
        "--message",
        message,
        f"--author={author} <{author.lower().replace(' ', '.')}@example.invalid>",
    )
    return git(repo, "rev-parse", "HEAD")


class CatalogRepo:
    """A repository whose catalog (in `catalog/`, with `include: [models/*.yaml]`) changed in
    this order: c1 the test catalog; c2 a new model (1.0.0); c3 its version 2.0.0; c4 1.0.0
    deprecated with 2.0.0 as successor; c5 2.0.0's endpoint moved to a new URL. Commits on
    the side outside the catalog's folder do not count."""

    def __init__(self, root: Path) -> None:
        self.root = make_repo(root)
        self.folder = root / "catalog"
        self.model_file = self.folder / "models" / "new-model.yaml"
        write_catalog(self.folder, CATALOG + "include: [models/*.yaml]\n")
        (self.folder / "models").mkdir()
        (self.folder / "models" / "placeholder.yaml").write_text("models: []\n")
        (root / "README.md").write_text("catalog repository\n")
        self.c1 = commit(root, "catalog v1", "Alice Admin")
        git(root, "tag", "v1")

        self.model_file.write_text(MODEL_V1)
        self.c2 = commit(root, "add acme/new-model 1.0.0", "Dana Scientist")
        git(root, "tag", "-a", "v2", "-m", "annotated")

        text = edit(MODEL_V1, "versions:\n", "versions:\n" + VERSION_2)
        self.model_file.write_text(text)
        self.c3 = commit(root, "add acme/new-model 2.0.0", "Dana Scientist")

        (root / "README.md").write_text("catalog repository, edited\n")
        commit(root, "docs only", "Alice Admin")

        text = edit(
            text,
            '  - version: "1.0.0"\n    lifecycle: production\n',
            '  - version: "1.0.0"\n    lifecycle: deprecated\n'
            f'    deprecation: {{successor: "{NEW}@2.0.0", sunsetDate: "2027-01-31"}}\n',
        )
        self.model_file.write_text(text)
        self.c4 = commit(root, "deprecate acme/new-model 1.0.0", "Erin Engineer")

        text = edit(text, OLD_URL, NEW_URL)
        self.model_file.write_text(text)
        self.c5 = commit(root, "move acme/new-model 2.0.0 to the new gateway", "Frank Platform")
        self.text = text


@pytest.fixture
def repo(tmp_path: Path) -> CatalogRepo:
    return CatalogRepo(tmp_path / "repo")


def run_json(invoke: Invoke, *args: str | Path) -> dict[str, object]:
    result = invoke(*args, "-o", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def history(invoke: Invoke, repo: CatalogRepo, name: str = NEW) -> dict[str, object]:
    return run_json(invoke, "models", "history", name, "--catalog", repo.folder)


def brief(events: object) -> list[tuple[object, ...]]:
    assert isinstance(events, list)
    return [
        (e["commit"], e["author"], e["event"], e["version"], e.get("from"), e.get("to"))
        for e in events
    ]


def test_the_catalog_is_valid_after_every_commit(invoke: Invoke, repo: CatalogRepo) -> None:
    for ref in (repo.c1, repo.c2, repo.c3, repo.c4, repo.c5):
        result = invoke("catalog", "validate", "--catalog", repo.folder, "--catalog-ref", ref)
        assert result.exit_code == 0, result.stdout + result.stderr


def test_history_reports_exactly_the_changes_made(invoke: Invoke, repo: CatalogRepo) -> None:
    data = history(invoke, repo)
    assert data["model"] == NEW
    assert data["commits"] == 5  # the docs-only commit is outside the catalog's folder
    assert brief(data["events"]) == [
        (repo.c2, "Dana Scientist", "model-added", None, None, None),
        (repo.c2, "Dana Scientist", "added", "1.0.0", None, "production"),
        (repo.c3, "Dana Scientist", "added", "2.0.0", None, "production"),
        (repo.c4, "Erin Engineer", "lifecycle", "1.0.0", "production", "deprecated"),
    ]
    assert data["added"]["commit"] == repo.c2  # type: ignore[index]
    assert data["removed"] is None
    versions = {v["version"]: v for v in data["versions"]}  # type: ignore[attr-defined]
    assert list(versions) == ["1.0.0", "2.0.0"]
    old, new = versions["1.0.0"], versions["2.0.0"]
    assert old["added"]["commit"] == repo.c2
    assert old["added"]["author"] == "Dana Scientist"
    assert old["added"]["email"] == "dana.scientist@example.invalid"
    assert old["added"]["lifecycle"] == "production"
    assert old["added"]["date"][:4].isdigit()
    assert [(c["commit"], c["from"], c["to"]) for c in old["lifecycle"]] == [
        (repo.c4, "production", "deprecated")
    ]
    assert [(d["commit"], d["successor"], d["sunsetDate"]) for d in old["deprecations"]] == [
        (repo.c4, f"{NEW}@2.0.0", "2027-01-31")
    ]
    assert old["current"] == "deprecated"
    assert old["removed"] is None
    assert new["added"]["commit"] == repo.c3
    assert new["lifecycle"] == []
    assert new["deprecations"] == []
    assert new["current"] == "production"
    events = data["events"]
    assert isinstance(events, list)
    assert events[-1]["successor"] == f"{NEW}@2.0.0"


def test_history_of_a_model_in_the_main_file(invoke: Invoke, repo: CatalogRepo) -> None:
    data = history(invoke, repo, "acme/churn-classifier")
    assert brief(data["events"]) == [
        (repo.c1, "Alice Admin", "model-added", None, None, None),
        (repo.c1, "Alice Admin", "added", "4.0.0", None, "production"),
        (repo.c1, "Alice Admin", "added", "3.2.1", None, "deprecated"),
        (repo.c1, "Alice Admin", "added", "2.0.0", None, "archived"),
    ]
    versions = {v["version"]: v for v in data["versions"]}  # type: ignore[attr-defined]
    # added already deprecated: its deprecation is recorded with the commit that added it
    assert versions["3.2.1"]["deprecations"][0]["successor"] == "acme/churn-classifier@4.0.0"


def test_removal_and_moving_between_files(invoke: Invoke, repo: CatalogRepo) -> None:
    # moving the model to another included file, unchanged, is no event
    moved = repo.folder / "models" / "renamed.yaml"
    repo.model_file.rename(moved)
    commit(repo.root, "rename the file", "Alice Admin")
    assert len(brief(history(invoke, repo)["events"])) == 4

    text = edit(repo.text, '  - version: "2.0.0"\n', '  - version: "3.0.0"\n')
    moved.write_text(text)
    c7 = commit(repo.root, "replace 2.0.0 with 3.0.0", "Erin Engineer")
    moved.unlink()
    c8 = commit(repo.root, "drop the model", "Alice Admin")

    data = history(invoke, repo)
    assert brief(data["events"])[4:] == [
        (c7, "Erin Engineer", "removed", "2.0.0", "production", None),
        (c7, "Erin Engineer", "added", "3.0.0", None, "production"),
        (c8, "Alice Admin", "removed", "3.0.0", "production", None),
        (c8, "Alice Admin", "removed", "1.0.0", "deprecated", None),
        (c8, "Alice Admin", "model-removed", None, None, None),
    ]
    assert data["removed"]["commit"] == c8  # type: ignore[index]
    versions = {v["version"]: v for v in data["versions"]}  # type: ignore[attr-defined]
    assert versions["2.0.0"]["removed"]["commit"] == c7
    assert all(v["current"] is None for v in versions.values())


@pytest.mark.parametrize("where", ["idp", "command"])
def test_history_ends_at_catalog_ref(invoke: Invoke, repo: CatalogRepo, where: str) -> None:
    # `--catalog-ref` on `idp` itself, or on the command, as every command reading the catalog
    ref = ["--catalog-ref", "v2"]
    args = ["models", "history", NEW, "--catalog", str(repo.folder)]
    data = run_json(invoke, *(ref + args if where == "idp" else args + ref))
    assert data["until"] == {"ref": "v2", "commit": repo.c2}
    assert [e["version"] for e in data["events"]] == [None, "1.0.0"]  # type: ignore[attr-defined]


def test_history_table_and_yaml(invoke: Invoke, repo: CatalogRepo) -> None:
    result = invoke("models", "history", NEW, "--catalog", repo.folder)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["DATE", "COMMIT", "AUTHOR", "VERSION", "CHANGE", "SUBJECT"]
    assert len(lines) == 5
    assert repo.c4[:10] in lines[4]
    assert "production -> deprecated, successor acme/new-model@2.0.0" in lines[4]

    result = invoke("models", "history", NEW, "--catalog", repo.folder, "-o", "yaml")
    assert result.exit_code == 0, result.stderr
    assert yaml.safe_load(result.stdout)["model"] == NEW


def test_unknown_model_names_the_closest(invoke: Invoke, repo: CatalogRepo) -> None:
    result = invoke("models", "history", "acme/new-modle", "--catalog", repo.folder)
    assert result.exit_code == 1
    assert "no model named 'acme/new-modle'" in result.stderr
    assert NEW in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_uncommitted_model_says_so(invoke: Invoke, repo: CatalogRepo) -> None:
    (repo.folder / "models" / "fresh.yaml").write_text(MODEL_V1.replace(NEW, "acme/fresh-model"))
    result = invoke("models", "history", "acme/fresh-model", "--catalog", repo.folder)
    assert result.exit_code == 1
    assert "in none of its commits" in result.stderr
    assert "Commit it first" in result.stderr


def test_catalog_outside_git_is_refused(invoke: Invoke, catalog_dir: Path) -> None:
    result = invoke("models", "history", "acme/churn-classifier", "--catalog", catalog_dir)
    assert result.exit_code == 1
    assert "not in a git repository" in result.stderr
    assert "hint:" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_repository_without_commits(invoke: Invoke, tmp_path: Path) -> None:
    root = make_repo(tmp_path / "empty")
    write_catalog(root)
    result = invoke("models", "history", "acme/churn-classifier", "--catalog", root)
    assert result.exit_code == 1
    assert "no commits yet" in result.stderr


def test_a_broken_commit_is_skipped_with_a_warning(invoke: Invoke, repo: CatalogRepo) -> None:
    repo.model_file.write_text(repo.text + "  - version: [broken\n")
    commit(repo.root, "break the file", "Alice Admin")
    repo.model_file.write_text(repo.text)
    commit(repo.root, "fix the file", "Alice Admin")
    result = invoke("models", "history", NEW, "--catalog", repo.folder, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert "skipped" in result.stderr
    assert len(json.loads(result.stdout)["events"]) == 4
