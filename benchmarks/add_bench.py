"""`idp add` against a plain `copier.run_copy` of the same component with the same answers, and
`idp check` on a project with five bindings against the same project with one.

    python benchmarks/add_bench.py [--runs N] [--quick]

Every command runs as a fresh process, interleaved with its baseline, each `add` into its own
copy of the same small git project (made before the timing starts); medians are compared.
Targets: `idp add` at most 1.15x `run_copy` of the component; `idp check` with five bindings
at most 2x `idp check` with one. Exit 1 when a target fails, 2 when the runs are not
comparable.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_env

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COMPONENT = "predictive-client"
# Five predictive models of the bundled catalog, bound in turn.
MODELS = (
    "acme/churn-classifier",
    "acme/claim-cost-regressor",
    "acme/delivery-eta-regressor",
    "acme/demand-forecaster",
    "acme/fraud-detector",
)
ADD_TARGET = 1.15
CHECK_TARGET = 2.0

BASELINE = """
import json, sys, warnings
import copier
from copier.errors import CopierWarning
warnings.simplefilter("ignore", CopierWarning)
copier.run_copy(sys.argv[1], sys.argv[2], data=json.load(open(sys.argv[3])), defaults=True,
                unsafe=True, quiet=True, overwrite=True)
"""


def run(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, cwd=cwd, capture_output=True)
    return time.perf_counter() - start


def git(cwd: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(["git", *args], check=True, env=env, cwd=cwd, capture_output=True)


def small_project(path: Path, env: dict[str, str]) -> Path:
    """An existing app idp did not generate: a package and a pyproject.toml, committed."""
    (path / "shop").mkdir(parents=True)
    (path / "shop" / "__init__.py").write_text('"""A shop."""\n')
    (path / "pyproject.toml").write_text('[project]\nname = "shop"\nversion = "0.1.0"\n')
    git(path, env, "init", "-q")
    git(path, env, "add", "-A")
    git(path, env, "commit", "-qm", "A shop")
    return path


def files(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(folder).parts
    )


def ratio_line(label: str, measured: float, base: float, target: float) -> tuple[str, bool]:
    ratio = measured / base
    ok = ratio <= target
    return f"{label}: {ratio:.2f}x (target <= {target}x) {'PASS' if ok else 'FAIL'}", ok


def main() -> int:
    runs = bench_env.runs(__doc__.splitlines()[0])

    work = Path(tempfile.mkdtemp(prefix="idp-add-bench-"))
    env = bench_env.isolated_env(work)
    idp = str(BIN / "idp")
    add = [idp, "add", "--model", MODELS[0], "--as", "churn", "--defaults"]
    try:
        # The answers for the baseline: those of a first `idp add`, as its answers file holds them.
        first = small_project(work / "first", env)
        subprocess.run(add, check=True, env=env, cwd=first, capture_output=True)
        import yaml

        recorded = yaml.safe_load((first / ".copier-answers.churn.yml").read_text())
        answers = work / "answers.json"
        answers.write_text(json.dumps({k: v for k, v in recorded.items() if k[0] != "_"}))
        src = str(REPO / "templates" / COMPONENT)

        projects = [small_project(work / f"idp-{i}", env) for i in range(runs)]
        plain = [small_project(work / f"copier-{i}", env) for i in range(runs)]
        add_times, copy_times = [], []
        for i in range(runs):
            add_times.append(run(add, env, cwd=projects[i]))
            copy_times.append(
                run([sys.executable, "-c", BASELINE, src, str(plain[i]), str(answers)], env)
            )
        if files(projects[0]) != files(plain[0]):
            print("idp add and run_copy wrote different files; the comparison is void")
            return 2

        # check: the first project (one binding) against one with all five
        one, five = projects[0], small_project(work / "five", env)
        for project, models in ((one, MODELS[:1]), (five, MODELS)):
            if project is five:
                for n, model in enumerate(models):
                    cmd = [idp, "add", "--model", model, "--as", f"m{n}", "--defaults"]
                    subprocess.run(cmd, check=True, env=env, cwd=project, capture_output=True)
                    git(project, env, "add", "-A")
                    git(project, env, "commit", "-qm", f"bind {model}")
            else:
                git(project, env, "add", "-A")
                git(project, env, "commit", "-qm", "bind")
        check_one, check_five = [], []
        for _ in range(runs):
            check_one.append(run([idp, "check", "-o", "json"], env, cwd=one))
            check_five.append(run([idp, "check", "-o", "json"], env, cwd=five))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    medians = {
        "copier.run_copy of the component (baseline)": statistics.median(copy_times),
        "idp add --defaults": statistics.median(add_times),
        "idp check, one binding (baseline)": statistics.median(check_one),
        "idp check, five bindings": statistics.median(check_five),
    }
    print(f"{'measure':48} {'median':>9}")
    for label, value in medians.items():
        print(f"{label:48} {value:8.3f}s")
    lines = [
        ratio_line(
            "idp add / run_copy",
            medians["idp add --defaults"],
            medians["copier.run_copy of the component (baseline)"],
            ADD_TARGET,
        ),
        ratio_line(
            "idp check five bindings / one",
            medians["idp check, five bindings"],
            medians["idp check, one binding (baseline)"],
            CHECK_TARGET,
        ),
    ]
    for text, _ in lines:
        print(f"{text}   [{runs} runs each, interleaved]")
    return 0 if all(ok for _, ok in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
