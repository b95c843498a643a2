"""The model servers' virtual environments: built from the pinned requirement files in
``servers/``, cached in the repository's ``.cache/servers`` and rebuilt only when a pin changes.

Each environment lives in ``<name>-<hash>``, where the hash covers the requirement file and the
Python version. A venv cannot be moved after it is built (its scripts name their interpreter by
absolute path), so it is built in place and counts as ready only once the ``.ready`` marker is
written, last; a folder without it is the leftover of a failed or interrupted build and is
built again. A file lock keeps two pytest runs from building the same environment at once.

Packages with no wheel on PyPI (llama-cpp-python compiles llama.cpp for minutes) are built once
with ``pip wheel`` into ``wheels/`` and installed from there, so that a change to the other pins
does not compile them again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock

REPO = Path(__file__).resolve().parents[2]
REQUIREMENTS = Path(__file__).with_name("servers")
CACHE = REPO / ".cache" / "servers"
READY = ".ready"
# Bounded waits: the llama.cpp compile takes 6-7 minutes on two cores.
BUILD_TIMEOUT = 30 * 60
LOCK_TIMEOUT = BUILD_TIMEOUT + 60


class BuildError(RuntimeError):
    """An environment could not be built; the message ends with pip's output."""


@dataclass(frozen=True)
class ServerEnv:
    name: str
    compiled: tuple[str, ...] = ()
    """Requirements (by package name) to build as wheels once and reuse."""
    build_env: dict[str, str] = field(default_factory=dict)
    """Extra environment for building the compiled wheels."""

    @property
    def requirements(self) -> Path:
        return REQUIREMENTS / f"{self.name}.txt"

    def pins(self) -> list[str]:
        lines = self.requirements.read_text(encoding="utf-8").splitlines()
        return [line.strip() for line in lines if line.strip() and not line.startswith("#")]

    def key(self, text: str) -> str:
        """A short hash of ``text`` and the interpreter the environment is built for."""
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        return hashlib.sha256(f"{version}\n{text}".encode()).hexdigest()[:12]

    @property
    def path(self) -> Path:
        return CACHE / f"{self.name}-{self.key(self.requirements.read_text(encoding='utf-8'))}"

    def compiled_pins(self) -> list[str]:
        names = {name.lower() for name in self.compiled}
        return [pin for pin in self.pins() if _package(pin) in names]

    @property
    def wheels(self) -> Path:
        return CACHE / "wheels" / f"{self.name}-{self.key(chr(10).join(self.compiled_pins()))}"


SERVERS = {
    "mlserver": ServerEnv("mlserver"),
    "mlflow": ServerEnv("mlflow"),
    "llama": ServerEnv(
        "llama",
        compiled=("llama-cpp-python",),
        # The multimodal (llava) part is not needed and costs a minute of compiling.
        build_env={"CMAKE_ARGS": "-DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF"},
    ),
}


def _package(pin: str) -> str:
    name = pin.split("==")[0].split("[")[0].strip()
    return name.lower().replace("_", "-")


def _run(args: list[str], log: Path, env: dict[str, str] | None = None) -> None:
    """Run a build step, its output appended to ``log``; BuildError with the log's tail."""
    with log.open("a", encoding="utf-8") as out:
        out.write(f"\n$ {' '.join(args)}\n")
        out.flush()
        try:
            result = subprocess.run(
                args,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                timeout=BUILD_TIMEOUT,
                check=False,
            )
            failed = result.returncode != 0
        except subprocess.TimeoutExpired:
            failed = True
    if failed:
        tail = log.read_text(encoding="utf-8", errors="replace")[-6000:]
        raise BuildError(f"{' '.join(args[:4])} ... failed (full log: {log}):\n{tail}")


def _build_wheels(server: ServerEnv, log: Path) -> None:
    if server.wheels.is_dir() and (server.wheels / READY).is_file():
        return
    shutil.rmtree(server.wheels, ignore_errors=True)
    server.wheels.mkdir(parents=True)
    env = {**os.environ, **server.build_env}
    env.setdefault("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 2))
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(server.wheels)]
    _run([*pip, *server.compiled_pins()], log, env)
    (server.wheels / READY).write_text(time.strftime("%Y-%m-%dT%H:%M:%S\n"), encoding="utf-8")


def _build(server: ServerEnv, log: Path) -> None:
    path = server.path
    shutil.rmtree(path, ignore_errors=True)
    if server.compiled:
        _build_wheels(server, log)
    _run([sys.executable, "-m", "venv", str(path)], log)
    pip = [str(path / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    if server.compiled:
        # From the cached wheels only: never fall back to compiling the sdist again.
        pip += ["--find-links", str(server.wheels), "--only-binary", ",".join(server.compiled)]
    _run([*pip, "--requirement", str(server.requirements)], log)
    (path / READY).write_text(time.strftime("%Y-%m-%dT%H:%M:%S\n"), encoding="utf-8")


def _remove_stale(server: ServerEnv) -> None:
    """Environments built from earlier pins (about 500 MB each) are not kept."""
    for other in CACHE.glob(f"{server.name}-*"):
        if other.is_dir() and other != server.path:
            shutil.rmtree(other, ignore_errors=True)


def ensure(name: str) -> Path:
    """The ready environment for server ``name``, built first if needed."""
    server = SERVERS[name]
    if (server.path / READY).is_file():
        return server.path
    CACHE.mkdir(parents=True, exist_ok=True)
    with FileLock(str(CACHE / f"{name}.lock"), timeout=LOCK_TIMEOUT):
        # Another run may have built it while this one waited for the lock.
        if not (server.path / READY).is_file():
            log = CACHE / f"{name}.log"
            log.write_text(f"building {server.path.name}\n", encoding="utf-8")
            _build(server, log)
            _remove_stale(server)
    return server.path
