"""Catalogs read from git: a local repository's working tree or any of its commits (read from
git's objects, never checked out), and a URL mirrored into the cache, fetched on each run and
used offline with a warning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from idp_cli import paths
from idp_cli.errors import SourceError
from tests.helpers import (
    CATALOG,
    Invoke,
    commit_all,
    edit,
    git,
    load_spec,
    make_repo,
    model_yaml,
    source_for,
    write_catalog,
)

V1_MODELS = ["acme/churn-classifier", "acme/chat-assistant", "acme/sales-forecast"]
NEW_MODEL = "acme/new-model"


def with_model(text: str, name: str) -> str:
    return text + "".join(
        ("  - " if i == 0 else "    ") + line + "\n"
        for i, line in enumerate(model_yaml(name).splitlines())
    )


class History:
    """A repository whose catalog changed over three commits:
    v1 (tag): the test catalog; v2 (tag): one model added; main: one more model added."""

    def __init__(self, root: Path) -> None:
        self.root = make_repo(root)
        write_catalog(root, CATALOG)
        self.v1 = commit_all(root, "catalog v1")
        git(root, "tag", "v1")
        write_catalog(root, with_model(CATALOG, NEW_MODEL))
        self.v2 = commit_all(root, "add a model")
        git(root, "tag", "-a", "v2", "-m", "annotated tag")
        write_catalog(root, with_model(with_model(CATALOG, NEW_MODEL), "acme/newest"))
        self.head = commit_all(root, "add another model")


@pytest.fixture
def history(tmp_path: Path) -> History:
    return History(tmp_path / "repo")


def listed(invoke: Invoke, *args: str | Path) -> list[str]:
    result = invoke("models", "list", "--all-versions", "-o", "json", *args)
    assert result.exit_code == 0, result.stderr
    return sorted({row["name"] for row in json.loads(result.stdout)})


def model_names(spec: str | Path, ref: str | None = None) -> list[str]:
    loaded = load_spec(spec, ref)
    assert loaded.problems == [], [p.render() for p in loaded.problems]
    assert loaded.catalog is not None
    return sorted(m.name for m in loaded.catalog.models)


ALL_V1 = sorted([*V1_MODELS, "acme/legacy-scorer"])


def live(names: list[str]) -> list[str]:
    """What `idp models list` shows of these models: the archived-only one is hidden."""
    return [n for n in names if n != "acme/legacy-scorer"]


# --- a local repository --------------------------------------------------------------------


def test_a_repository_is_read_as_its_working_tree_with_uncommitted_edits(
    history: History,
) -> None:
    write_catalog(history.root, with_model(CATALOG, "acme/uncommitted"))
    source = source_for(history.root)
    assert source.kind == "git-worktree"
    assert model_names(history.root) == sorted([*ALL_V1, "acme/uncommitted"])
    assert source.revision() == (history.head, True)


def test_a_clean_working_tree_records_head_and_not_dirty(history: History) -> None:
    assert source_for(history.root).revision() == (history.head, False)
    # an untracked include-sized file beside the catalog makes it differ from the commit
    write_catalog(history.root / "models", model_yaml("acme/x"), name="x.yaml")
    assert source_for(history.root / "catalog.yaml").revision() == (history.head, True)


def test_a_catalog_in_a_subfolder_records_the_repository_commit(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    write_catalog(root / "catalogs" / "prod", CATALOG)
    write_catalog(root, "unrelated\n", name="README.md")
    head = commit_all(root, "first")
    (root / "README.md").write_text("edited elsewhere\n")
    source = source_for(root / "catalogs" / "prod")
    assert source.revision() == (head, False)


def test_a_repository_without_commits_is_dirty_with_no_commit(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    write_catalog(root, CATALOG)
    assert source_for(root).revision() == (None, True)


@pytest.mark.parametrize("ref_name", ["v1", "tag"])
def test_catalog_ref_reads_the_commit_without_touching_the_working_tree(
    history: History, invoke: Invoke, ref_name: str
) -> None:
    ref = "v1" if ref_name == "v1" else history.v1[:10]
    edited = with_model(CATALOG, "acme/uncommitted")
    write_catalog(history.root, edited)
    assert listed(invoke, "--catalog", history.root, "--catalog-ref", ref) == live(ALL_V1)
    source = source_for(history.root, ref)
    assert source.kind == "git-ref"
    assert source.revision() == (history.v1, False)
    assert (history.root / "catalog.yaml").read_text() == edited
    assert git(history.root, "rev-parse", "HEAD") == history.head
    assert git(history.root, "status", "--porcelain") == "M catalog.yaml"


def test_catalog_ref_accepts_annotated_tags_branches_and_relative_refs(
    history: History,
) -> None:
    git(history.root, "branch", "release", history.v2)
    assert model_names(history.root, "v2") == sorted([*ALL_V1, NEW_MODEL])
    assert model_names(history.root, "release") == sorted([*ALL_V1, NEW_MODEL])
    assert model_names(history.root, "main~2") == ALL_V1
    assert model_names(history.root, "main") == sorted([*ALL_V1, NEW_MODEL, "acme/newest"])
    assert source_for(history.root, "v2").commit == history.v2


def test_refs_read_the_same_file_at_different_commits_without_mixing_cache_entries(
    history: History,
) -> None:
    for _ in range(2):
        assert model_names(history.root, "v1") == ALL_V1
        assert model_names(history.root, "v2") == sorted([*ALL_V1, NEW_MODEL])
    assert load_spec(history.root, "v2").cached


def test_catalog_ref_reads_include_files_from_the_commit(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    folder = root / "catalog"
    write_catalog(
        folder, "apiVersion: idp/v1alpha1\nkind: ModelCatalog\ninclude: [models/*.yaml]\n"
    )
    write_catalog(folder / "models", model_yaml("acme/a"), name="a.yaml")
    commit_all(root, "one model")
    git(root, "tag", "one")
    write_catalog(folder / "models", model_yaml("acme/b"), name="b.yaml")
    commit_all(root, "two models")
    (folder / "models" / "a.yaml").unlink()  # uncommitted
    assert model_names(folder, "one") == ["acme/a"]
    assert model_names(folder / "catalog.yaml", "HEAD") == ["acme/a", "acme/b"]
    assert model_names(folder) == ["acme/b"]


def test_problems_at_a_ref_are_named_by_ref_and_path(tmp_path: Path, invoke: Invoke) -> None:
    root = make_repo(tmp_path / "repo")
    write_catalog(root / "sub", edit(CATALOG, "lifecycle: staging", "lifecycle: live"))
    commit_all(root, "broken")
    git(root, "tag", "broken")
    write_catalog(root / "sub", CATALOG)  # fixed in the working tree only
    result = invoke("catalog", "validate", root / "sub", "--catalog-ref", "broken", "-o", "json")
    assert result.exit_code == 3
    (problem,) = json.loads(result.stdout)["problems"]
    assert problem["file"] == "broken:sub/catalog.yaml"
    assert problem["path"] == "models[2].versions[0].lifecycle"
    assert problem["line"] > 0


def test_a_nonexistent_ref_exits_1_naming_it(history: History, invoke: Invoke) -> None:
    result = invoke("models", "list", "--catalog", history.root, "--catalog-ref", "v9.9")
    assert result.exit_code == 1
    assert "'v9.9' does not exist" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_file_missing_at_the_ref_exits_1(history: History, invoke: Invoke) -> None:
    write_catalog(history.root / "later", CATALOG)
    result = invoke("models", "list", "--catalog", history.root / "later", "--catalog-ref", "v1")
    assert result.exit_code == 1
    assert "v1:later/catalog.yaml: no such file at this ref" in result.stderr


def test_catalog_ref_outside_a_repository_exits_1(catalog_dir: Path, invoke: Invoke) -> None:
    result = invoke("models", "list", "--catalog", catalog_dir, "--catalog-ref", "main")
    assert result.exit_code == 1
    assert "is not inside a git repository" in result.stderr


def test_catalog_ref_comes_from_the_environment_too(
    history: History, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IDP_CATALOG_REF", "v1")
    assert listed(invoke, "--catalog", history.root) == live(ALL_V1)
    # the flag wins over the environment
    assert NEW_MODEL in listed(invoke, "--catalog", history.root, "--catalog-ref", "v2")


# --- a URL ---------------------------------------------------------------------------------


class Remote:
    """A bare repository reached through a file:// URL, fed from a separate clone."""

    def __init__(self, tmp_path: Path) -> None:
        self.work = History(tmp_path / "work").root
        self.bare = tmp_path / "remote.git"
        git(tmp_path, "clone", "--quiet", "--bare", str(self.work), str(self.bare))
        git(self.work, "remote", "add", "origin", str(self.bare))
        self.url = self.bare.as_uri()

    def push_model(self, name: str) -> str:
        text = (self.work / "catalog.yaml").read_text()
        write_catalog(self.work, with_model(text, name))
        sha = commit_all(self.work, f"add {name}")
        git(self.work, "push", "--quiet", "origin", "main")
        return sha


