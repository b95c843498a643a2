"""What the commands that edit a catalog on a new git branch share (`idp models publish`,
`idp models alias`, `idp catalog import`): the --branch and --no-commit options, how the
core's messages name their inputs, and the report of what was written."""

from __future__ import annotations

from typing import Any

import typer

from idp_cli.output import console

# How the core's messages name the inputs every catalog edit has; each command adds its own.
EDIT_FLAGS = {
    "branch": "--branch",
    "no_commit": "--no-commit",
    "catalog": "--catalog",
    "catalog_ref": "--catalog-ref (and unset IDP_CATALOG_REF)",
}


def branch_option(default: str, panel: str | None = None) -> Any:
    """--branch; `default` says how each command names the branch it makes."""
    return typer.Option(
        "--branch",
        metavar="NAME",
        help=f"The new branch to commit on. Default: {default}.",
        show_default=False,
        rich_help_panel=panel,
    )


def no_commit_option(panel: str | None = None) -> Any:
    return typer.Option(
        "--no-commit", help="Only write the files; no branch, no commit.", rich_help_panel=panel
    )


def print_written(lines: list[str], result: Any) -> None:
    """`lines`, then the files a catalog edit wrote and the commit it made."""
    lines.append(f"Files: {', '.join(result.files)}")
    if result.commit:
        lines.append(
            f"Committed {result.commit[:12]} on the new branch {result.branch}, now checked out"
            + (f" (was {result.previous_branch})" if result.previous_branch else "")
        )
    else:
        lines.append("Not committed (--no-commit)")
    for line in lines:
        console.out().print(line, markup=False)
