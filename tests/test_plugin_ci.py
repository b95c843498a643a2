"""CI systems from plug-ins, as users meet them: the example distribution installed with pip into
a folder on PYTHONPATH adds `--ci jenkins`; idp runs as a process. Its part template writes a
Jenkinsfile, recorded under a portable name; the project re-renders from its answers, `idp
check` and `idp update` find the plug-in again, and name it when it is not installed."""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from idp_cli import __version__
from tests.templates.test_answers_roundtrip import assert_same_tree, rerender
from tests.test_plugins import EXAMPLE, _idp, _pip_install

MODEL = "acme/churn-classifier"
RECORDED = "git+idp://plugin-templates/idp-plugin-example/jenkins"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    _pip_install(EXAMPLE, target)
    return target


@pytest.fixture(scope="module")
def broken_ci(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plug-in whose ci_systems hook raises."""
    source = tmp_path_factory.mktemp("broken-ci")
    (source / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        '[project]\nname = "idp-broken-ci"\nversion = "1.0.0"\n'
        '[project.entry-points."idp.plugins"]\nbroken-ci = "idp_broken_ci"\n'
    )
    (source / "idp_broken_ci").mkdir()
    (source / "idp_broken_ci" / "__init__.py").write_text(
        "def ci_systems():\n    raise RuntimeError('no CI today')\n"
    )
    target = tmp_path_factory.mktemp("broken-ci-site")
    _pip_install(source, target)
    return target


def _git(project: Path, *args: str) -> str:
    identity = ["-c", "user.name=dev", "-c", "user.email=dev@example.invalid"]
    done = subprocess.run(
        ["git", *identity, *args], cwd=project, check=True, capture_output=True, text=True
    )
    return done.stdout


def _groovy_errors(source: bytes) -> list[str]:
    """Syntax errors the tree-sitter Groovy grammar finds (a real parser of the language)."""
    import tree_sitter_groovy
    from tree_sitter import Language, Node, Parser

    tree = Parser(Language(tree_sitter_groovy.language())).parse(source)
    errors: list[str] = []

    def walk(node: Node) -> None:
        if node.type == "ERROR" or node.is_missing:
            errors.append(
                f"line {node.start_point[0] + 1}: {source[node.start_byte : node.end_byte][:80]!r}"
            )
        for child in node.children:
            walk(child)

    walk(tree.root_node)
    return errors


def _shell_steps(source: bytes) -> list[str]:
    """The scripts of the pipeline's `sh '...'` steps, as Groovy's single-quoted strings give
    them to the shell (a backslash before a newline joins the lines)."""
    import tree_sitter_groovy
    from tree_sitter import Language, Node, Parser

    tree = Parser(Language(tree_sitter_groovy.language())).parse(source)
    scripts: list[str] = []

    def walk(node: Node) -> None:
        if node.type == "juxt_function_call" and node.children[0].text == b"sh":
            text = (node.children[1].text or b"").decode()
            quote = "'''" if text.startswith("'''") else "'"
            assert text.startswith(quote) and text.endswith(quote), text
            body = text[len(quote) : -len(quote)]
            scripts.append(body.replace("\\\n", "").replace("\\'", "'").replace("\\\\", "\\"))
        for child in node.children:
            walk(child)

    walk(tree.root_node)
    return scripts


def _stages(source: str) -> list[str]:
    """The declarative pipeline's stage names, in order (nested ones included)."""
    import re

    return re.findall(r"^\s*stage\('([^']+)'\)", source, flags=re.MULTILINE)


def test_new_with_a_plugins_ci_system_end_to_end(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    env = {"IDP_CACHE_DIR": str(cache)}
    project = tmp_path / "churn-app"
    made = _idp("new", project, "-t", "prediction-service", "-m", MODEL, "--ci", "jenkins",
                "--defaults", "-o", "json", site=[site], cwd=tmp_path, env=env)  # fmt: skip
    assert made.returncode == 0, made.stderr
    files = json.loads(made.stdout)["files"]
    assert "Jenkinsfile" in files and ".copier-answers.app-ci.yml" in files
    # app-base writes no CI files for a system it does not know
    assert not [f for f in files if f.startswith((".github/", ".gitlab-ci", ".tekton", "tekton/"))]

    jenkinsfile = (project / "Jenkinsfile").read_text(encoding="utf-8")
    assert _groovy_errors(jenkinsfile.encode()) == []
    assert _groovy_errors(jenkinsfile.replace("stages {", "stages {{", 1).encode()) != []
    assert jenkinsfile.lstrip().splitlines()[0].startswith("//")
    assert _stages(jenkinsfile) == ["Build", "Lint", "Test", "Container image", "idp update"]
    steps = _shell_steps(jenkinsfile.encode())
    assert len(steps) == 4
    shellcheck = Path(sys.executable).parent / "shellcheck"
    for step in steps:  # Jenkins' `sh` runs them with /bin/sh
        checked = subprocess.run([shellcheck, "--shell=sh", "-"], input=step, text=True,
                                 capture_output=True)  # fmt: skip
        assert checked.returncode == 0, checked.stdout
    for expected in ("cron('H H * * 1')", "ruff\" check .", "pytest\" -q",
                     "docker build --file Containerfile --tag \"$IMAGE:", "IMAGE = 'churn-app'",
                     "\"$idp\" check", "\"$idp\" update --latest --defaults",
                     f"IDP_RECORDED = '{__version__}'", "idp-plugin-example==$plugin_version"):  # fmt: skip
        assert expected in jenkinsfile, expected
    assert "`jenkins` CI system that an idp plug-in adds" in (project / "README.md").read_text()

    # nothing machine-specific recorded: the plug-in's template by its portable name
    recorded = yaml.safe_load((project / ".copier-answers.app-ci.yml").read_text())
    assert recorded["_src_path"] == RECORDED and recorded["_commit"] == "v0.1.0"
    assert recorded["project_name"] == "churn-app"
    for answers in project.glob(".copier-answers*.yml"):
        text = answers.read_text(encoding="utf-8")
        for local in (str(tmp_path), str(site), str(Path.home())):
            assert local not in text, (answers.name, local)
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["ci"] == "jenkins"

    # the project renders again byte for byte from its answers alone
    monkeypatch.setenv("IDP_CACHE_DIR", str(cache))
    rerender(project, tmp_path / "again")
    assert_same_tree(project, tmp_path / "again")

    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "Generate project")
    # a CI runner: the plug-in installed elsewhere, a cache of its own
    elsewhere = tmp_path / "runner-site"
    _pip_install(EXAMPLE, elsewhere)
    runner = {"IDP_CACHE_DIR": str(tmp_path / "runner-cache")}
    checked = _idp("check", site=[elsewhere], cwd=project, env=runner)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    updated = _idp("update", site=[elsewhere], cwd=project, env=runner)
    assert updated.returncode == 0, updated.stderr
    assert "Already up to date" in updated.stdout
    assert _git(project, "status", "--porcelain") == ""

    # without the plug-in, the message names the distribution to install
    for command in ("check", "update"):
        missing = _idp(command, site=[], cwd=project, env=runner)
        assert missing.returncode == 1, missing.stdout
        assert "comes from the idp plug-in idp-plugin-example, which is not installed" in (
            missing.stderr
        )
        assert "pip install idp-plugin-example" in missing.stderr


def _older_release(tmp_path: Path) -> Path:
    """A folder holding the example's wheel at 0.0.9, whose Jenkinsfile differs by a line."""
    source = tmp_path / "example-0.0.9"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    pyproject = source / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "0.1.0"', 'version = "0.0.9"'))
    template = source / "src" / "idp_plugin_example" / "ci" / "jenkins" / "template"
    jenkinsfile = template / "Jenkinsfile.jinja"
    text = jenkinsfile.read_text()
    assert "timeout(time: 60, unit: 'MINUTES')" in text
    jenkinsfile.write_text(text.replace("time: 60,", "time: 30,"))
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(wheels), str(source)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    return wheels


def test_a_newer_plugin_release_updates_the_project(site: Path, tmp_path: Path) -> None:
    """Made with the plug-in at 0.0.9; a runner with 0.1.0 alone rebuilds the old version from
    the 0.0.9 wheel (pip, from the package index: here a folder of links) and merges."""
    wheels = _older_release(tmp_path)
    old_site = tmp_path / "old-site"
    _pip_install(next(wheels.glob("*.whl")), old_site)
    project = tmp_path / "app"
    made = _idp("new", project, "-t", "batch-scoring", "-m", MODEL, "--ci", "jenkins",
                "--defaults", site=[old_site], cwd=tmp_path,
                env={"IDP_CACHE_DIR": str(tmp_path / "laptop-cache")})  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "time: 30," in (project / "Jenkinsfile").read_text()
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "Generate project")

    runner = {"IDP_CACHE_DIR": str(tmp_path / "runner-cache"), "PIP_NO_INDEX": "1"}
    checked = _idp("check", site=[site], cwd=project, env=runner)
    assert checked.returncode == 5
    assert "part ci: jenkins (plug-in idp-plugin-example) v0.0.9 → v0.1.0" in checked.stdout
    # no index holds 0.0.9: the message names the release to fetch
    offline = _idp("update", site=[site], cwd=project, env=runner)
    assert offline.returncode == 1
    assert "idp-plugin-example 0.0.9, which this machine's cache does not hold" in offline.stderr
    assert "idp-plugin-example==0.0.9 could not be fetched with pip" in offline.stderr
    assert _git(project, "status", "--porcelain") == ""

    updated = _idp("update", site=[site], cwd=project,
                   env={**runner, "PIP_FIND_LINKS": str(wheels)})  # fmt: skip
    assert updated.returncode == 0, updated.stderr
    changed = {line[3:] for line in _git(project, "status", "--porcelain").splitlines()}
    assert changed == {"Jenkinsfile", ".copier-answers.app-ci.yml"}
    assert "time: 60," in (project / "Jenkinsfile").read_text()
    recorded = yaml.safe_load((project / ".copier-answers.app-ci.yml").read_text())
    assert recorded["_commit"] == "v0.1.0" and recorded["_src_path"] == RECORDED


