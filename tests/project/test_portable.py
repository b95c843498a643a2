"""A generated project records its catalog and template so that another machine can check and
update it: the catalog repository's `origin` URL (never the checkout it was read from), a
bundled template by a name that holds no cache path; and it binds what the catalog's default
branch holds, not whatever branch the catalog checkout is on."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from idp_cli.templates import snapshots
from tests.helpers import Invoke, commit_all, git, make_repo
from tests.project.fleet import (
    CATALOG_V2,
    answers,
    catalog_repo,
    generate,
    head,
    template_repo,
)

MODEL = "acme/assistant"


def origin_and_checkout(tmp_path: Path) -> tuple[Path, Path]:
    """A bare `origin` holding the catalog on `main`, and a clone of it to work in."""
    seed = catalog_repo(tmp_path / "seed")
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(seed), str(origin))
    shutil.rmtree(seed)
    checkout = tmp_path / "catalog"
    git(tmp_path, "clone", "--quiet", str(origin), str(checkout))
    return origin, checkout


def push_deprecation(origin: Path, scratch: Path) -> str:
    """1.0.0 deprecated in favour of 2.0.0, merged on origin's main by someone else."""
    git(scratch.parent, "clone", "--quiet", str(origin), str(scratch))
    (scratch / "catalog.yaml").write_text(CATALOG_V2)
    commit_all(scratch, "deprecate 1.0.0")
    git(scratch, "push", "--quiet", "origin", "main")
    return head(scratch)


