"""Editing one catalog file so that every byte publish does not mean to change stays as it was.

ruamel.yaml's round-trip loader tells where each node stands (line and column). An edit
changes the loaded data and splices ruamel's rendering of only the new or changed part into
the original text at that place: a dump of the whole file would rewrite what ruamel does not
keep (a flow mapping spread over lines, the spacing before a comment). New parts take the
file's own indentation, read from its nodes. An edit at a place the text does not show plainly
(a flow-style list, a key to add deep inside the file) falls back to ruamel's rendering of the
whole file, which keeps its comments and quoting but may re-flow such spots.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from idp_cli.publish.request import PublishError

Layout = tuple[int, int, int]  # ruamel's indentation: (mapping, sequence, offset of the dash)
# The usual pairings, for the part of a layout a file shows no example of.
_USUAL: list[Layout] = [(2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 4, 0), (2, 4, 0), (4, 6, 4), (3, 3, 1)]
_MAX_WIDTH = 4096  # never re-wrap a long line


def round_trip(layout: Layout = _USUAL[0]) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = _MAX_WIDTH
    mapping, sequence, offset = layout
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def dump(yaml: Any, data: Any) -> str:
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


class Document:
    """One YAML file loaded for editing; `render()` is its text with the edits made."""

    def __init__(self, rel: str, text: str, label: str) -> None:
        from ruamel.yaml.error import YAMLError

        self.rel = rel
        self.original = text
        try:
            self.data = round_trip().load(text)
        except YAMLError as exc:
            raise PublishError(
                f"{label}: not valid YAML ({str(exc).splitlines()[0]})",
                hint="Fix the file (`idp catalog validate`) and publish again.",
            ) from None
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.layout = detect_layout(self.data, self.lines)
        self.yaml = round_trip(self.layout)
        self.splices: list[tuple[int, int, str]] = []  # (start, end, new text) in `original`
        self.whole = False  # an edit could not be placed: render the whole data
        # per sequence given items at its top: where they go, and the splice holding them
        self._tops: dict[int, tuple[tuple[int, int], tuple[int, int, str]]] = {}

    def render(self) -> str:
        if self.whole:
            return dump(self.yaml, self.data)
        out: list[str] = []
        pos = 0
        for start, end, text in sorted(self.splices, key=lambda splice: splice[0]):
            out.extend((self.original[pos:start], text))
            pos = end
        out.append(self.original[pos:])
        return "".join(out)

    def render_new(self, data: Any) -> str:
        """`data` as a file of its own, in this file's indentation."""
        return dump(self.yaml, data)

    def prepend(self, seq: Any, item: Any) -> None:
        """`item` as the first element of the sequence `seq`; prepended again, above the
        items prepended before (one splice for them all: several new versions of a model are
        added without loading the file again after each)."""
        from ruamel.yaml.comments import CommentedSeq

        earlier = self._tops.get(id(seq))
        at = None if self.whole else earlier[0] if earlier else self._first_item(seq)
        seq.insert(0, item)
        if at is None:
            self.whole = True
            return
        below = ""
        if earlier is not None:
            self.splices.remove(earlier[1])
            below = earlier[1][2]
        self._insert(at[0], at[1], CommentedSeq([item]), below)
        if not self.whole:
            self._tops[id(seq)] = (at, self.splices[-1])

    def append(self, mapping: Any, key: str, item: Any) -> None:
        """`item` as the last element of the sequence `mapping[key]`, which is created when
        missing; `mapping` is the document's top level (what comes after it is known)."""
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        seq = mapping.get(key)
        if isinstance(seq, list):
            at, end = self._first_item(seq), self._end_of(mapping, key)
            seq.append(item)
            if at is None or end is None:
                self.whole = True
                return
            self._insert(end, at[1], CommentedSeq([item]))
            return
        placeable = key not in mapping and self._block(mapping) and mapping is self.data
        mapping[key] = CommentedSeq([item])
        if not placeable:
            self.whole = True
            return
        self._insert(len(self.lines), 0, CommentedMap([(key, mapping[key])]))

    def set_value(self, mapping: Any, key: str, value: Any) -> None:
        """`mapping[key] = value` for a key holding a scalar."""
        span = self._scalar_span(mapping, key) if key in mapping else None
        mapping[key] = value  # ruamel gives the new value the old one's quoting: render that
        self._replace_value(span, key, mapping[key])

    def insert_key(self, mapping: Any, index: int, key: str, value: Any) -> None:
        """`key: value` into the block mapping `mapping` at `index` (after another key)."""
        from ruamel.yaml.comments import CommentedMap

        before = list(mapping)[index - 1] if index > 0 else None
        line = self._line_after(mapping, before) if before is not None else None
        mapping.insert(index, key, value)
        if line is None:
            self.whole = True
            return
        self._insert(line, mapping.lc.key(before)[1], CommentedMap([(key, value)]))

    def set_flow(self, mapping: Any, key: str, value: Any) -> None:
        """`mapping[key] = value` for a key holding a one-line flow collection (`[a, b]`)."""
        span = self._flow_span(mapping, key)
        mapping[key] = value
        self._replace_value(span, key, value)

    def _replace_value(self, span: tuple[int, int] | None, key: str, value: Any) -> None:
        """The text at `span` (a value on one line) becomes `value` as YAML renders it; when
        it does not fit on that line (or there is no span), the whole file is rendered."""
        from ruamel.yaml.comments import CommentedMap

        text = dump(self.yaml, CommentedMap([(key, value)]))
        prefix = f"{key}: "
        if span is None or not text.startswith(prefix) or text.count("\n") != 1:
            self.whole = True
            return
        self.splices.append((span[0], span[1], text[len(prefix) : -1]))

    def remove_key(self, mapping: Any, key: str) -> None:
        """Deletes `key` from the block mapping `mapping`, when `key: value` is one line."""
        line = None
        if key in mapping.lc.data and self._block(mapping):
            line = mapping.lc.key(key)[0]
            if self._flow_span(mapping, key) is None and self._scalar_span(mapping, key) is None:
                line = None
            elif list(mapping).index(key) == 0:
                line = None  # the first key shares its line with the dash of a list item
        del mapping[key]
        if line is None:
            self.whole = True
            return
        self.splices.append((self.starts[line], self.starts[line + 1], ""))

    # ----------------------------------------------------------------------------------------

    def _flow_span(self, mapping: Any, key: str) -> tuple[int, int] | None:
        """Where the flow collection of `key` stands in `original`, when on the key's line."""
        value = mapping.get(key)
        if key not in mapping.lc.data or not isinstance(value, (dict, list)):
            return None
        if self._block(value) or mapping.lc.value(key)[0] != mapping.lc.key(key)[0]:
            return None
        line, column = mapping.lc.value(key)
        end = _flow_end(self.lines[line], column)
        if end is None:
            return None
        return self.starts[line] + column, self.starts[line] + end

    def _insert(self, line: int, pad: int, node: Any, below: str = "") -> None:
        """`node` rendered at the top level and shifted right by `pad`, before `line` (and
        before `below`, text inserted there already)."""
        from ruamel.yaml.comments import CommentedSeq

        if isinstance(node, CommentedSeq):
            pad -= self.layout[2]  # a top-level sequence is rendered with its dash offset
        if pad < 0:
            self.whole = True
            return
        rendered = dump(self.yaml, node).splitlines(keepends=True)
        text = "".join(" " * pad + part if part.strip() else part for part in rendered)
        start = self.starts[line]
        if line == len(self.lines) and self.original and not self.original.endswith("\n"):
            text = "\n" + text
        self.splices.append((start, start, text + below))

    def _first_item(self, seq: Any) -> tuple[int, int] | None:
        """(line, dash column) of the first element of the block sequence `seq`."""
        if not self._block(seq) or not seq:
            return None
        line, column = seq.lc.item(0)
        dash = _dash(self.lines[line], column)
        return None if dash is None else (line, dash)

    def _end_of(self, mapping: Any, key: str) -> int | None:
        """The line where the value of `key` in the top-level mapping ends (exclusive)."""
        if mapping is not self.data or not self._block(mapping):
            return None
        keys = list(mapping)
        for later in keys[keys.index(key) + 1 :]:
            if later in mapping.lc.data:
                return int(mapping.lc.key(later)[0])
        return len(self.lines)

    def _line_after(self, mapping: Any, key: str) -> int | None:
        """The line after `key`, when `key: value` fits on its one line of a block mapping."""
        if not self._block(mapping) or key not in mapping.lc.data:
            return None
        if self._scalar_span(mapping, key) is None:
            return None
        line: int = mapping.lc.key(key)[0]
        return line + 1 if mapping.lc.value(key)[0] == line else None

    def _scalar_span(self, mapping: Any, key: str) -> tuple[int, int] | None:
        """Where the scalar value of `key` stands in `original` (start, end), when on one line."""
        if key not in mapping.lc.data or isinstance(mapping[key], (dict, list)):
            return None
        line, column = mapping.lc.value(key)
        flow = not self._block(mapping)
        end = _scalar_end(self.lines[line], column, flow)
        if end is None or (not flow and self._continues(line, mapping.lc.key(key)[1])):
            return None
        return self.starts[line] + column, self.starts[line] + end

    def _continues(self, line: int, column: int) -> bool:
        """Whether the line after `line` continues a plain scalar of a key at `column`."""
        if line + 1 >= len(self.lines):
            return False
        following = self.lines[line + 1]
        content = following.lstrip(" ")
        indent = len(following) - len(content)
        return bool(content.strip()) and not content.startswith("#") and indent > column

    @staticmethod
    def _block(node: Any) -> bool:
        return hasattr(node, "fa") and not node.fa.flow_style()


