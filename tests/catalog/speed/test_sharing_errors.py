"""Errors and interruptions while work is shared out: the error raised is the one of the
first chunk that fails, whichever process took it, as in one process; Ctrl-C passes straight
through, also at the moments a worker starts or has just been waited for, and leaves no file
open and no process running."""

from __future__ import annotations

import os
import select
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from idp_cli.catalog.speed import parallel
from idp_cli.errors import CatalogError
from tests.catalog.speed.sharing import Children, Sharing
from tests.helpers import HEADER, load_spec, model_yaml, write_catalog

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="workers are forked on Linux only"
)


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


@pytest.fixture
def one_worker(sharing: Sharing, monkeypatch: pytest.MonkeyPatch) -> Sharing:
    """One worker and one item per chunk: this process takes chunk 0, the worker chunk 1."""
    monkeypatch.setattr(parallel, "_cores", lambda: 2)
    monkeypatch.setattr(parallel, "MIN_CHUNK_BYTES", 1)
    return sharing


@pytest.mark.parametrize("first", ["worker", "here"])
def test_the_first_failing_chunk_raises_whichever_process_took_it(
    one_worker: Sharing, children: Children, first: str
) -> None:
    # the worker dies in chunk 1; this process then meets the bad last chunk itself
    bad = {1, 63} if first == "worker" else {0, 1}

    def work(part: Sequence[int], in_worker: bool) -> list[int]:
        if part[0] in bad:
            raise ValueError(f"bad item {part[0]}")
        return list(part)

    with pytest.raises(ValueError, match=f"bad item {min(bad)}$"):
        parallel.map_slices(work, list(range(64)), [1] * 64)
    assert one_worker.forks == [64]
    assert children.pids and children.all_reaped()


def _catalog_with_two_unreadable_files(folder: Path) -> None:
    write_catalog(folder, HEADER + "include: [models/*.yaml]\n")
    text = model_yaml("acme/m00")
    names = ["a-a", "a-bad", *(f"m{i:02}" for i in range(1, 12)), "z-bad"]
    for i, name in enumerate(names):
        if name.endswith("bad"):  # as large as the others, so that each is a chunk alone
            (folder / "models" / f"{name}.yaml").write_bytes(b"\xff" * len(text))
        else:
            write_catalog(folder / "models", model_yaml(f"acme/m{i:02}"), name=f"{name}.yaml")


def test_of_two_unreadable_files_the_first_is_named_as_in_one_process(
    tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """models/a-bad.yaml is the worker's first chunk, models/z-bad.yaml this process's last."""
    _catalog_with_two_unreadable_files(tmp_path)
    with pytest.raises(CatalogError) as alone:
        load_spec(tmp_path, use_cache=False)
    assert "a-bad.yaml: not UTF-8" in str(alone.value)
    sharing: Sharing = request.getfixturevalue("one_worker")
    with pytest.raises(CatalogError) as shared:
        load_spec(tmp_path, use_cache=False)
    assert sharing.forks == [14]
    assert str(shared.value) == str(alone.value)


def test_ctrl_c_here_passes_straight_through_and_stops_the_workers(
    one_worker: Sharing, children: Children
) -> None:
    done: list[int] = []

    def work(part: Sequence[int], in_worker: bool) -> list[int]:
        if not in_worker:
            if part[0] == 2:  # after a chunk that the worker surely failed
                raise KeyboardInterrupt
            done.append(part[0])
        elif part[0] == 1:
            raise ValueError("not redone here: the interruption comes first")
        return list(part)

    before = _open_fds()
    with pytest.raises(KeyboardInterrupt):
        parallel.map_slices(work, list(range(64)), [1] * 64)
    assert done == [0]
    assert _open_fds() == before
    assert children.pids and children.all_reaped()


def test_a_worker_reaped_already_is_not_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C after `finish` waited for a worker, before it left the list, stops it again:
    its process number may belong to another process by then."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover
        os._exit(0)
    worker = parallel._Worker(pid, parallel._scratch())
    assert worker.finish() == []
    killed: list[int] = []
    monkeypatch.setattr(os, "kill", lambda pid, sig: killed.append(pid))
    worker.stop()
    assert killed == []


@pytest.mark.parametrize("where", ["here", "worker"])
def test_ctrl_c_as_a_worker_starts_leaves_nothing_behind(
    children: Children, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """Here: between the fork and the worker being recorded (its scratch file and process
    would leak). In the worker: before it is in its own loop (this process's code would go
    on running there, the caller's included)."""
    monkeypatch.setattr(parallel, "MIN_PART_BYTES", 1)
    monkeypatch.setattr(parallel, "_cores", lambda: 2)
    parent = os.getpid()
    fork = os.fork  # the `children` fixture's, which records the process

    def interrupted() -> int:
        pid = fork()
        if (pid == 0) == (where == "worker"):
            os.kill(os.getpid(), signal.SIGINT)
        return pid

    monkeypatch.setattr(os, "fork", interrupted)
    escaped_read, escaped_write = os.pipe()
    before = _open_fds()
    try:
        try:
            results = parallel.map_slices(lambda part, _: list(part), list(range(8)), [1] * 8)
        except KeyboardInterrupt:
            if os.getpid() != parent:  # pragma: no cover - the worker ran the caller's code
                os.write(escaped_write, b"!")
                os._exit(0)
            assert where == "here"
        else:
            assert where == "worker"
            assert [item for part in results for item in part] == list(range(8))
        assert _open_fds() == before
        assert children.pids and children.all_reaped()
        assert not select.select([escaped_read], [], [], 0)[0]  # all ended: nothing to come
    finally:
        os.close(escaped_read)
        os.close(escaped_write)
