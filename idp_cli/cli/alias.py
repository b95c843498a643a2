"""`idp models alias set|rm`: move a model's alias in a catalog held in a local git repository.

The `models` group names this group among its lazy commands (models.py): this module loads
only when it runs.
"""

from __future__ import annotations

from typing import Annotated

import typer

from idp_cli.cli import completion
from idp_cli.cli.catalog_edits import EDIT_FLAGS, branch_option, no_commit_option, print_written
from idp_cli.cli.common import catalog_source, guard
from idp_cli.cli.options import CatalogOpt, OutputOpt
from idp_cli.output.render import Format, emit

app = typer.Typer(
    help="Move a model's alias (champion: the default version) to another version, or remove\n"
    "it, on a new branch of a catalog held in a local git repository.",
    no_args_is_help=True,
)

BranchOpt = Annotated[str | None, branch_option("alias/<model>-<alias>-<version>")]
NoCommitOpt = Annotated[bool, no_commit_option()]


@app.command("set")
@guard
def set_alias(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            metavar="NAME@VERSION",
            help="The version to give the alias to.",
            autocompletion=completion.model_refs,
        ),
    ],
    alias: Annotated[str, typer.Argument(metavar="ALIAS", help="The alias, e.g. champion.")],
    branch: BranchOpt = None,
    no_commit: NoCommitOpt = False,
    output: OutputOpt = Format.table,
    catalog: CatalogOpt = None,
) -> None:
    """Give ALIAS to a version, taking it from the version that holds it.

    The catalog file keeps its comments and layout; the whole catalog is validated before
    anything is written; the change is committed on a new branch, left checked out for a pull
    request, or only written with --no-commit.
    """
    name, at, version = ref.rpartition("@")
    if not at or not name or not version:
        raise typer.BadParameter(f"{ref!r} is not NAME@VERSION", param_hint="NAME@VERSION")
    _run(ctx, name, alias, version, branch, no_commit, output, catalog)


@app.command("rm")
@guard
def remove_alias(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(metavar="NAME", help="The model.", autocompletion=completion.model_names),
    ],
    alias: Annotated[str, typer.Argument(metavar="ALIAS", help="The alias to remove.")],
    branch: BranchOpt = None,
    no_commit: NoCommitOpt = False,
    output: OutputOpt = Format.table,
    catalog: CatalogOpt = None,
) -> None:
    """Remove ALIAS from the version that holds it.

    Refused while defaultVersion or a successor names the alias. Written and committed like
    `alias set`.
    """
    _run(ctx, name, alias, None, branch, no_commit, output, catalog)


def _run(
    ctx: typer.Context,
    name: str,
    alias: str,
    version: str | None,
    branch: str | None,
    no_commit: bool,
    output: Format,
    catalog: str | None,
) -> None:
    from idp_cli.publish.alias_change import AliasRequest, change_alias

    request = AliasRequest(name, alias, version, branch, not no_commit, EDIT_FLAGS)
    result = change_alias(catalog_source(ctx, catalog, None), request)

    def table() -> None:
        print_written([result.move.describe(result.model)], result)

    emit(result.to_dict(), output, table)