def test_unknown_and_refused_ci_systems(site: Path, tmp_path: Path) -> None:
    typo = _idp("new", tmp_path / "a", "-t", "chat-service", "-m", "acme/assistant", "--ci",
                "jenkns", "--defaults", site=[site], cwd=tmp_path)  # fmt: skip
    assert typo.returncode == 1 and "no CI system named 'jenkns'" in typo.stderr
    assert "Did you mean jenkins?" in typo.stderr
    assert "github, gitlab, tekton, jenkins" in typo.stderr
    assert not (tmp_path / "a").exists()
    # the training project writes its own CI files: a plug-in's system is refused
    training = _idp("new", tmp_path / "t", "-t", "training-project", "-m", MODEL, "--ci",
                    "jenkins", "--defaults", site=[site], cwd=tmp_path)  # fmt: skip
    assert training.returncode == 1 and "writes its own CI files" in training.stderr
    assert not (tmp_path / "t").exists()


def test_a_broken_ci_systems_hook_breaks_nothing(
    site: Path, broken_ci: Path, tmp_path: Path
) -> None:
    env = {"IDP_CACHE_DIR": str(tmp_path / "cache")}
    # a bundled CI system imports no plug-in, so the broken hook is never even called
    github = _idp("new", tmp_path / "gh", "-t", "prediction-service", "-m", MODEL, "--ci",
                  "github", "--defaults", site=[broken_ci, site], cwd=tmp_path, env=env)  # fmt: skip
    assert github.returncode == 0, github.stderr
    assert "broken-ci" not in github.stderr
    assert (tmp_path / "gh" / ".github" / "workflows").is_dir()
    # the list is needed: the broken plug-in is named and left out, the example's still works
    jenkins = _idp("new", tmp_path / "jk", "-t", "prediction-service", "-m", MODEL, "--ci",
                   "jenkins", "--defaults", site=[broken_ci, site], cwd=tmp_path, env=env)  # fmt: skip
    assert jenkins.returncode == 0, jenkins.stderr
    assert (tmp_path / "jk" / "Jenkinsfile").is_file()
    assert (
        "plug-in broken-ci (idp-broken-ci 1.0.0) failed in ci_systems: RuntimeError: no CI today"
        in jenkins.stderr
    )
    assert jenkins.stderr.count("failed in ci_systems") == 1  # asked once a run


