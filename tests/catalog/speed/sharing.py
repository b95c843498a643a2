"""A catalog read shared out between this process and workers, with both surely taking part:
which process claims which chunk is otherwise the scheduler's choice, and a worker that took
none would leave a test of the workers testing this process alone."""

from __future__ import annotations

import os
import select


class Sharing:
    """What the workers of a test were given and sent back, and the pipes through which
    this process and a worker tell each other they claimed a chunk: a worker claims its
    first once this process has claimed one, which then waits until a worker has."""

    def __init__(self) -> None:
        self.forks: list[int] = []  # per worker started, the number of items it could take
        self.from_workers = 0  # results (frames) read back from workers
        self.parent = os.getpid()
        self.to_here = os.pipe()
        self.to_workers = os.pipe()  # left readable: every worker sees it
        self.waiting = False  # here: this call's first claim is still to come
        self.claimed = False  # in a worker: it claimed a chunk already

    def forget_old_signals(self) -> None:
        # from an earlier call, whose workers all ended: they must not count for new ones
        for read_end in (self.to_here[0], self.to_workers[0]):
            while select.select([read_end], [], [], 0)[0]:
                os.read(read_end, 4096)

    def claimed_here(self) -> None:
        os.write(self.to_workers[1], b"!")
        _wait_for(self.to_here[0])
        os.read(self.to_here[0], 1)

    def before_a_workers_claim(self) -> None:
        if not self.claimed:
            _wait_for(self.to_workers[0])

    def claimed_in_worker(self) -> None:
        if not self.claimed:
            self.claimed = True
            os.write(self.to_here[1], b"!")

    def close(self) -> None:
        for fd in (*self.to_here, *self.to_workers):
            os.close(fd)


def _wait_for(read_end: int) -> None:
    # a bound only against a hang when no process could claim; never a measure of speed
    ready, _, _ = select.select([read_end], [], [], 120)
    assert ready, "the other process took no chunk"


class Children:
    """The processes a test forked (every `os.fork` in it, through `parallel` or not): only
    those are checked, never a child that pytest or another test started."""

    def __init__(self) -> None:
        self.pids: list[int] = []

    def all_reaped(self) -> bool:
        for pid in self.pids:
            try:
                os.waitpid(pid, os.WNOHANG)  # raises once it is reaped; else running or a zombie
            except ChildProcessError:
                continue
            return False
        return True
