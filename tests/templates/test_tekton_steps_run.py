"""The Tekton steps' scripts, run: each is taken out of the generated Task and run as Tekton
runs it (an executable file, its `#!/bin/sh` line, the step's env) in a checkout of the
generated project, with the test venv standing in for the image's Python and recording
stand-ins for what the images provide around it (apt-get, buildah, pip's installs, idp). The
remote is a local bare repository; the forge's API and Pipelines as Code's webhook are a
local HTTP server (fake_forge.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.templates.ci_projects import TEKTON_SCHEDULE, Project, tekton_step
from tests.templates.fake_forge import fake_forge
from tests.templates.tekton_steps import Run, git, remote, run_step

SUMMARY = "# Update acme/model 1.0.0 -> 2.0.0 and template v1 -> v2\n\nFiles changed: README.md\n"
TITLE = SUMMARY.splitlines()[0].removeprefix("# ")
BOT_TOKEN = "test-bot-token-value-0123"
CATALOG_TOKEN = "test-catalog-token-value-4567"
# --- CI: checkout, lint and test, build ------------------------------------------------------


def test_the_checkout_step_fetches_the_commit(tekton_project: Project, tmp_path: Path) -> None:
    bare, commit = remote(tekton_project, tmp_path)
    step = tekton_step(tekton_project, "fetch", "checkout")
    credentials = tmp_path / "basic-auth"
    credentials.mkdir()
    (credentials / ".git-credentials").write_text("https://x:y@git.example\n")
    out = tmp_path / "workspace"
    out.mkdir()
    env = {"REPO_URL": f"file://{bare}", "REVISION": commit, "BASIC_AUTH_BOUND": "true",
           "BASIC_AUTH_PATH": str(credentials)}  # fmt: skip
    run = run_step(step, out, tmp_path, env)
    assert run.code == 0, run.output
    assert git(out, "rev-parse", "HEAD") == commit
    assert (out / ".copier-answers.yml").is_file()
    assert run.log("apt-get")[-1].endswith("git ca-certificates"), "git, from Debian"
    config = (tmp_path / "home" / ".gitconfig").read_text(encoding="utf-8")
    assert f"helper = store --file={credentials}/.git-credentials" in config


@pytest.mark.slow
def test_lint_and_test_steps_pass_in_the_generated_project(
    tekton_project: Project, tmp_path: Path
) -> None:
    work = tmp_path / "source"
    shutil.copytree(tekton_project.path, work)
    venv = tmp_path / "opt-venv"
    install = tekton_step(tekton_project, "lint-test", "install")
    run = run_step(install, work, tmp_path, {"VENV": str(venv)})
    assert run.code == 0, run.output
    assert run.log("python") == [
        f"-m venv {venv}",
        f"{venv}/bin/python -m pip install --quiet --upgrade pip",
        f"{venv}/bin/python -m pip install --quiet -e .[dev]",
    ]
    for name in ("lint", "test"):
        run = run_step(tekton_step(tekton_project, "lint-test", name), work, tmp_path, {})
        assert run.code == 0, f"{name}:\n{run.output}"
    assert "passed" in run.output


@pytest.mark.parametrize(
    ("push", "image", "auth", "code", "pushed"),
    [
        ("false", "quay.io/team/app", True, 0, False),
        ("true", "", True, 0, False),
        ("true", "quay.io/team/app", False, 1, False),
        ("true", "quay.io/team/app", True, 0, True),
    ],
    ids=["pull-request", "push-without-image", "push-without-credentials", "push"],
)
def test_the_build_steps(
    tekton_project: Project,
    tmp_path: Path,
    push: str,
    image: str,
    auth: bool,
    code: int,
    pushed: bool,
) -> None:
    work = tmp_path / "source"
    shutil.copytree(tekton_project.path, work)
    auth_dir = tmp_path / "registry-auth"
    auth_dir.mkdir()
    if auth:
        (auth_dir / ".dockerconfigjson").write_text('{"auths": {}}')
    build = tekton_step(tekton_project, "build-image", "build")
    run = run_step(build, work, tmp_path, {})
    assert run.code == 0, run.output
    local = build["env"]["LOCAL_IMAGE"]
    assert run.log("buildah") == [f"build --file Containerfile --tag {local} ."]
    assert (work / "Containerfile").is_file()
    env = {"PUSH": push, "IMAGE": image, "TAG": "abc123", "REGISTRY_AUTH_PATH": str(auth_dir)}
    run = run_step(tekton_step(tekton_project, "build-image", "push"), work, tmp_path, env)
    assert run.code == code, run.output
    pushes = run.log("buildah")[1:]
    if pushed:
        auth_file = f"{auth_dir}/.dockerconfigjson"
        assert pushes == [f"push --authfile {auth_file} {local} docker://{image}:abc123"]
    else:
        assert pushes == []
    if code:
        assert "registry-auth" in run.output, "names the Secret to create"


# --- the scheduled update ------------------------------------------------------------------


def _update(
    project: Project, tmp_path: Path, forge_kind: str, check: int, update: int = 0, **env: Any
) -> tuple[Run, Path, Any]:
    bare, _ = remote(project, tmp_path)
    work = tmp_path / "checkout"
    git(tmp_path, "clone", "--quiet", f"file://{bare}", str(work))
    step = tekton_step(project, "idp-update", "update")
    assert step["env"]["IDP_SUMMARY_FILE"] == "/tmp/idp-update-summary.md"
    with fake_forge(env.pop("open_requests", None), env.pop("refuse", None)) as forge:
        values = {
            "IDP_SUMMARY_FILE": str(tmp_path / "idp-update-summary.md"),
            "REPO_URL": f"file://{bare}",
            "TARGET_BRANCH": "main",
            "REPO_OWNER": "team/sub" if forge_kind == "gitlab" else "team",
            "REPO_NAME": "app",
            "FORGE": forge_kind,
            "FORGE_API_URL": forge.url,
            "IDP_BOT_TOKEN": BOT_TOKEN,
            "FAKE_CHECK": str(check),
            "FAKE_UPDATE": str(update),
            "FAKE_SUMMARY": SUMMARY,
            "FAKE_CREDENTIAL_HOST": "git.example",
            **env,
        }
        run = run_step(step, work, tmp_path, values)
    return run, bare, forge


@pytest.mark.parametrize(
    ("check", "update", "code"),
    [(0, None, 0), (5, 1, 1), (1, None, 1)],
    ids=["current", "update-fails", "check-fails"],
)
def test_the_update_step_without_a_change_to_propose(
    tekton_project: Project, tmp_path: Path, check: int, update: int | None, code: int
) -> None:
    run, bare, forge = _update(tekton_project, tmp_path, "github", check, update or 0)
    assert run.code == code, run.output
    assert run.log("idp")[0] == "check"
    assert len(run.log("idp")) == (1 if update is None else 2)
    assert forge.requests == [], "no request"
    assert git(bare, "branch", "--list", "idp/update") == "", "nothing pushed"
    version = tekton_step(tekton_project, "idp-update", "update")["env"]["IDP_RECORDED_PIP_SPEC"]
    assert run.log("python")[0].endswith(f"-m pip install --quiet {version}")


@pytest.mark.parametrize(
    ("forge_kind", "update", "open_requests", "title"),
    [
        ("github", 0, [], TITLE),
        ("github", 6, [], f"[conflicts] {TITLE}"),
        ("github", 0, [{"number": 7}], TITLE),
        ("gitlab", 0, [], TITLE),
        ("gitlab", 6, [{"iid": 7}], f"Draft: [conflicts] {TITLE}"),
    ],
    ids=["github-opens", "github-conflicts", "github-updates", "gitlab-opens", "gitlab-updates"],
)
def test_the_update_step_pushes_and_proposes(
    tekton_project: Project,
    tmp_path: Path,
    forge_kind: str,
    update: int,
    open_requests: list[dict[str, int]],
    title: str,
) -> None:
    run, bare, forge = _update(
        tekton_project, tmp_path, forge_kind, 5, update, open_requests=open_requests
    )
    assert run.code == 0, run.output
    assert run.log("idp")[1].startswith("update --latest --defaults --summary-file ")
    assert git(bare, "log", "-1", "--format=%s", "idp/update") == title.split("] ")[-1]
    assert "regenerated" in git(bare, "show", "idp/update:README.md")
    if update == 6:
        assert "<<<<<<<" in git(bare, "show", "idp/update:conflict.txt")
    search, change = forge.requests
    assert search.method == "GET"
    if forge_kind == "github":
        assert search.path == "/repos/team/app/pulls"
        assert search.query == {"state": ["open"], "head": ["team:idp/update"], "base": ["main"]}
        assert search.headers["authorization"] == f"Bearer {BOT_TOKEN}"
        body, number = "body", "number"
    else:
        assert search.path == "/projects/team%2Fsub%2Fapp/merge_requests"
        assert search.query == {
            "state": ["opened"], "source_branch": ["idp/update"], "target_branch": ["main"]
        }  # fmt: skip
        assert search.headers["private-token"] == BOT_TOKEN
        body, number = "description", "iid"
    assert change.body["title"] == title
    assert change.body[body] == SUMMARY
    if open_requests:
        assert change.method == ("PATCH" if forge_kind == "github" else "PUT")
        assert change.path == f"{search.path}/{open_requests[0][number]}"
    else:
        assert (change.method, change.path) == ("POST", search.path)
        branches = (change.body.get("head"), change.body.get("base"))
        if forge_kind == "gitlab":
            branches = (change.body["source_branch"], change.body["target_branch"])
        assert branches == ("idp/update", "main")
    # The push sends the bot's token, read from the environment: never written to a file.
    assert f"password={BOT_TOKEN}" in run.log("push-credential")
    for path in (tmp_path / "checkout").rglob("*"):
        if path.is_file():
            assert BOT_TOKEN not in path.read_text(encoding="utf-8", errors="replace"), path


def test_the_update_step_reads_its_settings(tekton_project: Project, tmp_path: Path) -> None:
    run, _, forge = _update(
        tekton_project,
        tmp_path,
        "github",
        0,
        IDP_PIP_SPEC="git+https://git.example/platform/idp.git@v9",
        IDP_CATALOG="https://git.example/platform/catalog.git",
        IDP_CATALOG_TOKEN=CATALOG_TOKEN,
    )
    assert run.code == 0, run.output
    assert run.log("python")[0].endswith(
        "install --quiet git+https://git.example/platform/idp.git@v9"
    )
    assert run.log("idp") == ["check --catalog https://git.example/platform/catalog.git"]
    assert f"password={CATALOG_TOKEN}" in run.log("credential")
    assert forge.requests == [], "current: nothing to propose"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"IDP_BOT_TOKEN": ""}, "Set IDP_BOT_TOKEN in the Secret"),
        ({"IDP_RECORDED_PIP_SPEC": ""}, "set IDP_PIP_SPEC in the Secret"),
        ({"FORGE": "bitbucket"}, "set the param forge to github or gitlab"),
    ],
    ids=["no-bot-token", "no-idp-release", "unknown-forge"],
)
def test_the_update_step_says_what_is_missing(
    tekton_project: Project, tmp_path: Path, env: dict[str, str], message: str
) -> None:
    run, bare, forge = _update(tekton_project, tmp_path, "github", 5, 0, **env)
    assert run.code == 1
    assert message in run.output
    assert forge.requests == []
    assert git(bare, "branch", "--list", "idp/update") == ""


def test_the_cronjob_calls_the_incoming_webhook(tekton_project: Project, tmp_path: Path) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed: apt-get install curl")
    cronjob = tekton_project.yaml(TEKTON_SCHEDULE)
    (container,) = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    secret = tmp_path / "secret"
    secret.write_text("s3cr&t value")
    with fake_forge() as pac:
        done = subprocess.run(
            [*container["command"], *container["args"]],
            env={**env, "PATH": os.environ["PATH"], "PAC_CONTROLLER_URL": pac.url,
                 "PAC_SECRET_FILE": str(secret)},
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    (call,) = pac.requests
    assert (call.method, call.path) == ("POST", "/incoming")
    assert call.query == {
        "secret": ["s3cr&t value"],
        "repository": [env["PAC_REPOSITORY"]],
        "branch": ["main"],
        "pipelinerun": [env["PAC_PIPELINERUN"]],
    }


def test_the_update_step_fails_when_the_forge_refuses(
    tekton_project: Project, tmp_path: Path
) -> None:
    run, bare, _ = _update(tekton_project, tmp_path, "github", 5, 0, refuse=403)
    assert run.code == 1
    assert "/repos/team/app/pulls: HTTP 403: " in run.output
    assert "Resource not accessible by token" in run.output
    assert BOT_TOKEN not in run.output
    assert git(bare, "branch", "--list", "idp/update") != "", "the branch was pushed first"
