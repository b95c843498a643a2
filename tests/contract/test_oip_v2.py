"""prediction-service (oip-v2) against MLServer, in both tensor layouts: one input per column
(decoded by MLServer as a pandas data frame) and one [n, 4] tensor."""

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

MODEL = "contract/iris-mlserver@1.0.0"
STALE = "contract/iris-mlserver@0.9.0"
"""Its signature lacks petal_width, which the served model needs."""


def _generate(root: Path, layout: str, model: str = MODEL) -> Project:
    return generate(root / "iris-service", "prediction-service", model, oip_layout=layout)


@pytest.fixture(scope="module", params=["columns", "tensor"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, mlserver: Server
) -> dict[str, Any]:
    project = _generate(tmp_path_factory.mktemp(f"oip-{request.param}"), request.param)
    return probe(project, "predictive", json.dumps(KNOWN_ROWS), project_env(project, mlserver))


def test_the_client_scores_the_known_rows(served: dict[str, Any]) -> None:
    outputs = served["predict_batch"]["ok"]
    assert [output["species"] for output in outputs] == KNOWN_SPECIES


def test_the_client_scores_one_record_given_field_by_field(served: dict[str, Any]) -> None:
    assert served["predict"] == {"ok": {"species": KNOWN_SPECIES[0]}}


def test_the_client_sees_the_model_ready(served: dict[str, Any]) -> None:
    check = served["check"]["ok"]
    assert (check["status_code"], check["ready"]) == (200, True)
    assert check["url"].endswith("/v2/models/iris/ready")


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


def test_an_unknown_model_is_a_clear_error(tmp_path: Path, mlserver: Server) -> None:
    project = _generate(tmp_path, "columns")
    env = project_env(project, mlserver, MODEL_NAME="no-such-model")

    results = probe(project, "predictive", json.dumps(KNOWN_ROWS), env)

    failure = error(results["predict_batch"])
    assert failure["type"] == "ModelResponseError"
    assert failure["status_code"] == 404
    assert failure["message"] == "the model server answered 404: Model no-such-model not found"
    service = results["service_predict"]
    assert service["status"] == 502
    assert service["body"] == {"detail": failure["message"], "upstream_status": 404}
    health = results["service_healthz"]
    assert health["status"] == 503
    assert health["body"]["upstream"]["status_code"] == 404


def test_a_missing_column_is_a_clear_error(tmp_path: Path, mlserver: Server) -> None:
    """MLServer answers a plain-text 500 traceback; the client reports its last line."""
    project = _generate(tmp_path, "columns", STALE)
    rows = [{k: v for k, v in row.items() if k != "petal_width"} for row in KNOWN_ROWS]

    results = probe(project, "predictive", json.dumps(rows), project_env(project, mlserver))

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
