"""Running the Tekton steps' scripts of a generated project (test_tekton_steps_run.py,
test_tekton_update_e2e.py): the recording stand-ins for what the images provide around
Python (apt-get, buildah, pip's installs, idp), a bare repository as the forge's remote."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.templates.ci_projects import Project
from tests.templates.contract import offline_env
from tests.templates.fake_ci_tools import FAKE_GIT, FAKE_IDP
from tests.templates.predictive_helpers import SECRET

# Records its arguments; `-m venv DIR` makes DIR/bin/python (itself); `-m pip` does nothing
# more; anything else is the real Python (the update step's forge call).
FAKE_PYTHON = """#!/bin/sh
case "$1 $2" in
  "-m venv") printf '%s\\n' "$*" >> "$FAKE_LOG/python"; mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; exit 0 ;;
  "-m pip") printf '%s\\n' "$0 $*" >> "$FAKE_LOG/python"; exit 0 ;;
esac
exec {python} "$@"
"""
RECORDER = '#!/bin/sh\nprintf "%s\\n" "$*" >> "$FAKE_LOG/{name}"\n'


@dataclass
class Run:
    code: int
    output: str
    logs: Path

    def log(self, name: str) -> list[str]:
        path = self.logs / name
        return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def executable(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def remote(project: Project, tmp_path: Path) -> tuple[Path, str]:
    """The generated project committed, as a bare repository (the forge's); its commit."""
    work = tmp_path / "committed"
    shutil.copytree(project.path, work)
    git(work, "init", "--quiet", "--initial-branch=main")
    git(work, "add", "--all")
    git(work, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "new")
    bare = tmp_path / "server" / "team" / "app.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(work), str(bare))
    return bare, git(work, "rev-parse", "HEAD")


def run_step(
    step: dict[str, Any],
    cwd: Path,
    tmp_path: Path,
    env: dict[str, str],
    *,
    fake_idp: bool = True,
) -> Run:
    """Run one step's script as Tekton runs it: an executable file (its `#!` line), the
    step's env, then `env`; stand-ins first on PATH, then the test venv for the image's
    Python. `fake_idp=False`: the real idp of the test venv."""
    bin_dir, logs = tmp_path / "bin", tmp_path / "logs"
    if not bin_dir.exists():
        bin_dir.mkdir()
        logs.mkdir()
        executable(bin_dir / "python", FAKE_PYTHON.format(python=sys.executable))
        if fake_idp:
            executable(bin_dir / "idp", FAKE_IDP)
        for tool in ("apt-get", "buildah"):
            executable(bin_dir / tool, RECORDER.format(name=tool))
        real_git = shutil.which("git")
        assert real_git
        executable(bin_dir / "git", FAKE_GIT.format(python=sys.executable, git=real_git))
    base = {
        k: v
        for k, v in offline_env(SECRET).items()
        if not k.startswith(("GIT_", "IDP_", "PIP_", "VIRTUAL_ENV")) and "PROXY" not in k
    }
    script = executable(tmp_path / f"step-{step['name']}", step["script"])
    assert step["script"].startswith("#!/bin/sh\nset -eu\n"), "Tekton runs it by its #! line"
    full = {
        **base,
        **{k: v for k, v in step["env"].items() if k != "PATH"},
        "HOME": str(tmp_path / "home"),
        "PATH": f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}/usr/bin:/bin",
        "GIT_CONFIG_NOSYSTEM": "1",
        "FAKE_LOG": str(logs),
        **env,
    }
    (tmp_path / "home").mkdir(exist_ok=True)
    done = subprocess.run(
        [str(script)], cwd=cwd, env=full, capture_output=True, text=True, timeout=600
    )
    return Run(done.returncode, done.stdout + done.stderr, logs)
