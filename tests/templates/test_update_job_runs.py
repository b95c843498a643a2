"""The scheduled update job's shell logic, run: taken out of the generated YAML and run with
a fake `idp` (and, for GitLab, a fake `curl` and a bare repository as the remote) on PATH,
for each outcome: check 0 (current), 5 (drift) with update 0 (done), 6 (conflicts) or 1
(error), and check 1 (error). The Tekton update step's runs are in test_tekton_steps_run.py
(a fake forge API over HTTP instead of a fake curl) and test_tekton_update_e2e.py (the real idp).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.templates.ci_projects import GITLAB_CI, Project, github_snippet
from tests.templates.fake_ci_tools import FAKE_CURL, FAKE_GIT, FAKE_IDP

SUMMARY = "# Update acme/model 1.0.0 -> 2.0.0 and template v1 -> v2\n\nFiles changed: README.md\n"
BOT_TOKEN = "test-bot-token-value-0123"
CATALOG_TOKEN = "test-catalog-token-value-4567"


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
    run, pr = github_snippet(project)
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