def test_ci_completion_offers_the_plugins_systems(site: Path, tmp_path: Path) -> None:
    from tests.cli.test_completion import bash

    found = bash("idp new --ci ", tmp_path, PYTHONPATH=str(site))
    assert found == ["github", "gitlab", "tekton", "jenkins"]
    assert bash("idp new --ci je", tmp_path, PYTHONPATH=str(site)) == ["jenkins"]


def test_a_plugins_system_that_takes_a_name_or_misspells_one_is_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from idp_cli import ci, plugins, warning_sink

    plugin = plugins.Plugin("team", "team_ci", "team-ci", "2.0.0")
    given = [plugins.CiSystem(name, name, "/nowhere") for name in ("github", "Team CI", "team")]
    monkeypatch.setattr(plugins, "ci_systems", lambda: [(plugin, s) for s in given])
    monkeypatch.setattr(ci, "systems", functools.cache(ci.systems.__wrapped__))
    warned: list[str] = []
    monkeypatch.setattr(warning_sink, "warn", warned.append)
    assert [s.name for s in ci.systems()] == ["github", "gitlab", "tekton", "team"]
    assert warned == [
        "plug-in team (team-ci 2.0.0): CI system 'github' is taken; left out",
        "plug-in team (team-ci 2.0.0): CI system 'Team CI' is not a name the templates take "
        "(lowercase letters, digits, '-' and '_'); left out",
    ]
    assert ci.find("github").template is None  # the bundled one, whatever a plug-in says
    assert ci.find("team").origin == "plug-in team-ci"
    # a template the plug-in does not have, or one that is not a part, is named before anything
    # is written
    from idp_cli.errors import IdpError
    from idp_cli.project import ci_part
    from idp_cli.templates.discovery import find

    chat = find("chat-service")
    with pytest.raises(IdpError, match=r"CI system team \(plug-in team-ci\): /nowhere: no such"):
        ci_part.parts_for(chat, "team")
    given[2] = plugins.CiSystem("team", "Team", chat.src)
    ci.systems.cache_clear()  # as if installed before the run
    with pytest.raises(IdpError, match="template chat-service is not a part"):
        ci_part.parts_for(chat, "team")


