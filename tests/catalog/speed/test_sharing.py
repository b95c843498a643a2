"""`map_slices` shares work out in chunks that each process takes as it becomes free: the
results come back in order whoever computed them, a worker that fails costs only time (every
chunk it took is done again here), nothing is left behind (no child process, no open pipe),
and a platform or process that must not fork does everything in one call."""

from __future__ import annotations

import itertools
import marshal
import os
import sys
import threading
from collections.abc import Sequence
from typing import Any

import pytest

from idp_cli.catalog.speed import fallbacks, parallel
from tests.catalog.speed.sharing import Children, FailingWorker, Signals

needs_fork = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="workers are forked on Linux only"
)


def _squares(part: Sequence[int], in_worker: bool) -> list[tuple[int, bool, int]]:
    return [(os.getpid(), in_worker, item * item) for item in part]


def _flat(parts: list[Any]) -> list[Any]:
    return [result for part in parts for result in part]


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def test_small_inputs_stay_in_this_process() -> None:
    results = parallel.map_slices(_squares, list(range(10)), [100] * 10)
    assert results == [[(os.getpid(), False, i * i) for i in range(10)]]


@pytest.mark.usefixtures("split_everything")
def test_one_large_item_is_not_worth_a_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise AssertionError("forked")

    monkeypatch.setattr(os, "fork", no_fork)
    assert parallel.map_slices(_squares, [7], [1 << 30]) == [[(os.getpid(), False, 49)]]


@pytest.mark.usefixtures("split_everything")
@pytest.mark.parametrize("reason", ["platform", "thread"])
def test_where_forking_is_unsafe_everything_is_done_here_in_one_call(
    monkeypatch: pytest.MonkeyPatch, reason: str
) -> None:
    def no_fork() -> int:
        raise AssertionError("forked")

    monkeypatch.setattr(os, "fork", no_fork)
    monkeypatch.setattr(parallel, "MIN_CHUNK_BYTES", 1)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    if reason == "platform":
        monkeypatch.setattr(sys, "platform", "darwin")
    else:
        other.start()
    try:
        assert not parallel.worth_sharing(1 << 30)
        results = parallel.map_slices(_squares, list(range(50)), [1] * 50)
    finally:
        stop.set()
        if other.is_alive():
            other.join()
    assert results == [[(os.getpid(), False, i * i) for i in range(50)]]


@pytest.mark.parametrize(
    ("total", "processes", "chunks"), [(0, 2, 2), (10, 4, 4), (1 << 30, 2, 64)]
)
def test_each_process_gets_several_chunks_of_a_minimum_size(
    total: int, processes: int, chunks: int
) -> None:
    assert parallel._chunks(total, processes) == chunks
    assert parallel._chunks(parallel.MIN_CHUNK_BYTES * 5, 2) == 5


@needs_fork
@pytest.mark.usefixtures("split_everything")
def test_many_chunks_come_back_in_order_whoever_computed_them(
    monkeypatch: pytest.MonkeyPatch, signals: Signals
) -> None:
    monkeypatch.setattr(parallel, "_cores", lambda: 2)
    monkeypatch.setattr(parallel, "MIN_CHUNK_BYTES", 1)
    firsts: list[bool] = []  # in each process, whether it took a chunk already

    def work(part: Sequence[int], in_worker: bool) -> list[tuple[int, bool, int]]:
        if not firsts:  # each process's first chunk waits for the other's first
            firsts.append(True)
            if in_worker:
                signals.took_in_worker()
                signals.wait_in_worker()
            else:
                signals.took_here()
                signals.wait_here()
        return _squares(part, in_worker)

    count = 2 * parallel.CHUNKS_PER_PROCESS * 5
    parts = parallel.map_slices(work, list(range(count)), [1] * count)
    assert len(parts) == 2 * parallel.CHUNKS_PER_PROCESS
    assert all(len(part) == 5 for part in parts)
    results = _flat(parts)
    assert [square for _, _, square in results] == [i * i for i in range(count)]
    # each chunk was computed in one process, and both processes computed some
    assert all(len({(pid, worker) for pid, worker, _ in part}) == 1 for part in parts)
    assert {worker for _, worker, _ in results} == {False, True}
    assert len({pid for pid, _, _ in results}) == 2


@needs_fork
def test_a_worker_dying_midway_has_the_chunk_it_was_on_done_here(
    monkeypatch: pytest.MonkeyPatch, failing_worker: FailingWorker
) -> None:
    monkeypatch.setattr(parallel, "_cores", lambda: 2)
    monkeypatch.setattr(parallel, "MIN_CHUNK_BYTES", 1)
    taken: list[int] = []  # in the worker: the chunks it took so far

    def work(part: Sequence[int], in_worker: bool) -> list[tuple[int, bool, int]]:
        if in_worker:
            taken.append(part[0])
            failing_worker.took_in_worker()
            if len(taken) == 2:  # one chunk done, dies in the second
                os._exit(3)
        else:
            failing_worker.wait_here_first(2)
        return _squares(part, in_worker)

    before = fallbacks.snapshot()
    parts = parallel.map_slices(work, list(range(64)), [1] * 64)
    assert fallbacks.since(before) == {fallbacks.WORKER_FAILED: 1}
    assert [square for _, _, square in _flat(parts)] == [i * i for i in range(64)]
    assert len(parts) == 2 * parallel.CHUNKS_PER_PROCESS
    # the chunk it finished came back; the one it died in was done here
    assert [part[0][1] for part in parts].count(True) == 1
    children = failing_worker.children
    assert children.pids and children.all_reaped()


