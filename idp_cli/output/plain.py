"""A column table printed without Rich, for the listing people run most (`idp models list`):
Rich's import alone costs more than the rest of that command. Columns are padded, never
wrapped (like `kubectl get`); colour only on a terminal, and never with NO_COLOR."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from idp_cli.output import console

_ANSI = {"green": "32", "yellow": "33", "magenta": "35", "cyan": "36", "dim": "2", "bold": "1"}


def colour_enabled() -> bool:
    return (
        sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    )


_GAP = 2


def terminal_width() -> int | None:
    """The width to fit: COLUMNS when set, else the terminal's; None when piped without
    COLUMNS (a script reads whole cells)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        try:
            return os.get_terminal_size(sys.stdout.fileno()).columns
        except OSError:
            return None
    return None


def visible_columns(
    widths: list[int], drop: Sequence[int], limit: int | None, shrink: dict[int, int] | None = None
) -> list[int]:
    """The columns that fit in `limit`: those in `drop` go, in that order, until the rest fits;
    the others (names, versions) always stay, whole, so they can be copied. A column in
    `shrink` (index -> narrowest width) is first narrowed, its cells then ending in "…",
    before it is dropped. `widths` is narrowed in place."""
    shown = list(range(len(widths)))
    if limit is None:
        return shown

    def overflow() -> int:
        return sum(widths[i] for i in shown) + _GAP * (len(shown) - 1) - limit

    for index in drop:
        if overflow() <= 0:
            break
        narrowest = (shrink or {}).get(index)
        if narrowest is not None and widths[index] - overflow() >= narrowest:
            widths[index] -= overflow()
            break
        shown.remove(index)
    return shown


def _cut(cell: str, width: int) -> str:
    return cell if len(cell) <= width else cell[: width - 1] + "…"


def print_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    styles: Sequence[Sequence[str | None]] | None = None,
    drop: Sequence[str] = (),
    columns: Sequence[str] | None = None,
    shrink: dict[str, int] | None = None,
) -> None:
    """`styles[r][c]` names a colour for one cell (see _ANSI), or None. `drop` names the
    columns that may be left out to fit the terminal, first dropped first; `shrink` those of
    them that are first narrowed (header -> narrowest width; their cells end in "…"); other
    cells are never cut, so a name, a version or a URL on screen is always whole. `columns` (headers, in
    order) chooses the columns instead, and none is dropped."""
    if columns is not None:
        picked = [list(headers).index(c) for c in columns]
        headers = [headers[i] for i in picked]
        rows = [[row[i] for i in picked] for row in rows]
        styles = [[row[i] for i in picked] for row in styles] if styles else None
        drop, shrink = (), None
    from idp_cli.output.render import WIDE

    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    limit = None if WIDE.get() else terminal_width()
    narrowest = {list(headers).index(h): n for h, n in (shrink or {}).items()}
    shown = visible_columns(widths, [list(headers).index(h) for h in drop], limit, narrowest)
    colour = colour_enabled()

    def line(cells: Sequence[str], cell_styles: Sequence[str | None]) -> str:
        out = []
        for index in shown:
            cell, style = _cut(cells[index], widths[index]), cell_styles[index]
            text = cell if index == shown[-1] else cell.ljust(widths[index])
            if colour and style in _ANSI:
                text = f"\033[{_ANSI[style]}m{text}\033[0m"
            out.append(text)
        return (" " * _GAP).join(out).rstrip()

    lines = [line(headers, ["bold"] * len(headers))]
    for index, row in enumerate(rows):
        lines.append(line(row, styles[index] if styles else [None] * len(row)))
    sys.stdout.write("\n".join(lines) + "\n")
    hidden = [headers[i] for i in range(len(headers)) if i not in shown]
    if hidden:
        console.write_err(
            f"Left out to fit {terminal_width()} columns: {', '.join(hidden)} "
            "(a wider terminal shows them; -o json has every field).\n"
        )
