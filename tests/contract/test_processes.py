"""The server plumbing on its own (no model server needed): a server that dies or never gets
ready fails with its log instead of hanging, and stopping one leaves no process behind."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from tests.contract import processes
from tests.contract.processes import ServerError, start, stop, wait_ready


def _python(tmp_path: Path, code: str, url: str = "http://127.0.0.1:9") -> processes.Starting:
    return start(
        "fake server",
        [sys.executable, "-c", code],
        env={"PYTHONUNBUFFERED": "1"},
        url=url,
        ready_path="/ready",
        log=tmp_path / "server.log",
    )


def _gone(pid: int) -> bool:
    """Whether a process has exited (a zombie not yet reaped by init counts as gone)."""
    status = Path(f"/proc/{pid}/status")
    try:
        return "\nState:\tZ" in status.read_text(encoding="utf-8")
    except FileNotFoundError:
        return True


def test_a_server_that_exits_fails_with_its_log(tmp_path: Path) -> None:
    server = _python(tmp_path, "print('port already in use'); raise SystemExit(3)")
    try:
        with pytest.raises(ServerError, match="exited with code 3") as info:
            wait_ready(server, timeout=30)
    finally:
        stop(server.process)
    assert "port already in use" in str(info.value)


def test_a_server_that_never_gets_ready_times_out_with_its_log(tmp_path: Path) -> None:
    [port] = processes.free_ports(1)
    code = "import time; print('loading the model'); time.sleep(60)"
    server = _python(tmp_path, code, url=f"http://127.0.0.1:{port}")
    began = time.monotonic()
    try:
        with pytest.raises(ServerError, match="was not ready") as info:
            wait_ready(server, timeout=1)
    finally:
        stop(server.process)
    assert time.monotonic() - began < 10
    assert "loading the model" in str(info.value)
    assert server.process.returncode is not None


def test_stopping_a_server_ends_its_whole_process_group(tmp_path: Path) -> None:
    """A child that ignores SIGTERM (as a stuck worker would) is killed with the group."""
    # the child says "ignoring" (into the same log) only once its SIGTERM handler is in place
    child = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "print('ignoring', flush=True); time.sleep(60)"
    )
    code = (
        "import subprocess, sys, time\n"
        f"child = subprocess.Popen([sys.executable, '-c', {child!r}])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    server = _python(tmp_path, code)
    deadline = time.monotonic() + 60
    while "ignoring" not in server.log.read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, server.log.read_text(encoding="utf-8")
        time.sleep(0.05)
    child_pid = int(server.log.read_text(encoding="utf-8").split()[0])

    stop(server.process)

    assert server.process.returncode is not None
    deadline = time.monotonic() + 30
    while not _gone(child_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(child_pid)
