"""Yes-or-no validators for a model and a catalog header, without building pydantic models.

Validating a large catalog goes through these: pydantic's models in format.py give the error
messages, but building them costs about 0.2 s at every start that reads a catalog from its
files, and their instances are not needed when the data is valid. Their core schemas, turned
into typed dicts that accept exactly the same input, are checked in as
`checker_schemas.json` and give the same answers. The file is used only when it was made from
the same format.py, vocabulary.py and fieldchecks.py and with the same pydantic; otherwise the
models are built, as before. Regenerate it with `make docs` (or
`python -m idp_cli.catalog.shape`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from idp_cli.catalog.fieldchecks import check_date

SCHEMAS_FILE = Path(__file__).with_name("shape_schemas.json")
_SOURCES = ("format.py", "vocabulary.py", "fieldchecks.py")
# The only callables in the schemas: default factories and the date check.
_CALLABLES: dict[str, Any] = {"list": list, "dict": dict, "check_date": check_date}
_MARK = "$callable"
_REFS = frozenset({"ref", "schema_ref"})

Checker = Callable[[Any], Any]


def sources_digest() -> str:
    digest = hashlib.sha256()
    for name in _SOURCES:
        digest.update(Path(__file__).with_name(name).read_bytes())
    return digest.hexdigest()[:16]


def _pydantic_version() -> str:
    """pydantic's version without importing pydantic (12 ms) or reading every installed
    package's metadata (importlib.metadata: 60 ms): from its version.py."""
    spec = importlib.util.find_spec("pydantic")
    if spec is not None and spec.origin:
        with contextlib.suppress(OSError):
            text = Path(spec.origin).with_name("version.py").read_text(encoding="utf-8")
            found = re.search(r"^VERSION\s*=\s*['\"]([^'\"]+)['\"]", text, re.MULTILINE)
            if found:
                return found.group(1)
    from pydantic.version import VERSION

    return VERSION


def fingerprint() -> str:
    """What the checked-in schemas must have been made from to be used."""
    import pydantic_core

    return (
        f"pydantic {_pydantic_version()}, pydantic-core {pydantic_core.__version__}, "
        f"sources {sources_digest()}"
    )


def _encode(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            # pydantic names a definition after its class and the class's id(): the same
            # on every run makes a file that changes only when the schema does
            key: re.sub(r":\d+$", "", value) if key in _REFS else _encode(value)
            for key, value in node.items()
        }
    if isinstance(node, list | tuple):
        return [_encode(item) for item in node]
    if callable(node):
        for name, known in _CALLABLES.items():
            if node is known:
                return {_MARK: name}
        raise ValueError(f"no name for {node!r} in the schema")
    return node


def _decode(node: Any) -> Any:
    if isinstance(node, dict):
        if len(node) == 1 and _MARK in node:
            return _CALLABLES[node[_MARK]]
        return {key: _decode(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_decode(item) for item in node]
    return node


def generate() -> dict[str, Any]:
    from idp_cli.catalog import format as schema

    return {"fingerprint": fingerprint(), "schemas": _encode(schema.typed_dict_schemas())}


def _checked_in() -> dict[str, Any] | None:
    try:
        stored = json.loads(SCHEMAS_FILE.read_text(encoding="utf-8"))
        if stored["fingerprint"] != fingerprint():
            return None
        schemas: dict[str, Any] = _decode(stored["schemas"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return schemas


@functools.cache
def checkers() -> dict[str, Checker]:
    """{"model": ..., "header": ...}: each raises pydantic's ValidationError exactly when
    `schema.Model` / `schema.CatalogHeader` would refuse the data. Their errors are not the
    ones to show (they name dicts, not models)."""
    from pydantic_core import SchemaError, SchemaValidator

    schemas = _checked_in()
    if schemas is not None:
        try:
            return {name: SchemaValidator(s).validate_python for name, s in schemas.items()}
        except SchemaError:  # pragma: no cover - same pydantic-core, so same schema language
            pass
    return _built()


def _built() -> dict[str, Checker]:
    from pydantic import TypeAdapter
    from pydantic_core import SchemaValidator

    from idp_cli.catalog import format as schema

    try:
        built = schema.typed_dict_schemas()
        return {name: SchemaValidator(s).validate_python for name, s in built.items()}
    except schema.UnsupportedSchema:  # a pydantic whose schemas look different
        return {
            "model": TypeAdapter(schema.Model).validate_python,
            "header": TypeAdapter(schema.CatalogHeader).validate_python,
        }


def main() -> int:
    SCHEMAS_FILE.write_text(json.dumps(generate(), indent=1, sort_keys=True) + "\n")
    sys.stdout.write(f"wrote {SCHEMAS_FILE}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
