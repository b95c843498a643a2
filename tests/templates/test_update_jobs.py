"""The scheduled update job each bundled template generates for its CI system (issue 4, part 3).

Every template is generated with `idp new` for GitHub Actions and for GitLab CI. The job must
validate against the CI system's schema, run on a schedule, run `idp check` and, on drift,
`idp update --latest --defaults --summary-file`, and propose the change with the summary as
the pull or merge request's description, without any secret in the file; the project's normal
CI keeps its behaviour.

The exit-code handling is real shell, so it is taken out of the generated YAML and run, with
a fake `idp` (and, for GitLab, a fake `curl` and a bare repository as the remote) on PATH,
for each outcome: check 0 (current), 5 (drift) with update 0 (done), 6 (conflicts) or 1
(error), and check 1 (error).
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from idp_cli import __version__
from idp_cli.templates import snapshots
from tests.templates.ci_projects import (
    CI_SYSTEMS,
    GITHUB_CI,
    GITHUB_WORKFLOW,
    GITLAB_CI,
    JOB_SOURCES,
    TEMPLATE_NAMES,
    Project,
)
from tests.templates.contract import run_module
from tests.templates.predictive_helpers import SECRET, TEMPLATES

UPDATE_CALL = "idp update --latest --defaults --summary-file"
# Token shapes that must never appear in a generated CI file.
TOKEN_LITERALS = re.compile(
    r"gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|glpat-[\w-]{20,}|sk-[\w-]{16,}"
)
SUMMARY = "# Update acme/model 1.0.0 -> 2.0.0 and template v1 -> v2\n\nFiles changed: README.md\n"
BOT_TOKEN = "test-bot-token-value-0123"
CATALOG_TOKEN = "test-catalog-token-value-4567"
# What the job installs when no CI variable says otherwise: the idp that generated it.
PINNED = f"{snapshots.PACKAGE}=={__version__}"


CASES = [pytest.param((t, ci), id=f"{t}-{ci}") for t in TEMPLATE_NAMES for ci in CI_SYSTEMS]


@pytest.fixture(params=CASES)
def project(request: pytest.FixtureRequest, projects: dict[tuple[str, str], Project]) -> Project:
    template, ci = request.param
    return projects[template, ci]


@pytest.fixture(params=TEMPLATE_NAMES)
def github_project(
    request: pytest.FixtureRequest, projects: dict[tuple[str, str], Project]
) -> Project:
    return projects[request.param, "github"]


@pytest.fixture(params=TEMPLATE_NAMES)
def gitlab_project(
    request: pytest.FixtureRequest, projects: dict[tuple[str, str], Project]
) -> Project:
    return projects[request.param, "gitlab"]


def _workflow_triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as true.
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict)
    return triggers


def _github_steps(project: Project) -> list[dict[str, Any]]:
    workflow = project.yaml(GITHUB_WORKFLOW)
    (job,) = workflow["jobs"].values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def _github_snippet(project: Project) -> tuple[dict[str, Any], dict[str, Any]]:
    """The step that runs idp, and the step that opens the pull request."""
    steps = _github_steps(project)
    (run,) = [s for s in steps if "idp check" in s.get("run", "")]
    (pr,) = [s for s in steps if str(s.get("uses", "")).startswith("peter-evans/create-pull")]
    return run, pr


def _gitlab_script(project: Project) -> str:
    job = project.yaml(GITLAB_CI)["idp-update"]
    return "\n".join(job["script"])


# --- the files ---------------------------------------------------------------------------


@pytest.mark.parametrize("relpath", JOB_SOURCES)
def test_the_update_job_is_the_same_in_every_template(relpath: str) -> None:
    first, *others = (TEMPLATES / name / relpath for name in TEMPLATE_NAMES)
    for other in others:
        assert other.read_bytes() == first.read_bytes(), f"{other} differs from {first}"


def test_ci_files_validate_against_the_ci_schema(project: Project) -> None:
    if project.ci == "github":
        files = [
            (GITHUB_WORKFLOW, "vendor.github-workflows"),
            (GITHUB_CI, "vendor.github-workflows"),
        ]
        assert not (project.path / GITLAB_CI).exists()
    else:
        files = [(GITLAB_CI, "vendor.gitlab-ci")]
        assert not (project.path / ".github").exists()
    for relpath, schema in files:
        run_module(["check_jsonschema", "--builtin-schema", schema, relpath], project.path)


def test_the_job_runs_on_a_schedule(project: Project) -> None:
    if project.ci == "github":
        workflow = project.yaml(GITHUB_WORKFLOW)
        triggers = _workflow_triggers(workflow)
        assert set(triggers) == {"schedule", "workflow_dispatch"}
        (cron,) = triggers["schedule"]
        fields = cron["cron"].split()
        assert len(fields) == 5 and fields[4] != "*", "weekly"
        assert workflow["permissions"] == {}, "only the job gets write access"
        (job,) = workflow["jobs"].values()
        assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    else:
        config = project.yaml(GITLAB_CI)
        job = config["idp-update"]
        assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
        assert job["stage"] in config["stages"]


def test_the_job_checks_then_updates(project: Project) -> None:
    if project.ci == "github":
        run, _ = _github_snippet(project)
        script = run["run"]
    else:
        script = _gitlab_script(project)
    check = script.index("idp check")
    assert script.index(UPDATE_CALL) > check
    assert "exit" in script[check:]


def test_the_request_uses_the_summary_file(project: Project) -> None:
    if project.ci == "github":
        run, pr = _github_snippet(project)
        assert '--summary-file "$IDP_SUMMARY_FILE"' in run["run"]
        assert pr["with"]["body-path"] == run["env"]["IDP_SUMMARY_FILE"]
        assert pr["with"]["branch"] == "idp/update"
        assert pr["if"] == (
            "steps.idp.outputs.result == 'updated' || steps.idp.outputs.result == 'conflicts'"
        )
        assert run["id"] == "idp"
        assert pr["with"]["token"] == "${{ secrets.IDP_BOT_TOKEN || github.token }}"
    else:
        script = _gitlab_script(project)
        variables = project.yaml(GITLAB_CI)["idp-update"]["variables"]
        assert '--summary-file "$IDP_SUMMARY_FILE"' in script
        assert '"description@$IDP_SUMMARY_FILE"' in script
        # Outside the project, so that it is neither committed nor a change idp update refuses.
        assert variables["IDP_SUMMARY_FILE"].startswith("/tmp/")
        assert variables["PIP_CACHE_DIR"].startswith("/tmp/")


def test_idp_is_installed_as_recorded_unless_a_ci_variable_says_otherwise(
    project: Project,
) -> None:
    assert project.yaml(".copier-answers.yml")["idp_version"] == __version__
    if project.ci == "github":
        (install,) = [s for s in _github_steps(project) if "pip install" in s.get("run", "")]
        assert install["env"]["IDP_PIP_SPEC"] == f"${{{{ vars.IDP_PIP_SPEC || '{PINNED}' }}}}"
        assert 'python -m pip install "$IDP_PIP_SPEC"' in install["run"]
    else:
        job = project.yaml(GITLAB_CI)["idp-update"]
        # A job variable: project, group and schedule variables of the same name override it.
        assert job["variables"]["IDP_PIP_SPEC"] == PINNED
        assert 'python -m pip install "$IDP_PIP_SPEC"' in job["before_script"]


def test_no_secret_literal_in_the_ci_files(project: Project) -> None:
    relpaths = [GITHUB_WORKFLOW, GITHUB_CI] if project.ci == "github" else [GITLAB_CI]
    for relpath in relpaths:
        text = project.text(relpath)
        assert SECRET not in text
        assert not TOKEN_LITERALS.search(text), relpath
    if project.ci == "github":
        # Every value that carries a token is an expression over secrets or the job's token.
        for step in _github_steps(project):
            for key, value in {**step.get("env", {}), **step.get("with", {})}.items():
                if "TOKEN" in key.upper():
                    assert re.fullmatch(
                        r"\$\{\{ (secrets\.\w+|github\.token)( \|\| [^}]+)? \}\}", value
                    ), key
    else:
        config = project.yaml(GITLAB_CI)
        for name, job in config.items():
            if isinstance(job, dict):
                for key in job.get("variables", {}) or {}:
                    assert "TOKEN" not in key.upper(), f"{name}: tokens are CI/CD variables"
        assert "IDP_BOT_TOKEN" in project.text(GITLAB_CI).split("idp-update:")[0], "documented"


def test_the_readme_explains_how_to_stay_current(project: Project) -> None:
    readme = project.text("README.md")
    section = readme.split("## Staying current", 1)[1]
    for expected in (
        "idp check",
        "idp update --latest --defaults",
        "IDP_PIP_SPEC",
        PINNED,
        "PIP_INDEX_URL",
        "IDP_CATALOG_TOKEN",
    ):
        assert expected in section, expected
    if project.ci == "github":
        assert GITHUB_WORKFLOW in section and "pull request" in section
    else:
        assert "IDP_BOT_TOKEN" in section and "Pipeline schedules" in section


# --- the normal CI keeps its behaviour ---------------------------------------------------


def test_the_github_ci_workflow_is_unchanged(github_project: Project) -> None:
    project = github_project
    workflow = project.yaml(GITHUB_CI)
    triggers = _workflow_triggers(workflow)
    assert set(triggers) == {"push", "pull_request", "workflow_dispatch"}
    assert set(workflow["jobs"]) == {"test", "container"}
    assert "idp" not in project.text(GITHUB_CI)


def _resolved(config: dict[str, Any], name: str) -> dict[str, Any]:
    """A job with its `extends` applied (enough of GitLab's merge for these files)."""
    job = dict(config[name])
    parents = job.pop("extends", [])
    merged: dict[str, Any] = {}
    for parent in [parents] if isinstance(parents, str) else parents:
        merged.update(_resolved(config, parent))
    merged.update(job)
    return merged


def _runs_in(job: dict[str, Any], source: str) -> bool:
    """Whether a job runs in a pipeline of this source (GitLab's rules, for these files)."""
    if "rules" not in job:
        # No rules: branch and tag pipelines only, which includes scheduled ones.
        return source != "merge_request_event"
    for rule in job["rules"]:
        condition = rule.get("if")
        if condition is not None:
            match = re.fullmatch(r'\$CI_PIPELINE_SOURCE == "(\w+)"', condition)
            assert match, condition
            if match.group(1) != source:
                continue
        return bool(rule.get("when", "on_success") != "never")
    return False


def test_the_gitlab_jobs_keep_their_pipelines(gitlab_project: Project) -> None:
    config = gitlab_project.yaml(GITLAB_CI)
    assert config["stages"][:3] == ["lint", "test", "build"]
    sources = ("push", "web", "api", "trigger", "merge_request_event", "schedule")
    for name in ("lint", "test", "build"):
        job = _resolved(config, name)
        assert job["script"], name
        for source in sources:
            # As before, except that scheduled pipelines only run the update job.
            expected = source not in ("merge_request_event", "schedule")
            assert _runs_in(job, source) == expected, (name, source)
    update = _resolved(config, "idp-update")
    assert [s for s in sources if _runs_in(update, s)] == ["schedule"]
    keywords = {"default", "include", "stages", "variables", "workflow"}
    jobs = [k for k in config if not k.startswith(".") and k not in keywords]
    assert sorted(jobs) == ["build", "idp-update", "lint", "test"]


# --- the shell logic, run ----------------------------------------------------------------

FAKE_IDP = r"""#!/bin/sh
# A stand-in for idp: records its arguments, answers with the exit codes it is told.
printf '%s\n' "$*" >> "$FAKE_LOG/idp"
case "$1" in
  check)
    if [ -n "${FAKE_CREDENTIAL_HOST:-}" ]; then
      printf 'protocol=https\nhost=%s\n\n' "$FAKE_CREDENTIAL_HOST" \
        | git credential fill > "$FAKE_LOG/credential" 2>&1 || true
    fi
    exit "$FAKE_CHECK" ;;
  update)
    summary=""
    while [ $# -gt 0 ]; do
      if [ "$1" = --summary-file ]; then summary=$2; fi
      shift
    done
    if [ "$FAKE_UPDATE" != 1 ]; then
      printf '%s' "$FAKE_SUMMARY" > "$summary"
      echo "regenerated" >> README.md
      if [ "$FAKE_UPDATE" = 6 ]; then printf '<<<<<<< before\na\n=======\nb\n>>>>>>> after\n' > conflict.txt; fi
    fi
    exit "$FAKE_UPDATE" ;;
esac
exit 2
"""

FAKE_CURL = r"""#!/bin/sh
# A stand-in for curl: records each call (one argument a line, files named with @ inlined)
# and answers the merge request search with FAKE_OPEN_MRS.
{
  echo "--- call"
  for arg in "$@"; do
    case "$arg" in
      description@*) echo "description=$(cat "${arg#description@}")" ;;
      *) printf '%s\n' "$arg" ;;
    esac
  done
} >> "$FAKE_LOG/curl"
method=GET
for arg in "$@"; do
  case "$arg" in PUT|POST) method=$arg ;; esac
done
if [ "$method" = GET ]; then printf '%s' "$FAKE_OPEN_MRS"; else printf '{"iid": 9}'; fi
"""

# A stand-in for git that, before a push, records the credentials git would send with the same
# options (the push in these tests goes to a file:// remote, which asks for none).
FAKE_GIT = """#!{python}
import os, subprocess, sys

args = sys.argv[1:]
if "push" in args:
    options = args[: args.index("push")]
    answer = subprocess.run(
        ["{git}", *options, "credential", "fill"],
        input="protocol=https\\nhost=gitlab.example\\n\\n",
        capture_output=True,
        text=True,
    )
    with open(os.path.join(os.environ["FAKE_LOG"], "push-credential"), "a") as log:
        log.write(answer.stdout)
os.execv("{git}", ["{git}", *args])
"""


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    logs: Path
    project: Path

    def log(self, name: str) -> str:
        path = self.logs / name
        return path.read_text(encoding="utf-8") if path.exists() else ""

    @property
    def idp_calls(self) -> list[str]:
        return self.log("idp").splitlines()


def _executable(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def _git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout


def _checkout(project: Project, tmp_path: Path) -> Path:
    """A clean git clone of the generated project, as CI checks it out."""
    work = tmp_path / "work"
    shutil.copytree(project.path, work)
    _git(work, "init", "--quiet", "--initial-branch=main")
    _git(work, "add", "--all")
    _git(work, "commit", "--quiet", "-m", "Generated with idp new")
    return work


def _run_snippet(
    script: str, shell: list[str], work: Path, tmp_path: Path, env: dict[str, str]
) -> Run:
    bin_dir, logs = tmp_path / "bin", tmp_path / "logs"
    bin_dir.mkdir(exist_ok=True)
    logs.mkdir(exist_ok=True)
    _executable(bin_dir / "idp", FAKE_IDP)
    _executable(bin_dir / "curl", FAKE_CURL)
    real_git = shutil.which("git")
    assert real_git
    _executable(bin_dir / "git", FAKE_GIT.format(python=sys.executable, git=real_git))
    (bin_dir / "python").symlink_to(sys.executable)
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIT_AUTHOR", "GIT_COMMITTER", "IDP_", "GIT_CONFIG_"))
    }
    base.update(
        PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        GIT_CONFIG_GLOBAL="/dev/null",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        FAKE_LOG=str(logs),
        FAKE_SUMMARY=SUMMARY,
        FAKE_OPEN_MRS="[]",
    )
    base.update(env)
    result = subprocess.run(
        [*shell, script], cwd=work, env=base, capture_output=True, text=True, timeout=120
    )
    return Run(result.returncode, result.stdout, result.stderr, logs, work)


# GitHub runs `run:` with `bash --noprofile --norc -eo pipefail {0}`.
GITHUB_SHELL = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]
# GitLab's runner uses bash when the image has it (python:3.12-slim does), else sh; -e in both.
GITLAB_SHELLS = {
    "bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"],
    "sh": ["sh", "-e", "-c"],
}


