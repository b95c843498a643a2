"""The contract catalog is a valid catalog whose signatures are the test models' own (fast:
no server needed)."""

from __future__ import annotations

from typing import Any

import yaml

from tests.contract.generated import CATALOG
from tests.contract.models import iris
from tests.helpers import Invoke


def test_the_contract_catalog_is_valid(invoke: Invoke) -> None:
    result = invoke("catalog", "validate", CATALOG)

    assert result.exit_code == 0, result.output


def test_the_iris_signatures_match_the_trained_model() -> None:
    catalog: dict[str, Any] = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    iris_models = [model for model in catalog["models"] if "iris" in model["name"]]

    assert len(iris_models) == 2
    for model in iris_models:
        current = next(v for v in model["versions"] if v["version"] == "1.0.0")
        inputs = current["signature"]["inputs"]
        assert [(c["name"], c["type"]) for c in inputs] == [(c, "double") for c in iris.COLUMNS]
        outputs = current["signature"]["outputs"]
        assert [(c["name"], c["type"]) for c in outputs] == [(iris.OUTPUT, "long")]
