"""`idp plugins`: what is installed in the `idp.plugins` entry-point group."""

from __future__ import annotations

import typer

from idp_cli.cli.common import guard
from idp_cli.cli.options import OutputOpt
from idp_cli.output import console
from idp_cli.output.render import Format, emit


@guard
def plugins(output: OutputOpt = Format.table) -> None:
    """List the installed plug-ins: their distribution, the hooks they provide, what failed.

    Plug-ins are entry points in the `idp.plugins` group; their hooks are template_sources,
    ci_systems, catalog_importers and commands.

    Exit 1 when a plug-in fails to import (the others and every command still work).
    See docs/plugins.md for writing one.
    """
    from idp_cli import plugins as found

    rows = found.describe()

    def table() -> None:
        from idp_cli.output.plain import print_table

        if not rows:
            console.err().print("No plug-ins installed (entry-point group idp.plugins).")
            return
        print_table(
            ["PLUG-IN", "DISTRIBUTION", "HOOKS", "STATUS"],
            [
                [
                    r["name"],
                    f"{r['distribution']} {r['version']}" if r["distribution"] else "-",
                    ", ".join(r["hooks"]) or "-",
                    f"failed: {r['error']}" if r["error"] else "ok",
                ]
                for r in rows
            ],
        )

    emit(rows, output, table)
    if any(r["error"] for r in rows):
        raise typer.Exit(1)
