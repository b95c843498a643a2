"""`idp check` and `idp update` against Copier's own commands on the same generated project.

    python benchmarks/update_bench.py [--runs N] [--quick]

A copy of the bundled chat-service template is released as v1 in a git repository in a
temporary folder; a project is generated from v1 with `idp new` and committed; v2 changes the
README and adds a file. Then, in interleaved rounds, as fresh processes:

| measure | idp | baseline | target |
|---|---|---|---|
| is the project out of date? | `idp check` | `copier check-update` | <= 0.5x |
| update when nothing changed (project at v2) | `idp update` | `copier update --defaults` | <= 0.25x |
| update v1 -> v2 | `idp update` | `copier update --defaults` | <= 1.2x |

Between update runs the project is reset to its commit (untimed). Exit 1 when a target fails,
2 when the two tools disagree on the result.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import bench_env

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MODEL = "meta-llama/llama-3.1-8b-instruct"
TARGETS = {"check": 0.5, "update, nothing changed": 0.25, "update v1 -> v2": 1.2}


def run(cmd: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr}")
    return elapsed


def git(cwd: Path, env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def files(project: Path) -> dict[str, bytes]:
    return {
        p.relative_to(project).as_posix(): p.read_bytes()
        for p in sorted(project.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(project).parts
    }


def measure(
    runs: int, pair: tuple[Callable[[], float], Callable[[], float]]
) -> tuple[list[float], list[float]]:
    ours: list[float] = []
    theirs: list[float] = []
    for i in range(runs):
        # alternate which goes first, so a burst of load does not always land on one side
        first, second = (pair[0], pair[1]) if i % 2 == 0 else (pair[1], pair[0])
        a, b = first(), second()
        ours.append(a if i % 2 == 0 else b)
        theirs.append(b if i % 2 == 0 else a)
    return ours, theirs


def main() -> int:
    runs = bench_env.runs(__doc__.splitlines()[0])

    work = Path(tempfile.mkdtemp(prefix="idp-update-bench-"))
    env = bench_env.isolated_env(work)
    idp, copier = str(BIN / "idp"), str(BIN / "copier")
    results: dict[str, tuple[list[float], list[float]]] = {}
    try:
        template = work / "chat-service"
        shutil.copytree(REPO / "templates" / "chat-service", template)
        git(template, env, "init", "-q", "-b", "main")
        git(template, env, "add", "-A")
        git(template, env, "commit", "-qm", "v1")
        git(template, env, "tag", "v1")
        project = work / "project"
        run(
            [idp, "new", str(project), "-t", f"file://{template}", "-m", MODEL, "--defaults"],
            work,
            env,
        )
        git(project, env, "init", "-q", "-b", "main")
        git(project, env, "add", "-A")
        git(project, env, "commit", "-qm", "generated")
        at_v1 = git(project, env, "rev-parse", "HEAD")
        readme = template / "template" / "README.md.jinja"
        readme.write_text(readme.read_text() + "\nReleased with template v2.\n")
        (template / "template" / "CONTRIBUTING.md").write_text("Open a pull request.\n")
        git(template, env, "add", "-A")
        git(template, env, "commit", "-qm", "v2")
        git(template, env, "tag", "v2")

        def reset(commit: str) -> None:
            git(project, env, "reset", "-q", "--hard", commit)
            git(project, env, "clean", "-qfd")

        results["check"] = measure(
            runs,
            (
                lambda: run([idp, "check", str(project)], work, env, ok=(5,)),
                lambda: run([copier, "check-update", "--quiet", str(project)], work, env, ok=(2,)),
            ),
        )

        def update_from_v1(cmd: list[str]) -> Callable[[], float]:
            def go() -> float:
                reset(at_v1)
                return run(cmd, work, env)

            return go

        idp_update = [idp, "update", str(project), "--defaults"]
        copier_update = [copier, "update", "--defaults", "--quiet", str(project)]
        results["update v1 -> v2"] = measure(
            runs, (update_from_v1(idp_update), update_from_v1(copier_update))
        )
        # Both tools must have produced the same project for the comparison to mean anything.
        update_from_v1(idp_update)()
        by_idp = files(project)
        update_from_v1(copier_update)()
        if files(project) != by_idp:
            print("idp update and copier update produced different projects; comparison void")
            return 2
        git(project, env, "add", "-A")
        git(project, env, "commit", "-qm", "v2")
        at_v2 = git(project, env, "rev-parse", "HEAD")

        def noop(cmd: list[str]) -> Callable[[], float]:
            def go() -> float:
                reset(at_v2)
                return run(cmd, work, env)

            return go

        results["update, nothing changed"] = measure(runs, (noop(idp_update), noop(copier_update)))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    failed = False
    print(f"{'measure':26} {'idp':>8} {'copier':>8} {'ratio':>7} {'target':>7}")
    for name, (ours, theirs) in results.items():
        a, b = statistics.median(ours), statistics.median(theirs)
        ratio = a / b
        ok = ratio <= TARGETS[name]
        failed |= not ok
        print(
            f"{name:26} {a:7.3f}s {b:7.3f}s {ratio:6.2f}x {TARGETS[name]:6.2f}x "
            f"{'PASS' if ok else 'FAIL'}"
        )
    print(f"[medians of {runs} interleaved runs each, fresh processes]")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
