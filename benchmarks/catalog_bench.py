"""Benchmark the catalog commands of `idp` against baselines measured in the same run.

Every figure is the wall time of a fresh process (what a user waits for), measured
round-robin: each round runs every command once, in an order that rotates from round to
round, so a burst of load on a shared machine hits all of them alike. The table reports
medians; the targets are ratios against baselines that run in the same rounds from the same
virtual environment, so they read the same on a fast laptop and a loaded CI runner:
`python -c "import typer"` (start-up), the floor (a bare rapidyaml parse of the same files in
a fresh interpreter: what reading the catalog cannot go below) and a PyYAML `CSafeLoader`
parse of the same files (what a plain YAML reader costs). The catalog is generated in both
layouts: every model in `catalog.yaml` (single) and one file per model through `include:`
(split).

Peak memory is the maximum resident set size of the `idp` process itself, from wait4(2).
The CPU column (user + system time, worker processes included, also from wait4) moves much
less than wall time with the load of a shared machine: compare it between versions.

Nothing outside a private temporary folder is touched: IDP_CACHE_DIR, IDP_CONFIG_FILE and
PYTHONPYCACHEPREFIX point inside it (so compiled bytecode is warm after the first run, as on a
user's machine, even when PYTHONDONTWRITEBYTECODE is set), and IDP_CATALOG* are unset.

    python benchmarks/catalog_bench.py [--runs 7] [--quick] [--models 2000 --versions 5]

Exit status: 0 when every target passes, 1 when one fails, 2 when a command misbehaves.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from catalog_report import report, targets
from gen_catalog import Generated
from process_timing import BenchError, Case, measure

DEFAULT_MODELS = 2000
DEFAULT_VERSIONS = 5


def _exit_zero(code: int, stdout: str, stderr: str) -> str | None:
    return None if code == 0 else f"exit status {code}"


def _json_rows(expected: int) -> Callable[[int, str, str], str | None]:
    def check(code: int, stdout: str, stderr: str) -> str | None:
        if code != 0:
            return f"exit status {code}"
        try:
            rows = json.loads(stdout)
        except ValueError as exc:
            return f"stdout is not JSON: {exc}"
        if not isinstance(rows, list) or len(rows) != expected:
            count = len(rows) if isinstance(rows, list) else type(rows).__name__
            return f"expected {expected} rows, got {count}"
        return None

    return check


def _validated(versions: int) -> Callable[[int, str, str], str | None]:
    def check(code: int, stdout: str, stderr: str) -> str | None:
        if code != 0:
            return f"exit status {code}"
        if f"{versions} versions" not in stderr:
            return f"stderr does not say `{versions} versions`"
        return None

    return check


def find_idp(explicit: str | None, baseline: str | None = None) -> tuple[Path, Path]:
    """The `idp` to measure and the `python` of the same environment, for the baseline."""
    if explicit:
        idp = Path(explicit).expanduser().absolute()
    elif (Path(sys.executable).parent / "idp").exists():
        idp = Path(sys.executable).parent / "idp"
    else:
        found = shutil.which("idp")
        if found is None:
            raise BenchError("no `idp` next to this Python or on PATH; run with .venv/bin/python")
        idp = Path(found)
    python = Path(baseline).expanduser().absolute() if baseline else idp.parent / "python"
    if not idp.exists() or not python.exists():
        raise BenchError(f"{idp}, {python}: no such executable (see --idp and --python)")
    return idp, python


def generate_apart(folder: Path, args: argparse.Namespace, layout: str) -> Generated:
    """Write the catalog from another process: on Linux a child's peak RSS starts at its
    parent's RSS at fork time, so this process must stay small for the figures to be right."""
    argv = [sys.executable, str(Path(__file__).with_name("gen_catalog.py")), str(folder)]
    argv += ["--models", str(args.models), "--versions", str(args.versions)]
    argv += ["--seed", str(args.seed), "--layout", layout, "--json"]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"gen_catalog.py failed:\n{done.stderr[-3000:]}")
    return Generated.from_json(done.stdout)