def _outputs(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    return dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines())


def _github_run(
    project: Project, tmp_path: Path, check: int, update: int = 0, **env: str
) -> tuple[Run, dict[str, str]]:
    run, pr = _github_snippet(project)
    work = _checkout(project, tmp_path)
    summary = tmp_path / "runner-temp" / "idp-update-summary.md"
    summary.parent.mkdir()
    # The step's env, with the expressions GitHub would evaluate.
    assert run["env"]["IDP_SUMMARY_FILE"] == "${{ runner.temp }}/idp-update-summary.md"
    assert pr["with"]["body-path"] == run["env"]["IDP_SUMMARY_FILE"]
    outputs = tmp_path / "github-output"
    step_env = {
        "IDP_CATALOG": env.pop("IDP_CATALOG", ""),
        "IDP_CATALOG_TOKEN": env.pop("IDP_CATALOG_TOKEN", ""),
        "IDP_SUMMARY_FILE": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "FAKE_CHECK": str(check),
        "FAKE_UPDATE": str(update),
        **env,
    }
    result = _run_snippet(run["run"], GITHUB_SHELL, work, tmp_path, step_env)
    return result, _outputs(outputs)


@pytest.mark.parametrize(
    ("check", "update", "code", "result", "title"),
    [
        (0, None, 0, "current", None),
        (5, 0, 0, "updated", "Update acme/model 1.0.0 -> 2.0.0 and template v1 -> v2"),
        (
            5,
            6,
            0,
            "conflicts",
            "[conflicts] Update acme/model 1.0.0 -> 2.0.0 and template v1 -> v2",
        ),
        (5, 1, 1, None, None),
        (1, None, 1, None, None),
    ],
    ids=["current", "drift-updated", "drift-conflicts", "update-fails", "check-fails"],
)
def test_github_step_exit_codes(
    github_project: Project,
    tmp_path: Path,
    check: int,
    update: int | None,
    code: int,
    result: str | None,
    title: str | None,
) -> None:
    run, outputs = _github_run(github_project, tmp_path, check, update or 0)
    assert run.code == code, run.stdout + run.stderr
    calls = run.idp_calls
    assert calls[0] == "check"
    if update is None:
        assert calls == ["check"], "no update without drift"
    else:
        assert calls[1].startswith("update --latest --defaults --summary-file ")
        assert calls[1].endswith("idp-update-summary.md")
    assert outputs.get("result") == result
    assert outputs.get("title") == title
    if code:
        assert "::error::" in run.stdout
    if update == 6:
        assert "::warning::" in run.stdout