def elsewhere(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    """Another machine: its own home and idp cache folder."""
    root.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(root))
    monkeypatch.setenv("IDP_CACHE_DIR", str(root / "idp-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "cache"))


def check(invoke: Invoke, project: Path, *args: str) -> tuple[int, dict[str, object]]:
    result = invoke("check", project, "-o", "json", *args)
    assert result.exit_code in (0, 5), result.stderr
    return result.exit_code, json.loads(result.stdout)


def test_a_project_is_checked_and_updated_on_another_machine(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin, checkout = origin_and_checkout(tmp_path)
    template = template_repo(tmp_path / "template")
    first = generate(invoke, template, checkout, tmp_path / "laptop" / "app", MODEL)
    recorded = answers(first)
    assert recorded["catalog_source"] == origin.as_uri()
    assert recorded["catalog_ref"] == ""
    assert recorded["catalog_commit"] == head(checkout)

    # CI: a clone of the project at another path, another cache, and no catalog checkout
    project = tmp_path / "runner" / "app"
    git(tmp_path, "clone", "--quiet", str(first), str(project))
    shutil.rmtree(checkout)
    shutil.rmtree(tmp_path / "laptop")
    elsewhere(monkeypatch, tmp_path / "runner-home")

    code, report = check(invoke, project)
    assert code == 0, report
    assert invoke("update", project).exit_code == 0

    pushed = push_deprecation(origin, tmp_path / "someone")
    code, report = check(invoke, project)
    assert code == 5
    assert report["model"]["successor"] == f"{MODEL}@2.0.0"  # type: ignore[index]
    assert report["catalog"]["current_commit"] == pushed  # type: ignore[index]

    updated = invoke("update", project, "--latest", "--defaults")
    assert updated.exit_code == 0, updated.stderr
    rebound = answers(project)
    assert rebound["model_ref"] == f"{MODEL}@2.0.0"
    assert rebound["catalog_source"] == origin.as_uri()
    assert rebound["catalog_commit"] == pushed
    text = (project / ".copier-answers.yml").read_text()
    assert str(tmp_path / "laptop") not in text and "idp-cache" not in text
    commit_all(project, "Re-bind")
    assert check(invoke, project)[0] == 0


def test_new_binds_the_default_branch_not_a_publish_branch_checked_out(
    invoke: Invoke, tmp_path: Path
) -> None:
    _, checkout = origin_and_checkout(tmp_path)
    reviewed = head(checkout)
    # what `idp models publish` leaves behind: a branch with an unmerged version on it
    git(checkout, "switch", "--quiet", "-c", "publish/acme-assistant-2.0.0")
    (checkout / "catalog.yaml").write_text(CATALOG_V2)
    commit_all(checkout, "publish 2.0.0")
    template = template_repo(tmp_path / "template")

    result = invoke(
        "new", tmp_path / "app", "-t", f"file://{template}", "-m", MODEL,
        "--catalog", checkout, "--defaults",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    recorded = answers(tmp_path / "app")
    assert recorded["model_ref"] == f"{MODEL}@1.0.0"
    assert recorded["catalog_commit"] == reviewed
    assert "branch publish/acme-assistant-2.0.0" in result.stderr
    assert "origin/main" in result.stderr

    unmerged = invoke(
        "new", tmp_path / "app2", "-t", f"file://{template}", "-m", f"{MODEL}@2.0.0",
        "--catalog", checkout, "--defaults",
    )  # fmt: skip
    assert unmerged.exit_code != 0
    # ...while the commands that edit and validate the catalog read the working tree
    listed = invoke("models", "show", f"{MODEL}@2.0.0", "--catalog", checkout, "-o", "json")
    assert listed.exit_code == 0, listed.stderr


def test_uncommitted_catalog_edits_are_not_bound_and_are_named(
    invoke: Invoke, tmp_path: Path
) -> None:
    catalog = catalog_repo(tmp_path / "catalog")  # no origin: its local `main` is read
    (catalog / "catalog.yaml").write_text(CATALOG_V2)
    template = template_repo(tmp_path / "template")
    result = invoke(
        "new", tmp_path / "app", "-t", f"file://{template}", "-m", MODEL,
        "--catalog", catalog, "--defaults",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert answers(tmp_path / "app")["model_ref"] == f"{MODEL}@1.0.0"
    assert "uncommitted changes" in result.stderr
    # without a remote, the binding names a path only this machine has, and says so
    assert answers(tmp_path / "app")["catalog_source"] == str(catalog)
    assert "cannot read" in result.stderr and "origin" in result.stderr


def test_a_project_pinned_to_a_commit_sees_a_later_deprecation(
    invoke: Invoke, tmp_path: Path
) -> None:
    origin, checkout = origin_and_checkout(tmp_path)
    pinned = head(checkout)
    template = template_repo(tmp_path / "template")
    project = tmp_path / "app"
    made = invoke(
        "new", project, "-t", f"file://{template}", "-m", MODEL,
        "--catalog", checkout, "--catalog-ref", pinned, "--defaults",
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    make_repo(project)
    commit_all(project, "Generate project")
    assert answers(project)["catalog_ref"] == pinned
    assert check(invoke, project)[0] == 0

    push_deprecation(origin, tmp_path / "someone")
    code, report = check(invoke, project)
    assert code == 5
    assert report["model"]["latest"] == f"{MODEL}@2.0.0"  # type: ignore[index]
    # asked for, the pinned commit is still what is read
    assert check(invoke, project, "--catalog-ref", pinned)[0] == 0

    updated = invoke("update", project, "--latest", "--defaults")
    assert updated.exit_code == 0, updated.stderr
    assert answers(project)["model_ref"] == f"{MODEL}@2.0.0"
    assert answers(project)["catalog_ref"] == ""  # read at the default branch this time


def test_the_origin_is_recorded_without_credentials_and_with_the_catalogs_path(
    invoke: Invoke, tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "platform")
    catalog_repo(tmp_path / "unused")  # only for its catalog text
    (repo / "catalogs").mkdir()
    shutil.copy(tmp_path / "unused" / "catalog.yaml", repo / "catalogs" / "models.yaml")
    commit_all(repo, "catalog")
    git(repo, "remote", "add", "origin", "https://user:s3cret@git.example.invalid/platform.git")
    template = template_repo(tmp_path / "template")
    result = invoke(
        "new", tmp_path / "app", "-t", f"file://{template}", "-m", MODEL,
        "--catalog", repo / "catalogs" / "models.yaml", "--defaults",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    recorded = answers(tmp_path / "app")["catalog_source"]
    assert recorded == "https://git.example.invalid/platform.git#catalogs/models.yaml"
    assert "s3cret" not in (tmp_path / "app" / ".copier-answers.yml").read_text()


def test_a_catalog_url_is_recorded_without_its_credentials(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin, _ = origin_and_checkout(tmp_path)
    url = "https://bot:s3cret@git.example.invalid/catalog.git"
    # git reads the "remote" from the local bare repository: no network in tests
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", f"url.{origin.as_uri()}.insteadOf")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", url)
    template = template_repo(tmp_path / "template")
    result = invoke(
        "new", tmp_path / "app", "-t", f"file://{template}", "-m", MODEL,
        "--catalog", url, "--defaults",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert answers(tmp_path / "app")["catalog_source"] == "https://git.example.invalid/catalog.git"


def test_a_bundled_template_project_updates_under_another_cache_folder(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deprecated = "meta-llama/llama-3.1-8b-instruct@2.0.0"
    successor = "meta-llama/llama-3.1-8b-instruct@2.1.0"
    project = tmp_path / "chat"
    made = invoke(
        "new", project, "-t", "chat-service", "-m", deprecated, "--defaults", "--allow-deprecated"
    )
    assert made.exit_code == 0, made.stderr
    stable = "git+idp://bundled-templates/chat-service"
    assert answers(project)["_src_path"] == stable
    make_repo(project)
    commit_all(project, "Generate project")

    elsewhere(monkeypatch, tmp_path / "runner-home")
    assert not snapshots.location("chat-service").exists()
    updated = invoke("update", project, "--latest", "--defaults")
    assert updated.exit_code == 0, updated.stderr
    after = answers(project)
    assert after["_src_path"] == stable
    assert after["model_ref"] == successor
    assert str(tmp_path) not in (project / ".copier-answers.yml").read_text()


def test_bundled_name_reads_the_stable_name_and_older_cache_paths() -> None:
    assert snapshots.bundled_name("git+idp://bundled-templates/chat-service") == "chat-service"
    assert snapshots.bundled_name("~/.cache/idp/bundled-templates/chat-service") == "chat-service"
    assert snapshots.bundled_name("/ci/cache/bundled-templates/batch-scoring") == "batch-scoring"
    assert snapshots.bundled_name("git+idp://bundled-templates/") is None
    assert snapshots.bundled_name("https://git.example.invalid/chat-service.git") is None


def test_a_local_path_origin_is_named_as_unreadable_elsewhere(
    invoke: Invoke, tmp_path: Path
) -> None:
    # the origin is a folder of this machine: recorded as file://, which no CI runner has
    origin, checkout = origin_and_checkout(tmp_path)
    template = template_repo(tmp_path / "template")
    result = invoke(
        "new", tmp_path / "app", "-t", f"file://{template}", "-m", MODEL,
        "--catalog", checkout, "--defaults",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert answers(tmp_path / "app")["catalog_source"] == origin.resolve().as_uri()
    assert "cannot read" in result.stderr


def test_a_commit_origin_does_not_have_is_not_bound_silently(
    invoke: Invoke, tmp_path: Path
) -> None:
    # a repository pushed without `origin/HEAD` (git init, remote add, push), then a version
    # merged into the local main but not pushed
    seed = catalog_repo(tmp_path / "catalog")
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", str(origin))
    git(seed, "remote", "add", "origin", str(origin))
    git(seed, "push", "--quiet", "origin", "main")
    pushed = head(seed)
    (seed / "catalog.yaml").write_text(CATALOG_V2)
    commit_all(seed, "deprecate 1.0.0, not pushed")
    template = template_repo(tmp_path / "template")
    result = invoke(
        "new", tmp_path / "app", "-t", f"file://{template}", "-m", MODEL,
        "--catalog", seed, "--defaults",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    # origin's main is what is published: the local commit ahead of it is not bound
    assert answers(tmp_path / "app")["catalog_commit"] == pushed
    assert "reading the catalog at origin/main" in result.stderr
    # asked for by name, the unpushed commit is bound, with a warning that CI cannot read it
    local = invoke(
        "new", tmp_path / "app2", "-t", f"file://{template}", "-m", MODEL,
        "--catalog", seed, "--catalog-ref", "main", "--defaults",
    )  # fmt: skip
    assert local.exit_code == 0, local.stderr
    assert answers(tmp_path / "app2")["catalog_commit"] == head(seed)
    assert f"the catalog commit {head(seed)[:12]} is not on its origin" in local.stderr