@pytest.fixture
def remote(tmp_path: Path) -> Remote:
    return Remote(tmp_path)


HEAD_MODELS = sorted([*ALL_V1, NEW_MODEL, "acme/newest"])


def mirrors() -> list[Path]:
    return sorted(p for p in (Path(os.environ["IDP_CACHE_DIR"]) / "repos").iterdir() if p.is_dir())


def test_a_url_is_cloned_into_the_cache(remote: Remote, invoke: Invoke) -> None:
    assert listed(invoke, "--catalog", remote.url) == live(HEAD_MODELS)
    (mirror,) = mirrors()
    assert (mirror / "HEAD").is_file()
    assert git(mirror, "rev-parse", "HEAD") == git(remote.work, "rev-parse", "HEAD")
    source = source_for(remote.url)
    assert source.kind == "git-url"
    assert source.revision() == (git(remote.work, "rev-parse", "HEAD"), False)
    assert source.display == remote.url


def test_a_new_commit_on_the_remote_is_fetched_on_the_next_run(
    remote: Remote, invoke: Invoke
) -> None:
    assert listed(invoke, "--catalog", remote.url) == live(HEAD_MODELS)
    sha = remote.push_model("acme/pushed")
    result = invoke("models", "list", "--all-versions", "-o", "json", "--catalog", remote.url)
    assert result.exit_code == 0
    assert "acme/pushed" in {row["name"] for row in json.loads(result.stdout)}
    assert result.stderr == ""
    assert source_for(remote.url).commit == sha
    assert len(mirrors()) == 1