def base_env(work: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("IDP_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(
        IDP_CACHE_DIR=str(work / "cache"),
        IDP_CONFIG_FILE=str(work / "no-config.toml"),
        PYTHONPYCACHEPREFIX=str(work / "pycache"),
        COLUMNS="120",
    )
    return env


# The floor and the PyYAML baseline: a fresh interpreter that reads every YAML file of the
# catalog and parses it, and nothing else.
_PARSE_ALL = """
import pathlib, sys
files = sorted(pathlib.Path(sys.argv[1]).rglob("*.yaml"))
{setup}
for path in files:
    {parse}
"""
FLOOR = _PARSE_ALL.format(setup="import ryml", parse="ryml.parse_in_arena(path.read_bytes())")
PYYAML = _PARSE_ALL.format(
    setup="import yaml", parse="yaml.load(path.read_text(), Loader=yaml.CSafeLoader)"
)


def build_cases(
    idp_path: Path, python_path: Path, work: Path, catalogs: dict[str, Generated]
) -> list[Case]:
    python, idp = str(python_path), str(idp_path)
    env = base_env(work)
    cold_dirs: list[Path] = []

    def cold_env() -> dict[str, str]:
        folder = Path(tempfile.mkdtemp(prefix="cold-cache-", dir=work))
        cold_dirs.append(folder)
        return {**env, "IDP_CACHE_DIR": str(folder)}

    def drop_cold() -> None:
        while cold_dirs:
            shutil.rmtree(cold_dirs.pop(), ignore_errors=True)

    def same() -> dict[str, str]:
        return env

    cases = [
        Case("typer", 'python -c "import typer"', [python, "-c", "import typer"], same, _exit_zero),
        Case(
            "bundled", "idp models list (bundled, warm)", [idp, "models", "list"], same, _exit_zero
        ),
    ]
    for layout, catalog in catalogs.items():
        folder = str(catalog.folder)
        listing = [idp, "models", "list", "--task", catalog.task, "-o", "json", "--catalog", folder]
        rows = _json_rows(catalog.task_models)
        cases += [
            Case(
                f"floor-{layout}",
                f"floor: rapidyaml parse, {layout}",
                [python, "-c", FLOOR, folder],
                same,
                _exit_zero,
            ),
            Case(
                f"cold-{layout}",
                f"models list --task T -o json, first, {layout}",
                listing,
                cold_env,
                rows,
                drop_cold,
            ),
            Case(
                f"warm-{layout}",
                f"models list --task T -o json, repeat, {layout}",
                listing,
                same,
                rows,
            ),
            Case(
                f"validate-{layout}",
                f"catalog validate, {layout}",
                [idp, "catalog", "validate", "--catalog", folder],
                same,
                _validated(catalog.versions),
            ),
        ]
    single = str(catalogs["single"].folder)
    cases.append(
        Case(
            "pyyaml",
            "PyYAML CSafeLoader parse, single",
            [python, "-c", PYYAML, single],
            same,
            _exit_zero,
        )
    )
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=None, help="timed runs per command (7)")
    parser.add_argument("--quick", action="store_true", help="3 runs instead of 7")
    parser.add_argument("--models", type=int, default=DEFAULT_MODELS)
    parser.add_argument("--versions", type=int, default=DEFAULT_VERSIONS)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--idp",
        metavar="PATH",
        help="the idp executable to measure (default: the one beside this Python); the "
        "baseline runs the `python` in the same folder",
    )
    parser.add_argument(
        "--python",
        metavar="PATH",
        help="the Python whose `import typer` is the baseline (default: the one beside --idp)",
    )
    args = parser.parse_args(argv)
    runs = args.runs if args.runs is not None else (3 if args.quick else 7)
    if runs < 1:
        parser.error("--runs must be at least 1")

    work = Path(tempfile.mkdtemp(prefix="idp-bench-")).resolve()
    try:
        idp, python = find_idp(args.idp, args.python)
        started = time.perf_counter()
        catalogs = {
            layout: generate_apart(work / f"catalog-{layout}", args, layout)
            for layout in ("single", "split")
        }
        print(
            f"generated {catalogs['split'].versions:,} versions in two layouts "
            f"({time.perf_counter() - started:.1f} s); measuring {runs} rounds...",
            file=sys.stderr,
            flush=True,
        )
        cases = build_cases(idp, python, work, catalogs)
        measure(cases, runs, work)
    except BenchError as exc:
        print(f"benchmark aborted: {exc}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    full_size = (args.models, args.versions) == (DEFAULT_MODELS, DEFAULT_VERSIONS)
    found = targets({c.key: c for c in cases}, full_size)
    print(report(cases, found, catalogs, runs), flush=True)
    failed = [t for t in found if t.passed is False]
    if failed:
        print(f"\n{len(failed)} target(s) failed.", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