def test_github_step_passes_the_catalog_and_its_token(
    github_project: Project, tmp_path: Path
) -> None:
    run, outputs = _github_run(
        github_project,
        tmp_path,
        5,
        0,
        IDP_CATALOG="https://git.example/platform/catalog.git",
        IDP_CATALOG_TOKEN=CATALOG_TOKEN,
        FAKE_CREDENTIAL_HOST="git.example",
    )
    assert run.code == 0, run.stdout + run.stderr
    catalog = "--catalog https://git.example/platform/catalog.git"
    assert run.idp_calls[0] == f"check {catalog}"
    assert run.idp_calls[1].endswith(catalog)
    # git, under idp, answers the catalog server's password prompt with the token ...
    assert f"password={CATALOG_TOKEN}" in run.log("credential")
    # ... which is never written to a file.
    for path in run.project.rglob("*"):
        if path.is_file():
            assert CATALOG_TOKEN not in path.read_text(encoding="utf-8", errors="replace"), path
    assert outputs["result"] == "updated"


def test_github_step_without_a_summary_still_titles_the_request(
    github_project: Project, tmp_path: Path
) -> None:
    run, outputs = _github_run(github_project, tmp_path, 5, 0, FAKE_SUMMARY="")
    assert run.code == 0, run.stdout + run.stderr
    assert outputs["title"] == "Update from its template with idp"


