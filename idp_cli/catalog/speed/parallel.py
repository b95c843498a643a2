"""Spreading per-file work of a large catalog over the machine's cores.

Parsing and checking one include file needs nothing from the others, and a catalog of
thousands of files spends seconds on it, all in Python and C code that holds the GIL: only
processes run it in parallel. Forked workers start in a few milliseconds with everything
already imported. The files are cut into chunks of consecutive files, several per process,
which this process and the workers take one at a time from a shared queue as each becomes
free: on a loaded machine a process the scheduler leaves waiting simply does fewer. A worker
writes each chunk's result (as `marshal` data, plain values only) into a file in memory as it
goes. Small catalogs, platforms without a safe `fork`, and a process that already runs
threads stay in one process. A worker that fails for any reason costs only time: the chunks
it took and did not finish are then done here. An exception raised by the work itself is the
one that the first chunk raising it gives, whichever process took it, as in one process."""

from __future__ import annotations

import contextlib
import marshal
import os
import signal
import struct
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from idp_cli.catalog.speed import fallbacks

# Below this much input per process, forking and sending results back cost more than they save.
MIN_PART_BYTES = 2 * 1024 * 1024
MAX_PARTS = 4
# The work is cut into chunks that the processes take one at a time, as each becomes free:
# about this many per process, so the last one to finish ends at most a small chunk after the
# others (32 cost no more CPU time than 8 with 2,000 files, and cut the wait for the last
# chunk from about 60 ms to under 10 on a loaded machine), yet no smaller than this, so each
# chunk's own cost (a call, its result sent and merged) stays small. A chunk's number
# travels as one byte.
CHUNKS_PER_PROCESS = 32
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
    """A forked process and the scratch file it writes its results into, frame by frame."""

    def __init__(self, pid: int, scratch: int) -> None:
        self.pid: int | None = pid  # None once reaped
        self.scratch = scratch
        self.taken = 0  # where the first frame not read yet starts
        self.garbled = False

    def collect(self) -> list[Any]:
        """The frames the worker finished writing since the last call, while it still runs:
        what it writes is read as it comes, not all at the end. A file grows only with
        what is written in it, so a frame of which the end is there is whole."""
        size = os.fstat(self.scratch).st_size
        if self.garbled or size <= self.taken:
            return []
        data = _pread_all(self.scratch, self.taken, size - self.taken)
        view = memoryview(data)
        found: list[Any] = []
        at = 0
        while at + _LENGTH.size <= len(data):
            (length,) = _LENGTH.unpack_from(data, at)
            end = at + _LENGTH.size + length
            if end > len(data):
                break  # not written whole yet (or cut short by the worker's end)
            try:
                found.append(marshal.loads(view[at + _LENGTH.size : end]))  # noqa: S302
            except (ValueError, EOFError, TypeError):
                self.garbled = True  # not our child's frames: nothing after it either
                break
            at = end
        self.taken += at
        return found

    def finish(self) -> list[Any]:
        """The frames not collected yet, once the worker has ended: every whole frame, even
        when it failed later (a frame it was writing when it died is cut short, left out)."""
        try:
            if self.pid is not None:
                # how it ended does not matter, what it wrote does. Waited for first without
                # reaping it (Ctrl-C may end this wait: `stop` kills it), then reaped and
                # forgotten at once: its number may be another process's from then on.
                os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOWAIT)
                held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
                try:
                    os.waitpid(self.pid, 0)  # ended: returns at once
                    self.pid = None
                finally:
                    signal.pthread_sigmask(signal.SIG_SETMASK, held)
            return self.collect()
        finally:
            self._close()

    def halt(self) -> list[Any]:
        """`finish` for a worker whose further work is not needed: killed first."""
        if self.pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
        return self.finish()

    def stop(self) -> None:
        self._close()
        if self.pid is None:  # reaped already (interrupted after `finish` waited for it)
            return
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.pid = None

    def _close(self) -> None:
        if self.scratch >= 0:
            os.close(self.scratch)
            self.scratch = -1


# A frame of a worker's scratch file: the length of what follows, then one result (marshal).
_LENGTH = struct.Struct("<Q")


def _scratch() -> int:
    """A file in memory only, gone with its last descriptor: a worker writes into it as it
    goes, never waiting for a reader (as it would on a full pipe while this process works)."""
    try:
        return os.memfd_create("idp-worker", os.MFD_CLOEXEC)
    except (AttributeError, OSError):  # pragma: no cover - Linux before 3.17
        with tempfile.TemporaryFile() as handle:
            return os.dup(handle.fileno())


