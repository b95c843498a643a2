"""The `idp` application: global options and the command groups."""

# No `from __future__ import annotations` in this module: Typer reads each command's
# annotations when it builds the command, evaluating them (twice) when they are strings;
# evaluated once at import they cost `idp models list` a third as much.

import gc
import os
import sys
from typing import Annotated

import typer

from idp_cli import __version__
from idp_cli.cli.lazy import LazyCommand, lazy_group
from idp_cli.cli.options import CatalogOpt, CatalogRefOpt

# The commands by name and module, not imported: a run imports only its own command's module,
# `idp --help` none of them (lazy.py).
COMMANDS = (
    LazyCommand(
        "new",
        "idp_cli.cli.new:new",
        "Generate a project from a template, bound to a model from the catalog.",
    ),
    LazyCommand(
        "add",
        "idp_cli.cli.add:add",
        "Add a model binding to an existing project: a typed client for the model, its settings\n"
        "and its tests.",
    ),
    LazyCommand(
        "check",
        "idp_cli.cli.check:check",
        "Report whether the project's template has a newer version and whether its bound model\n"
        "version was deprecated, superseded or moved in the catalog.",
    ),
    LazyCommand(
        "update",
        "idp_cli.cli.update:update",
        "Bring a generated project to the newest template version and re-bind its model.",
    ),
    LazyCommand(
        "bindings",
        "idp_cli.cli.bindings:bindings",
        "List the project's bindings: the app template's (.copier-answers.yml, with the parts it\n"
        "is composed of) and each one `idp add` made (.copier-answers.NAME.yml).",
    ),
    LazyCommand(
        "remove",
        "idp_cli.cli.remove:remove",
        "Remove a binding `idp add` made: the files it wrote that nobody edited since, and its\n"
        "answers file.",
    ),
    LazyCommand(
        "models",
        "idp_cli.cli.models:app",
        "Browse the model catalog: list models, read a model version's card.",
    ),
    LazyCommand("catalog", "idp_cli.cli.catalog:app", "Check the catalog and describe its format."),
    LazyCommand(
        "doctor",
        "idp_cli.cli.doctor:doctor",
        "Show which catalog, config file, cache, templates and tools idp uses, and why; find\n"
        "what is wrong with them.",
    ),
    LazyCommand(
        "mcp",
        "idp_cli.cli.mcp:mcp",
        "Serve the catalog and the templates to coding agents over the Model Context Protocol\n"
        "(stdio).",
    ),
    LazyCommand(
        "plugins",
        "idp_cli.cli.plugins:plugins",
        "List the installed plug-ins: their distribution, the hooks they provide, what failed.",
    ),
    LazyCommand(
        "templates",
        "idp_cli.cli.templates:app",
        "List the templates and show what they ask and which models they serve.",
    ),
)

app = typer.Typer(
    name="idp",
    cls=lazy_group(*COMMANDS, plugins=True),
    help="Internal developer platform for AI applications: browse the model catalog, generate "
    "projects bound to a model, keep them current.",
    epilog="Exit status: 0 ok, 1 failure, 2 usage error, 3 catalog problems, 4 untrusted "
    "template, 5 drift found by `idp check`, 6 conflicts left by `idp update` (or edited files kept by `idp remove`), 130 interrupted. Set IDP_DEBUG=1 for tracebacks.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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


def _closed_streams_to_devnull() -> None:
    """`idp ... >&-` or `2>&-`: Python starts with that stream None, and the command's output
    or report has nowhere to go; it is written to the null device, and the command still
    does its work and exits with its status, rather than failing on the first print."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def main() -> None:
    """The `idp` command (and `python -m idp_cli`): one command, then the process exits."""
    # What is imported by now (Typer, Click, this table) lives until the process ends: frozen,
    # it is left out of later garbage collections, which would walk it again and again to free
    # nothing (a sixth of `idp models list`); reading a catalog from its files hands it back
    # to the collector (`speed.quiet_gc`). Here, not at import: tests build `app` in one long
    # process.
    gc.freeze()
    _closed_streams_to_devnull()
    try:
        app()
    finally:
        # What the command made is freed with the process: frozen too, it is not walked by the
        # collection Python runs at exit (a catalog read from its files holds some 80,000
        # objects in reference cycles; 7% of a first `idp models list`). Files are closed where
        # they are written, never left to that collection.
        gc.freeze()