def test_a_url_with_a_ref_and_a_path_inside_the_repository(remote: Remote, invoke: Invoke) -> None:
    (remote.work / "catalog.yaml").rename(remote.work / "models.yaml")
    write_catalog(remote.work / "nested", CATALOG)
    commit_all(remote.work, "move the catalog")
    git(remote.work, "push", "--quiet", "origin", "main")
    assert listed(invoke, "--catalog", f"{remote.url}#models.yaml") == live(HEAD_MODELS)
    assert listed(invoke, "--catalog", f"{remote.url}#nested") == live(ALL_V1)
    assert listed(invoke, "--catalog", f"{remote.url}#nested/catalog.yaml") == live(ALL_V1)
    assert listed(invoke, "--catalog", remote.url, "--catalog-ref", "v1") == live(ALL_V1)
    # at v2 the catalog was still at the top, not in models.yaml
    result = invoke(
        "models", "list", "--catalog", f"{remote.url}#models.yaml", "--catalog-ref", "v2"
    )
    assert result.exit_code == 1
    assert "v2:models.yaml: no such file at this ref" in result.stderr
    assert len(mirrors()) == 1


def test_an_unreachable_remote_falls_back_to_the_cache_with_a_warning(
    remote: Remote, invoke: Invoke
) -> None:
    assert listed(invoke, "--catalog", remote.url) == live(HEAD_MODELS)
    remote.bare.rename(remote.bare.with_name("moved.git"))
    result = invoke("models", "list", "--all-versions", "-o", "json", "--catalog", remote.url)
    assert result.exit_code == 0, result.stderr
    assert sorted({row["name"] for row in json.loads(result.stdout)}) == live(HEAD_MODELS)
    assert "warning:" in result.stderr
    assert f"could not fetch {remote.url} (fatal: " in result.stderr
    assert "cached copy" in result.stderr


