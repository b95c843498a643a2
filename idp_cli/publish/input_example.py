"""MLflow's input example as the catalog's `signature.example` (one row: column -> value).

MLflow saves the example beside the MLmodel file (`saved_input_example_info.artifact_path`,
usually `input_example.json`) in one of the pandas/serving layouts: `split` ({columns, data}),
`records` ([{...}, ...]), `instances`/`inputs` ({"instances": [...]}) or a plain object.
Enum-like categories are read off the example when it shows them: a string column whose values
repeat over the example's rows.
"""

from __future__ import annotations

import json
from typing import Any

from idp_cli.errors import IdpError


class ExampleError(IdpError):
    """An input example that does not parse."""


def example_rows(data: Any, where: str) -> list[dict[str, Any]]:
    """The rows of a parsed input_example.json, each a mapping of column to value."""
    if isinstance(data, dict) and isinstance(data.get("columns"), list) and "data" in data:
        columns = [str(c) for c in data["columns"]]
        rows = data["data"]
        if not isinstance(rows, list) or not all(
            isinstance(r, list) and len(r) == len(columns) for r in rows
        ):
            raise ExampleError(f"{where}: `data` must be rows of {len(columns)} values (split)")
        return [dict(zip(columns, row, strict=True)) for row in rows]
    for key in ("dataframe_split", "dataframe_records", "instances", "inputs"):
        if isinstance(data, dict) and key in data and len(data) <= 2:
            return example_rows(data[key], where)
    if isinstance(data, list) and data and all(isinstance(r, dict) for r in data):
        return [dict(r) for r in data]
    if isinstance(data, dict) and data:
        # a mapping of column -> value, or of column -> list of values (one per row)
        if all(isinstance(v, list) for v in data.values()):
            lengths = {len(v) for v in data.values()}
            if len(lengths) == 1:
                count = lengths.pop()
                return [{k: v[i] for k, v in data.items()} for i in range(count)]
        return [dict(data)]
    raise ExampleError(
        f"{where}: not an input example MLflow writes (split, records, instances or an object)"
    )


def parse_example(text: str, where: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExampleError(f"{where}: not JSON ({exc.msg}, line {exc.lineno})") from None
    return example_rows(data, where)


def example_info(mlmodel: Any) -> str | None:
    """The example's path relative to the MLmodel's folder, when MLmodel names one."""
    info = mlmodel.get("saved_input_example_info") if isinstance(mlmodel, dict) else None
    path = info.get("artifact_path") if isinstance(info, dict) else None
    return str(path) if path else None


def first_row(rows: list[dict[str, Any]], inputs: list[Any]) -> dict[str, Any]:
    """The example's first row restricted to the signature's inputs, in their order."""
    names = [str(c.get("name")) for c in inputs if isinstance(c, dict)]
    row = rows[0] if rows else {}
    return {name: row[name] for name in names if name in row and row[name] is not None}


def categories(rows: list[dict[str, Any]], column: str) -> list[str] | None:
    """The distinct string values of `column`, when they repeat over the example's rows (a
    column of categories, not free text)."""
    found = [row.get(column) for row in rows]
    if len(found) < 2 or not all(isinstance(v, str) for v in found):
        return None
    values = [str(v) for v in found]
    distinct = sorted(set(values), key=values.index)
    return distinct if len(distinct) < len(values) else None


def apply_example(signature: Any, rows: list[dict[str, Any]]) -> None:
    """Adds the example's first row as `signature.example` (unless one is there) and each
    string input's categories as its `enum` (unless it has one)."""
    from idp_cli.publish.nodes import flow_map

    inputs = signature.get("inputs") or []
    if "example" not in signature:
        row = first_row(rows, inputs)
        if row:
            signature["example"] = flow_map(row)
    for column in inputs:
        if column.get("type") == "string" and "enum" not in column:
            found = categories(rows, str(column.get("name")))
            if found:
                column["enum"] = found
