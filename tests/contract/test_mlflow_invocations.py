"""prediction-service (mlflow-invocations) against `mlflow models serve`, in the two data
frame formats: ``dataframe_split`` and ``dataframe_records``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.contract.generated import (
    KNOWN_ROWS,
    KNOWN_SPECIES,
    error,
    generate,
    probe,
    project_env,
)
from tests.contract.processes import Server

pytestmark = [pytest.mark.contract, pytest.mark.slow]

MODEL = "contract/iris-mlflow@1.0.0"
STALE = "contract/iris-mlflow@0.9.0"
"""Its signature lacks petal_width, which the served model needs."""


@pytest.fixture(scope="module", params=["dataframe_split", "dataframe_records"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, mlflow_server: Server
) -> dict[str, Any]:
    root = tmp_path_factory.mktemp(f"mlflow-{request.param}")
    project = generate(
        root / "iris-service", "prediction-service", MODEL, mlflow_format=request.param
    )
    return probe(project, "predictive", json.dumps(KNOWN_ROWS), project_env(project, mlflow_server))


def test_the_client_scores_the_known_rows(served: dict[str, Any]) -> None:
    outputs = served["predict_batch"]["ok"]
    assert [output["species"] for output in outputs] == KNOWN_SPECIES


def test_the_client_scores_one_record_given_field_by_field(served: dict[str, Any]) -> None:
    assert served["predict"] == {"ok": {"species": KNOWN_SPECIES[0]}}


def test_the_client_sees_the_server_ready(served: dict[str, Any]) -> None:
    check = served["check"]["ok"]
    assert (check["status_code"], check["ready"]) == (200, True)
    assert check["url"].endswith("/ping")


def test_the_service_answers_the_known_predictions(served: dict[str, Any]) -> None:
    answer = served["service_predict"]
    assert answer["status"] == 200, answer
    assert answer["body"] == {
        "model_ref": MODEL,
        "predictions": [{"species": species} for species in KNOWN_SPECIES],
    }


def test_the_service_is_healthy(served: dict[str, Any]) -> None:
    health = served["service_healthz"]
    assert health["status"] == 200, health
    assert health["body"]["status"] == "ok"


def test_a_missing_column_is_a_clear_error(tmp_path: Path, mlflow_server: Server) -> None:
    project = generate(tmp_path / "iris-service", "prediction-service", STALE)
    rows = [{k: v for k, v in row.items() if k != "petal_width"} for row in KNOWN_ROWS]

    results = probe(project, "predictive", json.dumps(rows), project_env(project, mlflow_server))

    failure = error(results["predict_batch"])
    assert failure["type"] == "ModelResponseError"
    assert failure["status_code"] == 400
    assert failure["message"].startswith("the model server answered 400: ")
    assert "petal_width" in failure["message"]
    service = results["service_predict"]
    # The server refused the request (a 4xx): the service says so with 502, not "unavailable".
    assert service["status"] == 502
    assert service["body"] == {"detail": failure["message"], "upstream_status": 400}
