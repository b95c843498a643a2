"""The targets of catalog_bench.py (ratios against baselines measured in the same rounds)
and the report it prints: every command's figures, then every target against its goal."""

from __future__ import annotations

import os
import platform
import statistics
import sys
from dataclasses import dataclass

from gen_catalog import Generated
from process_timing import Case

MIB = 1024 * 1024


@dataclass(frozen=True)
class Target:
    label: str
    measured: str
    goal: str
    passed: bool | None  # None: not applicable to this run's shape


def _paired_ratio(case: Case, baseline: Case) -> float:
    """The median over rounds of the ratio within each round: load that hits one round hits
    both sides of its ratio alike."""
    return statistics.median(
        c.seconds / b.seconds for c, b in zip(case.samples, baseline.samples, strict=True)
    )


# (label, measured case, baseline case, goal), from issue 15
RATIOS = (
    ("bundled models list / import typer", "bundled", "typer", 1.2),
    ("first list, one file / floor", "cold-single", "floor-single", 3.0),
    ("first list, one file per model / floor", "cold-split", "floor-split", 3.5),
    ("repeat list, one file / import typer", "warm-single", "typer", 2.5),
    ("repeat list, one file per model / import typer", "warm-split", "typer", 2.5),
    ("catalog validate, one file / floor", "validate-single", "floor-single", 4.0),
    ("catalog validate, one file per model / floor", "validate-split", "floor-split", 4.0),
    ("first list, one file / PyYAML CSafeLoader parse", "cold-single", "pyyaml", 0.10),
)


def targets(by_key: dict[str, Case], full_size: bool) -> list[Target]:
    """Each ratio against its goal; the goals only hold at the stated size (2,000 x 5)."""
    found = []
    for label, measured, baseline, goal in RATIOS:
        ratio = _paired_ratio(by_key[measured], by_key[baseline])
        found.append(
            Target(
                label,
                f"{ratio:.2f}x (medians: {by_key[measured].median():.3f} s / "
                f"{by_key[baseline].median():.3f} s)",
                f"<= {goal:.2f}x",
                ratio <= goal if full_size or baseline == "typer" else None,
            )
        )
    return found


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def _own_rss() -> int:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(usage if sys.platform == "darwin" else usage * 1024)


def report(
    cases: list[Case], found: list[Target], catalogs: dict[str, Generated], runs: int
) -> str:
    by_key = {c.key: c for c in cases}
    typer = by_key["typer"].median()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    catalog = catalogs["split"]
    lines = [
        "",
        f"idp catalog benchmark: {catalog.models:,} models x "
        f"{catalog.versions // catalog.models} versions = {catalog.versions:,} versions, "
        + ", ".join(
            f"{layout}: {c.files:,} files ({c.bytes / MIB:.1f} MiB of YAML)"
            for layout, c in catalogs.items()
        )
        + f"; --task {catalog.task} -> {catalog.task_models} rows",
        f"{runs} interleaved runs each; python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {load:.2f} at the end; peak RSS is the child's "
        f"own (floor: this process's {_own_rss() / MIB:.0f} MiB)",
        f"measured: {by_key['bundled'].argv[0]}; baseline: {by_key['typer'].argv[0]}",
        "",
        _table(
            ["command", "median", "min", "max", "x typer", "CPU", "peak RSS"],
            [
                [
                    c.label,
                    f"{c.median():.3f} s",
                    f"{min(s.seconds for s in c.samples):.3f} s",
                    f"{max(s.seconds for s in c.samples):.3f} s",
                    f"{c.median() / typer:.2f}x",
                    f"{c.cpu():.2f} s",
                    f"{c.peak() / MIB:.0f} MiB",
                ]
                for c in cases
            ],
            right={1, 2, 3, 4, 5, 6},
        ),
        "",
        _table(
            ["target", "measured", "goal", "result"],
            [
                [
                    t.label,
                    t.measured,
                    t.goal,
                    "n/a (not 2,000 x 5)" if t.passed is None else ("PASS" if t.passed else "FAIL"),
                ]
                for t in found
            ],
            right=set(),
        ),
    ]
    return "\n".join(lines)
