"""`idp remove --binding NAME`: take a model binding `idp add` made out of a project."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from idp_cli.cli import completion
from idp_cli.cli.check import ProjectArg
from idp_cli.cli.common import guard
from idp_cli.cli.options import OutputOpt, TrustOpt
from idp_cli.errors import ExitCode
from idp_cli.output import console
from idp_cli.output.render import Format, emit


@guard
def remove(
    project: ProjectArg = Path("."),
    binding: Annotated[
        str,
        typer.Option(
            "--binding",
            "-b",
            metavar="NAME",
            help="The binding to remove: NAME from .copier-answers.NAME.yml (`idp bindings` "
            "lists them).",
            show_default=False,
            autocompletion=completion.added_binding_names,
        ),
    ] = ...,  # type: ignore[assignment]
    pretend: Annotated[
        bool,
        typer.Option("--pretend", help="Print what would be removed and kept; remove nothing."),
    ] = False,
    trust: TrustOpt = False,
    output: OutputOpt = Format.table,
) -> None:
    """Remove a binding `idp add` made: the files it wrote that nobody edited since, and its
    answers file.

    Which files are the binding's is found by rendering its template version again from its
    answers file: a file still equal to that render is removed, an edited one is kept and
    listed. The working tree must be clean, so the removal is reviewed with `git status` and
    undone with git. The app template's own binding cannot be removed. Exit 0 when every file
    of the binding was removed, 6 when edited files were kept for you to delete or keep.
    """
    from idp_cli.project import remove as core

    made = core.plan(project, binding, trust=trust, pretend=pretend)
    if not pretend:
        core.apply(made)
    result = made.as_dict(pretend)
    emit(result, output, lambda: _print(result))
    if made.kept:
        raise typer.Exit(int(ExitCode.CONFLICT))


def _print(result: dict[str, Any]) -> None:
    from rich.markup import escape

    out = console.out()
    verb = "Would remove" if result["pretend"] else "Removed"
    out.print(
        f"{verb} binding {escape(result['binding'])} ({escape(result['model_ref'] or '')}): "
        f"{console.counted(len(result['removed']), 'file')}."
    )
    for path in result["removed"]:
        out.print(f"  {escape(path)}")
    if result["kept"]:
        out.print(
            f"[yellow]Kept {console.counted(len(result['kept']), 'edited file')}[/] "
            "(they differ from what the binding wrote; delete or keep them):"
        )
        for path in result["kept"]:
            out.print(f"  {escape(path)}")
    if result["missing"]:
        out.print(f"Already gone: {escape(', '.join(result['missing']))}.")
    unused = ", ".join(f'"{spec}"' for spec in result["unused_dependencies"])
    if unused:
        out.print(
            f"No other binding needs {escape(unused)} in pyproject.toml: drop it unless your "
            "own code uses it."
        )
    if not result["pretend"]:
        out.print("Review with `git status`, then commit.")