def _frame(found: Any) -> bytes:
    payload = marshal.dumps(found)
    return parallel._LENGTH.pack(len(payload)) + payload


@needs_fork
def test_frames_are_read_as_they_are_written_and_one_cut_short_is_left_out(
    children: Children,
) -> None:
    first, second, third = _frame((0, ["a"])), _frame((1, ["b"])), _frame((2, ["c"]))
    scratch = parallel._scratch()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - a child that ends at once, as if killed
        os._exit(9)
    worker = parallel._Worker(pid, scratch)
    assert worker.collect() == []
    os.write(scratch, first + second[:5])
    assert worker.collect() == [(0, ["a"])]
    assert worker.collect() == []
    os.write(scratch, second[5:] + third[:-1])  # the worker ended while writing the third
    assert worker.finish() == [(1, ["b"])]
    assert children.pids and children.all_reaped()
    with pytest.raises(OSError):
        os.fstat(scratch)  # closed


@needs_fork
def test_a_garbled_frame_ends_what_is_read_of_a_worker(children: Children) -> None:
    garbled = parallel._LENGTH.pack(3) + b"\xff\xff\xff"
    scratch = parallel._scratch()
    os.write(scratch, _frame((0, 1)) + garbled + _frame((1, 2)))
    pid = os.fork()
    if pid == 0:  # pragma: no cover
        os._exit(0)
    assert parallel._Worker(pid, scratch).finish() == [(0, 1)]
    assert children.pids and children.all_reaped()


@needs_fork
@pytest.mark.parametrize("failure", ["raises", "unmarshallable", "dies", "invalid", "garbled"])
def test_a_failing_worker_costs_only_time(
    monkeypatch: pytest.MonkeyPatch, failing_worker: FailingWorker, failure: str
) -> None:
    def work(part: Sequence[int], in_worker: bool) -> Any:
        if in_worker:
            failing_worker.took_in_worker()
            if failure == "raises":
                raise RuntimeError("worker trouble")
            if failure == "dies":
                os._exit(3)
            if failure == "unmarshallable":
                return object()
            if failure == "garbled":
                return [item + 1 for item in part]
            return ["too", "short"]  # refused by `valid` below
        failing_worker.wait_here_first()
        return [item + 1 for item in part]

    if failure == "garbled":  # a worker that takes chunks, then sends back no pairs
        fork = parallel._fork

        def garbling(share: Any, items: Any, workers: Any) -> Any:
            return fork(lambda *args: [(str(i), r) for i, r in share(*args)], items, workers)

        monkeypatch.setattr(parallel, "_fork", garbling)
    before = fallbacks.snapshot()
    parts = parallel.map_slices(
        work, list(range(12)), [1] * 12, lambda result, count: len(result) == count
    )
    assert len(parts) >= 2
    assert _flat(parts) == list(range(1, 13))
    assert fallbacks.since(before)[fallbacks.WORKER_FAILED] >= 1
    children = failing_worker.children
    assert children.pids and children.all_reaped()


@needs_fork
@pytest.mark.parametrize("failure", ["none", "worker", "here", "no-fork", "interrupted"])
def test_no_pipe_and_no_process_is_left_behind(
    monkeypatch: pytest.MonkeyPatch, failing_worker: FailingWorker, failure: str
) -> None:
    monkeypatch.setattr(parallel, "MIN_CHUNK_BYTES", 1)
    if failure == "no-fork":

        def no_fork() -> int:
            raise OSError("no more processes")

        monkeypatch.setattr(os, "fork", no_fork)
    if failure == "interrupted":  # Ctrl-C while waiting for a worker that hangs

        def interrupted(worker: parallel._Worker) -> list[Any]:
            raise KeyboardInterrupt

        monkeypatch.setattr(parallel._Worker, "finish", interrupted)

    def work(part: Sequence[int], in_worker: bool) -> list[int]:
        if in_worker and failure == "worker":
            os._exit(3)
        if in_worker and failure == "interrupted":
            failing_worker.wait_in_worker()  # never told: hangs until stopped
        if failure == "here":
            if in_worker:  # stopped (killed) while it waits for this process
                failing_worker.wait_in_worker()
            raise KeyError("trouble here")
        return [item * 2 for item in part]

    before = _open_fds()
    if failure in ("here", "interrupted"):
        with pytest.raises(KeyError if failure == "here" else KeyboardInterrupt):
            parallel.map_slices(work, list(range(40)), [1] * 40)
    else:
        assert _flat(parallel.map_slices(work, list(range(40)), [1] * 40)) == [
            i * 2 for i in range(40)
        ]
    assert _open_fds() == before
    children = failing_worker.children
    assert children.all_reaped() and (failure == "no-fork") == (not children.pids)


def test_bounds_share_the_size_and_cover_every_item() -> None:
    assert parallel._bounds([1] * 10, 2) == [(0, 5), (5, 10)]
    assert parallel._bounds([9, 1, 1, 1], 2) == [(0, 1), (1, 4)]
    bounds = parallel._bounds([3, 1, 4, 1, 5, 9, 2, 6], 3)
    assert [lo for lo, _ in bounds] == [0, *(hi for _, hi in bounds[:-1])]
    assert bounds[-1][1] == 8
    many = parallel._bounds([1] * 100, 16)
    assert len(many) == 16 and many[0][0] == 0 and many[-1][1] == 100
    assert all(hi == lo for (_, hi), (lo, _) in itertools.pairwise(many))
