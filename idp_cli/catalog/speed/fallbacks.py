"""Every time the fast path hands a file to the reference path, counted by reason.

A fallback costs only speed, so it must not be silent: a bug in the fast path would otherwise
show up only as a slowdown. With IDP_DEBUG=1 the counts of a read go to stderr, and an
unexpected error in the fast path is raised instead of counted.
"""

from __future__ import annotations

import sys
from collections import Counter

from idp_cli import env_vars

_COUNTS: Counter[str] = Counter()

# Counted here too, as they cost only time and must not be silent either, but no file took
# another path for them: `report` names them apart, in their own words.
WORKER_NOT_STARTED = "worker processes that could not start"
WORKER_FAILED = "chunks a worker process took and did not send back"
_WORKER_TROUBLE = (WORKER_NOT_STARTED, WORKER_FAILED)


def debugging() -> bool:
    return env_vars.is_set("IDP_DEBUG")


def count(reason: str) -> None:
    _COUNTS[reason] += 1


def snapshot() -> dict[str, int]:
    return dict(_COUNTS)


def since(before: dict[str, int]) -> dict[str, int]:
    """The counts added after `snapshot()` returned `before` (a worker sends these back)."""
    return {k: v - before.get(k, 0) for k, v in _COUNTS.items() if v != before.get(k, 0)}


def restore(before: dict[str, int]) -> None:
    """Forget the counts added after `snapshot()` returned `before`: for work that is done
    again another way, which counts for itself."""
    _COUNTS.clear()
    _COUNTS.update(before)


def add(counts: dict[str, int]) -> None:
    """Counts a worker process sent back."""
    _COUNTS.update(counts)


def report(before: dict[str, int], files: int) -> None:
    """With IDP_DEBUG, what fell back during one read of `files` files, on stderr."""
    if not debugging() or sys.stderr is None:  # None: started without a descriptor 2
        return
    found = since(before)
    trouble = {reason: found.pop(reason) for reason in _WORKER_TROUBLE if reason in found}
    if found:
        reasons = ", ".join(f"{reason}: {n}" for reason, n in sorted(found.items()))
        sys.stderr.write(
            f"idp: {sum(found.values())} of {files} files read by PyYAML instead of the fast "
            f"path ({reasons})\n"
        )
    if trouble:
        reasons = ", ".join(f"{reason}: {n}" for reason, n in trouble.items())
        sys.stderr.write(f"idp: work done in this process instead of a worker ({reasons})\n")
