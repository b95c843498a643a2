"""The iris classifier the predictive contract tests score with, written for one server.

Run with the server environment's Python (scikit-learn and the server live there, not in
idp's environment)::

    python iris.py mlserver MODELS_DIR   # MODELS_DIR/iris: model.joblib + model-settings.json
    python iris.py mlflow MODEL_DIR      # an MLflow model folder with a signature

Training is deterministic (the bundled iris data set, lbfgs), and the two known rows are
checked to score exactly [0, 2] before anything is written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

MODEL_NAME = "iris"
COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
OUTPUT = "species"
KNOWN_ROWS = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]
KNOWN_PREDICTIONS = [0, 2]


def train() -> tuple[Any, Any, Any]:
    """The fitted model, its training frame (named columns) and target."""
    import pandas as pd  # type: ignore[import-not-found, import-untyped, unused-ignore]
    from sklearn.datasets import load_iris  # type: ignore[import-not-found, import-untyped, unused-ignore]
    from sklearn.linear_model import (  # type: ignore[import-not-found, import-untyped, unused-ignore]
        LogisticRegression,
    )

    iris = load_iris(as_frame=True)
    features = iris.data.set_axis(COLUMNS, axis=1)
    target = iris.target.rename(OUTPUT)
    model = LogisticRegression(max_iter=1000).fit(features, target)
    predictions = model.predict(pd.DataFrame(KNOWN_ROWS, columns=COLUMNS)).tolist()
    if predictions != KNOWN_PREDICTIONS:
        raise SystemExit(f"the known rows score {predictions}, not {KNOWN_PREDICTIONS}")
    return model, features, target


def write_mlserver(models_dir: Path) -> None:
    import joblib  # type: ignore[import-not-found, import-untyped, unused-ignore]

    model, _, _ = train()
    folder = models_dir / MODEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, folder / "model.joblib")
    settings = {
        "name": MODEL_NAME,
        "implementation": "mlserver_sklearn.SKLearnModel",
        "parameters": {"uri": "./model.joblib", "version": "v1"},
    }
    (folder / "model-settings.json").write_text(json.dumps(settings), encoding="utf-8")


def write_mlflow(model_dir: Path) -> None:
    import mlflow.sklearn  # type: ignore[import-not-found, unused-ignore]
    from mlflow.models import infer_signature  # type: ignore[import-not-found, unused-ignore]

    model, features, target = train()
    mlflow.sklearn.save_model(
        model,
        str(model_dir),
        signature=infer_signature(features, target),
        # The default (skops) costs seconds of imports; the model is the test's own.
        serialization_format="cloudpickle",
        # Given, so that MLflow does not spend ~9 s inferring them in a subprocess.
        pip_requirements=["scikit-learn", "pandas"],
    )


if __name__ == "__main__":
    target, out = sys.argv[1], Path(sys.argv[2])
    {"mlserver": write_mlserver, "mlflow": write_mlflow}[target](out)
