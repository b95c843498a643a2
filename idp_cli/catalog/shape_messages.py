"""Problems of shape (a wrong type, an unknown key, a missing field) in the words a person
reads: pydantic's errors for the models in format.py, with the key they probably meant.

The yes-or-no answer comes from shape.py first; the pydantic models, slower to build, are
built only when there is something to word."""

from __future__ import annotations

import typing
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

from idp_cli.catalog import shape
from idp_cli.catalog.safe_yaml import Locator
from idp_cli.suggest import close_names

FieldPath = tuple[str | int, ...]


class ShapeProblem(NamedTuple):
    local: FieldPath  # where in its file
    shown: FieldPath  # where in the catalog, as shown (`models[3]...`)
    message: str


def shape_problems(
    kind: Literal["model", "header"],
    data: Any,
    locator: Locator,
    prefix: FieldPath = (),
    shown: FieldPath = (),
) -> list[ShapeProblem]:
    """Every problem of shape in a model or a catalog header standing at `prefix` in its
    file and shown at `shown`; [] when it has the right shape."""
    from pydantic_core import ValidationError

    try:
        shape.checkers()[kind](data)
    except ValidationError:
        pass
    else:
        return []
    from idp_cli.catalog import format

    root: Any = format.Model if kind == "model" else format.CatalogHeader
    try:
        root.model_validate(data)
    except ValidationError as exc:
        return _worded(exc.errors(include_url=False), root, locator, prefix, shown)
    return []  # pragma: no cover - the checker and the model agree (test_precheck.py)


def _worded(
    errors: Sequence[Any], root: type[Any], locator: Locator, prefix: FieldPath, shown: FieldPath
) -> list[ShapeProblem]:
    out: list[ShapeProblem] = []
    for error in errors:
        loc: FieldPath = tuple(part for part in error["loc"] if not _is_union_tag(part))
        written = locator.scalar((*prefix, *loc)) if error["type"] == "string_type" else None
        message = _message(error, root, loc, written)
        out.append(ShapeProblem((*prefix, *loc), (*shown, *loc), message))
    return out


def _is_union_tag(part: object) -> bool:
    # pydantic adds the union member's name (`str`, `function-after[...]`) to the location
    return isinstance(part, str) and ("[" in part or part in ("str", "int", "float", "bool"))


def _message(error: dict[str, Any], root: type[Any], loc: FieldPath, written: str | None) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        known = _known_keys(root, loc[:-1])
        close = close_names(key, known, most=1)
        hint = (
            f"; did you mean {close[0]!r}?"
            if close
            else (f"; known keys: {', '.join(known)}" if known else "")
        )
        return f"unknown key {key!r}{hint}"
    if kind == "missing":
        return "required field is missing"
    if kind == "string_type" and isinstance(value, int | float) and not isinstance(value, bool):
        return f'must be a string; write it in quotes: "{written or value}"'
    message = str(error["msg"])
    if kind in ("literal_error", "string_pattern_mismatch") and value is not None:
        message = f"{value!r}: {message[0].lower()}{message[1:]}"
    return message.removeprefix("Value error, ")


def _known_keys(root: type[Any], loc: FieldPath) -> list[str]:
    """The keys allowed at `loc`, by walking the schema models along it."""
    from pydantic import BaseModel

    current: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        for name, info in current.model_fields.items():
            if (info.alias or name) == part:
                current = _inner_model(info.annotation)
                break
        else:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [info.alias or name for name, info in current.model_fields.items()]
    return []


def _inner_model(annotation: Any) -> Any:
    from pydantic import BaseModel

    stack = [annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
        stack.extend(typing.get_args(item))
    return None
