"""Warnings from the core reach the user through one sink the CLI sets; the core never prints."""

from __future__ import annotations

import sys
from collections.abc import Callable

_sink: Callable[[str], None] = lambda message: print(f"warning: {message}", file=sys.stderr)  # noqa: E731


def set_sink(sink: Callable[[str], None]) -> None:
    global _sink
    _sink = sink


def warn(message: str) -> None:
    _sink(message)