def _dash(line: str, column: int) -> int | None:
    """The column of the `- ` before a sequence element starting at `column` on `line`."""
    dash = line.rfind("-", 0, column)
    if dash < 0 or line[:dash].strip() or line[dash + 1 : column].strip():
        return None
    return dash


def _scalar_end(line: str, column: int, flow: bool) -> int | None:
    """Where the one-line scalar starting at `column` of `line` ends (exclusive)."""
    text = line.rstrip("\r\n")
    if column >= len(text):
        return None
    first = text[column]
    if first in "\"'":
        at = column + 1
        while at < len(text):
            if text[at] == first:
                if first == "'" and text[at + 1 : at + 2] == "'":  # '' is a quote in '...'
                    at += 2
                    continue
                return at + 1
            at += 2 if first == '"' and text[at] == "\\" else 1
        return None
    if first in "|>&*!{[":  # block scalars, anchors, aliases, tags, nested collections
        return None
    stops = [text.find(mark, column) for mark in (" #", "\t#", *((",", "}", "]") if flow else ()))]
    found = [stop for stop in stops if stop >= 0]
    if flow and not any(text.find(mark, column) >= 0 for mark in ",}]"):
        return None  # a plain scalar in a flow collection may go on over the next line
    end = min(found, default=len(text))
    end = len(text[:end].rstrip(" \t"))
    return end if end > column else None


