"""The `idp` application: global options and the command groups."""

from __future__ import annotations

from typing import Annotated

import typer

from idp_cli import __version__
from idp_cli.cli import catalog, check, models, new, templates, update
from idp_cli.cli import history as history  # registers models history, catalog diff
from idp_cli.cli import publish as publish  # registers models publish
from idp_cli.cli.common import CatalogOpt, CatalogRefOpt

app = typer.Typer(
    name="idp",
    help="Internal developer platform for AI applications: browse the model catalog, generate "
    "projects bound to a model, keep them current.",
    epilog="Exit status: 0 ok, 1 failure, 2 usage error, 3 catalog problems, 4 untrusted "
    "template, 5 drift found by `idp check`, 6 conflicts left by `idp update`, 130 interrupted. Set IDP_DEBUG=1 for tracebacks.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(models.app, name="models")
app.add_typer(catalog.app, name="catalog")
app.add_typer(templates.app, name="templates")
app.command("new")(new.new)
app.command("check")(check.check)
app.command("update")(update.update)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"idp {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    catalog: CatalogOpt = None,
    catalog_ref: CatalogRefOpt = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print idp's version and exit."
        ),
    ] = False,
) -> None:
    """Internal developer platform for AI applications."""
    ctx.obj = {"catalog": catalog, "catalog_ref": catalog_ref}


def main() -> None:
    app()
