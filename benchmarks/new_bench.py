"""`idp new` against plain `copier.run_copy` of the same template and its parts (the templates
an app is composed of), with the same answers.

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

# The app template and each of its parts (`_idp.parts`), in one process as idp does: for each,
# (template folder, answers, answers file) from the first `idp new`'s answers files.
BASELINE = """
import json, sys, warnings
import copier
from copier.errors import CopierWarning
warnings.simplefilter("ignore", CopierWarning)
for src, data, answers_file in json.load(open(sys.argv[2])):
    copier.run_copy(src, sys.argv[1], data=data, defaults=True, unsafe=True, quiet=True,
                    overwrite=True, answers_file=answers_file)
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
        "IDP_CONFIG_FILE": str(work / "none.toml"),
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

        renders = []
        for answers_path in sorted(first.glob(".copier-answers*.yml")):
            recorded = yaml.safe_load(answers_path.read_text())
            name = str(recorded["_src_path"]).rstrip("/").rsplit("/", 1)[-1]
            answers = {k: v for k, v in recorded.items() if not k.startswith("_")}
            renders.append([str(REPO / "templates" / name), answers, answers_path.name])
        # the app first, then its parts, as `idp new` renders them
        renders.sort(key=lambda r: r[2] != ".copier-answers.yml")
        answers_file = work / "renders.json"
        answers_file.write_text(json.dumps(renders))

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
                    [sys.executable, "-c", BASELINE, str(work / f"copier-{i}"), str(answers_file)],
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
    print(f"{'run_copy of the app and its parts (baseline)':44} {base_median:8.3f}s")
    print(f"{'idp new --defaults':44} {idp_median:8.3f}s")
    print(
        f"ratio idp new / run_copy: {ratio:.2f}x (target <= {TARGET}x) {verdict}   [{runs} runs each, interleaved]"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
