"""Fill an MLflow registry for catalog_import_bench.py as training jobs would, run as a script
so that MLflow's imports and global state stay out of the benchmark's process:

    python benchmarks/mlflow_registry.py TRACKING_URI SPEC.json

SPEC.json: `{"versions": V, "models": [{"name": REGISTERED, "inputs": [...], "outputs":
[...]}]}`, the columns in the catalog's spelling (name, type, enum). Each registered model gets
versions 1 to V, each from a run of its own (two metrics) whose `model` artifact holds an
MLmodel with a signature of those columns (its saved input example beside it, three rows) as
`mlflow.sklearn.log_model` writes them; version 1 of every fifth model is logged without a
signature (the importer skips it). The alias champion is on version V-1, challenger on V.

Only the MLmodel and the example are written, not a pickled model: the importer reads nothing
else, and fitting a model per version would make setting up the benchmark take minutes. Through
a tracking server (http://...) the artifacts go to its proxied store (mlflow-artifacts:),
elsewhere beside the store.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

import mlflow
from mlflow.models import Model
from mlflow.models.signature import ModelSignature
from mlflow.types import ColSpec, Schema

FLAVORS = {
    "python_function": {
        "loader_module": "mlflow.sklearn",
        "model_path": "model.pkl",
        "predict_fn": "predict",
        "python_version": "3.12.3",
        "env": {"conda": "conda.yaml", "virtualenv": "python_env.yaml"},
    },
    "sklearn": {
        "pickled_model": "model.pkl",
        "sklearn_version": "1.5.2",
        "serialization_format": "cloudpickle",
        "code": None,
    },
}


def _value(rng: random.Random, column: dict[str, Any]) -> Any:
    if "enum" in column:
        return rng.choice(column["enum"])
    kind = column["type"]
    if kind in ("long", "integer"):
        return rng.randint(0, 500)
    if kind in ("double", "float"):
        return round(rng.uniform(0, 1000), 2)
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "datetime":
        return f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T00:00:00Z"
    return rng.choice(("retail", "wholesale", "online"))


def _write_model(folder: Path, model: dict[str, Any], run_id: str, rng: random.Random) -> None:
    inputs = model["inputs"]
    signature = ModelSignature(
        Schema([ColSpec(c["type"], c["name"], required=c.get("required", True)) for c in inputs]),
        Schema([ColSpec(c["type"], c["name"]) for c in model["outputs"]]),
    )
    mlmodel = Model(
        artifact_path="model",
        run_id=run_id,
        flavors=FLAVORS,
        signature=signature,
        saved_input_example_info={
            "artifact_path": "input_example.json",
            "type": "dataframe",
            "pandas_orient": "split",
        },
    )
    mlmodel.save(str(folder / "MLmodel"))
    columns = [c["name"] for c in inputs]
    rows = [[_value(rng, c) for c in inputs] for _ in range(3)]
    (folder / "input_example.json").write_text(json.dumps({"columns": columns, "data": rows}))


def _write_unsigned(folder: Path, run_id: str) -> None:
    Model(artifact_path="model", run_id=run_id, flavors=FLAVORS).save(str(folder / "MLmodel"))


def main(tracking: str, spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    versions = int(spec["versions"])
    rng = random.Random(7)  # noqa: S311 - reproducible test data
    mlflow.set_tracking_uri(tracking)
    client = mlflow.MlflowClient()
    mlflow.set_experiment("training")
    for index, model in enumerate(spec["models"]):
        name = model["name"]
        client.create_registered_model(name, description=f"Trained by the {name} pipeline.")
        for number in range(1, versions + 1):
            with mlflow.start_run() as run, tempfile.TemporaryDirectory() as tmp:
                mlflow.log_metrics({"roc_auc": rng.uniform(0.7, 0.95), "f1": rng.uniform(0.5, 0.9)})
                run_id = run.info.run_id
                if number == 1 and index % 5 == 0:
                    _write_unsigned(Path(tmp), run_id)
                else:
                    _write_model(Path(tmp), model, run_id, rng)
                mlflow.log_artifacts(tmp, "model")
                source = f"{run.info.artifact_uri}/model"
            client.create_model_version(
                name, source, run_id, description=f"Retrained in week {number}."
            )
        if versions > 1:
            client.set_registered_model_alias(name, "champion", str(versions - 1))
        client.set_registered_model_alias(name, "challenger", str(versions))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
