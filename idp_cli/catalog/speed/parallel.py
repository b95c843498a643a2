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
# The work is cut into chunks that the processes take one at a time, as each becomes free:
# about this many per process, so the last one to finish ends at most a small chunk after the
# others, yet no smaller than this, so each chunk's own cost (a call, its result sent and
# merged) stays small. A chunk's number travels as one byte.
CHUNKS_PER_PROCESS = 8
MIN_CHUNK_BYTES = 128 * 1024
MAX_CHUNKS = 256


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


def _chunks(total: int, processes: int) -> int:
    """How many chunks to cut items of this total size into for this many processes."""
    wanted = min(processes * CHUNKS_PER_PROCESS, total // MIN_CHUNK_BYTES, MAX_CHUNKS)
    return max(processes, wanted)


def _queue(count: int) -> int:
    """The read end of a pipe holding one byte per chunk number, 0 to count - 1: a process
    claims the next chunk by reading one byte (a read from a pipe is atomic, so no chunk is
    claimed twice), and reads nothing once every chunk is claimed (the write end is closed)."""
    read_end, write_end = os.pipe()
    try:
        # fewer bytes than a pipe holds: written at once, nobody reading yet
        written = os.write(write_end, bytes(range(count)))
    except OSError:
        os.close(read_end)
        raise
    finally:
        os.close(write_end)
    if written != count:  # pragma: no cover - a pipe holds at least 4 KiB on Linux
        os.close(read_end)
        raise OSError("the chunk queue was not written whole")
    return read_end


def _claim(queue: int) -> int | None:
    token = os.read(queue, 1)
    return token[0] if token else None


def _sent(payload: Any, bounds: list[tuple[int, int]]) -> list[tuple[int, Any]] | None:
    """A worker's (chunk number, result) pairs, or None when they are not that."""
    if not isinstance(payload, list):
        return None
    pairs: list[tuple[int, Any]] = []
    for pair in payload:
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], int)):
            return None
        if not 0 <= pair[0] < len(bounds):
            return None
        pairs.append(pair)
    return pairs


def map_slices(
    func: Callable[[Sequence[Any], bool], Any],
    items: Sequence[Any],
    sizes: Sequence[int],
    valid: Callable[[Any, int], bool] = lambda result, count: True,
) -> list[Any]:
    """`[func(chunk, in_worker) for chunk in chunks]`: `items` cut into consecutive chunks of
    about the same total size (`sizes` in bytes), shared out between this process
    (`in_worker` False) and worker processes when they are large enough. Each process takes
    the next chunk nobody has taken as soon as it is done with its last one, so a process
    that the machine runs slower (or not at all for a while) does less of the work, and
    nobody waits long for the last chunk. A worker's result must be what `marshal` can hold
    and pass `valid(result, len(chunk))`; when it does not, or the worker fails, the chunk is
    handled here."""
    processes = _parts(sum(sizes))
    if processes < 2:
        return [func(items, False)]
    bounds = _bounds(sizes, _chunks(sum(sizes), processes))
    if len(bounds) < 2:  # one item, say
        return [func(items, False)]

    def share(whole: Sequence[Any], in_worker: bool) -> list[tuple[int, Any]]:
        # a worker's loop: its chunks' results go back together when the queue is empty
        done: list[tuple[int, Any]] = []
        while (index := _claim(queue)) is not None:
            lo, hi = bounds[index]
            done.append((index, func(whole[lo:hi], in_worker)))
        return done

    results: dict[int, Any] = {}
    workers: list[_Worker] = []
    queue = _queue(len(bounds))
    try:
        for _ in range(min(processes, len(bounds)) - 1):
            worker = _fork(share, items)
            if worker is not None:
                workers.append(worker)
            else:  # the others share its chunks: it costs only time, but not unseen
                fallbacks.count("a worker process could not start")
        results.update(share(items, False))
        while workers:
            ok, payload = workers.pop(0).result()
            for index, result in (_sent(payload, bounds) or []) if ok else []:
                lo, hi = bounds[index]
                if index not in results and valid(result, hi - lo):
                    results[index] = result
    finally:
        os.close(queue)
        for worker in workers:
            worker.stop()
    for index, (lo, hi) in enumerate(bounds):
        if index not in results:  # a failed worker's, or one it sent that `valid` refused
            fallbacks.count("a worker process failed; its chunk read here")
            results[index] = func(items[lo:hi], False)
    return [results[index] for index in range(len(bounds))]
