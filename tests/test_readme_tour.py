"""The README's check/update tour is real output: replay it and compare, line for line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
MARK = "@@idp-tour-command@@"


def tour_block() -> str:
    blocks: list[str] = re.findall(
        r"```console\n(.*?)```", README.read_text(encoding="utf-8"), re.S
    )
    chosen = [b for b in blocks if "$ idp check" in b]
    assert len(chosen) == 1, "the README has one console block touring check and update"
    return chosen[0]


def split(block: str) -> list[tuple[str, list[str]]]:
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return steps


@pytest.mark.slow
def test_the_check_and_update_tour_prints_what_the_readme_shows(tmp_path: Path) -> None:
    steps = split(tour_block())
    script = "\n".join(f"echo '{MARK}'\n{command}" for command, _ in steps)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "NO_COLOR": "1",
        "COLUMNS": "120",
    }
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    outputs = done.stdout.split(f"{MARK}\n")[1:]
    assert len(outputs) == len(steps), done.stderr
    for (command, expected), actual in zip(steps, outputs, strict=True):
        assert actual.splitlines() == expected, command
