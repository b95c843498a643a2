"""Timing fresh processes for catalog_bench.py: one run's wall time, peak memory and CPU time,
and rounds that run every case once in an order that rotates from round to round."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

TIMEOUT_SECONDS = 600.0


class BenchError(Exception):
    """A command failed or printed something unexpected: the figures would be meaningless."""


@dataclass(frozen=True)
class Sample:
    seconds: float
    max_rss: int  # bytes
    cpu: float  # user + system seconds of the process and the workers it waited for


@dataclass
class Case:
    key: str
    label: str
    argv: list[str]
    env: Callable[[], dict[str, str]]  # the environment of one run
    check: Callable[[int, str, str], str | None]  # (exit code, stdout, stderr) -> problem
    after: Callable[[], None] = lambda: None  # untimed clean-up after each run
    samples: list[Sample] = field(default_factory=list)

    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    def peak(self) -> int:
        return max(s.max_rss for s in self.samples)

    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)


def run_once(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[Sample, int, str, str]:
    """One run: wall time from spawn to exit, the child's own peak RSS, its output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, cwd=cwd
        )
        timer = threading.Timer(TIMEOUT_SECONDS, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        # ru_maxrss is in KiB on Linux, in bytes on macOS
        rss = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(seconds, rss, cpu), proc.returncode, stdout, stderr


def measure(cases: list[Case], runs: int, work: Path) -> None:
    def one(case: Case, keep: bool) -> None:
        sample, code, stdout, stderr = run_once(case.argv, case.env(), work)
        try:
            problem = case.check(code, stdout, stderr)
        finally:
            case.after()
        if problem:
            raise BenchError(
                f"{' '.join(case.argv)}: {problem}\n--- stderr ---\n{stderr[-3000:]}"
                f"\n--- stdout ---\n{stdout[:1000]}"
            )
        if keep:
            case.samples.append(sample)

    # one untimed run each: bytecode compiled, files in the page cache, the warm cache filled
    for case in cases:
        one(case, keep=False)
    for round_ in range(runs):
        shift = round_ % len(cases)
        order = cases[shift:] + cases[:shift]
        for case in order:
            one(case, keep=True)
        print(
            f"  round {round_ + 1}/{runs}: "
            + ", ".join(f"{c.key} {c.samples[-1].seconds:.2f}s" for c in cases),
            file=sys.stderr,
            flush=True,
        )
