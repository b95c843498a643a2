"""A catalog read shared out between this process and workers, with both surely taking part:
which process claims which chunk is otherwise the scheduler's choice, and a worker that took
none would leave a test of the workers testing this process alone."""

from __future__ import annotations

import os
import select


class Signals:
    """Pipes through which a worker and this process tell each other they took a chunk: one
    then waits for the other, so that both surely take part however fast either is."""

    def __init__(self) -> None:
        self.to_here = os.pipe()
        self.to_workers = os.pipe()

    def took_here(self) -> None:
        os.write(self.to_workers[1], b"!")

    def took_in_worker(self) -> None:
        os.write(self.to_here[1], b"!")

    def wait_here(self, count: int = 1) -> None:
        _read(self.to_here[0], count)

    def wait_in_worker(self) -> None:
        _read(self.to_workers[0], 1)

    def close(self) -> None:
        for fd in (*self.to_here, *self.to_workers):
            os.close(fd)


class FailingWorker(Signals):
    """A test of a worker that fails: the worker tells this process of each chunk it takes,
    and fails in one; this process's first chunk waits until the worker took `count` chunks,
    so that the worker surely fails while work is left. `children` are the processes the
    test forked, none of which may be left running."""

    def __init__(self, children: Children) -> None:
        super().__init__()
        self.children = children
        self.waited = False  # here: the first chunk waited already

    def wait_here_first(self, count: int = 1) -> None:
        if not self.waited:
            self.waited = True
            self.wait_here(count)


class Sharing(Signals):
    """What the workers of a test were given and sent back, and the pipes through which
    this process and a worker tell each other they claimed a chunk: a worker claims its
    first once this process has claimed one, which then waits until a worker has."""

    def __init__(self) -> None:
        super().__init__()  # to_workers is left readable: every worker sees it
        self.forks: list[int] = []  # per worker started, the number of items it could take
        self.from_workers = 0  # results (frames) read back from workers
        self.parent = os.getpid()
        self.waiting = False  # here: this call's first claim is still to come
        self.claimed = False  # in a worker: it claimed a chunk already

    def forget_old_signals(self) -> None:
        # from an earlier call, whose workers all ended: they must not count for new ones
        for read_end in (self.to_here[0], self.to_workers[0]):
            while select.select([read_end], [], [], 0)[0]:
                os.read(read_end, 4096)

    def claimed_here(self) -> None:
        self.took_here()
        self.wait_here()

    def before_a_workers_claim(self) -> None:
        if not self.claimed:
            _wait_for(self.to_workers[0])

    def claimed_in_worker(self) -> None:
        if not self.claimed:
            self.claimed = True
            self.took_in_worker()


def _wait_for(read_end: int) -> None:
    # a bound only against a hang when no process could take a chunk; never a measure of speed
    ready, _, _ = select.select([read_end], [], [], 120)
    assert ready, "the other process took no chunk"


def _read(read_end: int, count: int) -> None:
    got = b""
    while len(got) < count:
        _wait_for(read_end)
        got += os.read(read_end, count - len(got))


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
