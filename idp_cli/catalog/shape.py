"""Yes-or-no validators for a model and a catalog header, without building pydantic models.

Validating a large catalog goes through these: pydantic's models in format.py give the error
messages, but building them costs about 0.07 s of every process that reads a catalog from its
files (each worker too), and their instances are not needed when the data is valid. Their
core schemas, turned into typed dicts that accept exactly the same input, give the same
answers (tests/catalog/test_precheck.py). They are kept as JSON, for the exact pydantic and
pydantic-core they were made with and the exact format.py and vocabulary.py: checked in as
`shape_schemas.json` for the versions the project pins (regenerate with `make docs`), and
for any other pydantic made on first use and kept in the cache folder, so that no pydantic
release pays for building the models at every start.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from idp_cli import env_vars, paths
from idp_cli.catalog.vocabulary import check_date

SCHEMAS_FILE = Path(__file__).with_name("shape_schemas.json")
_SOURCES = ("format.py", "vocabulary.py")
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
    from idp_cli.catalog import format

    return {"fingerprint": fingerprint(), "schemas": _encode(format.typed_dict_schemas())}


def _stored(path: Path, expected: str) -> dict[str, Any] | None:
    """The schemas in `path` if they were made from what `expected` names."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored["fingerprint"] != expected:
            return None
        schemas: dict[str, Any] = _decode(stored["schemas"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return schemas


def _checked_in() -> dict[str, Any] | None:
    return _stored(SCHEMAS_FILE, fingerprint())


def _cached_path(expected: str) -> Path:
    digest = hashlib.sha256(expected.encode()).hexdigest()[:16]
    return paths.cache_dir() / "catalogs" / f"shape-{digest}.json"


def _remember(generated: dict[str, Any]) -> None:
    """Keep schemas made for this pydantic in the cache folder (atomically; a read-only or
    full folder only costs the next start the time to make them again)."""
    if env_vars.is_set("IDP_NO_CACHE"):
        return
    target = _cached_path(generated["fingerprint"])
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".shape-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(generated, handle)
        Path(tmp).replace(target)


@functools.cache
def checkers() -> dict[str, Checker]:
    """{"model": ..., "header": ...}: each raises pydantic's ValidationError exactly when
    `format.Model` / `format.CatalogHeader` would refuse the data. Their errors are not the
    ones to show (they name dicts, not models)."""
    from pydantic_core import SchemaError, SchemaValidator

    expected = fingerprint()
    schemas = _stored(SCHEMAS_FILE, expected)
    if schemas is None and not env_vars.is_set("IDP_NO_CACHE"):
        schemas = _stored(_cached_path(expected), expected)
    if schemas is not None:
        try:
            return {name: SchemaValidator(s).validate_python for name, s in schemas.items()}
        except SchemaError:  # pragma: no cover - same pydantic-core, so same schema language
            pass
    if env_vars.is_set("IDP_DEBUG") and sys.stderr is not None:
        sys.stderr.write(f"idp: building the catalog's shape validators for {expected}\n")
    built = _built()
    from idp_cli.catalog import format

    with contextlib.suppress(ValueError, format.UnsupportedSchema):  # nothing to keep
        _remember(generate())
    return built


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
