"""`idp remove --binding NAME` against the one render it needs: `copier.run_copy` of the
binding's recorded template version (its git snapshot at its tag) with its recorded answers.

    python benchmarks/remove_bench.py [--runs N] [--quick]

Each run removes the binding from its own copy of a small git project holding one `idp add`
binding (all made before the timing starts), interleaved with the baseline rendering into an
empty folder; medians are compared. Target: at most 1.4x (idp's start-up, reading the answers,
`git status` and comparing every file against the render). Exit 1 when the target fails, 2 when
the runs are not comparable.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import bench_env
from add_bench import BIN, MODELS, files, git, ratio_line, run, small_project

TARGET = 1.4
ANSWERS_FILE = ".copier-answers.churn.yml"

# What `idp remove` renders: the recorded template version, from git, with the recorded answers.
BASELINE = """
import json, sys, warnings
import copier
from copier.errors import CopierWarning
from plumbum import local
from idp_cli.templates import snapshots
warnings.simplefilter("ignore", CopierWarning)
recorded = json.load(open(sys.argv[3]))
with local.env(**snapshots.git_env(local.env.getdict())):
    copier.run_copy(recorded["_src_path"], sys.argv[1], vcs_ref=recorded["_commit"],
                    data={k: v for k, v in recorded.items() if k[0] != "_"},
                    answers_file=sys.argv[2], defaults=True, unsafe=True, quiet=True,
                    overwrite=True)
"""


def main() -> int:
    runs = bench_env.runs(__doc__.splitlines()[0])
    work = Path(tempfile.mkdtemp(prefix="idp-remove-bench-"))
    env = bench_env.isolated_env(work)
    idp = str(BIN / "idp")
    add = [idp, "add", "--model", MODELS[0], "--as", "churn", "--defaults"]
    try:
        projects = []
        for i in range(runs):
            project = small_project(work / f"idp-{i}", env)
            subprocess.run(add, check=True, env=env, cwd=project, capture_output=True)
            git(project, env, "add", "-A")
            git(project, env, "commit", "-qm", "bind churn")
            projects.append(project)
        import yaml

        recorded = yaml.safe_load((projects[0] / ANSWERS_FILE).read_text())
        answers = work / "answers.json"
        answers.write_text(json.dumps(recorded))
        bound = set(files(projects[0])) - set(files(small_project(work / "bare", env)))

        remove_times, render_times = [], []
        for i in range(runs):
            remove = [idp, "remove", "--binding", "churn"]
            remove_times.append(run(remove, env, cwd=projects[i]))
            render = [sys.executable, "-c", BASELINE, str(work / f"render-{i}"), ANSWERS_FILE]
            render_times.append(run([*render, str(answers)], env))
        left = set(files(projects[0])) & bound
        if set(files(work / "render-0")) != bound or left:
            print("idp remove left files, or the render differs from what idp add wrote; void")
            return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)

    medians = {
        "copier.run_copy of the recorded version (baseline)": statistics.median(render_times),
        "idp remove --binding churn": statistics.median(remove_times),
    }
    print(f"{'measure':52} {'median':>9}")
    for label, value in medians.items():
        print(f"{label:52} {value:8.3f}s")
    text, ok = ratio_line(
        "idp remove / run_copy",
        medians["idp remove --binding churn"],
        medians["copier.run_copy of the recorded version (baseline)"],
        TARGET,
    )
    print(f"{text}   [{runs} runs each, interleaved]")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
