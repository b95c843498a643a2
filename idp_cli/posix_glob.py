"""Globbing over a list of POSIX paths, for file trees that are not folders on disk (a git
commit's tree, files a publish is about to write).

Below both the catalog sources and `gitsource`, so that neither has to import the other to
share it."""

from __future__ import annotations

import fnmatch
from pathlib import PurePosixPath


def match_glob(names: list[str], pattern: str) -> list[str]:
    """Glob over a list of POSIX paths with pathlib's rules (`*` stays inside one folder)."""
    if "**" in pattern:
        return sorted(n for n in names if PurePosixPath(n).match(pattern))
    depth = pattern.count("/")
    return sorted(n for n in names if n.count("/") == depth and fnmatch.fnmatchcase(n, pattern))
