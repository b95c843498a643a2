"""The training project's Tekton pipeline (`ci: tekton`): every object of `.tekton/` against the
vendored tekton.dev/v1 schema and against the objects it names (tekton_checks.py), and the
Task's step scripts run as Tekton runs them (tekton_steps.py), in order, stopping at the first
that fails: a checkout of the project from a local bare repository, then install, lint and
test, then the baseline read from the catalog with the real idp (the catalog a local bare
repository behind an https URL, through git's insteadOf), train, evaluate (the gate) and
register against a real sqlite MLflow store, and ci/propose.sh with the real
`idp models publish --from-mlflow`, curl faked at the HTTP boundary."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from idp_cli import __version__
from idp_cli.templates import snapshots
from tests.helpers import git
from tests.templates.ci_projects import Project, tekton_objects, tekton_step
from tests.templates.tekton_checks import check_references, validate_tekton
from tests.templates.tekton_steps import Run, executable, remote, run_step
from tests.templates.test_training_ci_runs import (
    CATALOG_URL,
    FAKE_CURL,
    LOGGING_IDP,
    TOKEN,
    _catalog,
    _generate,
)

APP = "trainer"
STEPS = ("checkout", "install", "lint", "test", "baseline", "train", "evaluate", "register",
         "propose")  # fmt: skip
# the steps the Secret APP-train is given to: not lint and test
WITH_SECRET = {"install", "baseline", "train", "evaluate", "register", "propose"}
GITLAB_CATALOG = "https://gitlab.example/platform/catalog.git"


@pytest.fixture(scope="module")
def churn(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """acme/churn's training project (in the catalog), with Tekton."""
    path = _generate(tmp_path_factory.mktemp("training-tekton"), "acme/churn", "tekton")
    return Project("training-project", "tekton", path)


