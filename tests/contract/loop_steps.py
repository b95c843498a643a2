"""The pieces of the training-to-serving loop test: an MLflow tracking server (idp's own venv:
the full `mlflow` package, a sqlite store), `mlflow models serve` of a registered version (the
mlflow-invocations server environment, envs.py, reading the model from that tracking server),
and commands run as a user would run them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.contract import envs
from tests.contract.processes import Server, Starting, free_ports, start, stop, venv_env, wait_ready

# MLflow reports usage to the internet unless told not to; tests use no network.
QUIET = {"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}
COMMAND_TIMEOUT = 300  # seconds: a training step imports MLflow and scikit-learn on a busy machine
IDP = (sys.executable, "-m", "idp_cli")


def base_env() -> dict[str, str]:
    """The test's environment (tests/conftest.py isolates HOME, idp's config and git's), no
    proxy and no MLflow telemetry."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "PYTEST_"))}
    return {**env, **QUIET, "NO_PROXY": "127.0.0.1,localhost"}


def run(*args: str | Path, cwd: Path, env: dict[str, str], ok: int = 0) -> str:
    """Run a command; its stdout, or a failure showing both streams."""
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    assert done.returncode == ok, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def commit(folder: Path, env: dict[str, str], message: str) -> None:
    run("git", "add", "-A", cwd=folder, env=env)
    run("git", "commit", "-qm", message, cwd=folder, env=env)


def start_tracking(folder: Path) -> Starting:
    """`mlflow server` on a sqlite store in `folder`, artifacts proxied (served to clients
    over HTTP), on a free loopback port; not waited for (it takes ~15-20 s to answer)."""
    env = {
        **base_env(),
        # the server's background job runner is not needed, and outlives a SIGTERM for seconds
        "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
    }
    [port] = free_ports(1)
    args = [sys.executable, "-m", "mlflow", "server"]
    args += ["--backend-store-uri", f"sqlite:///{folder / 'mlflow.db'}"]
    args += ["--artifacts-destination", str(folder / "artifacts"), "--host", "127.0.0.1"]
    args += ["--port", str(port), "--workers", "1"]
    url = f"http://127.0.0.1:{port}"
    return start(
        "mlflow server", args, env=env, url=url, ready_path="/health",
        log=folder / "server.log", cwd=folder,
    )  # fmt: skip


@contextmanager
def tracking_server(folder: Path) -> Iterator[Starting]:
    starting = start_tracking(folder)
    try:
        yield starting
    finally:
        stop(starting.process)


def start_serving(model_uri: str, tracking_uri: str, folder: Path) -> Starting:
    """`mlflow models serve -m models:/NAME/VERSION` from the mlflow-invocations server
    environment (mlflow-skinny, scikit-learn, pandas), the model downloaded from the tracking
    server; not waited for."""
    venv = envs.ensure("mlflow")
    folder.mkdir(parents=True, exist_ok=True)
    [port] = free_ports(1)
    env = venv_env(venv, MLFLOW_TRACKING_URI=tracking_uri, **QUIET)
    args = [str(venv / "bin" / "mlflow"), "models", "serve", "-m", model_uri]
    args += ["--env-manager", "local", "-h", "127.0.0.1", "-p", str(port), "-w", "1"]
    return start(
        f"mlflow models serve {model_uri}", args, env=env, url=f"http://127.0.0.1:{port}",
        ready_path="/ping", log=folder / "serve.log", cwd=folder,
    )  # fmt: skip


@contextmanager
def serving(starting: Starting) -> Iterator[Server]:
    """The started server once it answers; stopped (its whole process group) after."""
    try:
        yield wait_ready(starting, timeout=120)
    finally:
        stop(starting.process)
