"""`idp doctor` in a generated project against `idp check` in the same project, its nearest
baseline: doctor does check's work for each binding, and reads the catalog summary, the config
file, the size of the cache and git's version besides.

    python benchmarks/doctor_bench.py [--runs N] [--quick]

Every command runs as a fresh process, interleaved with its baseline; medians are compared.
Target: `idp doctor` at most 1.5x `idp check`. Exit 1 when the target fails.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import bench_env

BIN = Path(sys.executable).parent
TARGET = 1.5


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    return bench_env.timed(cmd, env, cwd)


def main() -> int:
    runs = bench_env.runs(__doc__.splitlines()[0])
    work = Path(tempfile.mkdtemp(prefix="idp-doctor-bench-"))
    env = bench_env.isolated_env(work)
    idp = str(BIN / "idp")
    try:
        project = work / "churn"
        subprocess.run(
            [idp, "new", str(project), "--template", "prediction-service",
             "--model", "acme/churn-classifier", "--defaults"],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "Generate"]):
            subprocess.run(["git", *args], check=True, env=env, cwd=project, capture_output=True)
        # one warm-up each: the bundled template's snapshot and the catalog cache are made once
        run([idp, "check", "-o", "json"], env, project)
        run([idp, "doctor", "-o", "json"], env, project)
        check, doctor = [], []
        for _ in range(runs):
            check.append(run([idp, "check", "-o", "json"], env, project))
            doctor.append(run([idp, "doctor", "-o", "json"], env, project))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ok = bench_env.compare(
        ("idp check, one binding (baseline)", check),
        ("idp doctor in the same project", doctor),
        TARGET,
        "idp doctor / idp check",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
