"""Text laid out to a width without ever breaking a token: prose wraps between words, and a
name, ref, URL, digest or variable name stays whole on its line (a line that cannot fit runs
past the edge, where the terminal soft-wraps it and copying still takes it whole).

Lines are Rich `Text` objects (styles without markup, so nothing needs escaping), printed with
`print_lines`, which neither pads nor crops them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from rich.text import Text

GAP = 2


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` (where its words allow), split only at spaces."""
    lines = textwrap.wrap(
        " ".join(text.split()),
        width=max(width, 1),
        break_long_words=False,
        break_on_hyphens=False,
    )
    return lines or [""]


def fields(rows: Sequence[tuple[str, str | None]], width: int, indent: int = 2) -> list[Text]:
    """`Label  value` lines; an empty value leaves its row out. Values wrap at spaces under
    their first character."""
    shown = [(label, value) for label, value in rows if value]
    if not shown:
        return []
    label_width = max(len(label) for label, _ in shown)
    room = width - indent - label_width - GAP
    lines: list[Text] = []
    for label, value in shown:
        assert value is not None
        for n, part in enumerate(wrap(value, room)):
            line = Text(" " * indent)
            line.append(label.ljust(label_width) if n == 0 else " " * label_width, "bold")
            line.append(" " * GAP + part)
            lines.append(line)
    return lines


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    indent: int = 2,
    styles: Sequence[Sequence[str | None]] | None = None,
) -> list[Text]:
    """A table whose last column is prose that may wrap at spaces; when even the other columns
    do not fit (with room for the last column's longest word), each row becomes a block of
    `HEADER  value` lines instead, so no cell is ever cut."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    fixed = sum(widths[:-1]) + GAP * (len(widths) - 1) + indent
    longest_word = max((len(w) for row in rows for w in row[-1].split()), default=0)
    room = width - fixed
    if room < max(longest_word, 1):
        return _stacked(headers, rows, width, indent, styles)
    lines = [_row(headers, widths, [headers[-1]], indent, ["bold"] * len(headers))]
    for r, row in enumerate(rows):
        row_styles = styles[r] if styles else [None] * len(row)
        parts = wrap(row[-1], room)
        lines.append(_row(row, widths, parts[:1], indent, row_styles))
        blanks = [""] * (len(row) - 1)
        lines += [_row([*blanks, ""], widths, [p], indent, row_styles) for p in parts[1:]]
    return lines


def _row(
    cells: Sequence[str],
    widths: Sequence[int],
    last: Sequence[str],
    indent: int,
    styles: Sequence[str | None],
) -> Text:
    line = Text(" " * indent)
    for cell, w, style in zip(cells[:-1], widths, styles, strict=False):
        line.append(cell.ljust(w), style or "")
        line.append(" " * GAP)
    line.append(last[0] if last else "", styles[-1] or "")
    line.rstrip()
    return line


def _stacked(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    indent: int,
    styles: Sequence[Sequence[str | None]] | None,
) -> list[Text]:
    lines: list[Text] = []
    for r, row in enumerate(rows):
        if r:
            lines.append(Text(""))
        title = Text(" " * indent)
        title.append(row[0], (styles[r][0] if styles else None) or "bold")
        lines.append(title)
        labels = [_label(h) for h in headers[1:]]
        for line in fields(list(zip(labels, row[1:], strict=True)), width, indent + 2):
            lines.append(line)
    return lines


def _label(header: str) -> str:
    """A column header as a field label: `MODEL ID` -> `Model ID`, `URL` stays."""
    words = [w if w in ("URL", "ID") else w.lower() for w in header.split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def print_lines(lines: Sequence[Text]) -> None:
    from idp_cli.output import console

    out = console.out()
    for line in lines:
        out.print(line, soft_wrap=True, crop=False, no_wrap=True, overflow="ignore")
