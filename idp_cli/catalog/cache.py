"""A cache of validated catalogs, so that repeated commands skip YAML parsing and validation.

An entry records every file it was built from with a fingerprint (size, mtime and inode on
disk; the blob id in git) and the include patterns, so any edit, new or removed include file
invalidates it. Entries are written atomically: a crash never leaves a half-written entry, and
an unreadable one is ignored and rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from typing import Any

from idp_cli import __version__, paths
from idp_cli.catalog.sources import Source

FORMAT = 1


def _entry_path(source: Source) -> str:
    digest = hashlib.sha256(f"{source.identity}\0{source.main}".encode()).hexdigest()[:32]
    return str(paths.cache_dir() / "catalogs" / f"{digest}.json")


def lookup(source: Source) -> tuple[dict[str, Any], list[str]] | None:
    """The cached catalog data and file list, if every file it came from is unchanged."""
    if os.environ.get("IDP_NO_CACHE"):
        return None
    try:
        with open(_entry_path(source), encoding="utf-8") as handle:
            entry = json.load(handle)
    except (OSError, ValueError):
        return None
    if (
        not isinstance(entry, dict)
        or entry.get("format") != FORMAT
        or entry.get("idp") != __version__
    ):
        return None
    deps: dict[str, str] = entry.get("deps", {})
    expected = {source.main}
    for pattern in entry.get("include", []):
        expected.update(source.reader.glob(pattern))
    if expected != set(deps):
        return None
    for rel, fingerprint in deps.items():
        if source.reader.fingerprint(rel) != fingerprint:
            return None
    return entry["catalog"], entry["files"]


def store(
    source: Source,
    data: dict[str, Any],
    files: list[str],
    deps: dict[str, str],
) -> None:
    if os.environ.get("IDP_NO_CACHE"):
        return
    target = _entry_path(source)
    entry = {
        "format": FORMAT,
        "idp": __version__,
        "deps": deps,
        "include": data.get("include", []),
        "files": files,
        "catalog": data,
    }
    try:
        folder = os.path.dirname(target)
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".entry-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(entry, handle, separators=(",", ":"), default=str)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        # A read-only or full cache folder only costs speed, never correctness.
        return
