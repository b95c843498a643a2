"""Safe YAML reading for catalog files: dates stay strings, duplicate keys and alias bombs are
refused, and a field path can be turned back into a line and column when something is wrong."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import yaml

from idp_cli.errors import CatalogError

if TYPE_CHECKING:
    from idp_cli.catalog.fastyaml import Screen

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# A catalog of 10,000 versions has well under a million nodes; a document whose aliases
# expand past this is built to explode, not to describe models.
MAX_EXPANDED_NODES = 5_000_000
MAX_FILE_BYTES = 64 * 1024 * 1024


class YamlError(CatalogError):
    """A file that is not a usable YAML document, with the place (line 0 when there is none),
    so that `idp catalog validate` can report it like any other problem."""

    def __init__(
        self, filename: str, line: int, column: int, detail: str, *, hint: str | None = None
    ) -> None:
        where = f"{filename}:{line}:{column}" if line else filename
        super().__init__(f"{where}: {detail}", hint=hint)
        self.filename = filename
        self.line = line
        self.column = column
        self.detail = detail


class _DuplicateKey(Exception):
    def __init__(self, key: object, mark: yaml.Mark) -> None:
        super().__init__(key)
        self.key = key
        self.mark = mark


class _CatalogLoader(_BaseLoader):  # type: ignore[valid-type,misc]
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


def load_yaml(text: str, filename: str) -> Any:
    """Parse one YAML document safely, raising YamlError with file:line:column."""
    return load_yaml_screened(text, filename, None)[0]


def load_yaml_screened(text: str, filename: str, screen: Screen | None) -> tuple[Any, bool | None]:
    """`load_yaml`, and what `screen` said of the document's strings (see fastyaml.load):
    None when the document took the PyYAML path, where it was not asked."""
    if len(text) > MAX_FILE_BYTES:
        raise YamlError(
            filename,
            0,
            0,
            f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB",
            hint="Split the catalog with `include:` files.",
        )
    from idp_cli.catalog import fastyaml

    fast, data, suspect = fastyaml.load_screened(text, screen)
    if fast:
        return data, suspect
    loader = _CatalogLoader(text)
    try:
        data = loader.get_single_data()
    except _DuplicateKey as exc:
        raise YamlError(
            filename,
            exc.mark.line + 1,
            exc.mark.column + 1,
            f"duplicate key {exc.key!r}",
            hint="Each key may appear once in a mapping; remove or rename one of them.",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise YamlError(
            filename,
            mark.line + 1 if mark else 0,
            mark.column + 1 if mark else 0,
            f"invalid YAML: {problem}",
            hint="Fix the YAML syntax at that position (indentation, quotes, colons).",
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(filename, 0, 0, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise YamlError(
            filename, 0, 0, "the YAML is nested too deeply", hint="Flatten the document."
        ) from None
    finally:
        loader.dispose()
    # CSafeLoader composes in C and never calls compose_node, so uses_aliases stays False
    # with libyaml; an alias needs a `*`, and a false positive only costs one pass.
    if loader.uses_aliases or "*" in text:
        _check_expansion(data, filename)
    return data, None


def _check_expansion(data: Any, filename: str) -> None:
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
            raise YamlError(
                filename,
                0,
                0,
                f"aliases expand the document past {MAX_EXPANDED_NODES:,} nodes",
                hint="This looks like an alias bomb; write the values out instead of nesting aliases.",
            )
        return total

    size(data)


class Locator:
    """Turns a field path inside one file into the line and column where it was written.

    Only used when something is wrong, so the happy path never pays for positions.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._root: yaml.Node | None = None
        self._composed = False

    def _node(self) -> yaml.Node | None:
        if not self._composed:
            self._composed = True
            try:
                self._root = yaml.compose(self._text, Loader=_BaseLoader)
            except (yaml.YAMLError, RecursionError):
                self._root = None
        return self._root

    def locate(self, path: Sequence[str | int]) -> tuple[int, int]:
        """1-based (line, column) of the deepest part of `path` that exists; (0, 0) if none."""
        mark, _ = self._walk(path)
        return (mark.line + 1, mark.column + 1) if mark else (0, 0)

    def scalar(self, path: Sequence[str | int]) -> str | None:
        """The text written for the scalar at `path` (`4.10`, not the float 4.1), if any."""
        _, node = self._walk(path)
        return node.value if isinstance(node, yaml.ScalarNode) else None

    def _walk(self, path: Sequence[str | int]) -> tuple[yaml.Mark | None, yaml.Node | None]:
        """The mark of the deepest part of `path` that exists, and the node at `path`."""
        node = self._node()
        if node is None:
            return None, None
        mark = node.start_mark
        for part in path:
            child: yaml.Node | None = None
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                        mark = key_node.start_mark
                        child = value_node
                        break
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(part, int)
                and 0 <= part < len(node.value)
            ):
                child = node.value[part]
                mark = child.start_mark
            if child is None:
                return mark, None
            node = child
        return mark, node
