"""Projects from the bundled templates are updatable (through their git snapshot in the cache),
and the paths that must be fast never import Copier."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from idp_cli.templates import snapshots
from tests.helpers import Invoke, commit_all, git, make_repo
from tests.project.fleet import answers, catalog_repo, generate, template_repo

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
    binding = json.loads((project / "src" / "chat" / "binding.json").read_text())
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
