"""`idp models history` and `idp catalog diff` over a catalog repository with a long history.

    python benchmarks/history_bench.py [--runs N] [--quick] [--commits 500] [--models 2000]

It builds, in a private temporary folder, a git repository whose `catalog/` folder holds the
synthetic catalog of gen_catalog.py (split layout: one file per model) and 500 commits: the
first adds the whole catalog, each later one edits a few model files (descriptions, endpoint
URLs, lifecycles, new versions); every 20th commit edits the model whose history is timed.
The history is written with `git fast-import`, so building it takes seconds. Both commands
run as fresh processes, exactly as a user types them. Targets (issue 5, Performance): each
at most 3 s (median). Exit 1 when a target fails, 2 when it could not measure.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_catalog import generate

BIN = Path(sys.executable).parent
TARGET_S = 3.0
WATCHED = 7  # the index of the model whose history is timed

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _dump(data: Any) -> bytes:
    text: str = yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=100)
    return text.encode()


def _edit(model: dict[str, Any], step: int, rng: random.Random) -> None:
    """One realistic change to a model: a new version, a lifecycle change, a moved endpoint
    or a new description."""
    versions: list[dict[str, Any]] = model["versions"]
    kind = step % 4
    if kind == 0:
        newest = copy.deepcopy(versions[0])
        number = f"{100 + step}.0.0"
        newest["version"] = number
        newest["lifecycle"] = "staging"
        newest.pop("aliases", None)
        versions.insert(0, newest)
    elif kind == 1:
        live = [v for v in versions if v["lifecycle"] in ("staging", "experimental")]
        if live:
            live[0]["lifecycle"] = "production"
        else:
            model["description"] = f"{model['description']} Revised ({step})."
    elif kind == 2:
        endpoint = versions[0]["serving"]["endpoints"][0]
        endpoint["url"] = f"https://gw-{step}.models.example.internal"
    else:
        model["description"] = f"{model['description']} Revised ({step})."
    if rng.random() < 0.1 and len(versions) > 2:
        old = versions[-1]
        if old["lifecycle"] == "deprecated":
            old["lifecycle"] = "archived"


def build(work: Path, commits: int, models: int) -> tuple[Path, str, str, str]:
    """The repository, the watched model's name, and the first and last commit ids."""
    repo = work / "repo"
    folder = repo / "catalog"
    generate(folder, models, 5)
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(repo)], check=True)
    files = sorted(p.relative_to(repo).as_posix() for p in folder.rglob("*.yaml"))
    model_files = [f for f in files if f.startswith("catalog/models/")]
    rng = random.Random(5)  # noqa: S311 - reproducible test data
    parsed: dict[str, dict[str, Any]] = {}

    def model(rel: str) -> dict[str, Any]:
        if rel not in parsed:
            parsed[rel] = yaml.load((repo / rel).read_bytes(), Loader=_LOADER)  # noqa: S506
        return parsed[rel]

    stream = bytearray()

    def data(payload: bytes) -> None:
        stream.extend(b"data %d\n" % len(payload) + payload + b"\n")

    start = 1_767_225_600  # 2026-01-01
    for index in range(commits):
        if index == 0:
            changed = {rel: (repo / rel).read_bytes() for rel in files}
        else:
            picks = rng.sample(model_files, 3)
            changed = {}
            for step, rel in enumerate(picks):
                _edit(model(rel), index * 3 + step, rng)
                changed[rel] = _dump(model(rel))
            if index % 20 == 0:
                rel = model_files[WATCHED]
                _edit(model(rel), index // 20, rng)
                changed[rel] = _dump(model(rel))
        author = (
            f"Author {index % 7} <author{index % 7}@example.invalid> {start + index * 3600} +0000"
        )
        stream.extend(b"commit refs/heads/main\n")
        stream.extend(f"mark :{index + 1}\nauthor {author}\ncommitter {author}\n".encode())
        data(f"catalog change {index}\n".encode())
        if index:
            stream.extend(f"from :{index}\n".encode())
        for rel, payload in changed.items():
            stream.extend(f"M 100644 inline {rel}\n".encode())
            data(payload)
    subprocess.run(["git", "fast-import", "--quiet"], input=bytes(stream), cwd=repo, check=True)
    subprocess.run(["git", "reset", "--quiet", "--hard", "main"], cwd=repo, check=True)
    watched_name = str(model(model_files[WATCHED])["name"])
    log = subprocess.run(
        ["git", "rev-list", "--reverse", "main"],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert len(log) == commits, len(log)
    return folder, watched_name, log[0], log[-1]


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr}")
    return elapsed, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="3 runs")
    parser.add_argument("--commits", type=int, default=500)
    parser.add_argument("--models", type=int, default=2000)
    args, _ = parser.parse_known_args()
    runs = 3 if args.quick else args.runs

    work = Path(tempfile.mkdtemp(prefix="idp-history-bench-"))
    env = {
        **os.environ,
        "IDP_CACHE_DIR": str(work / "cache"),
        "IDP_CONFIG_FILE": str(work / "none.toml"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    for name in ("IDP_CATALOG", "IDP_CATALOG_REF"):
        env.pop(name, None)
    idp = str(BIN / "idp")
    try:
        began = time.perf_counter()
        folder, name, first, last = build(work, args.commits, args.models)
        built = time.perf_counter() - began
        history_cmd = [idp, "models", "history", name, "--catalog", str(folder), "-o", "json"]
        diff_cmd = [idp, "catalog", "diff", first, last, "--catalog", str(folder), "-o", "json"]
        history_times: list[float] = []
        diff_times: list[float] = []
        history_out = diff_out = ""
        for _ in range(runs):
            elapsed, history_out = timed(history_cmd, env)
            history_times.append(elapsed)
            elapsed, diff_out = timed(diff_cmd, env)
            diff_times.append(elapsed)
    except (RuntimeError, subprocess.CalledProcessError, OSError) as exc:
        print(f"could not measure: {exc}")
        return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)

    events = len(json.loads(history_out)["events"])
    summary = json.loads(diff_out)["summary"]
    rows = [
        (f"idp models history ({events} events)", statistics.median(history_times)),
        (
            f"idp catalog diff FIRST LAST ({summary['modelsChanged']} models changed)",
            statistics.median(diff_times),
        ),
    ]
    print(
        f"repository: {args.commits} commits, {args.models} models "
        f"(built in {built:.1f}s); {runs} runs each, fresh processes"
    )
    print(f"{'measure':56} {'median':>8} {'max':>8}  target")
    failed = False
    for (label, median), times in zip(rows, (history_times, diff_times), strict=True):
        verdict = "PASS" if median <= TARGET_S else "FAIL"
        failed |= verdict == "FAIL"
        print(f"{label:56} {median:7.3f}s {max(times):7.3f}s  <= {TARGET_S:.1f}s {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
