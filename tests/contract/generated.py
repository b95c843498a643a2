"""Generated projects pointed at the live servers: `idp new` with the contract catalog, and the
project's own code run in a subprocess with idp's interpreter (which has the generated
projects' dependencies) and the project's ``src`` on PYTHONPATH."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.contract.models import iris
from tests.contract.processes import Server
from tests.templates.predictive_helpers import idp, isolated

REPO = Path(__file__).resolve().parents[2]
CATALOG = Path(__file__).with_name("catalog.yaml")
COLUMNS = tuple(iris.COLUMNS)
KNOWN_ROWS = [dict(zip(COLUMNS, row, strict=True)) for row in iris.KNOWN_ROWS]
KNOWN_SPECIES = iris.KNOWN_PREDICTIONS
"""What the iris classifier answers for KNOWN_ROWS."""


@dataclass(frozen=True)
class Project:
    path: Path

    @property
    def package(self) -> str:
        return self.path.name.replace("-", "_")


def generate(dest: Path, template: str, model: str, **data: str) -> Project:
    """`idp new DEST -t TEMPLATE -m MODEL --catalog <contract catalog> --defaults`."""
    args: list[str | Path] = ["new", dest, "-t", template, "-m", model, "--catalog", CATALOG]
    args += [f"--data={key}={value}" for key, value in data.items()]
    with isolated(dest.parent / "home"):
        result = idp(*args, "--defaults", "-o", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["model"] == model
    return Project(dest)


def project_env(project: Project, server: Server, **settings: str) -> dict[str, str]:
    """The generated code's environment: the live server as MODEL_ENDPOINT, short waits
    between retries, and no setting or proxy of the machine's."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MODEL_", "PYTEST_"))
        and k.upper() not in {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"}
    }
    env.update(
        PYTHONPATH=os.pathsep.join([str(project.path / "src"), str(REPO)]),
        PYTHONDONTWRITEBYTECODE="1",
        NO_PROXY="127.0.0.1,localhost",
        MODEL_ENDPOINT=server.url,
        # Not 0: MLServer drops the connection after a 500, and a retry sent at once can
        # race that close and fail as "connection reset" instead of with the server's answer.
        MODEL_RETRY_BACKOFF="0.1",
    )
    env.update(settings)
    return env


def run(
    project: Project, args: list[str], env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` with idp's interpreter, in the project's folder."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=project.path,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def probe(project: Project, name: str, argument: str, env: dict[str, str]) -> dict[str, Any]:
    """Run ``probes/NAME.py`` on the project; what it printed, parsed."""
    result = run(project, ["-m", f"tests.contract.probes.{name}", project.package, argument], env)
    assert result.returncode == 0, f"probe {name} failed:\n{result.stdout}\n{result.stderr}"
    results: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return results


def error(result: dict[str, Any]) -> dict[str, Any]:
    """The error an outcome holds; fails with what it gave instead."""
    assert "error" in result, f"expected an error, got {result}"
    details: dict[str, Any] = result["error"]
    return details
