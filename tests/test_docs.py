"""The CLI reference in docs/ is generated from the app; it must not go stale, and every
command, argument and option must explain itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer.core
import typer.main

from idp_cli.cli.app import app

ROOT = Path(__file__).resolve().parents[1]


def render_cli_docs(target: Path) -> str:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "typer",
            "idp_cli.cli.app",
            "utils",
            "docs",
            "--name",
            "idp",
            "--output",
            str(target),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    return target.read_text()


def test_cli_reference_is_current(tmp_path: Path) -> None:
    fresh = render_cli_docs(tmp_path / "cli.md")
    checked_in = (ROOT / "docs" / "cli.md").read_text()
    assert checked_in == fresh, "docs/cli.md is stale: run `make docs` and commit it"


def test_every_command_and_option_has_help() -> None:
    missing: list[str] = []

    def walk(command: typer.core.TyperGroup | typer.core.TyperCommand, path: str) -> None:
        if not (command.help or "").strip():
            missing.append(path)
        for param in command.params:
            if param.name in ("help", "install_completion", "show_completion"):
                continue
            if not (getattr(param, "help", None) or "").strip():
                missing.append(f"{path} {param.name}")
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")

    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    walk(root, "idp")
    assert missing == []


def test_catalog_schema_in_docs_is_current() -> None:
    import json

    from idp_cli.catalog.format import json_schema

    checked_in = json.loads((ROOT / "docs" / "catalog.schema.json").read_text())
    assert checked_in == json_schema(), "docs/catalog.schema.json is stale: run `make docs`"
