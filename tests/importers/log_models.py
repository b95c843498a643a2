"""Logs and registers the models the importer tests read, as a training job would: run as a
script (`python log_models.py STORE_URI ARTIFACTS [SERVER_URL]`) so that MLflow's imports and
global state stay out of the test process.

Into the store, with artifacts in the ARTIFACTS folder: `churn` version 1 (scikit-learn, with
signature, input example, a run metric, a tag and the alias champion), `unsigned` version 1
(no signature), `fraud` versions 1 and 2 (champion) and 3 (no signature, challenger), and
`tagged` version 1 (a list column: a signature type the catalog has no name for). Through the server, when given (artifacts proxied as mlflow-artifacts:): `churn`
version 2, one more input, the alias champion moved to it. `ARTIFACTS/facts.json` tells the
run id of version 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import mlflow
import pandas as pd  # type: ignore[import-not-found, import-untyped, unused-ignore]
from mlflow.models import infer_signature
from sklearn.linear_model import (  # type: ignore[import-not-found, import-untyped, unused-ignore]
    LogisticRegression,
)

FRAME = pd.DataFrame(
    {
        "tenure_months": [1, 20, 3, 40],
        "monthly_charges": [80.5, 20.0, 75.0, 19.5],
        "contract_type": ["monthly", "annual", "monthly", "annual"],
        "order_tags": [["web"], ["store"], ["web", "promo"], ["store"]],
    }
)
CHURNED = [1, 0, 1, 0]


def log(name: str, columns: list[str], *, signed: bool = True) -> str:
    """The new version's number."""
    frame = FRAME[columns]
    numeric = frame.select_dtypes("number")
    model = LogisticRegression().fit(numeric, CHURNED)
    outputs = pd.DataFrame({"churn_probability": model.predict_proba(numeric)[:, 1]})
    with mlflow.start_run():
        mlflow.log_metric("roc_auc", 0.91 if len(columns) < 3 else 0.94)
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(frame, outputs) if signed else None,
            input_example=frame if signed else None,
            registered_model_name=name,
        )
    assert info.registered_model_version is not None
    return str(info.registered_model_version)


def main(store: str, artifacts: str, server: str | None) -> None:
    facts: dict[str, str] = {}
    mlflow.set_tracking_uri(store)
    client = mlflow.MlflowClient()
    experiment = client.create_experiment("local", artifact_location=artifacts)
    mlflow.set_experiment(experiment_id=experiment)
    version = log("churn", ["tenure_months", "contract_type"])
    facts["run"] = client.get_model_version("churn", version).run_id or ""
    client.set_registered_model_alias("churn", "champion", version)
    client.set_registered_model_alias("churn", "baseline", version)
    client.set_model_version_tag("churn", version, "team", "retention")
    client.update_model_version("churn", version, description="First model on 2026 data.")
    log("unsigned", ["tenure_months"], signed=False)
    log("fraud", ["tenure_months", "monthly_charges"])
    client.set_registered_model_alias("fraud", "champion", log("fraud", ["monthly_charges"]))
    unsigned = log("fraud", ["tenure_months"], signed=False)
    client.set_registered_model_alias("fraud", "challenger", unsigned)
    log("tagged", ["monthly_charges", "order_tags"])
    if server:
        mlflow.set_tracking_uri(server)
        mlflow.set_experiment("served")
        version = log("churn", ["tenure_months", "monthly_charges", "contract_type"])
        mlflow.MlflowClient().set_registered_model_alias("churn", "champion", version)
    Path(artifacts, "facts.json").write_text(json.dumps(facts))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
