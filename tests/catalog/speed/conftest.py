"""Fixtures of the tests of the fast path's worker processes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from idp_cli.catalog.speed import parallel
from tests.catalog.speed.sharing import Children, FailingWorker, Sharing, Signals


@pytest.fixture
def split_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers even for tiny inputs, on as many cores as the machine has (at least 2)."""
    monkeypatch.setattr(parallel, "MIN_PART_BYTES", 1)
    monkeypatch.setattr(parallel, "_cores", lambda: max(2, os.cpu_count() or 1))


@pytest.fixture
def signals() -> Iterator[Signals]:
    made = Signals()
    yield made
    made.close()


@pytest.fixture
def failing_worker(split_everything: None, children: Children) -> Iterator[FailingWorker]:
    """Workers even for tiny inputs, one of which fails (see `FailingWorker`)."""
    made = FailingWorker(children)
    yield made
    made.close()


@pytest.fixture
def sharing(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sharing]:
    """Workers even for a tiny catalog, two of them, and each process of a shared read takes
    at least one chunk (see `Sharing`)."""
    monkeypatch.setattr(parallel, "MIN_PART_BYTES", 1)
    monkeypatch.setattr(parallel, "_cores", lambda: 3)
    made = Sharing()
    fork, claim, collect = parallel._fork, parallel._claim, parallel._Worker.collect

    def forking(func: Any, items: Any, workers: list[parallel._Worker]) -> bool:
        if not made.waiting:  # the first worker of this call
            made.forget_old_signals()
        made.forks.append(len(items))
        started = fork(func, items, workers)
        made.waiting = made.waiting or started
        return started

    def claiming(queue: int) -> int | None:
        if os.getpid() != made.parent:
            made.before_a_workers_claim()
            index = claim(queue)
            if index is not None:
                made.claimed_in_worker()
            return index
        index = claim(queue)
        if made.waiting:
            made.waiting = False
            assert index is not None  # the workers wait for this claim
            made.claimed_here()
        return index

    def collecting(worker: parallel._Worker) -> list[Any]:
        found = collect(worker)
        made.from_workers += len(found)
        return found

    monkeypatch.setattr(parallel, "_fork", forking)
    monkeypatch.setattr(parallel, "_claim", claiming)
    monkeypatch.setattr(parallel._Worker, "collect", collecting)
    yield made
    made.close()


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> Children:
    made = Children()
    fork = os.fork

    def recorded() -> int:
        pid = fork()
        if pid > 0:
            made.pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recorded)
    return made
