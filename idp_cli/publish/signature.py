"""A version's signature from a file: MLflow's `MLmodel` (its `signature:` holds each part as
a JSON string) or our own YAML with `inputs:`/`outputs:` lists of columns."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from idp_cli.publish.input_example import ExampleError, apply_example, example_info, parse_example
from idp_cli.publish.nodes import flow_map
from idp_cli.publish.request import PublishError


def read_signature(path: Path, input_name: str) -> Any:
    """The signature in `path` as catalog YAML; `input_name` names the file in messages."""
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise _bad_signature(input_name, path, str(exc).splitlines()[0]) from None
    document = raw
    if isinstance(raw, dict) and isinstance(raw.get("signature"), dict):
        raw = raw["signature"]  # an MLmodel file (or our YAML under `signature:`)
    if not isinstance(raw, dict) or not ({"inputs", "outputs"} & set(raw)):
        raise _bad_signature(
            input_name, path, "no `inputs`/`outputs` (nor an MLmodel `signature:`) found"
        )
    out = signature_from_mlflow(raw, input_name, path)
    if isinstance(raw.get("example"), dict):
        out["example"] = flow_map(dict(raw["example"]))
    example = example_info(document)
    if example is not None:
        rows = _saved_example(path.parent / example, input_name, path)
        if rows:
            apply_example(out, rows)
    return out


def signature_from_mlflow(parts: dict[str, Any], input_name: str, where: Path | str) -> Any:
    """A signature as MLflow gives it (each part a JSON string; our own YAML gives lists), as
    catalog YAML; `where` names its file or registry entry in messages."""
    from ruamel.yaml.comments import CommentedMap

    out = CommentedMap()
    for key in ("inputs", "outputs", "params"):
        value = parts.get(key)
        if isinstance(value, str):  # MLflow stores each part as a JSON string
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                raise _bad_signature(input_name, where, f"{key}: not JSON ({exc.msg})") from None
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(c, dict) for c in value):
            raise _bad_signature(input_name, where, f"{key}: must be a list of columns")
        out[key] = [flow_map(_column(input_name, where, key, c)) for c in value]
    return out


def _saved_example(path: Path, input_name: str, mlmodel: Path) -> list[dict[str, Any]]:
    """The rows of the input example an MLmodel file names; a warning when it is not beside
    the file (an MLmodel copied alone), an error when it does not parse."""
    from idp_cli import warning_sink

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        warning_sink.warn(
            f"{input_name} {mlmodel}: names the input example {path.name}, which is not beside "
            "it; the signature is published without an example"
        )
        return []
    try:
        return parse_example(text, str(path))
    except ExampleError as exc:
        raise PublishError(
            exc.message, hint="Pass the MLmodel file from the model's own artifact folder."
        ) from None


def _column(input_name: str, path: Path | str, key: str, column: dict[str, Any]) -> dict[str, Any]:
    if column.get("type") == "tensor" or "tensor-spec" in column:
        raise _bad_signature(
            input_name, path, f"{key}: tensor-based signatures are not supported; use named columns"
        )
    if not column.get("name"):
        raise _bad_signature(input_name, path, f"{key}: every column needs a name")
    out: dict[str, Any] = {"name": column["name"], "type": column.get("type")}
    if key == "params":
        if column.get("default") is not None:
            out["default"] = column["default"]
    elif column.get("required") is False:
        out["required"] = False
    for extra in ("enum", "description"):
        if column.get(extra) is not None:
            out[extra] = column[extra]
    return out


def _bad_signature(input_name: str, path: Path | str, why: str) -> PublishError:
    return PublishError(
        f"{input_name} {path}: does not parse: {why}",
        hint="Pass an MLflow MLmodel file (with a column-based `signature:`) or YAML with "
        "`inputs:` and `outputs:` lists of {name, type}.",
    )
