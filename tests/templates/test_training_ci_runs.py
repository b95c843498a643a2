"""The training project's CI steps, run: taken out of the generated workflow and run with bash
as GitHub runs them (and the GitLab job's script with sh), in order, on a clean checkout: the baseline read from the catalog with the
real idp (the catalog a local bare repository behind an https URL, through git's insteadOf),
then train, evaluate (the gate) and register against a real sqlite MLflow store, then
ci/propose.sh, which runs the real `idp models publish --from-mlflow` against that store and
the catalog's clone, pushes the branch to the catalog remote, and opens the pull request with
the forge API faked at the HTTP boundary (curl).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import commit_all, git, make_repo, write_catalog
from tests.templates.predictive_helpers import idp, isolated

CATALOG_URL = "https://git.example/platform/catalog.git"
TOKEN = "test-catalog-token-value-8910"
GITHUB_SHELL = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]
CATALOG = """\
apiVersion: idp/v1alpha1
kind: ModelCatalog
models:
  - name: acme/churn
    description: Predicts churn.
    owner: group:default/ds
    modelType: predictive
    tasks: [tabular-classification]
    license: proprietary
    versions:
      - version: "1.0.0"
        lifecycle: production
        metrics: [{type: roc_auc, value: ROC_AUC, dataset: holdout}]
        signature:
          inputs:
            - {name: tenure_months, type: long}
            - {name: contract_type, type: string, enum: [monthly, annual]}
          outputs: [{name: churn_probability, type: double}]
          example: {tenure_months: 3, contract_type: monthly}
"""
# The real idp, with a log of the `idp models publish` call for the assertions.
LOGGING_IDP = """#!/bin/sh
if [ "$1 $2" = "models publish" ]; then
  printf '%s\\n' "$*" >> "$FAKE_LOG/publish"
fi
exec "{real}" "$@"
"""
FAKE_CURL = """#!/bin/sh
for arg in "$@"; do
  case "$arg" in
    @*) cat "${arg#@}" > "$FAKE_LOG/request.json" ;;
    *) printf '%s\\n' "$arg" >> "$FAKE_LOG/curl" ;;
  esac
done
"""


def _executable(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def _catalog(root: Path, roc_auc: float) -> Path:
    """The catalog repository, and its bare clone that the https URL leads to."""
    repo = make_repo(root / "catalog-work")
    write_catalog(repo, CATALOG.replace("ROC_AUC", str(roc_auc)))
    commit_all(repo, "Catalog")
    bare = root / "catalog.git"
    subprocess.run(
        ["git", "clone", "--quiet", "--bare", str(root / "catalog-work"), str(bare)], check=True
    )
    return bare


def _generate(root: Path, model: str, ci: str) -> Path:
    catalog = write_catalog(root / "seed", CATALOG.replace("ROC_AUC", "0.5"))
    with isolated(root / "home"):
        made = idp("new", root / "trainer", "-t", "training-project", "-m", model,
                   "--catalog", catalog, "--ci", ci, "--defaults")  # fmt: skip
    assert made.exit_code == 0, made.output
    return root / "trainer"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """acme/churn's training project, with GitHub Actions."""
    return _generate(tmp_path_factory.mktemp("training-ci"), "acme/churn", "github")


