"""The three steps, each leaving what the next one reads in build/ under the working folder:
`train` (fit, log the model to MLflow with its signature and input example), `evaluate`
(metrics on the holdout, compared with the catalog's production version: the gate) and
`register` (a new version in the MLflow model registry, only once the gate passed).

Tracking and registry: MLFLOW_TRACKING_URI when set (the team's server), else a sqlite store,
mlflow.db, with the artifacts in mlartifacts/, both in the working folder.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import mlflow
from mlflow.models import infer_signature
from sklearn.metrics import accuracy_score, average_precision_score, log_loss, roc_auc_score
from sklearn.model_selection import train_test_split

from . import data, model
from .columns import PARAMS, THRESHOLD
from .settings import GATE_METRIC, MIN_IMPROVEMENT, MODEL_NAME, REGISTERED_MODEL

EXPERIMENT = MODEL_NAME
CATALOG_TAG = "idp.catalog_name"
LOWER_IS_BETTER = {"log_loss"}
HOLDOUT = "synthetic-holdout"
PACKAGE = Path(__file__).resolve().parent


class StepError(Exception):
    """A step cannot go on: what is wrong and what to do, for the command line to print."""


@dataclass
class Gate:
    metric: str
    value: float
    baseline: float | None  # None: no production version with this metric to compare with
    baseline_version: str
    required: float | None
    passed: bool


def tracking(workdir: Path) -> None:
    mlflow.set_tracking_uri(os.environ.get("MLFLOW_TRACKING_URI") or _local_store(workdir))


def _local_store(workdir: Path) -> str:
    return f"sqlite:///{(workdir / 'mlflow.db').resolve()}"


def _experiment(workdir: Path) -> str:
    found = mlflow.get_experiment_by_name(EXPERIMENT)
    if found is not None:
        return str(found.experiment_id)
    # a local store keeps its artifacts beside it; a server decides where its go
    local = not os.environ.get("MLFLOW_TRACKING_URI")
    location = (workdir / "mlartifacts").resolve().as_uri() if local else None
    return str(mlflow.create_experiment(EXPERIMENT, artifact_location=location))


def _write(workdir: Path, name: str, content: dict[str, Any]) -> None:
    path = workdir / "build" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")


def _read(workdir: Path, name: str, before: str) -> dict[str, Any]:
    path = workdir / "build" / name
    if not path.is_file():
        raise StepError(f"{path} is missing: run `{before}` first")
    found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return found


def _split(rows: int, seed: int) -> tuple[Any, Any, Any, Any]:
    features, target = data.load(rows, seed)
    return train_test_split(features, target, test_size=0.25, random_state=seed, stratify=target)


def _covering_example(frame: Any) -> Any:
    """The input example MLflow logs: the first rows, then a row for each category a text
    column has that they lack, and a row repeating a category when none repeats, so that
    whoever reads the example (the catalog entry `idp models publish --from-mlflow` writes)
    sees every category, and sees them as categories (values that repeat), not free text."""
    chosen = list(frame.index[:3])
    text = [column for column in frame.columns if frame[column].dtype == object]
    for column in text:
        seen = set(frame.loc[chosen, column])
        for value in frame[column].unique():
            if value not in seen:
                chosen.append(frame.index[frame[column] == value][0])
                seen.add(value)
    for column in text:
        values = list(frame.loc[chosen, column])
        if len(set(values)) == len(values):
            again = frame.index[(frame[column] == values[0]) & ~frame.index.isin(chosen)]
            chosen.extend(again[:1])
    return frame.loc[chosen]


def train(workdir: Path, rows: int = 2000, seed: int = 7) -> dict[str, Any]:
    tracking(workdir)
    x_train, x_test, y_train, _ = _split(rows, seed)
    classifier = model.Classifier(model.pipeline().fit(x_train, y_train))
    example = _covering_example(x_test)
    signature = infer_signature(example, classifier.predict(None, example), params=PARAMS or None)
    with mlflow.start_run(experiment_id=_experiment(workdir)) as run:
        mlflow.set_tag(CATALOG_TAG, MODEL_NAME)
        mlflow.log_params({"rows": rows, "seed": seed, "estimator": "LogisticRegression"})
        logged = mlflow.pyfunc.log_model(
            name="model",
            python_model=classifier,
            signature=signature,
            input_example=example,
            code_paths=[str(PACKAGE)],
        )
    trained = {"run_id": run.info.run_id, "model_uri": logged.model_uri, "rows": rows, "seed": seed}
    _write(workdir, "train.json", trained)
    return trained


def metrics(target: Any, scores: Any) -> dict[str, float]:
    return {
        "roc_auc": float(roc_auc_score(target, scores)),
        "pr_auc": float(average_precision_score(target, scores)),
        "accuracy": float(accuracy_score(target, scores >= THRESHOLD)),
        "log_loss": float(log_loss(target, scores, labels=[0, 1])),
    }


def gate(
    found: dict[str, float], baseline: dict[str, Any], metric: str, min_improvement: float
) -> Gate:
    """Does `metric` beat the baseline (the catalog's production version, as `idp models show
    -o json` prints it, or baseline.json) by `min_improvement`?"""
    if metric not in found:
        raise StepError(f"unknown gate metric {metric!r}; one of {', '.join(found)}")
    version = baseline.get("version") or {}
    name = str(version.get("version", "")) if isinstance(version, dict) else str(version)
    known = {m["type"]: float(m["value"]) for m in _metrics_of(baseline)}
    value = found[metric]
    if metric not in known:
        return Gate(metric, value, None, name, None, True)
    lower = metric in LOWER_IS_BETTER
    required = known[metric] - min_improvement if lower else known[metric] + min_improvement
    passed = value <= required if lower else value >= required
    return Gate(metric, value, known[metric], name, required, passed)


def _metrics_of(baseline: dict[str, Any]) -> list[dict[str, Any]]:
    version = baseline.get("version")
    if isinstance(version, dict):  # `idp models show NAME -o json`
        return list(version.get("metrics") or [])
    return list(baseline.get("metrics") or [])


def evaluate(
    workdir: Path,
    baseline: dict[str, Any],
    metric: str = GATE_METRIC,
    min_improvement: float = MIN_IMPROVEMENT,
) -> Gate:
    tracking(workdir)
    trained = _read(workdir, "train.json", "train")
    _, x_test, _, y_test = _split(trained["rows"], trained["seed"])
    loaded = mlflow.pyfunc.load_model(trained["model_uri"])
    found = metrics(y_test, loaded.unwrap_python_model().scores(x_test))
    with mlflow.start_run(run_id=trained["run_id"]):
        mlflow.log_metrics(found)
        mlflow.set_tag("idp.evaluation_dataset", HOLDOUT)
    result = gate(found, baseline, metric, min_improvement)
    evaluated = {"run_id": trained["run_id"], "metrics": found, "gate": asdict(result)}
    _write(workdir, "evaluation.json", evaluated)
    return result


def register(workdir: Path) -> dict[str, Any]:
    tracking(workdir)
    trained = _read(workdir, "train.json", "train")
    evaluated = _read(workdir, "evaluation.json", "evaluate")
    if evaluated["run_id"] != trained["run_id"]:
        raise StepError("build/evaluation.json is for another run: run `evaluate` again")
    if not evaluated["gate"]["passed"]:
        raise StepError("the evaluation gate did not pass: nothing is registered")
    tags = {CATALOG_TAG: MODEL_NAME, "idp.gate_metric": evaluated["gate"]["metric"]}
    version = mlflow.register_model(trained["model_uri"], REGISTERED_MODEL, tags=tags)
    registered = {
        "catalog_name": MODEL_NAME,
        "name": version.name,
        "version": str(version.version),
        "uri": f"models:/{version.name}/{version.version}",
        "run_id": trained["run_id"],
    }
    _write(workdir, "registered.json", registered)
    return registered