def _gitlab_run(
    project: Project, tmp_path: Path, shell: str, check: int, update: int = 0, **env: str
) -> tuple[Run, Path]:
    job = project.yaml(GITLAB_CI)["idp-update"]
    work = _checkout(project, tmp_path)
    remote = tmp_path / "server" / "group" / "demo.git"
    remote.parent.mkdir(parents=True)
    _git(tmp_path, "init", "--quiet", "--bare", str(remote))
    summary_dir = tmp_path / "tmp"
    summary_dir.mkdir()
    assert job["variables"]["IDP_SUMMARY_FILE"] == "/tmp/idp-update-summary.md"
    job_env = {
        **{k: str(v) for k, v in job["variables"].items()},
        "IDP_SUMMARY_FILE": str(summary_dir / "idp-update-summary.md"),
        "PIP_CACHE_DIR": str(summary_dir / "pip-cache"),
        "CI_SERVER_URL": f"file://{tmp_path / 'server'}",
        "CI_SERVER_HOST": "gitlab.example",
        "CI_PROJECT_PATH": "group/demo",
        "CI_PROJECT_ID": "42",
        "CI_API_V4_URL": "https://gitlab.example/api/v4",
        "CI_DEFAULT_BRANCH": "main",
        "IDP_BOT_TOKEN": BOT_TOKEN,
        "FAKE_CHECK": str(check),
        "FAKE_UPDATE": str(update),
        **env,
    }
    script = "\n".join(job["script"])
    return _run_snippet(script, GITLAB_SHELLS[shell], work, tmp_path, job_env), remote


