"""The one way a command's result record becomes the data its `-o json` (and `-o yaml`)
prints: a dataclass is an object of its fields in their order, each named in camelCase
(`sunset_date` is "sunsetDate", `model_id` "modelId") with a trailing underscore dropped
(`from_` is "from", a Python keyword otherwise); tuples are lists. Mappings keep their keys
as they are: they hold the catalog's own YAML, already spelled as written."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from functools import cache
from typing import Any


@cache
def json_key(name: str) -> str:
    head, *rest = name.rstrip("_").split("_")
    return head + "".join(word.capitalize() for word in rest)


def to_json(value: object) -> Any:
    """`value` as JSON-ready data: dicts, lists and the scalars it holds."""
    if is_dataclass(value) and not isinstance(value, type):
        return {json_key(f.name): to_json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {key: to_json(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(inner) for inner in value]
    return value
