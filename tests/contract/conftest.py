"""The real model servers, one per protocol, started once per test session on free ports of
127.0.0.1 with models the fixtures make (see SERVERS.md in the design notes):

- ``mlserver``: MLServer 1.7 serving the iris classifier as ``iris`` (oip-v2)
- ``mlflow_server``: ``mlflow models serve`` with the same classifier as an MLflow model
- ``llama_server``: llama-cpp-python's OpenAI-compatible server with a tiny GGUF
- ``llama_embed_server``: the same server with ``--embedding`` (rag-service's two bindings),
  started on its own when a test asks for it

Each runs from its own cached virtual environment (envs.py). The first test that needs any
of them starts all three at once: their start-up is mostly imports, and overlapping them
halves the wait. A server that cannot be built or started fails only the tests that use it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.contract import envs
from tests.contract.processes import (
    Server,
    ServerError,
    Starting,
    free_ports,
    start,
    stop,
    venv_env,
    wait_ready,
)

MODELS = Path(__file__).with_name("models")
MODEL_TIMEOUT = 300


def _end(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()


def _model_command(name: str, venv: Path, root: Path) -> list[str]:
    """The script (run with the server environment's Python) that makes the server's model."""
    python = str(venv / "bin" / "python")
    if name == "llama":
        return [python, str(MODELS / "tiny_gguf.py"), str(root / "tiny.gguf")]
    target = "models" if name == "mlserver" else "model"
    return [python, str(MODELS / "iris.py"), name, str(root / target)]


def _start(name: str, venv: Path, root: Path) -> Starting:
    log = root / "server.log"
    if name == "mlserver":
        http, grpc, metrics = free_ports(3)
        env = venv_env(
            venv,
            MLSERVER_HOST="127.0.0.1",
            MLSERVER_HTTP_PORT=str(http),
            MLSERVER_GRPC_PORT=str(grpc),
            MLSERVER_METRICS_PORT=str(metrics),
            # With the default worker pool uvloop 0.23 kills the worker and the server exits.
            MLSERVER_PARALLEL_WORKERS="0",
        )
        args = [str(venv / "bin" / "mlserver"), "start", str(root / "models")]
        url, ready = f"http://127.0.0.1:{http}", "/v2/models/iris/ready"
    elif name == "mlflow":
        [port] = free_ports(1)
        env = venv_env(venv, MLFLOW_TRACKING_URI=(root / "mlruns").as_uri())
        args = [str(venv / "bin" / "mlflow"), "models", "serve", "-m", str(root / "model")]
        args += ["--env-manager", "local", "-h", "127.0.0.1", "-p", str(port), "-w", "1"]
        url, ready = f"http://127.0.0.1:{port}", "/ping"
    else:
        [port] = free_ports(1)
        env = venv_env(venv)
        args = [str(venv / "bin" / "python"), "-m", "llama_cpp.server"]
        args += ["--model", str(root / "tiny.gguf"), "--model_alias", "tiny-llama"]
        args += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "512", "--n_threads", "2"]
        url, ready = f"http://127.0.0.1:{port}", "/v1/models"
    return start(name, args, env=env, url=url, ready_path=ready, log=log, cwd=root)


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server | str]]:
    """Every server by name, or why it is not running."""
    outcome: dict[str, Server | str] = {}
    venvs: dict[str, Path] = {}
    for name in envs.SERVERS:
        try:
            venvs[name] = envs.ensure(name)
        except envs.BuildError as exc:
            outcome[name] = f"could not build the {name} server environment: {exc}"
    roots = {name: tmp_path_factory.mktemp(name) for name in venvs}
    with ExitStack() as stack:
        makers = {}
        for name, venv in venvs.items():
            makers[name] = subprocess.Popen(
                _model_command(name, venv, roots[name]),
                env=venv_env(venv),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            stack.callback(_end, makers[name])
        starting: dict[str, Starting] = {}
        for name, maker in makers.items():
            try:
                output, _ = maker.communicate(timeout=MODEL_TIMEOUT)
            except subprocess.TimeoutExpired:
                _end(maker)
                output = f"(no result after {MODEL_TIMEOUT} s)"
            if maker.returncode != 0:
                outcome[name] = f"making the {name} model failed:\n{output}"
                continue
            starting[name] = _start(name, venvs[name], roots[name])
            stack.callback(stop, starting[name].process)
        for name, server in starting.items():
            try:
                outcome[name] = wait_ready(server)
            except ServerError as exc:
                outcome[name] = str(exc)
        yield outcome


def _server(servers: dict[str, Server | str], name: str) -> Server:
    server = servers[name]
    if isinstance(server, str):
        pytest.fail(server, pytrace=False)
    return server


@pytest.fixture(scope="session")
def mlserver(servers: dict[str, Server | str]) -> Server:
    return _server(servers, "mlserver")


@pytest.fixture(scope="session")
def mlflow_server(servers: dict[str, Server | str]) -> Server:
    return _server(servers, "mlflow")


@pytest.fixture(scope="session")
def llama_server(servers: dict[str, Server | str]) -> Server:
    return _server(servers, "llama")


@pytest.fixture(scope="session")
def llama_embed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """llama-cpp-python's server with --embedding and the tiny GGUF with mean pooling: one
    vector per input from /v1/embeddings, and "Hello world!" from chat (rag-service binds
    both to it). Started on its own: the other servers' tests do not wait for it."""
    try:
        venv = envs.ensure("llama")
    except envs.BuildError as exc:
        pytest.fail(f"could not build the llama server environment: {exc}", pytrace=False)
    root = tmp_path_factory.mktemp("embed")
    python = str(venv / "bin" / "python")
    made = subprocess.run(
        [python, str(MODELS / "tiny_gguf.py"), str(root / "tiny-embed.gguf"), "--embedding"],
        env=venv_env(venv),
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    [port] = free_ports(1)
    args = [python, "-m", "llama_cpp.server", "--model", str(root / "tiny-embed.gguf")]
    args += ["--model_alias", "tiny-embed", "--embedding", "true", "--host", "127.0.0.1"]
    # a prompt holds the system prompt and TOP_K chunks, spelled mostly byte by byte
    args += ["--port", str(port), "--n_ctx", "2048", "--n_threads", "2"]
    url = f"http://127.0.0.1:{port}"
    starting = start(
        "llama-embed",
        args,
        env=venv_env(venv),
        url=url,
        ready_path="/v1/models",
        log=root / "server.log",
        cwd=root,
    )
    try:
        yield wait_ready(starting)
    finally:
        stop(starting.process)
