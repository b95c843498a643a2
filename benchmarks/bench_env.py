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