def _curl_calls(run: Run) -> list[list[str]]:
    calls = run.log("curl").split("--- call\n")[1:]
    return [call.splitlines() for call in calls]


@pytest.mark.parametrize("shell", GITLAB_SHELLS)
@pytest.mark.parametrize(
    ("check", "update", "code"),
    [(0, None, 0), (5, 1, 1), (1, None, 1)],
    ids=["current", "update-fails", "check-fails"],
)
def test_gitlab_job_without_a_change_to_propose(
    gitlab_project: Project, tmp_path: Path, shell: str, check: int, update: int | None, code: int
) -> None:
    run, remote = _gitlab_run(gitlab_project, tmp_path, shell, check, update or 0)
    assert run.code == code, run.stdout + run.stderr
    assert run.idp_calls[0] == "check"
    assert len(run.idp_calls) == (1 if update is None else 2)
    assert not run.log("curl"), "no merge request"
    assert not _git(remote, "branch", "--list"), "nothing pushed"
    if code:
        assert "failed (exit" in run.stderr


@pytest.mark.parametrize("shell", GITLAB_SHELLS)
@pytest.mark.parametrize(
    ("update", "open_mrs", "title"),
    [
        (0, "[]", "Update acme/model 1.0.0 -> 2.0.0 and template v1 -> v2"),
        (6, "[]", "Draft: [conflicts] Update acme/model 1.0.0 -> 2.0.0 and template v1 -> v2"),
        (
            0,
            '[{"iid": 7, "title": "older"}]',
            "Update acme/model 1.0.0 -> 2.0.0 and template v1 -> v2",
        ),
    ],
    ids=["opens", "opens-draft-with-conflicts", "updates-the-open-one"],
)
def test_gitlab_job_pushes_and_proposes(
    gitlab_project: Project, tmp_path: Path, shell: str, update: int, open_mrs: str, title: str
) -> None:
    run, remote = _gitlab_run(gitlab_project, tmp_path, shell, 5, update, FAKE_OPEN_MRS=open_mrs)
    assert run.code == 0, run.stdout + run.stderr
    assert run.idp_calls[0] == "check"
    assert run.idp_calls[1].startswith("update --latest --defaults --summary-file ")
    # The branch is pushed with the regenerated files, the conflict markers included.
    assert _git(remote, "log", "-1", "--format=%s", "idp/update").strip() == title.removeprefix(
        "Draft: [conflicts] "
    )
    assert "regenerated" in _git(remote, "show", "idp/update:README.md")
    if update == 6:
        assert "<<<<<<<" in _git(remote, "show", "idp/update:conflict.txt")
    search, change = _curl_calls(run)
    api = "https://gitlab.example/api/v4/projects/42/merge_requests"
    assert f"PRIVATE-TOKEN: {BOT_TOKEN}" in search
    assert any(a.startswith(f"{api}?state=opened&source_branch=idp/update&") for a in search)
    if open_mrs == "[]":
        assert change[change.index("--request") + 1] == "POST"
        assert api in change
        assert "source_branch=idp/update" in change
        assert "target_branch=main" in change
    else:
        assert change[change.index("--request") + 1] == "PUT"
        assert f"{api}/7" in change
    assert f"title={title}" in change
    description = "\n".join(
        change[change.index(next(a for a in change if a.startswith("description="))) :]
    )
    assert description.startswith("description=" + SUMMARY.splitlines()[0])
    assert "Files changed: README.md" in description
    # The bot token is read from the environment only: not in the project's git config.
    for path in run.project.rglob("*"):
        if path.is_file():
            assert BOT_TOKEN not in path.read_text(encoding="utf-8", errors="replace"), path


