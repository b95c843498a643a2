"""The model: a scikit-learn pipeline, and the MLflow model that is logged and served, which
answers with the signature's outputs (probabilities, labels or classes) rather than
scikit-learn's arrays."""

from __future__ import annotations

from typing import Any

import mlflow.pyfunc
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from .columns import DTYPES, INPUTS, OUTPUTS, THRESHOLD


def pipeline() -> Pipeline:
    categorical = [c.name for c in INPUTS if c.categorical]
    numeric = [c.name for c in INPUTS if not c.categorical]
    features = ColumnTransformer(
        [
            ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
            ("numeric", StandardScaler(), numeric),
        ]
    )
    return Pipeline([("features", features), ("classifier", LogisticRegression(max_iter=1000))])


def answers(scores: np.ndarray, threshold: float = THRESHOLD) -> pd.DataFrame:
    """The signature's outputs for the positive class's probabilities: a number is the
    probability, a boolean or an integer the label at `threshold`, a string with an enum the
    value of the band the probability falls in (the enum cut into equal bands)."""
    out: dict[str, Any] = {}
    for column in OUTPUTS:
        if column.type in ("float", "double"):
            out[column.name] = scores
        elif column.type in ("boolean", "integer", "long"):
            out[column.name] = scores >= threshold
        else:
            bands = np.minimum((scores * len(column.enum)).astype(int), len(column.enum) - 1)
            out[column.name] = np.array(column.enum, dtype=object)[bands]
    return pd.DataFrame(out).astype({c.name: DTYPES[c.type] for c in OUTPUTS})


class Classifier(mlflow.pyfunc.PythonModel):
    """What MLflow logs and serves: the fitted pipeline behind the signature's outputs."""

    def __init__(self, fitted: Pipeline) -> None:
        self.pipeline = fitted

    def scores(self, features: pd.DataFrame) -> np.ndarray:
        columns = [c.name for c in INPUTS]
        probabilities: np.ndarray = self.pipeline.predict_proba(features[columns])[:, 1]
        return probabilities

    def predict(self, context, model_input, params=None):
        threshold = float((params or {}).get("threshold", THRESHOLD))
        return answers(self.scores(model_input), threshold)
