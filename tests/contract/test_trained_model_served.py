"""From a training project to an app served by the trained model, and on to the model's next
version with one more required feature, every part real: a real `mlflow server` (sqlite
store) as tracking server and registry, the catalog a git repository, each registered version
served by `mlflow models serve` reading it from that registry, and the generated
prediction-service's client and service probed against the served version it is bound to.

v1: the training project trains, passes its gate, registers; `idp models publish
--from-mlflow` proposes it to the catalog (merged as a reviewer would); an app bound to it
scores rows on v1's server. v2: the project's signature gains a required input (as its README
says to add a feature), trains, passes the gate against v1's metrics read from the catalog,
registers; `publish --from-mlflow --deprecates` proposes it; the app's `idp check` reports the
deprecation and the breaking change (v2's server does refuse the app's v1 requests), `idp
update --latest` re-binds it, and its own tests pass and its client and service score the new
rows on v2's server."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.contract.generated import Project, error, probe, project_env
from tests.contract.loop_steps import (
    IDP,
    base_env,
    commit,
    run,
    serving,
    start_serving,
    tracking_server,
)
from tests.contract.processes import Server, stop, wait_ready

pytestmark = [pytest.mark.contract, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
MODEL = "contract/churn"
REGISTERED = "contract.churn"
TRAINER = "churn-training"
PACKAGE = TRAINER.replace("-", "_")
ROWS_V1 = [
    {"tenure_months": 14, "monthly_charges": 49.9, "contract_type": "month-to-month",
     "paperless_billing": True},
    {"tenure_months": 60, "monthly_charges": 20.5, "contract_type": "two-year",
     "paperless_billing": False},
]  # fmt: skip
NEW_FEATURE = {
    "name": "support_calls",
    "type": "long",
    "description": "Calls to support in the last 90 days.",
}
ROWS_V2 = [{**row, "support_calls": calls} for row, calls in zip(ROWS_V1, [7, 0], strict=True)]


def _catalog(folder: Path, env: dict[str, str]) -> Path:
    """The contract catalog as a git repository, as reviewers keep one."""
    folder.mkdir()
    (folder / "catalog.yaml").write_text(
        (ROOT / "tests" / "contract" / "catalog.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    run("git", "init", "-q", "-b", "main", cwd=folder, env=env)
    commit(folder, env, "The catalog")
    return folder


def _train_and_register(trainer: Path, env: dict[str, str], baseline: Path) -> dict[str, Any]:
    """The project's three steps, as its README and CI run them."""
    steps = {**env, "PYTHONPATH": str(trainer / "src")}
    run(sys.executable, "-m", PACKAGE, "train", cwd=trainer, env=steps)
    run(sys.executable, "-m", PACKAGE, "evaluate", "--baseline", baseline, cwd=trainer, env=steps)
    run(sys.executable, "-m", PACKAGE, "register", cwd=trainer, env=steps)
    registered: dict[str, Any] = json.loads((trainer / "build" / "registered.json").read_text())
    return registered


def _publish_and_merge(catalog: Path, env: dict[str, str], *args: str) -> str:
    """`idp models publish` on its own branch, then that branch merged into main."""
    version = args[args.index("--version") + 1]
    branch = f"train/churn-{version}"
    published = run(*IDP, "models", "publish", *args, "--model", MODEL, "--catalog", catalog,
                    "--branch", branch, cwd=catalog, env=env)  # fmt: skip
    run("git", "checkout", "-q", "main", cwd=catalog, env=env)
    run("git", "merge", "-q", "--no-edit", branch, cwd=catalog, env=env)
    return published


def _bound_env(app: Project, server: Server) -> dict[str, str]:
    """The app's environment with no MODEL_ENDPOINT: the client calls the endpoint URL its
    binding holds, the catalog's for the bound version, which must be `server`'s."""
    env = project_env(app, server)
    assert env.pop("MODEL_ENDPOINT") == server.url
    binding = app.path / "src" / app.package / "model_client" / "binding.json"
    assert json.loads(binding.read_text())["endpoint"]["url"] == server.url
    return env