def test_gitlab_job_needs_the_bot_token(gitlab_project: Project, tmp_path: Path) -> None:
    run, _ = _gitlab_run(gitlab_project, tmp_path, "bash", 5, 0, IDP_BOT_TOKEN="")
    assert run.code == 1
    assert "IDP_BOT_TOKEN" in run.stderr
    assert run.idp_calls == ["check"], "the project is not regenerated for nothing"


def test_gitlab_job_passes_the_catalog_and_its_token(
    gitlab_project: Project, tmp_path: Path
) -> None:
    run, _ = _gitlab_run(
        gitlab_project,
        tmp_path,
        "sh",
        0,
        IDP_CATALOG="https://gitlab.example/platform/catalog.git",
        IDP_CATALOG_TOKEN=CATALOG_TOKEN,
        FAKE_CREDENTIAL_HOST="gitlab.example",
    )
    assert run.code == 0, run.stdout + run.stderr
    assert run.idp_calls == ["check --catalog https://gitlab.example/platform/catalog.git"]
    assert f"password={CATALOG_TOKEN}" in run.log("credential")


def test_gitlab_job_pushes_with_the_bot_token(gitlab_project: Project, tmp_path: Path) -> None:
    run, _ = _gitlab_run(gitlab_project, tmp_path, "sh", 5, 0, IDP_CATALOG_TOKEN=CATALOG_TOKEN)
    assert run.code == 0, run.stdout + run.stderr
    # The push sends the bot's token, not the catalog's, nor a job token git may hold.
    assert f"password={BOT_TOKEN}" in run.log("push-credential")
    assert CATALOG_TOKEN not in run.log("push-credential")


