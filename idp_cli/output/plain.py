"""A column table printed without Rich, for the listing people run most (`idp models list`):
Rich's import alone costs more than the rest of that command. Columns are padded, never
wrapped (like `kubectl get`); colour only on a terminal, and never with NO_COLOR."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

_ANSI = {"green": "32", "yellow": "33", "magenta": "35", "cyan": "36", "dim": "2", "bold": "1"}


def colour_enabled() -> bool:
    return (
        sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    )


def print_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    styles: Sequence[Sequence[str | None]] | None = None,
) -> None:
    """`styles[r][c]` names a colour for one cell (see _ANSI), or None."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    colour = colour_enabled()

    def line(cells: Sequence[str], cell_styles: Sequence[str | None]) -> str:
        out = []
        for index, (cell, width, style) in enumerate(zip(cells, widths, cell_styles, strict=True)):
            text = cell if index == len(cells) - 1 else cell.ljust(width)
            if colour and style in _ANSI:
                text = f"\033[{_ANSI[style]}m{text}\033[0m"
            out.append(text)
        return "  ".join(out).rstrip()

    lines = [line(headers, ["bold"] * len(headers))]
    for index, row in enumerate(rows):
        lines.append(line(row, styles[index] if styles else [None] * len(row)))
    sys.stdout.write("\n".join(lines) + "\n")
