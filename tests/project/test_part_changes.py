"""A new version of an app template that lists a part the project lacks (rag-service gained
`deploy`), or no longer lists one it has: `idp check` names it, and `idp update` brings the
project to what `idp new` at the new version makes (the part rendered and recorded, or taken
out as `idp remove` would), in the update's one transaction. The app template is the bundled
rag-service in a git repository of its own, released as v1 and v2, the one with its `deploy`
part and the other without."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from idp_cli.templates.discovery import find
from tests.helpers import Invoke, commit_all, git, make_repo
from tests.project.fleet import catalog_repo, snapshot
from tests.project.test_bundled_updates import assert_merged_cleanly
from tests.project.test_deploy_updates_rag import CATALOG

PART_FILE = ".copier-answers.app-deploy.yml"
OVERLAY = "deploy/overlays/production/kustomization.yaml"


def without(config: str, part: str) -> str:
    """copier.yml with the `_idp.parts` entry `part` taken out (up to the next entry, or the
    blank line that ends the list)."""
    start = config.index(f"    - name: {part}\n")
    ends = [config.find(mark, start + 1) for mark in ("\n    - name: ", "\n\n")]
    end = min(e for e in ends if e != -1)
    return config[:start] + config[end + 1 :]


def release(repo: Path, tag: str, *, deploy: bool, part: str = "deploy") -> None:
    config = Path(find(repo.name).src, "copier.yml").read_text(encoding="utf-8")
    (repo / "copier.yml").write_text(config if deploy else without(config, part), "utf-8")
    commit_all(repo, f"release {tag}")
    git(repo, "tag", tag)


def app_template(path: Path, *, v1_deploy: bool, part: str = "deploy") -> Path:
    """The files of the bundled app template `path` is named after, in a repository of their
    own: v1 and v2 differ in the part `part` only."""
    shutil.copytree(find(path.name).src, path, ignore=shutil.ignore_patterns("__pycache__"))
    make_repo(path)
    release(path, "v1", deploy=v1_deploy, part=part)
    release(path, "v2", deploy=not v1_deploy, part=part)
    return path


def new(
    invoke: Invoke,
    template: Path,
    catalog: Path,
    dest: Path,
    ref: str,
    *data: str,
    own: bool = True,
) -> Path:
    """`idp new` of `template` at `ref`; rag-service's own binding too, when it has it."""
    own_model = ("-m", "embeddings=acme/embed@1.0.0") if own else ()
    own_model = own_model if template.name == "rag-service" else ()
    made = invoke(
        "new", dest, "-t", f"file://{template}@{ref}", "-m", "acme/chat@1.0.0", *own_model,
        "--catalog", catalog, "--defaults", *(f"--data={d}" for d in data),
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    make_repo(dest)
    commit_all(dest, "Generate project")
    return dest


def check(invoke: Invoke, project: Path) -> dict[str, Any]:
    checked = invoke("check", project, "-o", "json")
    return json.loads(checked.stdout)  # type: ignore[no-any-return]


def update(invoke: Invoke, project: Path, *args: str) -> dict[str, Any]:
    done = invoke("update", project, "--defaults", "-o", "json", *args)
    assert done.exit_code in (0, 6), done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def app_parts(result: dict[str, Any]) -> Any:
    """What the update says of the app's parts (rag-service has two bindings: the app's is
    the first)."""
    bindings = result["bindings"]
    assert isinstance(bindings, list) and bindings[0]["name"] == "rag-service"
    return bindings[0]["parts"]


def test_a_part_the_new_version_lists_is_added_as_idp_new_adds_it(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = catalog_repo(tmp_path / "catalog", CATALOG)
    template = app_template(tmp_path / "rag-service", v1_deploy=False)
    project = new(invoke, template, catalog, tmp_path / "old" / "app", "v1")
    assert not (project / PART_FILE).exists() and not (project / "deploy" / "overlays").exists()
    # run in the project, whose deploy/ folder (the embeddings part's deploy/bindings/) is
    # named like the new part: the part is the bundled template, never that folder
    monkeypatch.chdir(project)
    reasons = check(invoke, Path("."))["reasons"]
    assert "rag-service: part deploy: new in v2" in reasons
    before = snapshot(project)

    preview = update(invoke, Path("."), "--pretend")
    assert app_parts(preview)["added"] == ["deploy"]
    assert {"path": PART_FILE, "status": "added"} in preview["files"]
    assert snapshot(project) == before and git(project, "status", "--porcelain") == ""

    done = update(invoke, Path("."))
    assert app_parts(done) == {"version": "v2", "added": ["deploy"], "dropped": [], "kept": []}
    assert done["conflicts"] == []
    assert_merged_cleanly(project)
    recorded = yaml.safe_load((project / PART_FILE).read_text(encoding="utf-8"))
    assert recorded["_src_path"] == "git+idp://bundled-templates/deploy"  # portable
    fresh = new(invoke, template, catalog, tmp_path / "fresh" / "app", "v2")
    assert snapshot(project) == snapshot(fresh)
    commit_all(project, "Update")
    assert check(invoke, project)["outdated"] is False
    again = invoke("update", project, "--defaults")
    assert again.exit_code == 0 and "Already up to date" in again.stdout
    assert git(project, "status", "--porcelain") == ""


def test_a_part_the_new_version_drops_goes_but_for_edited_files(
    invoke: Invoke, tmp_path: Path
) -> None:
    # chat-service: one binding, so the update's report is the app's own
    catalog = catalog_repo(tmp_path / "catalog", CATALOG)
    template = app_template(tmp_path / "chat-service", v1_deploy=True)
    project = new(invoke, template, catalog, tmp_path / "old" / "app", "v1")
    assert (project / PART_FILE).is_file()
    overlay = project / OVERLAY
    overlay.write_text(overlay.read_text(encoding="utf-8") + "# ours\n", encoding="utf-8")
    commit_all(project, "Tune the production overlay")
    checked = check(invoke, project)
    assert "part deploy: dropped in v2" in checked["reasons"]
    assert checked["parts_dropped"] == ["deploy"]

    before = snapshot(project)
    preview = update(invoke, project, "--pretend")
    assert preview["parts"]["kept"] == [OVERLAY]
    assert {"path": PART_FILE, "status": "deleted"} in preview["files"]
    assert snapshot(project) == before and git(project, "status", "--porcelain") == ""

    summary = tmp_path / "summary.md"
    done = update(invoke, project, "--summary-file", str(summary))
    assert done["parts"] == {"version": "v2", "added": [], "dropped": ["deploy"], "kept": [OVERLAY]}
    assert done["title"] == "Update template chat-service v1 → v2; part deploy dropped"
    assert f"- kept `{OVERLAY}`: edited since the dropped part wrote it" in summary.read_text()
    assert_merged_cleanly(project)
    assert not (project / PART_FILE).exists()
    assert not (project / "deploy/base").exists()
    assert overlay.read_text(encoding="utf-8").endswith("# ours\n")
    fresh = new(invoke, template, catalog, tmp_path / "fresh" / "app", "v2")
    # the project is the fresh one plus the edited file it keeps
    assert {k: v for k, v in snapshot(project).items() if k != OVERLAY} == snapshot(fresh)
    commit_all(project, "Update")
    assert check(invoke, project)["outdated"] is False
    again = invoke("update", project, "--defaults")
    assert again.exit_code == 0 and "Already up to date" in again.stdout


def test_a_file_of_the_users_where_the_new_part_writes_is_a_conflict(
    invoke: Invoke, tmp_path: Path
) -> None:
    catalog = catalog_repo(tmp_path / "catalog", CATALOG)
    template = app_template(tmp_path / "rag-service", v1_deploy=False)
    project = new(invoke, template, catalog, tmp_path / "old" / "app", "v1")
    (project / OVERLAY).parent.mkdir(parents=True)
    (project / OVERLAY).write_text("# our own overlay\n", encoding="utf-8")
    commit_all(project, "Our own deploy files")

    done = invoke("update", project, "--defaults")
    assert done.exit_code == 6, done.stderr
    assert OVERLAY in done.stdout
    text = (project / OVERLAY).read_text(encoding="utf-8")
    assert "# our own overlay\n" in text and "<<<<<<< before updating" in text
    assert OVERLAY in git(project, "diff", "--name-only", "--diff-filter=U")
    # everything else the part writes is there, and it is recorded
    assert (project / PART_FILE).is_file()
    assert (project / "deploy/overlays/staging/kustomization.yaml").is_file()


def test_with_conflict_rej_the_users_file_stays_as_it_was(invoke: Invoke, tmp_path: Path) -> None:
    catalog = catalog_repo(tmp_path / "catalog", CATALOG)
    template = app_template(tmp_path / "rag-service", v1_deploy=False)
    project = new(invoke, template, catalog, tmp_path / "old" / "app", "v1")
    (project / OVERLAY).parent.mkdir(parents=True)
    (project / OVERLAY).write_text("# our own overlay\n", encoding="utf-8")
    commit_all(project, "Our own deploy files")

    done = invoke("update", project, "--defaults", "--conflict", "rej")
    assert done.exit_code == 6, done.stderr
    assert (project / OVERLAY).read_text(encoding="utf-8") == "# our own overlay\n"
    assert "kind: Kustomization" in (project / (OVERLAY + ".rej")).read_text(encoding="utf-8")


def test_a_new_part_that_fails_to_render_leaves_nothing_half_written(
    invoke: Invoke, tmp_path: Path
) -> None:
    catalog = catalog_repo(tmp_path / "catalog", CATALOG)
    template = app_template(tmp_path / "rag-service", v1_deploy=False)
    project = new(invoke, template, catalog, tmp_path / "old" / "app", "v1")
    # v3 lists the part with an answer its question refuses: the part's render fails after
    # the app's update to v3 was done
    config = (template / "copier.yml").read_text(encoding="utf-8")
    (template / "copier.yml").write_text(
        config.replace("{workload: service, env_prefix", "{workload: nonsense, env_prefix"), "utf-8"
    )
    commit_all(template, "release v3")
    git(template, "tag", "v3")
    before, head = snapshot(project), git(project, "rev-parse", "HEAD")

    failed = invoke("update", project, "--defaults")
    assert failed.exit_code != 0 and "nonsense" in failed.stderr, failed.stderr
    assert snapshot(project) == before
    assert git(project, "rev-parse", "HEAD") == head
    assert git(project, "status", "--porcelain") == ""


def test_a_part_missing_from_a_current_project_is_rendered_again_from_a_clean_tree(
    invoke: Invoke, tmp_path: Path
) -> None:
    """The app is current, so only the part is to do: a dirty tree still refuses it."""
    catalog = catalog_repo(tmp_path / "catalog", CATALOG)
    project = tmp_path / "app"
    made = invoke("new", project, "-t", "chat-service", "-m", "acme/chat@1.0.0",
                  "--catalog", catalog, "--defaults")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    make_repo(project)
    commit_all(project, "Generate project")
    (project / PART_FILE).unlink()
    commit_all(project, "Lose the deploy part's answers file")
    readme = project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "work in progress\n", "utf-8")

    refused = invoke("update", project, "--defaults")
    assert refused.exit_code != 0 and "uncommitted changes (README.md)" in refused.stderr
    git(project, "checkout", "--", "README.md")
    done = update(invoke, project)
    assert done["parts"]["added"] == ["deploy"]
    # its files are there as it renders them: only its answers file comes back
    assert done["files"] == [{"path": PART_FILE, "status": "added"}]
    assert check(invoke, project)["outdated"] is False


EMBEDDINGS_FILE = ".copier-answers.embeddings.yml"
EMBED = "acme/embed@1.0.0"


def without_own_part(invoke: Invoke, tmp_path: Path) -> tuple[Path, Path, Path]:
    """The catalog, rag-service released as v1 without its `embeddings` part (which binds a
    model of its own) and v2 with it, and a project made at v1: (catalog, template, project)."""
    catalog = catalog_repo(tmp_path / "catalog", CATALOG)
    template = app_template(tmp_path / "rag-service", v1_deploy=False, part="embeddings")
    project = new(invoke, template, catalog, tmp_path / "app", "v1", own=False)
    assert not (project / EMBEDDINGS_FILE).exists()
    return catalog, template, project


def answers(project: Path, name: str) -> dict[str, Any]:
    return yaml.safe_load((project / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_a_new_part_binding_a_model_of_its_own_is_refused_with_what_to_do(
    invoke: Invoke, tmp_path: Path
) -> None:
    _, _, project = without_own_part(invoke, tmp_path)
    assert "part embeddings: new in v2" in check(invoke, project)["reasons"]
    before = snapshot(project)

    refused = invoke("update", project, "--defaults")
    assert refused.exit_code != 0
    assert "adds the part embeddings, which binds a model of its own" in refused.stderr
    # what to do, the update's own option first
    hint = " ".join(refused.stderr.split())
    assert "`idp update --model embeddings=REF`" in hint
    assert hint.index("idp update --model") < hint.index("idp new ... --model embeddings=REF")
    assert snapshot(project) == before and git(project, "status", "--porcelain") == ""


def test_model_name_ref_binds_the_new_part_and_adds_it_as_idp_new_would(
    invoke: Invoke, tmp_path: Path
) -> None:
    catalog, template, project = without_own_part(invoke, tmp_path)
    app_before = answers(project, ".copier-answers.yml")

    done = update(invoke, project, "--model", f"embeddings={EMBED}")
    assert done["parts"] == {
        "version": "v2",
        "added": ["embeddings"],
        "dropped": [],
        "kept": [],
        "bound": {"embeddings": EMBED},
    }
    assert done["conflicts"] == []
    assert {"path": EMBEDDINGS_FILE, "status": "added"} in done["files"]
    assert_merged_cleanly(project)
    recorded = answers(project, EMBEDDINGS_FILE)
    assert recorded["model_ref"] == EMBED
    assert recorded["_src_path"] == "git+idp://bundled-templates/embeddings-client"
    # the app keeps its own binding
    app = answers(project, ".copier-answers.yml")
    assert app["model_ref"] == app_before["model_ref"] == "acme/chat@1.0.0"
    assert app["model"] == app_before["model"]
    # the project is what `idp new` makes at v2 with the same two models
    fresh = new(invoke, template, catalog, tmp_path / "fresh" / "app", "v2")
    assert snapshot(project) == snapshot(fresh)

    commit_all(project, "Update")
    checked = check(invoke, project)
    assert checked["outdated"] is False, checked["reasons"]
    assert [b["name"] for b in checked["bindings"]] == ["rag-service", "embeddings"]
    again = invoke("update", project, "--defaults")
    assert again.exit_code == 0 and "Already up to date" in again.stdout, again.stderr
    assert git(project, "status", "--porcelain") == ""
    # `idp new`'s syntax once the part is there: how to re-bind it is named
    rebind = invoke("update", project, "--defaults", "--model", f"embeddings={EMBED}")
    assert rebind.exit_code != 0
    said = " ".join(rebind.stderr.split())
    assert "'embeddings' is a binding of this project already" in said, said
    assert "idp update --binding embeddings --model REF" in said
    assert git(project, "status", "--porcelain") == ""


def _refused_untouched(invoke: Invoke, tmp_path: Path, *args: str) -> str:
    """What `idp update ARGS` says when it refuses the project `without_own_part` makes,
    checked to have written nothing."""
    _, _, project = without_own_part(invoke, tmp_path)
    before, head = snapshot(project), git(project, "rev-parse", "HEAD")
    refused = invoke("update", project, "--defaults", *args)
    assert refused.exit_code != 0
    assert snapshot(project) == before and git(project, "status", "--porcelain") == ""
    assert git(project, "rev-parse", "HEAD") == head
    return " ".join(refused.stderr.split())


def test_a_model_the_new_part_cannot_serve_is_refused_with_the_reasons(
    invoke: Invoke, tmp_path: Path
) -> None:
    said = _refused_untouched(invoke, tmp_path, "--model", "embeddings=acme/chat@1.0.0")
    assert "part embeddings (embeddings-client) cannot serve acme/chat@1.0.0" in said, said
    assert "its tasks (text-generation) are not among the template's" in said


def test_a_name_the_update_adds_no_part_for_is_refused_with_a_suggestion(
    invoke: Invoke, tmp_path: Path
) -> None:
    said = _refused_untouched(invoke, tmp_path, "--model", f"embedding={EMBED}")
    assert "no part that binds a model of its own as 'embedding'" in said, said
    assert "Did you mean embeddings?" in said
    assert "--model embeddings=REF" in said


def test_pretend_lists_the_bound_new_part_and_writes_nothing(
    invoke: Invoke, tmp_path: Path
) -> None:
    """The app's model and the new part's, given together."""
    _, _, project = without_own_part(invoke, tmp_path)
    before = snapshot(project)

    preview = update(
        invoke, project, "--pretend", "-m", "acme/chat@1.0.0", "-m", f"embeddings={EMBED}"
    )
    assert preview["pretend"] is True and preview["updated"] is False
    assert preview["parts"]["added"] == ["embeddings"]
    assert preview["parts"]["bound"] == {"embeddings": EMBED}
    assert preview["model"] == {"from": "acme/chat@1.0.0", "to": "acme/chat@1.0.0"}
    assert {"path": EMBEDDINGS_FILE, "status": "added"} in preview["files"]
    assert snapshot(project) == before and git(project, "status", "--porcelain") == ""


def test_data_for_the_new_parts_own_questions_reaches_it(invoke: Invoke, tmp_path: Path) -> None:
    """`idp update --data` answers a question only the new part asks (the deploy part's
    Argo CD), as `idp new --data` does."""
    catalog = catalog_repo(tmp_path / "catalog", CATALOG)
    template = app_template(tmp_path / "chat-service", v1_deploy=False)
    project = new(invoke, template, catalog, tmp_path / "old" / "app", "v1")
    argocd = ("argocd=true", "argocd_repo_url=https://git.example.com/team/app.git")

    done = update(invoke, project, *(f"--data={d}" for d in argocd))
    assert done["parts"]["added"] == ["deploy"]
    assert (project / "deploy/argocd/production.yaml").is_file()
    fresh = new(invoke, template, catalog, tmp_path / "fresh" / "app", "v2", *argocd)
    assert snapshot(project) == snapshot(fresh)
