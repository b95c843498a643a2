"""The code-generation plan of the predictive templates' placeholder binding, written into
their copier.yml, so that plain `copier copy` with the default answers renders without idp.

The plan is computed, never written by hand: `python -m tests.templates.placeholder_plan`
rewrites it (`make docs` runs it), and tests/templates/test_placeholder_plan.py fails when a
template's copy is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from idp_cli.codegen import predictive

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# every template with the placeholder predictive binding (the client component too)
PREDICTIVE = ("prediction-service", "batch-scoring", "predictive-client")
# The plan is the last key of the `model` default, from this comment to the next question key.
MARKER = "    # The plan of the typed code, computed by idp from the signature above"
END = "  validator: >-\n"
HEADER = (
    f"{MARKER}\n"
    "    # (idp_cli/codegen/predictive.py); regenerate with\n"
    "    # `python -m tests.templates.placeholder_plan`, a test fails when it is stale.\n"
)


def placeholder(config: str) -> dict[str, Any]:
    model: dict[str, Any] = yaml.safe_load(config)["model"]["default"]
    return model


def expected_text(config: str) -> str:
    """copier.yml with the plan its placeholder binding gets from idp."""
    model = placeholder(config)
    plan = predictive.plan(model["signature"], model["endpoint"]["protocol"])
    dumped = yaml.safe_dump(
        {"codegen": plan}, sort_keys=False, allow_unicode=True, width=90, default_flow_style=None
    )
    block = HEADER + "".join(f"    {line}\n" for line in dumped.splitlines())
    start = config.find(MARKER)
    if start < 0:  # no plan yet: it goes last in the `model` default
        start = config.index(END, config.index("\nmodel:\n"))
        end = start
    else:
        end = config.index(END, start)
    return config[:start] + block + config[end:]


def main() -> int:
    for name in PREDICTIVE:
        path = TEMPLATES / name / "copier.yml"
        text = path.read_text(encoding="utf-8")
        path.write_text(expected_text(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
