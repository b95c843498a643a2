"""`publish --from-mlflow` from a local MLflow store (sqlite), read through the mlflow package:
what lands in the catalog, and every refusal leaving the catalog repository as it was."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.cli.test_publish import _repo, _show, _state
from tests.helpers import Invoke
from tests.importers.conftest import Registry

CHURN = "acme/churn-classifier"


def _publish(
    invoke: Invoke, repo: Path, uri: str, tracking: str, *args: str
) -> tuple[int, str, str]:
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", CHURN, "--lifecycle", "staging",
        "--from-mlflow", uri, "--tracking-uri", tracking, *args,
    )  # fmt: skip
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.slow
def test_registered_version_becomes_the_entry(
    tmp_path: Path, invoke: Invoke, mlflow_registry: Registry
) -> None:
    repo = _repo(tmp_path)
    code, stdout, stderr = _publish(
        invoke, repo, "models:/churn/1", mlflow_registry.store, "-o", "json"
    )
    assert code == 0, stderr
    result = json.loads(stdout)
    assert result["version"] == "1"  # the registry's number, no --version given
    # the registry's aliases come along (champion has moved on to version 2 there)
    assert result["aliasMoves"] == [
        {"alias": "baseline", "from": None, "to": "1", "default": False}
    ]
    version = _show(invoke, f"{CHURN}@1", repo)["version"]
    assert isinstance(version, dict)
    assert version["aliases"] == ["baseline"]
    assert version["framework"]["name"] == "sklearn"
    assert version["framework"]["version"]
    assert version["artifact"]["uri"].endswith("/artifacts")
    assert Path(version["artifact"]["uri"], "MLmodel").is_file()
    signature = version["signature"]
    assert signature["inputs"] == [
        {"name": "tenure_months", "type": "long"},
        {"name": "contract_type", "type": "string", "enum": ["monthly", "annual"]},
    ]
    assert signature["outputs"] == [{"name": "churn_probability", "type": "double"}]
    assert signature["example"] == {"tenure_months": 1, "contract_type": "monthly"}
    assert version["metrics"] == [{"type": "roc_auc", "value": 0.91}]
    assert version["labels"] == {"team": "retention"}
    assert version["changelog"] == "First model on 2026 data."


@pytest.mark.slow
def test_alias_and_run_uris(tmp_path: Path, invoke: Invoke, mlflow_registry: Registry) -> None:
    repo = _repo(tmp_path)
    code, _, stderr = _publish(
        invoke, repo, "models:/churn@baseline", mlflow_registry.store, "--no-commit"
    )
    assert code == 0, stderr
    code, _, stderr = _publish(
        invoke, repo, f"runs:/{mlflow_registry.run_id}/model", mlflow_registry.store,
        "--version", "1.0.1", "--no-commit",
    )  # fmt: skip
    assert code == 0, stderr
    run_version = _show(invoke, f"{CHURN}@1.0.1", repo)["version"]
    registered = _show(invoke, f"{CHURN}@1", repo)["version"]
    assert isinstance(run_version, dict) and isinstance(registered, dict)
    assert run_version["signature"] == registered["signature"]
    assert "aliases" not in run_version  # a run's model has no registry aliases


@pytest.mark.slow
def test_refusals_write_nothing(tmp_path: Path, invoke: Invoke, mlflow_registry: Registry) -> None:
    repo = _repo(tmp_path)
    before = _state(repo)
    store = mlflow_registry.store
    cases = {
        ("models:/churn/9", store): "models:/churn/9: not found in the MLflow registry at",
        ("models:/nope@champion", store): "models:/nope@champion: not found in the MLflow",
        (
            "models:/unsigned/1",
            store,
        ): "models:/unsigned/1: the model was logged without a signature",
        ("runs:/0123abcd/model", store): "runs:/0123abcd/model: not found in the MLflow registry",
        ("models:/churn", store): "--from-mlflow 'models:/churn': not an MLflow model URI",
        ("models:/churn/1", "databricks"): "tracking URI databricks: idp reads http(s)",
    }
    for (uri, tracking), message in cases.items():
        code, _, stderr = _publish(invoke, repo, uri, tracking)
        assert code == 1, (uri, stderr)
        assert message in stderr, stderr
    assert _state(repo) == before


def test_no_tracking_uri(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", CHURN, "--lifecycle", "staging",
        "--from-mlflow", "models:/churn/1",
    )  # fmt: skip
    assert result.exit_code == 1
    assert (
        "which MLflow tracking server holds models:/churn/1? pass --tracking-uri" in result.stderr
    )
    assert "MLFLOW_TRACKING_URI" in result.stderr


def test_local_store_without_the_mlflow_package(
    tmp_path: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    # as in an installation without the [mlflow] extra: `import mlflow` fails
    monkeypatch.setitem(sys.modules, "mlflow", None)
    repo = _repo(tmp_path)
    before = _state(repo)
    code, _, stderr = _publish(invoke, repo, "models:/churn/1", f"sqlite:///{tmp_path}/x.db")
    assert code == 1
    assert "needs the mlflow package" in stderr
    assert "pip install 'idp-ai-platform[mlflow]'" in stderr
    assert _state(repo) == before
