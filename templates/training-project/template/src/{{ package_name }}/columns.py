"""The model's columns, read from signature.json (the catalog's signature at generation):
what data.py makes, the pipeline trains on and the logged model answers with. A feature is
added there (`add_input`, the `add-feature` command) and the next version trains on it."""

from __future__ import annotations

import json
import re
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


FILE = Path(__file__).with_name("signature.json")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _read() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FILE.read_text(encoding="utf-8"))
    return data


def add_input(
    name: str, type_: str, enum: tuple[str, ...] = (), description: str = ""
) -> dict[str, Any]:
    """Adds a required input column to signature.json; nothing is written when it is refused
    (ValueError). Versions trained from then on need it: a breaking change for the apps
    bound to the model, which their `idp check` reports."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"{name!r} is not a column name: use letters, digits and _")
    if type_ not in DTYPES:
        raise ValueError(f"unknown column type {type_!r}; one of {', '.join(DTYPES)}")
    if enum and type_ != "string":
        raise ValueError("only a string column takes an enum (its categories)")
    signature = _read()
    if name in [c["name"] for c in signature["inputs"] + signature["outputs"]]:
        raise ValueError(f"{FILE.name} already has a column {name!r}")
    column: dict[str, Any] = {"name": name, "type": type_, "required": True}
    if enum:
        column["enum"] = list(enum)
    if description:
        column["description"] = description
    signature["inputs"].append(column)
    # sorted keys and two spaces: the layout the template renders, so diffs show the change
    FILE.write_text(json.dumps(signature, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return column


def _columns(items: list[dict[str, Any]]) -> list[Column]:
    return [Column(c["name"], c["type"], tuple(c.get("enum") or ())) for c in items]


SIGNATURE = _read()
INPUTS = _columns(SIGNATURE["inputs"])
OUTPUTS = _columns(SIGNATURE["outputs"])
# Signature params with a default (e.g. threshold), passed to the model at prediction time.
PARAMS = {p["name"]: p["default"] for p in SIGNATURE["params"] if p.get("default") is not None}
THRESHOLD = float(PARAMS.get("threshold", 0.5))
