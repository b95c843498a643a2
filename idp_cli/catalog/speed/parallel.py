"""Spreading per-file work of a large catalog over the machine's cores.

Parsing and checking one include file needs nothing from the others, and a catalog of
thousands of files spends seconds on it, all in Python and C code that holds the GIL: only
processes run it in parallel. Forked workers start in a few milliseconds with everything
already imported, each handles a run of consecutive files and sends back its result (as
`marshal` data, plain values only). Small catalogs, platforms without a safe `fork`, and a
process that already runs threads stay in one process. A worker that fails for any reason
costs only time: its share is then done here.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from idp_cli.catalog.speed import fallbacks

# Below this much input per process, forking and sending results back cost more than they save.
MIN_PART_BYTES = 2 * 1024 * 1024
MAX_PARTS = 4


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _parts(total: int) -> int:
    # fork is only safe on Linux here: macOS system libraries may not survive it, and a
    # thread holding a lock at fork time would leave it locked in the child
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return 1
    return max(1, min(_cores(), MAX_PARTS, total // MIN_PART_BYTES))


def worth_sharing(total: int) -> bool:
    """Whether `map_slices` would hand part of items of this total size to workers."""
    return _parts(total) > 1


def _bounds(sizes: Sequence[int], parts: int) -> list[tuple[int, int]]:
    """Consecutive ranges of the items with about the same total size each."""
    total = sum(sizes)
    bounds: list[tuple[int, int]] = []
    start, running = 0, 0
    for index, size in enumerate(sizes):
        running += size
        if running * parts >= total * (len(bounds) + 1) and len(bounds) < parts - 1:
            bounds.append((start, index + 1))
            start = index + 1
    bounds.append((start, len(sizes)))
    return [b for b in bounds if b[0] < b[1]]


class _Worker:
    def __init__(self, pid: int, pipe: int) -> None:
        self.pid = pid
        self.pipe = pipe

    def result(self) -> tuple[bool, Any]:
        """(True, the worker's result), or (False, None) when it failed."""
        try:
            with os.fdopen(self.pipe, "rb") as pipe:
                payload = pipe.read()
        finally:
            _, status = os.waitpid(self.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            return False, None
        try:
            return True, marshal.loads(payload)  # noqa: S302 (our own child's plain data)
        except (ValueError, EOFError, TypeError):
            return False, None

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.pipe)
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _fork(func: Callable[[Sequence[Any], bool], Any], items: Sequence[Any]) -> _Worker | None:
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        status = 1
        try:
            os.close(read_end)
            payload = marshal.dumps(func(items, True))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
            status = 0
        finally:
            # never return into the parent's code, flush its buffers or run its exit handlers
            os._exit(status)
    os.close(write_end)
    return _Worker(pid, read_end)


def map_slices(
    func: Callable[[Sequence[Any], bool], Any],
    items: Sequence[Any],
    sizes: Sequence[int],
    valid: Callable[[Any, int], bool] = lambda result, count: True,
) -> list[Any]:
    """`[func(part, in_worker) for part in parts]`: `items` cut into consecutive parts of
    about the same total size (`sizes` in bytes), each handled in its own process when they are
    large enough. The first part is handled here (`in_worker` False). A worker's result must be
    what `marshal` can hold and pass `valid(result, len(part))`; when it does not, or the
    worker fails, its part is handled here."""
    parts = _parts(sum(sizes))
    if parts < 2:
        return [func(items, False)]
    bounds = _bounds(sizes, parts)
    workers: list[tuple[tuple[int, int], _Worker | None]] = []
    try:
        for lo, hi in bounds[1:]:
            workers.append(((lo, hi), _fork(func, items[lo:hi])))
        lo, hi = bounds[0]
        results = [func(items[lo:hi], False)]
        while workers:
            (lo, hi), worker = workers.pop(0)
            ok, result = worker.result() if worker else (False, None)
            if not ok or not valid(result, hi - lo):
                fallbacks.count("a worker process failed; its share read here")
                result = func(items[lo:hi], False)
            results.append(result)
    finally:
        for _, worker in workers:
            if worker is not None:
                worker.stop()
    return results
