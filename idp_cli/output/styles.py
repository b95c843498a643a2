"""Colours shared by the Rich card and the plain table (no Rich import here)."""

from __future__ import annotations

LIFECYCLE_STYLE = {
    "experimental": "magenta",
    "staging": "cyan",
    "production": "green",
    "deprecated": "yellow",
    "archived": "dim",
}
