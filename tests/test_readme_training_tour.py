"""The README's training loop is real: its commands run in order, in a folder with a clone of
the bundled catalog, the training project's package importable as its `pip install -e` would
make it, and MLflow's local store. Each command exits 0 unless its comment says `# exit N:
TEXT`, and then TEXT is in what it printed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
MARK = "@@idp-training-tour@@"
EXPECTED = re.compile(r"#\s*exit (\d+): (.+)$")


def commands() -> list[str]:
    """The commands of the sh block under "## The training loop", continuations joined."""
    section = README.read_text(encoding="utf-8").split("\n## The training loop\n", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None, "the training loop section has a sh block"
    joined = block.group(1).replace("\\\n", " ")
    return [line for line in joined.splitlines() if line.strip() and not line.startswith("#")]


def _expected(command: str) -> tuple[int, str]:
    found = EXPECTED.search(command)
    return (int(found.group(1)), found.group(2).strip()) if found else (0, "")


def test_the_readme_block_has_the_loops_steps() -> None:
    text = "\n".join(commands())
    for step in ("add-feature", " train", " evaluate", " register", "--from-mlflow",
                 "--deprecates", "idp check", "idp update --latest"):  # fmt: skip
        assert step in text


@pytest.mark.slow
def test_the_training_loop_in_the_readme_runs(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    shutil.copy(ROOT / "catalog.yaml", catalog / "catalog.yaml")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "The catalog"]):
        subprocess.run(["git", *args], cwd=catalog, check=True, timeout=60)
    steps = commands()
    script = "\n".join(f"echo '{MARK}'\n{command}\necho \"status=$?\"" for command in steps)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "PYTEST_"))}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        PYTHONPATH=str(tmp_path / "churn-training" / "src"),
        NO_COLOR="1",
        COLUMNS="200",
        MLFLOW_DISABLE_TELEMETRY="true",
        DO_NOT_TRACK="true",
    )
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=900, check=False)  # fmt: skip
    outputs = done.stdout.split(f"{MARK}\n")[1:]
    assert len(outputs) == len(steps), done.stdout + done.stderr
    for command, output in zip(steps, outputs, strict=True):
        status, text = _expected(command)
        printed, _, code = output.rstrip("\n").rpartition("status=")
        assert int(code) == status, f"{command}\n{printed}\n{done.stderr}"
        assert text in " ".join(printed.split()), f"{command}: no {text!r} in\n{printed}"
    answers = yaml.safe_load((tmp_path / "churn-api" / ".copier-answers.yml").read_text())
    assert answers["model_ref"] == "acme/churn-classifier@5.0.0"
