"""The GitHub workflows the bundled templates generate pass actionlint and zizmor, pin every
action by commit, and install the idp release that generated the project (issue 13).

The install step is real shell: it is taken out of the generated YAML and run with a fake
`python` (and, for GitLab, `apt-get`) on PATH that records what pip would install.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from idp_cli import __version__
from idp_cli.templates import snapshots
from tests.templates.ci_projects import (
    GITHUB_CI,
    GITHUB_WORKFLOW,
    GITLAB_CI,
    TEMPLATE_NAMES,
    Project,
)
from tests.templates.predictive_helpers import TEMPLATES, render_with_copier

BIN = Path(sys.executable).parent
WORKFLOWS = (GITHUB_CI, GITHUB_WORKFLOW)
PINNED = f"{snapshots.PACKAGE}=={__version__}"
OVERRIDE = "git+https://git.example/platform/idp.git@v9.9.9"
# `uses: owner/repo@<full commit> # vX.Y.Z`: a tag can be moved to other code, a commit not.
PINNED_USES = re.compile(
    r"uses: (?P<action>[\w.-]+/[\w.-]+)@(?P<sha>[0-9a-f]{40}) # v\d+\.\d+\.\d+"
)


@pytest.fixture(scope="module")
def plain_copier(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Project]:
    """chat-service rendered by `copier copy` alone, for each CI system: no idp version known."""
    root = tmp_path_factory.mktemp("plain-copier")
    rendered = {}
    for ci in ("github", "gitlab"):
        render_with_copier("chat-service", root / ci, {"ci": ci})
        rendered[ci] = Project("chat-service", ci, root / ci)
    return rendered


def _tool_env(home: Path) -> dict[str, str]:
    """No token of any kind: the linters must work without GitHub and without the network."""
    env = {
        k: v
        for k, v in os.environ.items()
        if "TOKEN" not in k.upper() and not k.startswith(("GH_", "GITHUB_", "ZIZMOR_"))
    }
    env.update(HOME=str(home), NO_COLOR="1")
    return env


def _lint(project: Project, home: Path, workflows: tuple[str, ...] = WORKFLOWS) -> None:
    files = [str(project.path / relpath) for relpath in workflows]
    env = _tool_env(home)
    actionlint = subprocess.run(
        [str(BIN / "actionlint"), "-no-color", *files],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert (actionlint.returncode, actionlint.stdout) == (0, ""), actionlint.stdout
    zizmor = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--no-config", "--format", "json", *files],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert zizmor.returncode == 0, zizmor.stdout + zizmor.stderr
    assert json.loads(zizmor.stdout) == []


def test_generated_workflows_pass_actionlint_and_zizmor(
    github_project: Project, tmp_path: Path
) -> None:
    _lint(github_project, tmp_path)


def test_plain_copier_workflows_pass_actionlint_and_zizmor(
    plain_copier: dict[str, Project], tmp_path: Path
) -> None:
    _lint(plain_copier["github"], tmp_path)


def test_the_linters_report_what_they_exist_for(tmp_path: Path) -> None:
    """A workflow with an unpinned action and a script injection fails both tools."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "on: issues\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        '      - run: echo "${{ github.event.issue.title }}"\n',
        encoding="utf-8",
    )
    project = Project("bad", "github", tmp_path)
    with pytest.raises(AssertionError):
        _lint(project, tmp_path)  # actionlint: the untrusted title in a script
    env = _tool_env(tmp_path)
    zizmor = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--no-config", "--format", "json", str(bad)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    found = {f["ident"] for f in json.loads(zizmor.stdout)}
    assert {"template-injection", "unpinned-uses", "artipacked"} <= found


def _uses(text: str) -> list[str]:
    return [
        line.strip() for line in text.splitlines() if line.strip().startswith(("uses:", "- uses:"))
    ]


def test_every_action_is_pinned_by_commit_with_its_tag(
    projects: dict[tuple[str, str], Project],
) -> None:
    docs = (TEMPLATES.parent / "docs" / "ci-recipes.md").read_text(encoding="utf-8")
    texts = [projects[t, "github"].text(w) for t in TEMPLATE_NAMES for w in WORKFLOWS]
    commits: dict[str, set[str]] = {}
    for text in [*texts, docs]:
        for line in _uses(text):
            match = PINNED_USES.search(line)
            assert match, line
            commits.setdefault(match["action"], set()).add(match["sha"])
    generated = {m["action"] for text in texts for m in PINNED_USES.finditer(text)}
    assert generated == {
        "actions/checkout",
        "actions/setup-python",
        "peter-evans/create-pull-request",
    }
    # The docs' recipes use the same commits as the templates (one more action: uploads).
    assert set(commits) == generated | {"actions/upload-artifact"}
    assert all(len(shas) == 1 for shas in commits.values()), commits


def test_no_checkout_leaves_its_token_behind(github_project: Project) -> None:
    """No job pushes with the checkout's credentials (the pull request step brings its own
    token), so none is left in .git/config for later steps to find."""
    for relpath in WORKFLOWS:
        for job in github_project.yaml(relpath)["jobs"].values():
            for step in job["steps"]:
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, relpath


# --- the install step, run ---------------------------------------------------------------

FAKE_PYTHON = """#!/bin/sh
printf '%s|%s\\n' "$*" "${PIP_INDEX_URL-unset}" >> "$FAKE_LOG"
"""


