"""A real MLflow registry for the importer tests: `mlflow server` on a sqlite store in a
temporary folder, on a free loopback port (bounded start-up wait, the process group stopped
after), with the models of log_models.py logged into it once per session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.contract import processes

# MLflow reports usage to the internet unless told not to; tests use no network.
QUIET = {"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}
LOG_TIMEOUT = 300  # seconds for log_models.py: imports and two sklearn fits on a busy machine


@dataclass(frozen=True)
class Registry:
    store: str  # sqlite:///...: read through the mlflow package
    server: str  # http://127.0.0.1:PORT: read over the REST API
    run_id: str  # the run of churn version 1


@pytest.fixture(scope="session")
def mlflow_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    folder = tmp_path_factory.mktemp("mlflow")
    store = f"sqlite:///{folder / 'mlflow.db'}"
    # the server's background job runner is not needed, and outlives a SIGTERM for seconds
    env = {
        **os.environ,
        **QUIET,
        "NO_PROXY": "127.0.0.1,localhost",
        "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
    }
    env.pop("MLFLOW_TRACKING_URI", None)
    [port] = processes.free_ports(1)
    url = f"http://127.0.0.1:{port}"
    starting = processes.start(
        "mlflow server",
        [sys.executable, "-m", "mlflow", "server", "--backend-store-uri", store,
         "--artifacts-destination", str(folder / "served"), "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1"],
        env=env,
        url=url,
        ready_path="/health",
        log=folder / "server.log",
        cwd=folder,
    )  # fmt: skip
    try:
        processes.wait_ready(starting, timeout=120)
        local = folder / "local-artifacts"
        local.mkdir()
        logged = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).with_name("log_models.py")),
                store,
                str(local),
                url,
            ],
            env=env,
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=LOG_TIMEOUT,
            check=False,
        )
        assert logged.returncode == 0, logged.stdout + logged.stderr
        facts = json.loads((local / "facts.json").read_text())
        yield Registry(store, url, facts["run"])
    finally:
        processes.stop(starting.process)


@pytest.fixture(autouse=True)
def _quiet_mlflow(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in QUIET.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