# --- the recipe in the docs is the job the templates generate ----------------------------

_DOC_BLOCK = re.compile(r"<!-- schema: ([\w.-]+) -->\n```yaml\n(.*?)\n```", re.DOTALL)


def test_the_ci_recipe_is_the_generated_job(projects: dict[tuple[str, str], Project]) -> None:
    text = (TEMPLATES.parent / "docs" / "ci-recipes.md").read_text(encoding="utf-8")
    fleet = text[text.index("## Regenerating a fleet") :]
    blocks = _DOC_BLOCK.findall(fleet)
    github = [b for schema, b in blocks if schema == "vendor.github-workflows"]
    gitlab = [b for schema, b in blocks if schema == "vendor.gitlab-ci"]
    # The docs show the version a project records as X.Y.Z.
    shown = f"{snapshots.PACKAGE}==X.Y.Z"
    workflow = projects["chat-service", "github"].text(GITHUB_WORKFLOW)
    assert github[0] + "\n" == workflow.replace(PINNED, shown)
    generated = projects["chat-service", "gitlab"].yaml(GITLAB_CI)["idp-update"]
    generated["variables"]["IDP_PIP_SPEC"] = shown
    (recipe,) = gitlab
    assert yaml.safe_load(recipe + "\n")["idp-update"] == generated
    assert "idp check" in fleet and "-o json" in fleet
    assert UPDATE_CALL.replace("--summary-file", '"$dir" --latest') not in fleet
    assert 'idp update "$dir" --latest --defaults --summary-file "$summary"' in fleet
    assert "Planned" not in fleet
