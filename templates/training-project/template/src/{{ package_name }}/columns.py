"""The model's columns, read from signature.json (the catalog's signature at generation):
what data.py makes, the pipeline trains on and the logged model answers with."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# MLflow's column types as pandas dtypes, so that the logged signature says the same types.
DTYPES = {
    "boolean": "bool",
    "integer": "int32",
    "long": "int64",
    "float": "float32",
    "double": "float64",
    "string": "object",
}
NUMERIC = ("integer", "long", "float", "double", "boolean")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    enum: tuple[Any, ...] = ()

    @property
    def categorical(self) -> bool:
        return self.type == "string"


def _read() -> dict[str, Any]:
    text = (Path(__file__).with_name("signature.json")).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _columns(items: list[dict[str, Any]]) -> list[Column]:
    return [Column(c["name"], c["type"], tuple(c.get("enum") or ())) for c in items]


SIGNATURE = _read()
INPUTS = _columns(SIGNATURE["inputs"])
OUTPUTS = _columns(SIGNATURE["outputs"])
# Signature params with a default (e.g. threshold), passed to the model at prediction time.
PARAMS = {p["name"]: p["default"] for p in SIGNATURE["params"] if p.get("default") is not None}
THRESHOLD = float(PARAMS.get("threshold", 0.5))