@pytest.fixture(scope="module")
def new_model_gitlab(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new model's training project, with GitLab CI."""
    return _generate(tmp_path_factory.mktemp("training-new"), "acme/upsell", "gitlab")


def _checkout(project: Path, tmp_path: Path, roc_auc: float) -> tuple[Path, dict[str, str]]:
    """A clean clone of the project, the catalog behind its https URL, and the job's
    environment with fake idp publish and curl first on PATH."""
    work = tmp_path / "work"
    shutil.copytree(project, work)
    make_repo(work)
    commit_all(work, "Generated with idp new")
    bare = _catalog(tmp_path, roc_auc)
    bin_dir, logs = tmp_path / "bin", tmp_path / "logs"
    bin_dir.mkdir()
    logs.mkdir()
    real_idp = shutil.which("idp", path=str(Path(sys.executable).parent))
    assert real_idp
    _executable(bin_dir / "idp", LOGGING_IDP.replace("{real}", real_idp))
    _executable(bin_dir / "curl", FAKE_CURL)
    # a script, not a link: the venv is found from the path Python is started by
    _executable(bin_dir / "python", f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IDP_", "GIT_", "MLFLOW_"))}
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        PYTHONPATH=str(work / "src"),
        HOME=str(tmp_path / "home"),
        IDP_CACHE_DIR=str(tmp_path / "idp-cache"),
        IDP_CONFIG_FILE=str(tmp_path / "idp-config.toml"),
        GIT_CONFIG_GLOBAL="/dev/null",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        # the catalog's https URL leads to the local bare repository
        GIT_CONFIG_COUNT="1",
        GIT_CONFIG_KEY_0=f"url.file://{bare}.insteadOf",
        GIT_CONFIG_VALUE_0=CATALOG_URL,
        FAKE_LOG=str(logs),
        MLFLOW_TRACKING_URI=f"sqlite:///{tmp_path / 'server' / 'mlflow.db'}",
        IDP_CATALOG=CATALOG_URL,
        IDP_CATALOG_TOKEN=TOKEN,
    )
    (tmp_path / "server").mkdir()
    return work, env


def _run(project: Path, tmp_path: Path, roc_auc: float, event: str) -> tuple[int, str, Path]:
    """The workflow's steps from the baseline on, as GitHub runs them for `event` on main."""
    work, env = _checkout(project, tmp_path, roc_auc)
    (tmp_path / "runner-temp").mkdir()
    # the job's env, with the values GitHub would give it
    env.update(RUNNER_TEMP=str(tmp_path / "runner-temp"), MLFLOW_TRACKING_TOKEN="")
    workflow = yaml.safe_load((work / ".github/workflows/train.yml").read_text())
    steps: list[dict[str, Any]] = workflow["jobs"]["train"]["steps"]
    first = next(i for i, s in enumerate(steps) if s.get("name", "").startswith("Read the"))
    output = ""
    for step in steps[first:]:
        condition = step.get("if")
        if condition and not (event == "push" and "refs/heads/main" in condition):
            continue
        done = subprocess.run(
            [*GITHUB_SHELL, step["run"]], cwd=work, env=env, capture_output=True, text=True,
            timeout=300, check=False,
        )  # fmt: skip
        output += f"--- {step['name']}\n{done.stdout}{done.stderr}"
        if done.returncode:
            return done.returncode, output, work
    return 0, output, work


def _run_gitlab(project: Path, tmp_path: Path) -> tuple[int, str, Path]:
    """The job's script from the baseline on, with sh, in a pipeline of the default branch
    (GitLab's runner uses sh when the image has no bash)."""
    work, env = _checkout(project, tmp_path, 0.5)
    job = yaml.safe_load((work / ".gitlab-ci.yml").read_text())["train"]
    env.update(
        CI_COMMIT_BRANCH="main",
        CI_DEFAULT_BRANCH="main",
        CI_API_V4_URL="https://gitlab.example/api/v4",
        IDP_CATALOG="https://gitlab.example/platform/catalog.git",
        GIT_CONFIG_VALUE_0="https://gitlab.example/platform/catalog.git",
    )
    script: list[str] = job["script"]
    first = next(i for i, line in enumerate(script) if line.startswith("sh ci/baseline.sh"))
    output = ""
    for line in script[first:]:
        done = subprocess.run(
            ["sh", "-e", "-c", line], cwd=work, env=env, capture_output=True, text=True,
            timeout=300, check=False,
        )  # fmt: skip
        output += f"--- {line}\n{done.stdout}{done.stderr}"
        if done.returncode:
            return done.returncode, output, work
    return 0, output, work


def _log(tmp_path: Path, name: str) -> str:
    path = tmp_path / "logs" / name
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.mark.slow
def test_on_main_the_job_registers_and_opens_a_catalog_pull_request(
    project: Path, tmp_path: Path
) -> None:
    code, output, work = _run(project, tmp_path, roc_auc=0.5, event="push")
    assert code == 0, output
    registered = json.loads((work / "build" / "registered.json").read_text())
    assert registered["uri"] == "models:/acme.churn/1"
    evaluation = json.loads((work / "build" / "evaluation.json").read_text())
    assert evaluation["gate"]["baseline_version"] == "1.0.0", "read from the catalog by idp"
    assert evaluation["gate"]["passed"] is True
    publish = _log(tmp_path, "publish").split()
    assert publish[:6] == [
        "models", "publish", "--from-mlflow", "models:/acme.churn/1", "--model", "acme/churn"
    ]  # fmt: skip
    branch = publish[publish.index("--branch") + 1]
    assert branch == "train/acme-churn-mlflow-1"
    assert "--description" not in publish, "the model is in the catalog already"
    # the next minor version, proposed as staging, serving inherited from the default version
    assert publish[publish.index("--version") + 1] == "1.1.0"
    assert publish[publish.index("--from-version") + 1] == "1.0.0"
    bare = tmp_path / "catalog.git"
    proposed = yaml.safe_load(git(bare, "show", f"{branch}:catalog.yaml"))
    [model] = proposed["models"]
    new = next(v for v in model["versions"] if v["version"] == "1.1.0")
    assert new["lifecycle"] == "staging"
    assert [c["name"] for c in new["signature"]["inputs"]] == ["tenure_months", "contract_type"]
    assert new["signature"]["example"]["contract_type"] in ("monthly", "annual")
    assert any(m["type"] == "roc_auc" for m in new["metrics"])
    curl = _log(tmp_path, "curl").splitlines()
    assert "https://api.github.com/repos/platform/catalog/pulls" in curl
    assert f"Authorization: Bearer {TOKEN}" in curl
    request = json.loads(_log(tmp_path, "request.json"))
    assert (request["head"], request["base"]) == (branch, "main")
    assert "models:/acme.churn/1" in request["body"] and "roc_auc" in request["body"]
    assert "Published acme/churn@1.1.0" in request["body"]
    for path in work.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            assert TOKEN not in path.read_text(encoding="utf-8", errors="replace"), path


@pytest.mark.slow
def test_the_gate_stops_the_job_before_anything_is_registered(
    project: Path, tmp_path: Path
) -> None:
    code, output, work = _run(project, tmp_path, roc_auc=0.999, event="push")
    assert code == 1
    assert "--- Evaluate (the gate)" in output and "gate did not pass" in output
    assert "--- Register in MLflow" not in output
    assert not (work / "build" / "registered.json").exists()
    assert not _log(tmp_path, "publish") and not _log(tmp_path, "curl")


@pytest.mark.slow
def test_a_pull_request_trains_and_evaluates_only(project: Path, tmp_path: Path) -> None:
    code, output, work = _run(project, tmp_path, roc_auc=0.5, event="pull_request")
    assert code == 0, output
    assert (work / "build" / "evaluation.json").is_file()
    assert not (work / "build" / "registered.json").exists()
    assert not _log(tmp_path, "publish")


@pytest.mark.slow
def test_gitlab_proposes_a_new_model_with_its_card(new_model_gitlab: Path, tmp_path: Path) -> None:
    code, output, work = _run_gitlab(new_model_gitlab, tmp_path)
    assert code == 0, output
    assert json.loads((work / "build" / "registered.json").read_text())["version"] == "1"
    assert "acme/upsell is not in the catalog yet" in output
    publish = _log(tmp_path, "publish").split("\n")[0]
    assert publish.startswith(
        "models publish --from-mlflow models:/acme.upsell/1 --model acme/upsell "
    )
    # a new model: the catalog needs its card, from catalog-model.json
    for flag in ("--description", "--owner", "--model-type predictive", "--license proprietary",
                 "--task tabular-classification"):  # fmt: skip
        assert flag in publish, flag
    assert "train/acme-upsell-mlflow-1" in git(tmp_path / "catalog.git", "branch", "--list")
    curl = _log(tmp_path, "curl").splitlines()
    api = "https://gitlab.example/api/v4/projects/platform%2Fcatalog/merge_requests"
    assert api in curl and f"PRIVATE-TOKEN: {TOKEN}" in curl
    assert "source_branch=train/acme-upsell-mlflow-1" in curl
    assert "target_branch=main" in curl
