"""Run every benchmark script in this folder (`*_bench.py`), one after the other.

    python benchmarks/run.py [--quick] [--runs N]   # `make bench`

The options are handed to every script. Each script prints its own table and exits 1 when a
target fails, 2 when it could not measure; this exits with the worst status of them all, so
CI can run it as an optional job.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts() -> list[Path]:
    return sorted(HERE.glob("*_bench.py"))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if any(a in ("-h", "--help") for a in args):
        print(__doc__)
        print("benchmarks: " + ", ".join(p.name for p in scripts()))
        return 0
    worst = 0
    summary: list[str] = []
    for script in scripts():
        print(f"=== {script.name} ===", flush=True)
        code = subprocess.call([sys.executable, str(script), *args])
        summary.append(
            f"{script.name}: {['ok', 'target failed', 'error'][code] if code in (0, 1, 2) else code}"
        )
        worst = max(worst, code if code >= 0 else 2)
    print("\n" + "\n".join(summary), flush=True)
    return worst


if __name__ == "__main__":
    sys.exit(main())
