"""Where a catalog file's `models:` list stands in its text, and its items cut apart, without
parsing: the fast YAML path (fastyaml.py) parses a long list item by item, and a catalog file
holding many models has runs of its items read in other processes (parts.py).

Nothing here decides what the text means: an item is the text from one line that starts a
list entry at the items' indentation up to the next one, and the fast path parses each and
checks that it is a list of one entry. Whatever this cuts wrongly, the fast path declines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MODELS_KEY = re.compile(r"^models:[ \t]*(?:#.*)?\n", re.MULTILINE)
_CONTENT_LINE = re.compile(r"^( *)([^ \n#])", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    """A document's `models:` list of items, as offsets into its text."""

    key: int  # where the `models:` line starts
    start: int  # where the first item starts: a line start
    end: int  # where the list ends: a line start, or the end of the text
    indent: str  # the items' indentation


def find_block(text: str) -> Block | None:
    """The `models:` block of a document whose top level is a mapping written in block style,
    when its value is a list of items; else None."""
    # the regex starts at line starts, which the engine cannot search for fast
    key = _MODELS_KEY.search(text) if "models:" in text else None
    if key is None:
        return None
    first = _CONTENT_LINE.search(text, key.end())
    if first is None or text[first.start(2)] != "-":
        return None
    indent = first.group(1)
    # the block ends at the first content line indented less than its items (or, for items
    # at column 0, at the next line there that is not an item); the pattern starts with a
    # literal newline, which the regex engine finds fast
    if indent:
        closing = re.compile(rf"\n {{0,{len(indent) - 1}}}[^ \n#]")
    else:
        closing = re.compile(r"\n(?!- )[^ \n#]")
    found = closing.search(text, first.start())
    end = found.start() + 1 if found else len(text)
    return Block(key.start(), first.start(), end, indent)


def head(text: str, block: Block) -> str:
    """The document with an empty list in place of the block's items."""
    return text[: block.key] + "models: []\n" + text[block.end :]


def items(text: str, start: int, end: int, indent: str) -> list[str]:
    """The items of a block from `start` (where an item starts) to `end` (where one starts, or
    the block's end)."""
    item_start = re.compile(rf"\n{indent}- ")
    starts = [start] + [m.start() + 1 for m in item_start.finditer(text, start, end)]
    return [text[a:b] for a, b in zip(starts, [*starts[1:], end], strict=True)]


def runs(text: str, block: Block, size: int) -> list[tuple[int, int]]:
    """The block's items in runs of consecutive whole items, each about `size` characters
    long (more when an item is longer), as (start, end) offsets into `text`."""
    needle = f"\n{block.indent}- "
    cuts = [block.start]
    while True:
        found = text.find(needle, cuts[-1] + size, block.end)
        if found == -1:
            break
        cuts.append(found + 1)
    return list(zip(cuts, [*cuts[1:], block.end], strict=True))
