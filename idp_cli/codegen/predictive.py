"""The plan of the typed code the predictive templates (prediction-service, batch-scoring)
generate from a model version's signature: Python names for the columns, their type names,
enum aliases, example values as Python source, the example record and the request body it
makes on the wire.

idp records the plan in the `model` answer (`model.codegen`, see `binding.model_mapping`),
so a project renders again from its answers file alone; the templates only read it. The one
choice the plan leaves open is the oip-v2 `oip_layout` answer, which Copier asks after the
binding: the records of the "tensor" layout are planned beside those of "columns", and the
rule that makes every input required in a tensor (it has no holes) is the templates' to apply.

Python literals are written as `ruff format` writes them, and names are cut so that every
generated line fits in 100 columns: a generated project passes its own `ruff format --check`.
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Mapping, Sequence
from typing import Any

PARTS = ("inputs", "outputs", "params")
# Names a generated field or keyword argument must not take: Python keywords, pydantic's
# BaseModel attributes, the names the generated modules use, and `self`/`params` of the
# client's methods.
RESERVED = frozenset(
    [
        *keyword.kwlist,
        *("construct", "copy", "dict", "from_orm", "json", "parse_file", "parse_obj"),
        *("parse_raw", "schema", "schema_json", "update_forward_refs", "validate"),
        *("model_computed_fields", "model_config", "model_construct", "model_copy"),
        *("model_dump", "model_dump_json", "model_extra", "model_fields", "model_fields_set"),
        *("model_json_schema", "model_parametrized_name", "model_post_init", "model_rebuild"),
        *("model_validate", "model_validate_json", "model_validate_strings"),
        *("self", "params", "record", "records"),
        *("bool", "bytes", "datetime", "float", "int", "str", "Any", "Annotated", "Literal"),
        *("Field", "Int32", "Int64", "Float32", "Float64", "Binary", "DateTime"),
        *("ModelInput", "ModelOutput", "ModelParams", "base64", "binascii"),
    ]
)
TYPE_NAMES = {
    "boolean": "bool",
    "integer": "Int32",
    "long": "Int64",
    "float": "Float32",
    "double": "Float64",
    "string": "str",
    "binary": "Binary",
    "datetime": "DateTime",
}
# Open Inference Protocol datatypes of the MLflow column types (PROTOCOLS.md).
DATATYPES = {
    "boolean": "BOOL",
    "integer": "INT32",
    "long": "INT64",
    "float": "FP32",
    "double": "FP64",
    "string": "BYTES",
    "binary": "BYTES",
    "datetime": "BYTES",
}
# Values that fit each column type, for the inputs an example leaves out (the generated tests
# use the same ones).
FILLERS: dict[str, Any] = {
    "boolean": False,
    "integer": 1,
    "long": 1,
    "float": 1.5,
    "double": 1.5,
    "string": "text",
    "binary": "ZmFrZSBieXRlcw==",
    "datetime": "2026-01-01T00:00:00",
}
TENSOR_TYPES = frozenset({"boolean", "integer", "long", "float", "double"})
MLFLOW_FORMATS = ("dataframe_split", "dataframe_records", "inputs")
# Where the templates write `predict(...)` calls: two levels of indentation.
CALL_INDENT = " " * 8
LINE_LENGTH = 100
NAME_LENGTH = 36  # a column's Python name: long enough to read, short enough for any line
ALIAS_LENGTH = 20  # an enum's type alias, before its suffix


def problems(signature: Mapping[str, Any]) -> list[str]:
    """Why no typed code can be generated for the signature (empty when it can): what the
    templates' validators once checked in Jinja is decided here, once."""
    found = [] if signature.get("inputs") else ["it has no inputs"]
    for part in PARTS:
        seen: set[str] = set()
        for n, column in enumerate(signature.get(part) or []):
            where = f"{part}[{n}] ({column.get('name')})"
            enum = column.get("enum")
            default = column.get("default")
            if column.get("type") not in TYPE_NAMES:
                found.append(f"{where} has type {column.get('type')!r}, which has no Python type")
            if column.get("name") in seen:
                found.append(f"{where}: the name appears twice")
            seen.add(str(column.get("name")))
            if enum is not None and (
                not isinstance(enum, list)
                or not enum
                or any(isinstance(v, dict | list) or v is None for v in enum)
            ):
                found.append(f"{where}: enum must be a non-empty list of values")
            if isinstance(default, dict | list):
                found.append(f"{where}: the default must be a single value")
    return found


def can_plan(signature: Mapping[str, Any]) -> bool:
    """Whether typed code can be generated for the signature (see `problems`)."""
    return not problems(signature)