def _run(script: str, shell: list[str], tmp_path: Path, env: dict[str, str]) -> tuple[int, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    for name, text in (("python", FAKE_PYTHON), ("apt-get", "#!/bin/sh\nexit 0\n")):
        path = bin_dir / name
        path.write_text(text, encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "pip.log"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("IDP_", "PIP_"))}
    base.update(env, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", FAKE_LOG=str(log))
    done = subprocess.run(
        [*shell, script], cwd=tmp_path, env=base, capture_output=True, text=True, timeout=60
    )
    calls = log.read_text(encoding="utf-8") if log.exists() else ""
    return done.returncode, calls + done.stdout + done.stderr


def _github_install(project: Project) -> dict[str, Any]:
    (job,) = project.yaml(GITHUB_WORKFLOW)["jobs"].values()
    (install,) = [s for s in job["steps"] if s.get("name") == "Install idp"]
    return dict(install)


def _github_expression(value: str, variables: dict[str, str], secrets: dict[str, str]) -> str:
    """GitHub's evaluation of the few expressions the install step uses."""
    match = re.fullmatch(r"\$\{\{ (vars|secrets)\.(\w+)(?: \|\| '([^']*)')? \}\}", value)
    assert match, value
    kind, name, fallback = match.groups()
    found = (variables if kind == "vars" else secrets).get(name, "")
    return found or fallback or ""


def _github_run(
    project: Project, tmp_path: Path, variables: dict[str, str], secrets: dict[str, str]
) -> tuple[int, str]:
    step = _github_install(project)
    env = {k: _github_expression(v, variables, secrets) for k, v in step["env"].items()}
    # GitHub runs `run:` with `bash --noprofile --norc -eo pipefail {0}`.
    return _run(
        step["run"], ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"], tmp_path, env
    )


def _gitlab_run(project: Project, tmp_path: Path, variables: dict[str, str]) -> tuple[int, str]:
    job = project.yaml(GITLAB_CI)["idp-update"]
    # CI/CD variables of the project, group or schedule take precedence over the job's own.
    env = {**{k: str(v) for k, v in job["variables"].items()}, **variables}
    return _run("\n".join(job["before_script"]), ["sh", "-e", "-c"], tmp_path, env)


@pytest.mark.parametrize(
    ("variables", "secrets", "installed"),
    [
        ({}, {}, f"-m pip install {PINNED}|unset"),
        ({"IDP_PIP_SPEC": OVERRIDE}, {}, f"-m pip install {OVERRIDE}|unset"),
        (
            {},
            {"PIP_INDEX_URL": "https://pypi.example/simple"},
            f"-m pip install {PINNED}|https://pypi.example/simple",
        ),
    ],
    ids=["recorded", "variable", "index"],
)
def test_github_installs_the_recorded_idp(
    github_project: Project,
    tmp_path: Path,
    variables: dict[str, str],
    secrets: dict[str, str],
    installed: str,
) -> None:
    code, output = _github_run(github_project, tmp_path, variables, secrets)
    assert code == 0, output
    assert output.splitlines()[0] == installed


@pytest.mark.parametrize(
    ("variables", "installed"),
    [
        ({}, f"-m pip install {PINNED}|unset"),
        ({"IDP_PIP_SPEC": OVERRIDE}, f"-m pip install {OVERRIDE}|unset"),
        (
            {"PIP_INDEX_URL": "https://pypi.example/simple"},
            f"-m pip install {PINNED}|https://pypi.example/simple",
        ),
    ],
    ids=["recorded", "variable", "index"],
)
def test_gitlab_installs_the_recorded_idp(
    gitlab_project: Project, tmp_path: Path, variables: dict[str, str], installed: str
) -> None:
    code, output = _gitlab_run(gitlab_project, tmp_path, variables)
    assert code == 0, output
    assert output.splitlines()[0] == installed


def test_plain_copier_records_no_idp_and_installs_none(
    plain_copier: dict[str, Project], tmp_path: Path
) -> None:
    """Outside idp no release is known: the job asks for IDP_PIP_SPEC instead of installing
    whatever an unpinned name resolves to on the index."""
    github, gitlab = plain_copier["github"], plain_copier["gitlab"]
    assert github.yaml(".copier-answers.yml")["idp_version"] == ""
    assert _github_install(github)["env"]["IDP_PIP_SPEC"] == "${{ vars.IDP_PIP_SPEC }}"
    code, output = _github_run(github, tmp_path / "github", {}, {})
    assert code == 1
    assert output.startswith("::error::") and "IDP_PIP_SPEC" in output
    code, output = _gitlab_run(gitlab, tmp_path / "gitlab", {})
    assert code == 1
    assert "pip install" not in output and "set the CI/CD variable IDP_PIP_SPEC" in output
    code, output = _gitlab_run(gitlab, tmp_path / "override", {"IDP_PIP_SPEC": OVERRIDE})
    assert (code, output.splitlines()[0]) == (0, f"-m pip install {OVERRIDE}|unset")


@pytest.mark.parametrize("version", ["latest", "1.0 ; curl x", "1.0' }}", "v1.0"])
def test_an_idp_version_that_is_not_one_is_refused(version: str, tmp_path: Path) -> None:
    """It ends up inside a shell variable and a workflow expression: only a version may."""
    with pytest.raises(ValueError, match="idp_version"):
        render_with_copier("chat-service", tmp_path / "project", {"idp_version": version})
