"""What every benchmark that runs `idp` in its own folder shares: the run count from the command
line, and an environment of its own (cache, config, git identity) so that nothing of the
machine's user leaks into what is timed."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def runs(description: str, default: int = 7) -> int:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--runs", type=int, default=default)
    parser.add_argument("--quick", action="store_true", help="3 runs")
    args, _ = parser.parse_known_args()
    return 3 if args.quick else int(args.runs)


def isolated_env(work: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "IDP_CACHE_DIR": str(work / "cache"),
        "IDP_CONFIG_FILE": str(work / "none.toml"),
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    for name in ("IDP_CATALOG", "IDP_CATALOG_REF"):
        env.pop(name, None)
    return env


def timed(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> float:
    """The wall time of one fresh process; a failure stops the benchmark with its stderr."""
    import subprocess
    import time

    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()}")
    return time.perf_counter() - start


def compare(
    baseline: tuple[str, list[float]], measured: tuple[str, list[float]], target: float, name: str
) -> bool:
    """Print both medians and their ratio against `target`; whether it is met."""
    import statistics

    (base_label, base_times), (label, times) = baseline, measured
    base, value = statistics.median(base_times), statistics.median(times)
    width = max(len(base_label), len(label)) + 2
    print(f"{'measure':{width}} {'median':>9}")
    print(f"{base_label:{width}} {base:8.3f}s")
    print(f"{label:{width}} {value:8.3f}s")
    ok = value / base <= target
    print(
        f"{name}: {value / base:.2f}x (target <= {target}x) {'PASS' if ok else 'FAIL'}"
        f"   [{len(times)} runs each, interleaved]"
    )
    return ok