def plan(signature: Mapping[str, Any], protocol: str) -> dict[str, Any]:
    """The plan for a signature as `binding.model_mapping` writes it (inputs, outputs, params,
    example), bound through `protocol`."""
    example: Mapping[str, Any] = signature.get("example") or {}
    columns = {part: list(signature.get(part) or []) for part in PARTS}
    # an enum's alias must not shadow any field's name either
    taken = [pyname(c["name"]) for part in PARTS for c in columns[part]]
    enums: list[dict[str, Any]] = []
    uses = {"literal": False, "datetime": False, "binary": False}
    planned: dict[str, list[dict[str, Any]]] = {}
    for part in PARTS:
        idents: list[str] = []
        planned[part] = []
        for column in columns[part]:
            ident = _free(pyname(column["name"]), idents, sep="_")
            idents.append(ident)
            annotation = TYPE_NAMES[column["type"]]
            if column.get("enum"):
                base = camel(ident) + ("Output" if part == "outputs" else "")
                alias = _free(base, [*taken, *RESERVED], sep="")
                taken.append(alias)
                enums.append({"alias": alias, "values": [pylit(v) for v in column["enum"]]})
                uses["literal"] = True
                annotation = alias
            elif column["type"] in ("datetime", "binary"):
                uses[column["type"]] = True
            planned[part].append(_entry(part, column, ident, annotation, example))
    return {
        **planned,
        "enums": enums,
        "uses": uses,
        "tensor_datatype": tensor_datatype(columns["inputs"]),
        "examples": {
            layout: example_record(signature, layout) for layout in _layouts(signature, protocol)
        },
        "request_bodies": request_bodies(signature, protocol),
    }


def _entry(
    part: str, column: Mapping[str, Any], ident: str, annotation: str, example: Mapping[str, Any]
) -> dict[str, Any]:
    name = str(column["name"])
    entry: dict[str, Any] = {"name": name, "py": ident, "annotation": annotation}
    if part == "inputs":
        entry["type"] = column["type"]
    if part == "params":
        entry["default"] = pylit(column.get("default"))
    else:
        entry["required"] = bool(column.get("required", True))
    entry["alias"] = pystr(name) if ident != name else ""
    entry["doc"] = pystr(column["description"]) if column.get("description") else ""
    if part == "inputs":
        entry["in_example"] = column["name"] in example
        entry["argument"] = argument(ident, column, example)
    return entry


def _free(base: str, taken: Sequence[str], sep: str) -> str:
    """`base`, or `base` numbered from 2 when taken (at most 99, as no signature comes near)."""
    name = base
    for n in range(2, 100):
        if name in taken:
            name = f"{base}{sep}{n}"
    return name


def pyname(name: object) -> str:
    """A Python identifier for a column name (the wire name stays the field's alias)."""
    ident = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(name)).lower()
    ident = re.sub(r"__+", "_", re.sub(r"[^a-z0-9_]+", "_", ident))
    ident = re.sub(r"(?<=[a-z0-9])_+$", "", ident)
    if not ident or ident[0] in "0123456789_":
        ident = "f_" + re.sub(r"^_+", "", ident)
    ident = ident[:NAME_LENGTH]
    return ident + "_" if ident in RESERVED else ident


def camel(ident: str) -> str:
    """A CamelCase name for an enum's Literal alias; never all capitals, which isort would
    sort as a constant."""
    name = "".join(word[0].upper() + word[1:].lower() for word in ident.split("_") if word)
    name = name[:ALIAS_LENGTH]
    return name if name != name.upper() else name + "Values"


def pystr(value: object) -> str:
    """A Python string literal, quoted the way `ruff format` quotes it."""
    text = str(value)
    quoted = json.dumps(text, ensure_ascii=False)
    if text.count('"') > text.count("'"):
        return "'" + quoted[1:-1].replace('\\"', '"').replace("'", "\\'") + "'"
    return quoted