@pytest.fixture(scope="module")
def upsell(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A new model's training project, with Tekton."""
    path = _generate(tmp_path_factory.mktemp("training-tekton-new"), "acme/upsell", "tekton")
    return Project("training-project", "tekton", path)


# --- the files -------------------------------------------------------------------------------


def test_every_tekton_object_validates_and_its_references_resolve(churn: Project) -> None:
    objects = tekton_objects(churn)
    assert set(objects) == {
        f"PipelineRun/{APP}-train-pull-request",
        f"PipelineRun/{APP}-train-push",
        f"Pipeline/{APP}-train",
        f"Task/{APP}-train",
    }
    for document in objects.values():
        validate_tekton(document)
    check_references(objects)
    assert not (churn.path / ".github").exists() and not (churn.path / ".gitlab-ci.yml").exists()


def test_pull_requests_train_and_pushes_to_main_register(churn: Project) -> None:
    objects = tekton_objects(churn)
    runs = {name: objects[f"PipelineRun/{APP}-train-{name}"] for name in ("pull-request", "push")}
    for name, event in (("pull-request", "[pull_request]"), ("push", "[push]")):
        annotations = runs[name]["metadata"]["annotations"]
        assert annotations["pipelinesascode.tekton.dev/on-event"] == event
        assert annotations["pipelinesascode.tekton.dev/on-target-branch"] == "[main]"
    params = {n: {p["name"]: p["value"] for p in r["spec"]["params"]} for n, r in runs.items()}
    assert params["pull-request"]["register"] == "false"
    assert params["push"]["register"] == "true"
    assert params["push"]["catalog-forge"] == "github"
    task = objects[f"Task/{APP}-train"]["spec"]
    assert [s["name"] for s in task["steps"]] == list(STEPS)
    for step in task["steps"]:
        secrets = [e["secretRef"] for e in step.get("envFrom", [])]
        expected = [{"name": f"{APP}-train", "optional": True}]
        assert secrets == (expected if step["name"] in WITH_SECRET else []), step["name"]
        assert step["script"].startswith("#!/bin/sh\nset -eu\n")
    install = tekton_step(churn, "train", "install")
    assert install["env"]["IDP_RECORDED_PIP_SPEC"] == f"{snapshots.PACKAGE}=={__version__}"
    assert "sh ci/propose.sh" in tekton_step(churn, "train", "propose")["script"]
    assert "sh ci/baseline.sh" in tekton_step(churn, "train", "baseline")["script"]


def test_the_image_is_pinned_by_tag(churn: Project) -> None:
    pipeline = tekton_objects(churn)[f"Pipeline/{APP}-train"]["spec"]
    (image,) = [p["default"] for p in pipeline["params"] if p["name"] == "python-image"]
    assert re.fullmatch(r"docker\.io/library/python:\d+\.\d+-slim", image), image
    task = tekton_objects(churn)[f"Task/{APP}-train"]["spec"]
    assert task["stepTemplate"]["image"] == "$(params.python-image)"
    assert all("image" not in step for step in task["steps"])


def test_the_readme_documents_the_secret_and_every_param(churn: Project) -> None:
    readme = churn.text("README.md")
    assert "## Tekton" in readme and f"kubectl create secret generic {APP}-train" in readme
    pipeline = tekton_objects(churn)[f"Pipeline/{APP}-train"]["spec"]
    for param in pipeline["params"]:
        if "default" in param:
            assert f"| `{param['name']}` |" in readme, param["name"]
    for key in ("IDP_CATALOG_TOKEN", "MLFLOW_TRACKING_URI", "IDP_PIP_SPEC", "IDP_CATALOG"):
        assert f"| `{key}` |" in readme, key


# --- the steps, run --------------------------------------------------------------------------


def _run_task(
    project: Project, tmp_path: Path, catalog_url: str, roc_auc: float, **env: str
) -> tuple[Run, Path, list[str]]:
    """The Task's steps in order, as Tekton runs them, until one fails; the run of the last
    step, the workspace, and the steps that ran."""
    bare, commit = remote(project, tmp_path)
    catalog = _catalog(tmp_path, roc_auc)
    work = tmp_path / "workspace"
    work.mkdir()
    values = {
        "REPO_URL": f"file://{bare}",
        "REVISION": commit,
        "GIT_AUTH_BOUND": "false",
        "GIT_AUTH_PATH": "",
        "VENV": str(tmp_path / "opt-ci" / "venv"),
        "BASELINE_FILE": str(tmp_path / "opt-ci" / "baseline.json"),
        "PYTHONPATH": str(work / "src"),  # what the install step's `pip install -e .` gives
        "IDP_CACHE_DIR": str(tmp_path / "idp-cache"),
        "IDP_CONFIG_FILE": str(tmp_path / "idp-config.toml"),
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.file://{catalog}.insteadOf",
        "GIT_CONFIG_VALUE_0": catalog_url,
        "GIT_TERMINAL_PROMPT": "0",
        "IDP_CATALOG": catalog_url,
        "IDP_CATALOG_TOKEN": TOKEN,
        **env,
    }
    (tmp_path / "opt-ci").mkdir()
    ran = []
    for name in STEPS:
        step = tekton_step(project, "train", name)
        run = run_step(step, work, tmp_path, {**_defaults(project, step), **values},
                       fake_idp=False)  # fmt: skip
        ran.append(name)
        if name == "checkout":
            # the real idp, logging `idp models publish`; curl faked at the HTTP boundary
            real_idp = Path(sys.executable).parent / "idp"
            executable(tmp_path / "bin" / "idp", LOGGING_IDP.replace("{real}", str(real_idp)))
            executable(tmp_path / "bin" / "curl", FAKE_CURL)
        if run.code:
            break
    return run, work, ran


def _defaults(project: Project, step: dict[str, Any]) -> dict[str, str]:
    """The step's env that names a Task param with a default, as Tekton fills it in when the
    run passes none."""
    task = tekton_objects(project)[f"Task/{APP}-train"]["spec"]
    defaults = {p["name"]: p["default"] for p in task["params"] if "default" in p}
    found = {}
    for key, value in step["env"].items():
        match = re.fullmatch(r"\$\(params\.([\w-]+)\)", value or "")
        if match and match[1] in defaults:
            found[key] = defaults[match[1]]
    return found


def _log(tmp_path: Path, name: str) -> str:
    path = tmp_path / "logs" / name
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _mlflow(tmp_path: Path) -> str:
    (tmp_path / "mlflow").mkdir()
    return f"sqlite:///{tmp_path / 'mlflow' / 'mlflow.db'}"


@pytest.mark.slow
def test_a_push_to_main_registers_and_opens_a_catalog_pull_request(
    churn: Project, tmp_path: Path
) -> None:
    run, work, ran = _run_task(churn, tmp_path, CATALOG_URL, 0.5, REGISTER="true",
                               MLFLOW_TRACKING_URI=_mlflow(tmp_path))  # fmt: skip
    assert (run.code, ran) == (0, list(STEPS)), run.output
    assert run.log("apt-get")[-1].endswith("git curl ca-certificates"), "for propose.sh"
    pip = run.log("python")
    assert pip[-1].endswith(f"install --quiet -e .[dev] {snapshots.PACKAGE}=={__version__}")
    registered = json.loads((work / "build" / "registered.json").read_text())
    assert registered["uri"] == "models:/acme.churn/1"
    evaluation = json.loads((work / "build" / "evaluation.json").read_text())
    assert evaluation["gate"]["baseline_version"] == "1.0.0", "read from the catalog by idp"
    publish = _log(tmp_path, "publish").split()
    assert publish[:6] == [
        "models", "publish", "--from-mlflow", "models:/acme.churn/1", "--model", "acme/churn"
    ]  # fmt: skip
    assert publish[publish.index("--version") + 1] == "1.1.0"
    branch = publish[publish.index("--branch") + 1]
    proposed = yaml.safe_load(git(tmp_path / "catalog.git", "show", f"{branch}:catalog.yaml"))
    new = next(v for v in proposed["models"][0]["versions"] if v["version"] == "1.1.0")
    assert new["lifecycle"] == "staging"
    author = git(tmp_path / "catalog.git", "log", "-1", "--format=%an <%ae>", branch)
    assert author == "idp training <idp-training@noreply.invalid>"
    # GitHub Enterprise's API, derived from the catalog's URL
    curl = _log(tmp_path, "curl").splitlines()
    assert "https://git.example/api/v3/repos/platform/catalog/pulls" in curl
    assert f"Authorization: Bearer {TOKEN}" in curl
    request = json.loads(_log(tmp_path, "request.json"))
    assert (request["head"], request["base"]) == (branch, "main")
    assert "Published acme/churn@1.1.0" in request["body"]
    # the push to the catalog answers with the token, as GitHub's user
    credential = run.log("push-credential")
    assert "username=x-access-token" in credential and f"password={TOKEN}" in credential
    for path in work.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            assert TOKEN not in path.read_text(encoding="utf-8", errors="replace"), path


@pytest.mark.slow
def test_a_pull_request_trains_and_evaluates_only(churn: Project, tmp_path: Path) -> None:
    run, work, ran = _run_task(churn, tmp_path, CATALOG_URL, 0.5, REGISTER="false")
    assert (run.code, ran) == (0, list(STEPS)), run.output
    assert (work / "build" / "evaluation.json").is_file()
    assert not (work / "build" / "registered.json").exists()
    assert "Nothing to propose" in run.output
    assert not _log(tmp_path, "publish") and not _log(tmp_path, "curl")


@pytest.mark.slow
def test_the_gate_stops_the_run_before_anything_is_registered(
    churn: Project, tmp_path: Path
) -> None:
    run, work, ran = _run_task(churn, tmp_path, CATALOG_URL, 0.999, REGISTER="true",
                               MLFLOW_TRACKING_URI=_mlflow(tmp_path))  # fmt: skip
    assert (run.code, ran[-1]) == (1, "evaluate"), run.output
    assert "gate did not pass" in run.output
    assert not (work / "build" / "registered.json").exists()
    assert not _log(tmp_path, "publish") and not _log(tmp_path, "curl")


@pytest.mark.slow
def test_main_without_a_tracking_server_stops_before_registering(
    churn: Project, tmp_path: Path
) -> None:
    run, work, ran = _run_task(churn, tmp_path, CATALOG_URL, 0.5, REGISTER="true")
    assert (run.code, ran[-1]) == (1, "register"), run.output
    assert f"Set MLFLOW_TRACKING_URI in the Secret {APP}-train or the param" in run.output
    assert not (work / "build" / "registered.json").exists()
    assert not _log(tmp_path, "publish")


@pytest.mark.slow
def test_a_gitlab_catalog_gets_a_new_model_merge_request(upsell: Project, tmp_path: Path) -> None:
    """The tracking server from the param, the catalog on GitLab (the param catalog-forge)."""
    run, work, ran = _run_task(
        upsell, tmp_path, GITLAB_CATALOG, 0.5, REGISTER="true", CATALOG_FORGE="gitlab",
        TRACKING_URI_PARAM=_mlflow(tmp_path),
    )  # fmt: skip
    assert (run.code, ran) == (0, list(STEPS)), run.output
    assert json.loads((work / "build" / "registered.json").read_text())["version"] == "1"
    publish = _log(tmp_path, "publish").split("\n")[0]
    assert publish.startswith("models publish --from-mlflow models:/acme.upsell/1 ")
    assert "--model-type predictive" in publish, "a new model: its card from catalog-model.json"
    assert "train/acme-upsell-mlflow-1" in git(tmp_path / "catalog.git", "branch", "--list")
    curl = _log(tmp_path, "curl").splitlines()
    assert "https://gitlab.example/api/v4/projects/platform%2Fcatalog/merge_requests" in curl
    assert f"PRIVATE-TOKEN: {TOKEN}" in curl and "target_branch=main" in curl
    credential = run.log("push-credential")
    assert "username=oauth2" in credential and f"password={TOKEN}" in credential


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"IDP_RECORDED_PIP_SPEC": ""}, "set IDP_PIP_SPEC in the Secret trainer-train"),
        ({"CATALOG_FORGE": "bitbucket"}, "set the param catalog-forge to github or gitlab"),
    ],
    ids=["no-idp-release", "unknown-forge"],
)
def test_a_step_says_what_is_missing(
    churn: Project, tmp_path: Path, env: dict[str, Any], message: str
) -> None:
    step = "install" if "IDP_RECORDED_PIP_SPEC" in env else "propose"
    work = tmp_path / "workspace"
    work.mkdir()
    found = tekton_step(churn, "train", step)
    values = {**_defaults(churn, found), "REGISTER": "true", "VENV": str(tmp_path / "venv"), **env}
    run = run_step(found, work, tmp_path, values)
    assert run.code == 1
    assert message in run.output
    assert run.log("python") == [], "nothing installed or proposed"
