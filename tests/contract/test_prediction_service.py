"""prediction-service against the real servers of its protocols: oip-v2 on MLServer in both
tensor layouts (one input per column, decoded by MLServer as a pandas data frame, and one
[n, 4] tensor), and mlflow-invocations on `mlflow models serve` in both data frame formats
(``dataframe_split`` and ``dataframe_records``). The same known rows, the same answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.contract.generated import (
    KNOWN_ROWS,
    KNOWN_SPECIES,
    Project,
    error,
    generate,
    probe,
    project_env,
)
from tests.contract.processes import Server

pytestmark = [pytest.mark.contract, pytest.mark.slow]

MLSERVER = "contract/iris-mlserver@1.0.0"
MLFLOW = "contract/iris-mlflow@1.0.0"
# Their signatures lack petal_width, which the served models need.
MLSERVER_STALE = "contract/iris-mlserver@0.9.0"
MLFLOW_STALE = "contract/iris-mlflow@0.9.0"

# (model, server fixture, template answer, the URL the client's readiness check asks)
SETUPS = {
    "oip-columns": (MLSERVER, "mlserver", {"oip_layout": "columns"}, "/v2/models/iris/ready"),
    "oip-tensor": (MLSERVER, "mlserver", {"oip_layout": "tensor"}, "/v2/models/iris/ready"),
    "mlflow-split": (MLFLOW, "mlflow_server", {"mlflow_format": "dataframe_split"}, "/ping"),
    "mlflow-records": (MLFLOW, "mlflow_server", {"mlflow_format": "dataframe_records"}, "/ping"),
}


def _generate(root: Path, model: str, **data: str) -> Project:
    return generate(root / "iris-service", "prediction-service", model, **data)


@pytest.fixture(scope="module", params=list(SETUPS))
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    model, server_fixture, data, ready = SETUPS[request.param]
    server: Server = request.getfixturevalue(server_fixture)
    project = _generate(tmp_path_factory.mktemp(request.param), model, **data)
    results = probe(project, "predictive", json.dumps(KNOWN_ROWS), project_env(project, server))
    return {**results, "model": model, "ready_path": ready}


def test_the_client_scores_the_known_rows(served: dict[str, Any]) -> None:
    outputs = served["predict_batch"]["ok"]
    assert [output["species"] for output in outputs] == KNOWN_SPECIES


def test_the_client_scores_one_record_given_field_by_field(served: dict[str, Any]) -> None:
    assert served["predict"] == {"ok": {"species": KNOWN_SPECIES[0]}}


def test_the_client_sees_the_model_ready(served: dict[str, Any]) -> None:
    check = served["check"]["ok"]
    assert (check["status_code"], check["ready"]) == (200, True)
    assert check["url"].endswith(served["ready_path"])


def test_the_service_answers_the_known_predictions(served: dict[str, Any]) -> None:
    answer = served["service_predict"]
    assert answer["status"] == 200, answer
    assert answer["body"] == {
        "model_ref": served["model"],
        "predictions": [{"species": species} for species in KNOWN_SPECIES],
    }


def test_the_service_is_healthy(served: dict[str, Any]) -> None:
    health = served["service_readyz"]
    assert health["status"] == 200, health
    assert health["body"]["status"] == "ready"


def test_oip_v2_an_unknown_model_is_a_clear_error(tmp_path: Path, mlserver: Server) -> None:
    project = _generate(tmp_path, MLSERVER, oip_layout="columns")
    env = project_env(project, mlserver, MODEL_NAME="no-such-model")

    results = probe(project, "predictive", json.dumps(KNOWN_ROWS), env)

    failure = error(results["predict_batch"])
    assert failure["type"] == "ModelResponseError"
    assert failure["status_code"] == 404
    assert failure["message"] == "the model server answered 404: Model no-such-model not found"
    service = results["service_predict"]
    assert service["status"] == 502
    assert service["body"] == {"detail": failure["message"], "upstream_status": 404}
    health = results["service_readyz"]
    assert health["status"] == 503
    assert health["body"]["upstream"]["status_code"] == 404


def _without_petal_width(root: Path, server: Server, model: str, **data: str) -> dict[str, Any]:
    """A project bound to a stale signature sends rows the served model cannot score."""
    project = _generate(root, model, **data)
    rows = [{k: v for k, v in row.items() if k != "petal_width"} for row in KNOWN_ROWS]
    return probe(project, "predictive", json.dumps(rows), project_env(project, server))


def test_oip_v2_a_missing_column_is_a_clear_error(tmp_path: Path, mlserver: Server) -> None:
    """MLServer answers a plain-text 500 traceback; the client reports its last line."""
    results = _without_petal_width(tmp_path, mlserver, MLSERVER_STALE, oip_layout="columns")

    failure = error(results["predict_batch"])
    assert failure["type"] == "ModelResponseError"
    assert failure["status_code"] == 500
    assert failure["message"].startswith("the model server answered 500: ValueError: ")
    assert "petal_width" in failure["message"]
    assert "Traceback" not in failure["message"]
    service = results["service_predict"]
    # A 5xx after the retries: the model server is failing, not refusing the request.
    assert service["status"] == 503
    assert service["body"] == {"detail": failure["message"], "upstream_status": 500}


def test_mlflow_a_missing_column_is_a_clear_error(tmp_path: Path, mlflow_server: Server) -> None:
    results = _without_petal_width(tmp_path, mlflow_server, MLFLOW_STALE)

    failure = error(results["predict_batch"])
    assert failure["type"] == "ModelResponseError"
    assert failure["status_code"] == 400
    assert failure["message"].startswith("the model server answered 400: ")
    assert "petal_width" in failure["message"]
    service = results["service_predict"]
    # The server refused the request (a 4xx): the service says so with 502, not "unavailable".
    assert service["status"] == 502
    assert service["body"] == {"detail": failure["message"], "upstream_status": 400}
