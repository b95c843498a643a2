"""A generated predictive project against a live model server: its client (batch, one record
field by field, readiness) and its service (``POST /predict``, ``GET /readyz``).

    python -m tests.contract.probes.predictive PACKAGE ROWS_JSON
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import sys
from typing import Any

from fastapi.testclient import TestClient

from tests.contract.probes.outcome import emit, outcome


def main(package: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    client_module = importlib.import_module(f"{package}.model_client.client")
    app_module = importlib.import_module(f"{package}.app")
    results: dict[str, Any] = {}
    with client_module.make_client() as client:
        results["check"] = outcome(lambda: dataclasses.asdict(client.check()))
        results["predict_batch"] = outcome(
            lambda: [output.model_dump(mode="json") for output in client.predict_batch(rows)]
        )
        results["predict"] = outcome(lambda: client.predict(**rows[0]).model_dump(mode="json"))
    with TestClient(app_module.create_app()) as api:
        response = api.post("/predict", json={"records": rows})
        results["service_predict"] = {"status": response.status_code, "body": response.json()}
        response = api.get("/readyz")
        results["service_readyz"] = {"status": response.status_code, "body": response.json()}
    return results


if __name__ == "__main__":
    emit(main(sys.argv[1], json.loads(sys.argv[2])))
