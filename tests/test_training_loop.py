"""The loop from training to applications, end to end, with every part real: an app bound to
acme/churn-classifier@4.0.0, a training project for the same model that trains, passes its
gate and registers version 1 in a real MLflow store, `idp models publish --from-mlflow`
proposing it to the catalog repository as 4.2.0 (deprecating 4.0.0, which moves the champion
alias), the proposal merged, then the app: `idp check` reports the successor, `idp update
--latest` re-binds it with no breaking change, and the app's own tests pass."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MODEL = "acme/churn-classifier"


def _run(*args: str | Path, cwd: Path, env: dict[str, str], ok: int = 0) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == ok, f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _commit(folder: Path, env: dict[str, str], message: str) -> None:
    _run("git", "add", "-A", cwd=folder, env=env)
    _run("git", "commit", "-qm", message, cwd=folder, env=env)


@pytest.mark.slow
def test_a_trained_model_reaches_a_bound_app(tmp_path: Path) -> None:
    env = {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'mlflow.db'}"}
    idp = [sys.executable, "-m", "idp_cli"]
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    shutil.copy(ROOT / "catalog.yaml", catalog / "catalog.yaml")
    _run("git", "init", "-q", "-b", "main", cwd=catalog, env=env)
    _commit(catalog, env, "The catalog")

    app = tmp_path / "churn-app"
    _run(*idp, "new", app, "-t", "prediction-service", "-m", f"{MODEL}@4.0.0",
         "--catalog", catalog, "--defaults", cwd=tmp_path, env=env)  # fmt: skip
    _run("git", "init", "-q", cwd=app, env=env)
    _commit(app, env, "Generate")

    trainer = tmp_path / "churn-training"
    _run(*idp, "new", trainer, "-t", "training-project", "-m", MODEL,
         "--catalog", catalog, "--defaults", cwd=tmp_path, env=env)  # fmt: skip
    steps = {**env, "PYTHONPATH": str(trainer / "src")}
    package = "churn_training"
    _run(sys.executable, "-m", package, "train", cwd=trainer, env=steps)
    _run(sys.executable, "-m", package, "evaluate", "--baseline", "baseline.json",
         cwd=trainer, env=steps)  # fmt: skip
    _run(sys.executable, "-m", package, "register", cwd=trainer, env=steps)
    registered = json.loads((trainer / "build" / "registered.json").read_text())
    assert registered["uri"] == "models:/acme.churn-classifier/1"

    published = _run(
        *idp, "models", "publish", "--from-mlflow", registered["uri"], "--model", MODEL,
        "--version", "4.2.0", "--lifecycle", "production", "--from-version", "4.0.0",
        "--deprecates", "4.0.0", "--catalog", catalog, "--branch", "train/churn-4.2.0",
        cwd=catalog, env=env,
    )  # fmt: skip
    assert "Moved alias champion" in published
    _run("git", "checkout", "-q", "main", cwd=catalog, env=env)
    _run("git", "merge", "-q", "--no-edit", "train/churn-4.2.0", cwd=catalog, env=env)
    card = json.loads(_run(*idp, "models", "show", MODEL, "--catalog", catalog, "-o", "json",
                           cwd=tmp_path, env=env))  # fmt: skip
    assert card["ref"] == f"{MODEL}@4.2.0", "champion moved: the default is the new version"
    assert card["version"]["signature"]["inputs"], "the signature came from MLflow"

    report = json.loads(_run(*idp, "check", "-o", "json", cwd=app, env=env, ok=5))
    assert report["model"]["successor"] == f"{MODEL}@4.2.0"
    assert report["model"]["latest"] == f"{MODEL}@4.2.0"
    # the example logged with the model shows every category, so the catalog entry's enums
    # are the catalog's own: nothing a caller sends today is refused by the new version
    breaking = [c for c in report["model"]["changes"] if c.get("kind") == "breaking"]
    assert breaking == [], report["model"]["changes"]
    _run(*idp, "update", "--latest", cwd=app, env=env)
    answers = yaml.safe_load((app / ".copier-answers.yml").read_text())
    assert answers["model_ref"] == f"{MODEL}@4.2.0"
    _run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=app, env=env)
    _commit(app, env, "Re-bind")
    assert json.loads(_run(*idp, "check", "-o", "json", cwd=app, env=env))["outdated"] is False
