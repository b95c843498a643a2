"""Field-by-field comparison of two catalog entries as the YAML holds them, for
`idp catalog diff` (pure)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# the field that may name each item of a list of mappings, in the order they are tried
_LIST_KEYS = ("name", "version", "type", "title")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _list_key(a: list[Any], b: list[Any]) -> str | None:
    """The field that names each item of two lists of mappings, when one does."""
    for key in _LIST_KEYS:
        ok = True
        for items in (a, b):
            seen = set()
            for item in items:
                if not isinstance(item, dict) or not isinstance(item.get(key), str | int):
                    ok = False
                    break
                seen.add(str(item[key]))
            if not ok or len(seen) != len(items):
                ok = False
                break
        if ok:
            return key
    return None


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict) and value:
        for key, inner in value.items():
            yield from _leaves(inner, _join(path, str(key)))
    else:
        yield path, value


def field_changes(a: Any, b: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """(dotted path, old, new) for every leaf that differs; None stands for absent.
    Lists of mappings are matched by name (`serving.endpoints[prod].url`); other lists
    compare whole."""
    if a == b:
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[tuple[str, Any, Any]] = []
        for key in [*a, *(k for k in b if k not in a)]:
            out.extend(field_changes(a.get(key), b.get(key), _join(path, str(key))))
        return out
    if isinstance(a, dict) and b is None:
        return [(p, v, None) for p, v in _leaves(a, path)]
    if a is None and isinstance(b, dict):
        return [(p, None, v) for p, v in _leaves(b, path)]
    if isinstance(a, list) and isinstance(b, list) and a and b:
        key = _list_key(a, b)
        if key is not None:
            old = {str(item[key]): item for item in a}
            new = {str(item[key]): item for item in b}
            out = []
            for name in [*old, *(n for n in new if n not in old)]:
                out.extend(field_changes(old.get(name), new.get(name), f"{path}[{name}]"))
            return out
    return [(path, a, b)]
