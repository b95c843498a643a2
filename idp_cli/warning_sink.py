"""Warnings from the core reach the user through one sink the CLI sets; the core never prints."""

from __future__ import annotations

import sys
from collections.abc import Callable


def _to_stderr(message: str) -> None:
    if sys.stderr is not None:  # None: Python started without a descriptor 2
        print(f"warning: {message}", file=sys.stderr)


_sink: Callable[[str], None] = _to_stderr


def set_sink(sink: Callable[[str], None]) -> None:
    global _sink
    _sink = sink


def warn(message: str) -> None:
    _sink(message)