def test_a_left_out_system_is_warned_about_once_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # `idp new` in a terminal lists the systems for its picker, then looks the chosen one up
    from idp_cli import ci, plugins, warning_sink
    from idp_cli.errors import IdpError
    from idp_cli.project import ci_part
    from idp_cli.templates.discovery import find

    plugin = plugins.Plugin("team", "team_ci", "team-ci", "2.0.0")
    given = [plugins.CiSystem(name, name, "/nowhere") for name in ("github", "team")]
    monkeypatch.setattr(plugins, "ci_systems", lambda: [(plugin, s) for s in given])
    # a fresh once-a-run list, for this test's plug-in
    monkeypatch.setattr(ci, "systems", functools.cache(ci.systems.__wrapped__))
    warned: list[str] = []
    monkeypatch.setattr(warning_sink, "warn", warned.append)
    chat = find("chat-service")
    answers: dict[str, object] = {}
    offered: dict[str, object] = {"ci": "github"}
    with pytest.raises(IdpError, match=r"CI system team \(plug-in team-ci\): /nowhere: no such"):
        ci_part.ask(chat, answers, offered, lambda offer: offer[-1].name)
    assert warned == ["plug-in team (team-ci 2.0.0): CI system 'github' is taken; left out"]


def test_a_plugin_ci_part_with_tasks_runs_only_with_trust(tmp_path: Path) -> None:
    """A plug-in's part is not bundled: its tasks need --trust, which reaches it as it reaches
    the app (it was once rendered untrusted whatever the flag said)."""
    source = tmp_path / "tasky-src"
    package = source / "idp_tasky"
    (package / "tasky" / "template").mkdir(parents=True)
    (source / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        '[project]\nname = "idp-tasky"\nversion = "1.0.0"\n'
        '[project.entry-points."idp.plugins"]\ntasky = "idp_tasky"\n'
    )
    (package / "__init__.py").write_text(
        "from pathlib import Path\n\n\ndef ci_systems():\n"
        "    from idp_cli.plugins import CiSystem\n\n"
        "    return [CiSystem('tasky', 'Tasky CI', str(Path(__file__).parent / 'tasky'))]\n"
    )
    (package / "tasky" / "copier.yml").write_text(
        "_subdirectory: template\n_answers_file: .copier-answers.yml\n"
        "_idp:\n  kind: part\n_tasks:\n  - touch made-by-a-task\n"
    )
    (package / "tasky" / "template" / "TASKY.md").write_text("tasky\n")
    (package / "tasky" / "template" / "{{ _copier_conf.answers_file }}.jinja").write_text(
        "{{ _copier_answers|to_nice_yaml -}}\n"
    )
    site = tmp_path / "site"
    _pip_install(source, site)
    env = {"IDP_CACHE_DIR": str(tmp_path / "cache")}
    args = ("-t", "prediction-service", "-m", MODEL, "--ci", "tasky", "--defaults")

    refused = _idp("new", tmp_path / "untrusted", *args, site=[site], cwd=tmp_path, env=env)
    assert refused.returncode == 4, refused.stderr
    assert not (tmp_path / "untrusted").exists()  # nothing half-written
    trusted = _idp("new", tmp_path / "trusted", *args, "--trust", site=[site], cwd=tmp_path,
                   env=env)  # fmt: skip
    assert trusted.returncode == 0, trusted.stderr
    assert (tmp_path / "trusted" / "TASKY.md").is_file()
    assert (tmp_path / "trusted" / "made-by-a-task").is_file()
