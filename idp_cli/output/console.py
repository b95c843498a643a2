"""The two consoles: stdout for data, stderr for progress, warnings and errors.

Rich honours NO_COLOR and COLUMNS itself; consoles are created on first use so that a
command that prints JSON never builds one. Neither turns `:name:` into an emoji: what they
print is the catalog's text and the user's, shown as written.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console


@cache
def out() -> Console:
    from rich.console import Console

    # Piped tables are read by people through `less` or a CI log, not an 80-column terminal:
    # do not wrap them at Rich's non-terminal default unless COLUMNS says so.
    width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 160
    return Console(file=sys.stdout, highlight=False, soft_wrap=False, width=width, emoji=False)


@cache
def err() -> Console:
    from rich.console import Console

    return Console(file=sys.stderr, highlight=False, soft_wrap=True, emoji=False)


def width() -> int:
    """The width to lay text out to: the terminal's (COLUMNS), unlimited under `-o wide`."""
    from idp_cli.output.render import WIDE

    return 100_000 if WIDE.get() else out().width


def reset() -> None:
    """Forget the consoles (tests swap sys.stdout between invocations)."""
    out.cache_clear()
    err.cache_clear()


def warn(message: str) -> None:
    warn_all([message])


def warn_all(messages: list[str]) -> None:
    """One warning a line, printed at once: Rich lays out each `print` call on its own, which
    costs a large catalog's hundreds of warnings a tenth of a second one by one."""
    labelled([("warning:", "yellow", message) for message in messages])


def error(message: str, hint: str | None = None) -> None:
    labelled([("error:", "bold red", message), *([("hint:", "dim", hint)] if hint else [])])


def labelled(lines: list[tuple[str, str, str]]) -> None:
    """Lines of (label, style, text) on stderr, the label styled where Rich styles output.
    Where Rich would add nothing (a CI log, a pipe) they are written without it: importing
    Rich costs 20 ms, more than `idp catalog validate` spends on its report."""
    if not lines or sys.stderr is None:  # None: Python started without a descriptor 2 (Rich
        return  # would fall back to stdout, into the command's output)
    if not _styled(sys.stderr):
        write_err("".join(f"{label} {text}\n" for label, _, text in lines))
        return
    from rich.markup import escape

    err().print("\n".join(f"[{style}]{label}[/] {escape(text)}" for label, style, text in lines))


def _styled(stream: TextIO) -> bool:
    """Whether Rich may write styles to `stream`: whether it counts the stream as a terminal,
    which Rich (14 and later) decides from TTY_COMPATIBLE, then FORCE_COLOR, then the stream
    itself. (A terminal Rich writes no colour to, TERM=dumb say, still goes through Rich.)"""
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    forced = os.environ.get("FORCE_COLOR")
    if forced is not None:
        return forced != ""
    return is_tty(stream)


def is_tty(stream: TextIO | None) -> bool:
    """Whether `stream` is a terminal: not when it is None (Python started without that
    descriptor), has no `isatty` (some embedders' streams) or is closed."""
    isatty = getattr(stream, "isatty", None)
    try:
        return False if isatty is None else bool(isatty())
    except ValueError:  # closed
        return False


def write_err(text: str) -> None:
    """`text` on stderr as it is, when there is a stderr to write to: a report that has
    nowhere to go (`2>&-`) is no reason to fail the command."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:  # its reader went away
        pass
    except ValueError:
        if not getattr(stream, "closed", False):
            raise


def style(text: str, *, fg: str | None = None, bold: bool | None = None) -> str:
    """ANSI styling for `echo`, which drops it when stdout is not a terminal; none with NO_COLOR."""
    import typer

    return text if os.environ.get("NO_COLOR") else typer.style(text, fg=fg, bold=bold)


def echo(line: str) -> None:
    """One line to stdout without Rich, for short reports on paths that must start fast."""
    import typer

    typer.echo(line)


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`1 file`, `3 files`: what people read, where `1 files` reads as a bug."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
