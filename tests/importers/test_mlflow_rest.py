"""`publish --from-mlflow` from a real `mlflow server` over its REST API (no mlflow package
involved on idp's side): a version whose artifacts the server proxies, the alias moves that
follow a registry's champion, and an unreachable server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_publish import _repo, _show, _state
from tests.contract import processes
from tests.helpers import Invoke, git
from tests.importers.conftest import Registry

CHURN = "acme/churn-classifier"


@pytest.mark.slow
def test_champion_over_rest_deprecating_the_previous(
    tmp_path: Path, invoke: Invoke, mlflow_registry: Registry
) -> None:
    repo = _repo(tmp_path)
    server = mlflow_registry.server
    first = invoke(
        "models", "publish", "--catalog", repo, "--model", CHURN, "--lifecycle", "production",
        "--from-mlflow", "models:/churn/1", "--tracking-uri", server, "--branch", "v1",
    )  # fmt: skip
    assert first.exit_code == 0, first.stderr
    assert "Read from MLflow: models:/churn/1" in first.stdout
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", CHURN, "--lifecycle", "production",
        "--from-mlflow", "models:/churn@champion", "--tracking-uri", server,
        "--deprecates", "1", "--branch", "v2", "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["version"] == "2"
    # MLflow's champion takes the catalog's from 4.0.0; the deprecated 1 hands on baseline
    assert data["aliasMoves"] == [
        {"alias": "champion", "from": "4.0.0", "to": "2", "default": True},
        {"alias": "baseline", "from": "1", "to": "2", "default": False},
    ]
    assert git(repo, "log", "-1", "--format=%s") == (
        f"feat(catalog): publish {CHURN}@2; deprecate {CHURN}@1"
    )
    version = _show(invoke, CHURN, repo)["version"]  # the default: champion
    assert isinstance(version, dict)
    assert version["version"] == "2"
    assert version["artifact"]["uri"].startswith("mlflow-artifacts:/")
    signature = version["signature"]
    assert [c["name"] for c in signature["inputs"]] == [
        "tenure_months", "monthly_charges", "contract_type"
    ]  # fmt: skip
    # read from the artifacts the server proxies
    assert signature["example"] == {
        "tenure_months": 1, "monthly_charges": 80.5, "contract_type": "monthly"
    }  # fmt: skip
    assert version["metrics"] == [{"type": "roc_auc", "value": 0.94}]
    old = _show(invoke, f"{CHURN}@1", repo)["version"]
    assert old["lifecycle"] == "deprecated"  # type: ignore[index]


def test_unreachable_server(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    before = _state(repo)
    [port] = processes.free_ports(1)  # nothing listens there
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", CHURN, "--lifecycle", "staging",
        "--from-mlflow", "models:/churn/1", "--tracking-uri", f"http://127.0.0.1:{port}",
    )  # fmt: skip
    assert result.exit_code == 1
    assert f"cannot reach the MLflow tracking server at http://127.0.0.1:{port}" in result.stderr
    assert _state(repo) == before


@pytest.mark.slow
def test_not_found_over_rest(tmp_path: Path, invoke: Invoke, mlflow_registry: Registry) -> None:
    repo = _repo(tmp_path)
    before = _state(repo)
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", CHURN, "--lifecycle", "staging",
        "--from-mlflow", "models:/churn@nobody", "--tracking-uri", mlflow_registry.server,
    )  # fmt: skip
    assert result.exit_code == 1
    assert "models:/churn@nobody: not found in the MLflow registry at http://127.0.0.1:" in (
        result.stderr
    )
    assert _state(repo) == before
