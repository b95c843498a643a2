"""`idp new` against a plain `copier.run_copy` of the same template with the same answers.

    python benchmarks/new_bench.py [--runs N] [--quick]

Both run as fresh processes, interleaved, into new folders; the medians are compared. Target
(issue: `idp new`): idp new's median wall time at most 1.15x the baseline's. Exit 1 when the
target fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TEMPLATE = "chat-service"
MODEL = "meta-llama/llama-3.1-8b-instruct"
TARGET = 1.15

BASELINE = """
import json, sys, warnings
import copier
from copier.errors import CopierWarning
warnings.simplefilter("ignore", CopierWarning)
copier.run_copy(sys.argv[1], sys.argv[2], data=json.load(open(sys.argv[3])), defaults=True,
                unsafe=True, quiet=True, overwrite=True, vcs_ref=sys.argv[4] or None)
"""


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--quick", action="store_true", help="3 runs")
    args, _ = parser.parse_known_args()
    runs = 3 if args.quick else args.runs

    work = Path(tempfile.mkdtemp(prefix="idp-new-bench-"))
    env = {
        **os.environ,
        "IDP_CACHE_DIR": str(work / "cache"),
        "IDP_CONFIG": str(work / "none.toml"),
    }
    env.pop("IDP_CATALOG", None)
    idp = str(BIN / "idp")
    try:
        # The same answers for both: take them from a first `idp new`'s answers file.
        first = work / "first"
        subprocess.run(
            [idp, "new", str(first), "-t", TEMPLATE, "-m", MODEL, "--defaults"],
            check=True,
            env=env,
            capture_output=True,
        )
        import yaml

        recorded = yaml.safe_load((first / ".copier-answers.yml").read_text())
        answers = {k: v for k, v in recorded.items() if not k.startswith("_")}
        answers_file = work / "answers.json"
        answers_file.write_text(json.dumps(answers))
        # Both copy the bundled template's folder (idp then records its git snapshot, which
        # it also keeps current, in the answers file).
        src = str(REPO / "templates" / TEMPLATE)
        vcs_ref = ""

        idp_times: list[float] = []
        base_times: list[float] = []
        for i in range(runs):
            idp_times.append(
                timed(
                    [
                        idp,
                        "new",
                        str(work / f"idp-{i}"),
                        "-t",
                        TEMPLATE,
                        "-m",
                        MODEL,
                        "--defaults",
                        "--data",
                        "project_name=first",
                    ],
                    env,
                )
            )
            base_times.append(
                timed(
                    [
                        sys.executable,
                        "-c",
                        BASELINE,
                        src,
                        str(work / f"copier-{i}"),
                        str(answers_file),
                        vcs_ref,
                    ],
                    env,
                )
            )
        same = sorted(
            p.relative_to(work / "idp-0").as_posix()
            for p in (work / "idp-0").rglob("*")
            if p.is_file()
        )
        base = sorted(
            p.relative_to(work / "copier-0").as_posix()
            for p in (work / "copier-0").rglob("*")
            if p.is_file()
        )
        if same != base:
            print("the two runs rendered different files; the comparison is void")
            return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)

    idp_median = statistics.median(idp_times)
    base_median = statistics.median(base_times)
    ratio = idp_median / base_median
    verdict = "PASS" if ratio <= TARGET else "FAIL"
    print(f"{'measure':44} {'median':>9}")
    print(f"{'copier.run_copy (baseline, new process)':44} {base_median:8.3f}s")
    print(f"{'idp new --defaults':44} {idp_median:8.3f}s")
    print(
        f"ratio idp new / run_copy: {ratio:.2f}x (target <= {TARGET}x) {verdict}   [{runs} runs each, interleaved]"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
