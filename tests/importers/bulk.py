"""What the bulk-import tests share: a catalog repository holding the two models the registry
of conftest.py maps onto (churn and fraud), and the import command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.cli.test_publish import _repo
from tests.helpers import CATALOG, Invoke

CHURN = "acme/churn-classifier"
FRAUD = "acme/fraud-detector"
# the registry names its models churn, fraud and unsigned; the catalog holds no `unsigned`
MAPS = ("--map", f"churn={CHURN}", "--map", f"fraud={FRAUD}")

FRAUD_MODEL = """\
  - name: acme/fraud-detector   # served by the risk team
    description: Flags orders likely to be fraudulent.
    owner: group:default/ds-risk
    modelType: predictive
    tasks: [tabular-classification]
    license: proprietary
    versions:
      - version: "0.9.0"
        lifecycle: production
        signature:
          inputs: [{name: monthly_charges, type: double}]
          outputs: [{name: churn_probability, type: double}]
        resources: {cpu: "1", memory: 1Gi}
        serving:
          endpoints:
            - name: prod
              protocol: oip-v2
              url: https://fraud.models.example.internal
              modelId: fraud-detector
              capabilities: [predict]
"""


def catalog_repo(tmp_path: Path) -> Path:
    return _repo(tmp_path, CATALOG + FRAUD_MODEL)


def run_import(invoke: Invoke, repo: Path, tracking: str, *args: str) -> Any:
    return invoke(
        "catalog", "import", "mlflow", "--tracking-uri", tracking, "--catalog", repo, *args
    )


def by_model(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["registered"]: m for m in plan["models"]}


def statuses(model: dict[str, Any]) -> dict[str, tuple[str, str | None, list[str]]]:
    """version -> (status, lifecycle, aliases)."""
    return {v["version"]: (v["status"], v["lifecycle"], v["aliases"]) for v in model["versions"]}