def test_an_unreachable_url_without_a_cache_exits_1(tmp_path: Path, invoke: Invoke) -> None:
    url = (tmp_path / "absent.git").as_uri()
    result = invoke("models", "list", "--catalog", url)
    assert result.exit_code == 1
    assert f"could not clone {url}: fatal: " in result.stderr
    assert "does not appear to be a git repository" in result.stderr
    assert "hint:" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    # no half-written mirror is left for a later run to trust
    assert mirrors() == []


def test_a_url_with_credentials_is_never_printed_with_them(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    for proxy in (
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(proxy, raising=False)
    # port 9 (discard) on the loopback: refused at once, no network involved
    url = "https://deploy:s3cr3t-value@127.0.0.1:9/team/catalog.git"
    for args in (
        ("models", "list", "--catalog", url),
        ("catalog", "validate", url, "-o", "json"),
        ("models", "show", "x", "--catalog", f"{url}#sub/catalog.yaml"),
    ):
        result = invoke(*args)
        assert result.exit_code == 1
        assert "s3cr3t" not in result.stderr + result.stdout
        assert "deploy" not in result.stderr + result.stdout
        assert "could not clone https://***@127.0.0.1:9/team/catalog.git: " in result.stderr


def test_a_missing_ref_in_a_url_exits_1(remote: Remote, invoke: Invoke) -> None:
    result = invoke("models", "list", "--catalog", remote.url, "--catalog-ref", "nope")
    assert result.exit_code == 1
    assert f"ref 'nope' does not exist in {remote.url}" in result.stderr


def test_a_leftover_lock_file_does_not_block(remote: Remote, invoke: Invoke) -> None:
    # a lock file left by a killed process holds no lock
    (paths.cache_dir() / "repos").mkdir(parents=True)
    listed(invoke, "--catalog", remote.url)
    (lock,) = (paths.cache_dir() / "repos").glob("*.lock")
    assert lock.exists()
    assert listed(invoke, "--catalog", remote.url) == live(HEAD_MODELS)


def test_parallel_runs_share_the_cache_without_corrupting_it(remote: Remote) -> None:
    command = [
        sys.executable,
        "-m",
        "idp_cli",
        "models",
        "list",
        "--all-versions",
        "-o",
        "json",
        "--catalog",
        remote.url,
    ]
    env = {**os.environ, "IDP_NO_CACHE": "1"}
    runs = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    for run, (stdout, stderr) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, stderr
        assert sorted({row["name"] for row in json.loads(stdout)}) == live(HEAD_MODELS)
    (mirror,) = mirrors()
    git(mirror, "fsck", "--no-progress")
    assert not list((paths.cache_dir() / "repos").glob(".clone-*"))


def test_gitsource_errors_are_source_errors(history: History) -> None:
    from idp_cli import gitsource

    with pytest.raises(SourceError, match="not a git repository"):
        gitsource.open_repo(history.root.parent)
    assert gitsource.redact("x https://a:b@h/p and ssh://me@h/p") == (
        "x https://***@h/p and ssh://***@h/p"
    )