def _flow_end(line: str, column: int) -> int | None:
    """Where the flow collection opening at `column` of `line` closes (exclusive), when it
    closes on that line."""
    depth = 0
    quote = ""
    for at in range(column, len(line)):
        char = line[at]
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return at + 1
    return None


def detect_layout(data: Any, lines: list[str]) -> Layout:
    """The file's indentation, from its first nested block mapping and block sequence."""
    from ruamel.yaml.comments import CommentedSeq

    mapping: int | None = None
    sequence: tuple[int, int] | None = None  # (sequence, offset)
    for parent, key, value in _block_pairs(data):
        key_line, key_column = parent.lc.key(key)
        if mapping is None and hasattr(value, "keys") and value:
            line, column = value.lc.key(next(iter(value)))
            if line > key_line:
                mapping = column - key_column
        elif sequence is None and isinstance(value, CommentedSeq) and value:
            line, column = value.lc.item(0)
            dash = _dash(lines[line], column)
            if line > key_line and dash is not None:
                sequence = (column - key_column, dash - key_column)
        if mapping is not None and sequence is not None:
            return (mapping, *sequence)
    for usual in _USUAL:
        if (mapping is None or usual[0] == mapping) and (sequence is None or usual[1:] == sequence):
            return usual
    sequence = sequence or _USUAL[0][1:]
    return (mapping or _USUAL[0][0], *sequence)


def _block_pairs(node: Any) -> Iterator[tuple[Any, Any, Any]]:
    """(mapping, key, value) for each block collection in a block mapping, in file order."""
    if not Document._block(node):
        return
    if hasattr(node, "keys"):
        for key, value in node.items():
            if Document._block(value) and key in node.lc.data:
                yield node, key, value
            yield from _block_pairs(value)
    else:
        for item in node:
            yield from _block_pairs(item)