def _pread_all(fd: int, offset: int, size: int) -> bytes:
    parts: list[bytes] = []
    done = 0
    while done < size:
        part = os.pread(fd, size - done, offset + done)
        if not part:
            break
        parts.append(part)
        done += len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _fork(
    func: Callable[[Sequence[Any], bool], Iterable[Any]],
    items: Sequence[Any],
    workers: list[_Worker],
) -> bool:
    """A worker that writes each thing `func(items, True)` gives, as it gives it, added to
    `workers`; False when none could start. Ctrl-C is held back from the scratch file's
    creation until the worker is in `workers` (then whoever holds `workers` stops it): in
    this process it would otherwise leak the file or leave the child unstopped, and in the
    child, before its `try:`, it would run this process's code there."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        try:
            scratch = _scratch()
        except OSError:
            return False
        try:
            pid = os.fork()
        except OSError:
            os.close(scratch)
            return False
        if pid == 0:  # pragma: no cover - the child's coverage is not collected
            status = 1
            try:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)  # Ctrl-C ends it from here
                with os.fdopen(scratch, "wb") as out:
                    for found in func(items, True):
                        payload = marshal.dumps(found)
                        out.write(_LENGTH.pack(len(payload)) + payload)
                        out.flush()  # whole frames only are read: each is kept if a later fails
                status = 0
            finally:
                # never return into the parent's code, flush its buffers or run its exit handlers
                os._exit(status)
        workers.append(_Worker(pid, scratch))
        return True
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a Ctrl-C held back is raised now


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


def _pair(found: Any, bounds: list[tuple[int, int]]) -> tuple[int, Any] | None:
    """A worker's (chunk number, result), or None when it sent something else."""
    if not (isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], int)):
        return None
    return (found[0], found[1]) if 0 <= found[0] < len(bounds) else None


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
    handled here. When `func` raises (an `Exception`), what is raised is what the first chunk
    that raises gives, done here, as `func(items, False)` would raise it; KeyboardInterrupt
    and the like pass straight through, and the workers are stopped."""
    processes = _parts(sum(sizes))
    if processes < 2:
        return [func(items, False)]
    bounds = _bounds(sizes, _chunks(sum(sizes), processes))
    if len(bounds) < 2:  # one item, say
        return [func(items, False)]

    def share(whole: Sequence[Any], in_worker: bool) -> Iterator[tuple[int, Any]]:
        # every process's loop, this one's too: the next chunk nobody took, until none is left
        while (index := _claim(queue)) is not None:
            lo, hi = bounds[index]
            yield index, func(whole[lo:hi], in_worker)

    results: dict[int, Any] = {}

    def take(sent: list[Any]) -> None:
        for found in sent:
            pair = _pair(found, bounds)
            if pair is not None and pair[0] not in results:
                lo, hi = bounds[pair[0]]
                if valid(pair[1], hi - lo):
                    results[pair[0]] = pair[1]

    workers: list[_Worker] = []
    failed: tuple[int, Exception] | None = None  # the first chunk that raised here
    queue = _queue(len(bounds))
    try:
        for _ in range(min(processes, len(bounds)) - 1):
            if not _fork(share, items, workers):  # the others share its chunks: it costs
                fallbacks.count(fallbacks.WORKER_NOT_STARTED)  # only time, but not unseen
        # this process's loop is `share`'s, with the chunk it is on at hand when it fails
        while (index := _claim(queue)) is not None:
            lo, hi = bounds[index]
            try:
                results[index] = func(items[lo:hi], False)
            except Exception as error:
                # Which process takes which chunk is the scheduler's choice: the error raised
                # is that of the first chunk that fails, as in one process (below), so the
                # workers' chunks before this one are needed, the others not. Claims go in
                # order: the chunks before this one were claimed already, most done.
                failed = (index, error)
                break
            for worker in workers:  # the workers' results so far, not all at the end
                take(worker.collect())
        while workers:
            take(workers[0].halt() if failed else workers[0].finish())
            workers.pop(0)  # only now: interrupted while waiting for it, it is stopped below
    finally:
        os.close(queue)
        for worker in workers:
            worker.stop()
    for index, (lo, hi) in enumerate(bounds):
        if failed is not None and index == failed[0]:
            raise failed[1]
        if index not in results:  # a failed worker's, or one it sent that `valid` refused
            fallbacks.count(fallbacks.WORKER_FAILED)
            results[index] = func(items[lo:hi], False)
    return [results[index] for index in range(len(bounds))]
