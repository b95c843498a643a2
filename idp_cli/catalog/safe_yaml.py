"""Safe YAML reading for catalog files: dates stay strings, duplicate keys and alias bombs are
refused, and a field path can be turned back into a line and column when something is wrong.

This is the reference reading, with PyYAML (pyyaml_reader.py, imported only when a document is
read or a problem placed); speed/fastyaml.py reads most documents of a large catalog faster
and exactly alike."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from idp_cli.errors import CatalogError

if TYPE_CHECKING:
    import yaml

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


def check_size(text: str, filename: str) -> None:
    if len(text) > MAX_FILE_BYTES:
        raise YamlError(
            filename,
            0,
            0,
            f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB",
            hint="Split the catalog with `include:` files.",
        )


def load_yaml(text: str, filename: str) -> Any:
    """Parse one YAML document safely, raising YamlError with file:line:column."""
    check_size(text, filename)
    from idp_cli.catalog import pyyaml_reader

    try:
        return pyyaml_reader.load(text)
    except pyyaml_reader.Unreadable as exc:
        raise YamlError(filename, exc.line, exc.column, exc.detail, hint=exc.hint) from None


class Locator:
    """Turns a field path inside one file into the line and column where it was written.

    Only used when something is wrong, so the happy path never pays for positions.
    """

    def __init__(self, text: str | Callable[[], str]) -> None:
        """`text` is the file's text, or what reads it: called only when a position is asked
        for (a large file the fast path vouched for is not read again for nothing)."""
        self._text = text
        self._root: yaml.Node | None = None
        self._composed = False

    def _node(self) -> yaml.Node | None:
        if not self._composed:
            self._composed = True
            from idp_cli.catalog import pyyaml_reader

            text = self._text if isinstance(self._text, str) else self._text()
            self._root = pyyaml_reader.compose(text)
        return self._root

    def locate(self, path: Sequence[str | int]) -> tuple[int, int]:
        """1-based (line, column) of the deepest part of `path` that exists; (0, 0) if none."""
        mark, _ = self._walk(path)
        return (mark.line + 1, mark.column + 1) if mark else (0, 0)

    def scalar(self, path: Sequence[str | int]) -> str | None:
        """The text written for the scalar at `path` (`4.10`, not the float 4.1), if any."""
        import yaml

        _, node = self._walk(path)
        return node.value if isinstance(node, yaml.ScalarNode) else None

    def _walk(self, path: Sequence[str | int]) -> tuple[yaml.Mark | None, yaml.Node | None]:
        """The mark of the deepest part of `path` that exists, and the node at `path`."""
        import yaml

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
