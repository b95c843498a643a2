"""Long output through a pager when stdout is a terminal: IDP_PAGER, else PAGER, else
`less -R` (with LESS=FRX unless set: quit when it fits, keep colours, leave the text on screen).
Never for a pipe or a file, never with --no-pager, and an empty IDP_PAGER or `cat` turns it off.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence

from rich.text import Text


def _command() -> str | None:
    from idp_cli import env_vars

    if env_vars.set_to_nothing("IDP_PAGER"):
        return None
    command = env_vars.get("IDP_PAGER") or os.environ.get("PAGER") or "less -R"
    return None if command.strip() in ("cat", "") else command


def print_paged(lines: Sequence[Text], *, no_pager: bool = False) -> None:
    """`lines` as layout.print_lines prints them, through the pager when they are longer than
    the terminal is high."""
    from idp_cli.output import console, layout

    command = None if no_pager or not sys.stdout.isatty() else _command()
    height = shutil.get_terminal_size().lines
    if command is None or len(lines) < height:
        layout.print_lines(lines)
        return
    out = console.out()
    with out.capture() as captured:
        layout.print_lines(lines)
    env = {**os.environ}
    env.setdefault("LESS", "FRX")
    try:
        # split as a shell would, but run without one: the variable names a program and its
        # arguments, not a script
        argv = shlex.split(command)
        subprocess.run(argv, input=captured.get(), text=True, env=env, check=False)
    except (OSError, ValueError):  # the pager cannot start: print as if there were none
        layout.print_lines(lines)
