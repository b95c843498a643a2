"""The reference reading of catalog YAML, with PyYAML: every document the fast path
(speed/fastyaml.py) declines, and the positions of problems. Imported only when one is
needed."""

from __future__ import annotations

import re
import sys
from typing import Any

import yaml

# A catalog of 10,000 versions has well under a million nodes; a document whose aliases
# expand past this is built to explode, not to describe models.
MAX_EXPANDED_NODES = 5_000_000


class Unreadable(Exception):
    """Not a usable YAML document, with the place (line 0 when there is none); safe_yaml
    turns it into a YamlError naming the file."""

    def __init__(self, line: int, column: int, detail: str, hint: str | None = None) -> None:
        super().__init__(detail)
        self.line = line
        self.column = column
        self.detail = detail
        self.hint = hint


BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKey(Exception):
    def __init__(self, key: object, mark: yaml.Mark) -> None:
        super().__init__(key)
        self.key = key
        self.mark = mark


class _CatalogLoader(BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader that keeps timestamps as the strings the author wrote."""

    uses_aliases = False

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.uses_aliases = True
        return super().compose_node(parent, index)


def _construct_str(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(node.value)


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=False)
        try:
            duplicate = key in seen
        except TypeError:  # an unhashable key: let the constructor raise its own error
            break
        if duplicate:
            raise _DuplicateKey(key, key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_CatalogLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_str)
# YAML 1.1 reads `1e3` and `1.5e3` as strings; YAML 1.2, JSON and people read numbers.
_CatalogLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)
_CatalogLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """An integer, or a YAML error at its place for one Python will not read (more digits
    than `sys.get_int_max_str_digits()`, or none: `0x_`)."""
    try:
        value: int = loader.construct_yaml_int(node)
    except ValueError as exc:
        digits = sum(c.isdigit() for c in str(node.value))
        what = "too long to read" if digits > sys.get_int_max_str_digits() else "not a number"
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value[:40]!r} is {what} ({exc})", node.start_mark
        ) from None
    return value


_CatalogLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def load(text: str) -> Any:
    """Parse one YAML document safely, raising Unreadable with line and column."""
    loader = _CatalogLoader(text)
    try:
        data = loader.get_single_data()
    except _DuplicateKey as exc:
        raise Unreadable(
            exc.mark.line + 1,
            exc.mark.column + 1,
            f"duplicate key {exc.key!r}",
            hint="Each key may appear once in a mapping; remove or rename one of them.",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise Unreadable(
            mark.line + 1 if mark else 0,
            mark.column + 1 if mark else 0,
            f"invalid YAML: {problem}",
            hint="Fix the YAML syntax at that position (indentation, quotes, colons).",
        ) from None
    except yaml.YAMLError as exc:
        raise Unreadable(0, 0, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise Unreadable(
            0, 0, "the YAML is nested too deeply", hint="Flatten the document."
        ) from None
    finally:
        loader.dispose()
    # CSafeLoader composes in C and never calls compose_node, so uses_aliases stays False
    # with libyaml; an alias needs a `*`, and a false positive only costs one pass.
    if loader.uses_aliases or "*" in text:
        _check_expansion(data)
    return data


def _check_expansion(data: Any) -> None:
    """Refuse documents whose aliases expand into more nodes than any catalog needs.

    Aliases share one Python object, so memory stays small while loading; the danger is
    whatever walks the tree afterwards (validation, JSON output). Sizes are memoised per
    object, so this costs one pass over the distinct nodes.
    """
    sizes: dict[int, int] = {}

    def size(obj: Any) -> int:
        key = id(obj)
        if key in sizes:
            return sizes[key]
        if isinstance(obj, dict):
            total = 1 + sum(size(v) for v in obj.values())
        elif isinstance(obj, list):
            total = 1 + sum(size(v) for v in obj)
        else:
            return 1
        sizes[key] = total
        if total > MAX_EXPANDED_NODES:
            raise Unreadable(
                0,
                0,
                f"aliases expand the document past {MAX_EXPANDED_NODES:,} nodes",
                hint="This looks like an alias bomb; write the values out instead of nesting aliases.",
            )
        return total

    size(data)


def compose(text: str) -> yaml.Node | None:
    """The document's node tree, with positions; None when it is not YAML."""
    try:
        return yaml.compose(text, Loader=BaseLoader)
    except (yaml.YAMLError, RecursionError):
        return None
