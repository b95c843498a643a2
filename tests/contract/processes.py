"""Model servers as child processes: a free port, bounded readiness polling, the server's log
in every failure, and teardown of the whole process group (the MLflow CLI runs uvicorn as a
child, MLServer its own workers)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

POLL_INTERVAL = 0.1
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class Server:
    name: str
    url: str
    """The base URL, e.g. ``http://127.0.0.1:40123``."""
    log: Path


def free_ports(count: int) -> list[int]:
    """Ports of 127.0.0.1 free right now, all different (the sockets are held until each has
    one, so the kernel cannot hand out the same port twice)."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def venv_env(venv: Path, **extra: str) -> dict[str, str]:
    """The environment a server runs in: its venv's ``bin`` first on PATH (the MLflow CLI
    execs ``uvicorn`` from there), no proxy, nothing of idp's own venv."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k.upper() not in {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "VIRTUAL_ENV", "PYTHONPATH"}
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["NO_PROXY"] = "127.0.0.1,localhost"
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def _log_text(log: Path) -> str:
    text = log.read_text(encoding="utf-8", errors="replace")
    return text[-8000:] or "(the server wrote nothing)"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1.0) as response:  # noqa: S310 (a local URL)
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group, SIGKILL it after STOP_TIMEOUT."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_TIMEOUT)
    # Children may outlive the leader (or ignore SIGTERM): kill whatever is left of the group.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=STOP_TIMEOUT)


class ServerError(Exception):
    """A server exited or did not get ready; the message holds its log."""


@dataclass(frozen=True)
class Starting:
    """A server process started and not yet known to be ready."""

    name: str
    process: subprocess.Popen[bytes]
    url: str
    ready_path: str
    log: Path
    started: float = field(default_factory=time.monotonic)


def start(
    name: str,
    args: Sequence[str],
    *,
    env: dict[str, str],
    url: str,
    ready_path: str,
    log: Path,
    cwd: Path | None = None,
) -> Starting:
    """Start a server in its own process group, its output going to ``log``."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            list(args),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
    return Starting(name, process, url, ready_path, log)


def wait_ready(server: Starting, timeout: float = READY_TIMEOUT) -> Server:
    """Poll until ``url + ready_path`` answers 200; ServerError if the server exits or is not
    ready ``timeout`` seconds after it started (the caller still stops it)."""
    deadline = server.started + timeout
    while not _answers(server.url + server.ready_path):
        if server.process.poll() is not None:
            raise ServerError(
                f"{server.name} exited with code {server.process.returncode} before it was "
                f"ready; its log ({server.log}):\n{_log_text(server.log)}"
            )
        if time.monotonic() > deadline:
            raise ServerError(
                f"{server.name} was not ready at {server.url}{server.ready_path} after "
                f"{timeout:.0f} s; its log ({server.log}):\n{_log_text(server.log)}"
            )
        time.sleep(POLL_INTERVAL)
    return Server(server.name, server.url, server.log)
