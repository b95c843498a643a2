"""Projects from the bundled templates are updatable (through their git snapshot in the cache),
and the paths that must be fast never import Copier."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from idp_cli import __version__, binding
from idp_cli.templates import snapshots
from tests.helpers import Invoke, commit_all, git, make_repo
from tests.project.fleet import answers, catalog_repo, generate, template_repo

REPO = Path(__file__).resolve().parents[2]
DEPRECATED = "meta-llama/llama-3.1-8b-instruct@2.0.0"
SUCCESSOR = "meta-llama/llama-3.1-8b-instruct@2.1.0"


def test_bundled_project_rebinds_a_deprecated_model(invoke: Invoke, tmp_path: Path) -> None:
    project = tmp_path / "chat"
    result = invoke(
        "new", project, "-t", "chat-service", "-m", DEPRECATED, "--defaults", "--allow-deprecated"
    )
    assert result.exit_code == 0, result.stderr
    recorded = answers(project)
    assert recorded["_src_path"] == snapshots.recorded_location("chat-service")
    assert recorded["_commit"] == snapshots.tag()
    assert recorded["catalog_source"] == "bundled:idp-" + snapshots.tag().removeprefix("v")
    make_repo(project)
    commit_all(project, "Generate project")

    checked = invoke("check", project, "-o", "json")
    assert checked.exit_code == 5
    report = json.loads(checked.stdout)
    assert report["template"]["bundled"] is True and report["template"]["outdated"] is False
    assert report["model"]["latest"] == SUCCESSOR

    updated = invoke("update", project, "--latest", "--defaults")
    assert updated.exit_code == 0, updated.stderr
    binding = json.loads((project / "src" / "chat" / "model_client" / "binding.json").read_text())
    assert binding["model_ref"] == SUCCESSOR
    commit_all(project, "Re-bind")
    assert invoke("check", project).exit_code == 0


def test_snapshot_follows_the_bundled_folder(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    (folder / "template").mkdir(parents=True)
    (folder / "copier.yml").write_text("_subdirectory: template\n")
    (folder / "template" / "a.txt").write_text("one\n")
    repo = snapshots.ensure("tpl", folder)
    first = git(repo, "rev-parse", snapshots.tag())
    assert snapshots.ensure("tpl", folder) == repo
    assert git(repo, "rev-parse", snapshots.tag()) == first  # unchanged content: same commit
    (folder / "template" / "a.txt").write_text("two\n")
    snapshots.ensure("tpl", folder)
    assert git(repo, "rev-parse", snapshots.tag()) != first
    assert git(repo, "show", f"{snapshots.tag()}:template/a.txt") == "two"
    assert snapshots.bundled_name(str(repo)) == "tpl"
    assert snapshots.bundled_name("~/.cache/idp/bundled-templates/chat-service") == "chat-service"
    assert snapshots.bundled_name("/srv/templates/chat-service") is None


PROBE = """
import sys
from idp_cli.cli.app import app
try:
    app(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print(f"exit={code} copier={'copier' in sys.modules}", file=sys.stderr)
"""


def run_probe(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120
    )
    return done.stderr.strip().splitlines()[-1]


def test_check_and_a_noop_update_never_import_copier(invoke: Invoke, tmp_path: Path) -> None:
    template = template_repo(tmp_path / "template")
    catalog = catalog_repo(tmp_path / "catalog")
    project = generate(invoke, template, catalog, tmp_path / "app", "acme/assistant")
    assert run_probe("check", str(project)) == "exit=0 copier=False"
    assert run_probe("update", str(project)) == "exit=0 copier=False"


def fake_release(folder: Path, version: str, template: Path, name: str) -> Path:
    """A wheel of idp `version` that bundles `template` as `name`, as pip downloads it."""
    import zipfile

    folder.mkdir(parents=True, exist_ok=True)
    # Named as the real wheel is: pip finds it only under the distribution's own name.
    stem = f"{snapshots.PACKAGE.replace('-', '_')}-{version}"
    wheel = folder / f"{stem}-py3-none-any.whl"
    dist = f"{stem}.dist-info"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path in sorted(template.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                rel = path.relative_to(template).as_posix()
                archive.write(path, f"idp_cli/_bundled/templates/{name}/{rel}")
        archive.writestr(
            f"{dist}/METADATA",
            f"Metadata-Version: 2.1\nName: {snapshots.PACKAGE}\nVersion: {version}\n",
        )
        archive.writestr(
            f"{dist}/WHEEL",
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        )
        archive.writestr(f"{dist}/RECORD", "")
    return wheel


def on_a_fresh_runner_with_a_newer_idp(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, index: Path
) -> Path:
    """A project generated and committed with this idp, then a CI runner with an empty cache,
    idp 99.0.0 installed, and pip pointed at `index` alone."""
    project = tmp_path / "chat"
    made = invoke("new", project, "-t", "chat-service", "-m", SUCCESSOR, "--defaults")
    assert made.exit_code == 0, made.stderr
    make_repo(project)
    commit_all(project, "Generate project")
    shutil.rmtree(snapshots.location("chat-service"))
    monkeypatch.setattr(snapshots, "__version__", "99.0.0")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(index))
    return project


def test_a_newer_idp_on_a_fresh_machine_rebuilds_the_old_bundled_version(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "index"
    generated_by = snapshots.tag().removeprefix("v")
    project = on_a_fresh_runner_with_a_newer_idp(invoke, tmp_path, monkeypatch, index)
    # the project's template version comes back from the old release's wheel on the index
    fake_release(index, generated_by, REPO / "templates" / "chat-service", "chat-service")

    checked = invoke("check", project, "-o", "json")
    assert checked.exit_code == 5
    assert json.loads(checked.stdout)["template"]["newest"] == "v99.0.0"
    updated = invoke("update", project, "--defaults", "-o", "json")
    assert updated.exit_code == 0, updated.stderr
    assert answers(project)["_commit"] == "v99.0.0"
    assert json.loads(updated.stdout)["files"] == [
        {"path": ".copier-answers.yml", "status": "modified"}
    ]


def test_a_bundled_version_that_cannot_be_fetched_is_a_clear_error(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = on_a_fresh_runner_with_a_newer_idp(
        invoke, tmp_path, monkeypatch, tmp_path / "empty-index"
    )
    before = git(project, "rev-parse", "HEAD")
    result = invoke("update", project)
    assert result.exit_code == 1
    assert "could not be fetched with pip" in result.stderr
    assert (
        git(project, "status", "--porcelain") == "" and git(project, "rev-parse", "HEAD") == before
    )


def test_the_update_job_installs_the_idp_that_last_updated_the_project(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "chat"
    made = invoke("new", project, "-t", "chat-service", "-m", SUCCESSOR, "--defaults")
    assert made.exit_code == 0, made.stderr
    make_repo(project)
    commit_all(project, "Generate project")
    workflow = project / ".github" / "workflows" / "idp-update.yml"
    generated_by = __version__
    assert answers(project)["idp_version"] == generated_by
    assert f"'{snapshots.PACKAGE}=={generated_by}'" in workflow.read_text()

    # A newer idp alone is no reason to rewrite the project ...
    monkeypatch.setattr(binding, "__version__", "99.0.0")
    unchanged = invoke("update", project, "--defaults", "-o", "json")
    assert unchanged.exit_code == 0, unchanged.stderr
    assert json.loads(unchanged.stdout)["files"] == []
    # ... but when it rewrites it (here: its bundled template moved on), it records itself.
    monkeypatch.setattr(snapshots, "__version__", "99.0.0")
    updated = invoke("update", project, "--defaults", "-o", "json")
    assert updated.exit_code == 0, updated.stderr
    assert json.loads(updated.stdout)["files"] == [
        {"path": ".copier-answers.app-base.yml", "status": "modified"},  # the CI files' part
        {"path": ".copier-answers.yml", "status": "modified"},
        {"path": ".github/workflows/idp-update.yml", "status": "modified"},
        {"path": "README.md", "status": "modified"},  # it names the release the job installs
    ]
    assert answers(project)["idp_version"] == "99.0.0"
    assert f"'{snapshots.PACKAGE}==99.0.0'" in workflow.read_text()
    assert f"{snapshots.PACKAGE}=={generated_by}" not in workflow.read_text()