def pylit(value: object) -> str:
    """A Python literal for a scalar from the catalog."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if value is None:
        return "None"
    if isinstance(value, int | float):
        return json.dumps(value)
    return pystr(value)


def _example_value(column: Mapping[str, Any], example: Mapping[str, Any]) -> Any:
    if column["name"] in example:
        return example[column["name"]]
    if column.get("enum"):
        return column["enum"][0]
    return FILLERS[column["type"]]


def argument(ident: str, column: Mapping[str, Any], example: Mapping[str, Any]) -> str:
    """The keyword argument of a `predict(...)` call giving the input's example value, split
    as `ruff format` splits it where the templates write it (indented by CALL_INDENT, which
    the templates add)."""
    value = _example_value(column, example)
    kind = column["type"]
    if kind == "binary" and isinstance(value, str):
        call, literal = "base64.b64decode", pystr(value)
    elif kind == "datetime" and isinstance(value, str):
        call, literal = "datetime.fromisoformat", pystr(value)
    else:
        return f"{ident}={pylit(value)},"
    line = f"{ident}={call}({literal}),"
    if len(CALL_INDENT + line) <= LINE_LENGTH:
        return line
    return f"{ident}={call}(\n    {literal}\n),"


def tensor_datatype(inputs: Sequence[Mapping[str, Any]]) -> str:
    """The datatype of the one [n, features] tensor of the oip-v2 "tensor" layout: the
    narrowest that holds every input (FP64 when some input cannot be a number at all)."""
    types = {c["type"] for c in inputs}
    for datatype, fits in (
        ("BOOL", {"boolean"}),
        ("INT32", {"boolean", "integer"}),
        ("INT64", {"boolean", "integer", "long"}),
        ("FP32", {"boolean", "float"}),
    ):
        if types <= fits:
            return datatype
    return "FP64"


def _layouts(signature: Mapping[str, Any], protocol: str) -> list[str]:
    """The oip-v2 layouts the signature can be sent in ("columns" for other protocols)."""
    inputs = signature.get("inputs") or []
    if protocol == "oip-v2" and all(c["type"] in TENSOR_TYPES for c in inputs):
        return ["columns", "tensor"]
    return ["columns"]


def example_record(signature: Mapping[str, Any], layout: str) -> dict[str, Any]:
    """The catalog's example completed with the inputs it lacks that are required (every input
    is, in the tensor layout), by wire name."""
    example: Mapping[str, Any] = signature.get("example") or {}
    return {
        c["name"]: _example_value(c, example)
        for c in signature.get("inputs") or []
        if c["name"] in example or c.get("required", True) or layout == "tensor"
    }


def request_bodies(signature: Mapping[str, Any], protocol: str) -> dict[str, Any]:
    """The body the client sends for the example record, by request format: the `oip_layout`
    answer for oip-v2, the `mlflow_format` answer for mlflow-invocations, `instances` for
    kserve-v1."""
    if protocol == "oip-v2":
        formats = _layouts(signature, protocol)
    elif protocol == "mlflow-invocations":
        formats = list(MLFLOW_FORMATS)
    elif protocol == "kserve-v1":
        formats = ["instances"]
    else:
        return {}
    params = {
        p["name"]: p["default"]
        for p in signature.get("params") or []
        if p.get("default") is not None
    }
    bodies = {}
    for fmt in formats:
        body = _request_body(signature, protocol, fmt)
        if params:
            body["params" if protocol == "mlflow-invocations" else "parameters"] = params
        bodies[fmt] = body
    return bodies


def _request_body(signature: Mapping[str, Any], protocol: str, fmt: str) -> dict[str, Any]:
    record = example_record(signature, "tensor" if fmt == "tensor" else "columns")
    columns = [c for c in signature.get("inputs") or [] if c["name"] in record]
    if fmt == "tensor":
        datatype = tensor_datatype(signature.get("inputs") or [])
        data = [_as_datatype(record[c["name"]], datatype) for c in columns]
        tensor = {"name": "input-0", "shape": [1, len(columns)], "datatype": datatype}
        return {"inputs": [{**tensor, "data": data}]}
    if protocol == "oip-v2":
        tensors = []
        for c in columns:
            one: dict[str, Any] = {
                "name": c["name"],
                "shape": [1],
                "datatype": DATATYPES[c["type"]],
            }
            one["data"] = [record[c["name"]]]
            if c["type"] in ("binary", "datetime"):
                content_type = "base64" if c["type"] == "binary" else "datetime"
                one["parameters"] = {"content_type": content_type}
            tensors.append(one)
        return {"inputs": tensors}
    if protocol == "kserve-v1":
        instance = {
            c["name"]: {"b64": record[c["name"]]} if c["type"] == "binary" else record[c["name"]]
            for c in columns
        }
        return {"instances": [instance]}
    if fmt == "dataframe_records":
        return {"dataframe_records": [record]}
    if fmt == "inputs":
        return {"inputs": {c["name"]: [record[c["name"]]] for c in columns}}
    names = [c["name"] for c in columns]
    return {"dataframe_split": {"columns": names, "data": [[record[n] for n in names]]}}


def _as_datatype(value: Any, datatype: str) -> Any:
    """A value in the tensor's datatype, converted as Jinja's `int` and `float` filters do
    (what the templates did before the plan moved here)."""
    if datatype == "BOOL":
        return value
    try:
        return int(value) if datatype.startswith("INT") else float(value)
    except (TypeError, ValueError):
        if datatype.startswith("INT"):
            try:
                return int(float(value))
            except (TypeError, ValueError):
                return 0
        return 0.0