def _scores(results: dict[str, Any], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The client's and the service's answers for `rows`, checked to agree and to be what
    the training project's model answers: a probability, and the label at 0.5."""
    outputs: list[dict[str, Any]] = results["predict_batch"].get("ok")
    assert outputs is not None, results["predict_batch"]
    assert len(outputs) == len(rows)
    for output in outputs:
        assert 0.0 <= output["churn_probability"] <= 1.0
        assert output["churn_label"] == (output["churn_probability"] >= 0.5)
    service = results["service_predict"]
    assert service["status"] == 200, service
    assert service["body"]["predictions"] == outputs
    assert results["check"]["ok"]["ready"] is True
    return outputs


def test_a_trained_model_served_by_mlflow_reaches_an_app_and_its_next_version_rebinds_it(
    tmp_path: Path,
) -> None:
    env = base_env()
    (tmp_path / "mlflow").mkdir()
    with ExitStack() as stack:
        starting_tracking = stack.enter_context(tracking_server(tmp_path / "mlflow"))
        catalog = _catalog(tmp_path / "catalog", env)
        trainer = tmp_path / TRAINER
        run(*IDP, "new", trainer, "-t", "training-project", "-m", MODEL, "--catalog", catalog,
            "--defaults", cwd=tmp_path, env=env)  # fmt: skip
        tracking = wait_ready(starting_tracking, timeout=120).url
        trained = {**env, "MLFLOW_TRACKING_URI": tracking}

        # v1: a new model, its first registered version, served from the registry
        v1 = _train_and_register(trainer, trained, trainer / "baseline.json")
        assert v1["uri"] == f"models:/{REGISTERED}/1"
        starting_v1 = start_serving(v1["uri"], tracking, tmp_path / "serve-v1")
        stack.callback(stop, starting_v1.process)  # also when a step below fails
        new_model = json.loads((trainer / "catalog-model.json").read_text())
        _publish_and_merge(
            catalog, trained, "--from-mlflow", v1["uri"], "--version", "1.0.0",
            "--lifecycle", "production", "--description", new_model["description"],
            "--owner", new_model["owner"], "--model-type", new_model["modelType"],
            "--task", "tabular-classification", "--license", new_model["license"],
            "--endpoint", f"protocol=mlflow-invocations,url={starting_v1.url},name=local",
        )  # fmt: skip
        app = Project(tmp_path / "churn-app")
        run(*IDP, "new", app.path, "-t", "prediction-service", "-m", f"{MODEL}@1.0.0",
            "--catalog", catalog, "--defaults", cwd=tmp_path, env=env)  # fmt: skip
        run("git", "init", "-q", cwd=app.path, env=env)
        commit(app.path, env, "Generate")
        with serving(starting_v1) as served_v1:
            results = probe(app, "predictive", json.dumps(ROWS_V1), _bound_env(app, served_v1))
        _scores(results, ROWS_V1)

        # v2: one more required input, added as the project's README says
        run(sys.executable, "-m", PACKAGE, "add-feature", NEW_FEATURE["name"], "--type",
            NEW_FEATURE["type"], "--description", NEW_FEATURE["description"], cwd=trainer,
            env={**env, "PYTHONPATH": str(trainer / "src")})  # fmt: skip
        production = trainer / "build" / "production.json"
        production.write_text(run(*IDP, "models", "show", MODEL, "--catalog", catalog,
                                  "-o", "json", cwd=tmp_path, env=env))  # fmt: skip
        v2 = _train_and_register(trainer, trained, production)
        assert v2["uri"] == f"models:/{REGISTERED}/2"
        gate = json.loads((trainer / "build" / "evaluation.json").read_text())["gate"]
        assert (gate["baseline_version"], gate["passed"]) == ("1.0.0", True), gate
        starting_v2 = start_serving(v2["uri"], tracking, tmp_path / "serve-v2")
        stack.callback(stop, starting_v2.process)
        published = _publish_and_merge(
            catalog, trained, "--from-mlflow", v2["uri"], "--version", "2.0.0",
            "--lifecycle", "production", "--from-version", "1.0.0", "--deprecates", "1.0.0",
            "--endpoint", f"protocol=mlflow-invocations,url={starting_v2.url},name=local",
        )  # fmt: skip
        assert f"Deprecated {MODEL}@1.0.0" in published

        report = json.loads(run(*IDP, "check", "-o", "json", cwd=app.path, env=env, ok=5))
        assert report["model"]["lifecycle"] == "deprecated"
        assert report["model"]["successor"] == f"{MODEL}@2.0.0"
        # the one change: v2's categories are v1's (the example shows them as categories)
        changes = [(c["severity"], c["subject"]) for c in report["model"]["changes"]]
        assert changes == [("breaking", "inputs.support_calls")], report["model"]["changes"]
        served_v2 = stack.enter_context(serving(starting_v2))
        # breaking indeed: the app as bound to v1, pointed at v2, is refused for the column
        stale = probe(app, "predictive", json.dumps(ROWS_V1), project_env(app, served_v2))
        failure = error(stale["predict_batch"])
        # (MLflow's message starts with the rows and the schema; the client keeps its start)
        assert failure["status_code"] == 400, failure
        assert failure["message"].startswith("the model server answered 400: Failed to predict")

        updated = json.loads(run(*IDP, "update", "--latest", "--defaults", "-o", "json",
                                 cwd=app.path, env=env))  # fmt: skip
        assert updated["model"] == {"from": f"{MODEL}@1.0.0", "to": f"{MODEL}@2.0.0"}
        answers = yaml.safe_load((app.path / ".copier-answers.yml").read_text())
        assert answers["model_ref"] == f"{MODEL}@2.0.0"
        run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=app.path, env=env)
        results = probe(app, "predictive", json.dumps(ROWS_V2), _bound_env(app, served_v2))
        _scores(results, ROWS_V2)
        commit(app.path, env, "Re-bind")
        assert (
            json.loads(run(*IDP, "check", "-o", "json", cwd=app.path, env=env))["outdated"] is False
        )
