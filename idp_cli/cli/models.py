"""`idp models`: find a model and read its card."""

# No `from __future__ import annotations` in this module: Typer reads each command's
# annotations when it builds the command, evaluating them (twice) when they are strings;
# evaluated once at import they cost `idp models list` a third as much.

from typing import Annotated, Any

import typer

from idp_cli.catalog.model import VersionSummary, VersionView, version_key
from idp_cli.catalog.query import Filters, resolve, select
from idp_cli.catalog.vocabulary import LIFECYCLES, MODEL_TYPES, PROTOCOLS
from idp_cli.cli import completion
from idp_cli.cli.common import guard, load_catalog, load_summary
from idp_cli.cli.lazy import LazyCommand, lazy_group
from idp_cli.cli.options import (
    CatalogOpt,
    CatalogRefOpt,
    ColumnsOpt,
    OutputOpt,
    parse_columns,
)
from idp_cli.output import console
from idp_cli.output.render import Format, emit
from idp_cli.output.styles import LIFECYCLE_STYLE as _LIFECYCLE_STYLE

# The group's commands from history.py, publish.py and alias.py load only when they run (lazy.py).
app = typer.Typer(
    cls=lazy_group(
        LazyCommand(
            "history",
            "idp_cli.cli.history:history",
            "Show how a model's versions evolved in the catalog's git history: when each was added,\n"
            "its lifecycle changes, deprecations and alias moves with commit, author and date, its removal.",
        ),
        LazyCommand(
            "publish",
            "idp_cli.cli.publish:publish",
            "Publish a model version into a catalog held in a local git repository.",
        ),
        LazyCommand(
            "alias",
            "idp_cli.cli.alias:app",
            "Move a model's alias (champion: the default version) to another version, or remove\n"
            "it, on a new branch of a catalog held in a local git repository.",
        ),
    ),
    help="Browse the model catalog: list models, read a model version's card.",
    no_args_is_help=True,
)


def _choice(value: str | None, allowed: tuple[str, ...], option: str) -> str | None:
    if value is not None and value not in allowed:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(allowed)}", param_hint=option)
    return value


def row(version: VersionView[Any]) -> dict[str, Any]:
    model = version.model
    return {
        "name": model.name,
        "version": version.version,
        "ref": version.ref,
        "aliases": version.aliases,
        "default": version.is_default,
        "lifecycle": version.lifecycle,
        "modelType": model.model_type,
        "tasks": model.tasks,
        "protocols": version.protocols,
        "license": model.license,
        "owner": model.owner,
        "description": model.description,
    }


@app.command("list")
@guard
def list_models(
    ctx: typer.Context,
    task: Annotated[
        str | None,
        typer.Option(
            help="Only models for this task (e.g. text-generation).",
            autocompletion=completion.tasks,
        ),
    ] = None,
    model_type: Annotated[
        str | None,
        typer.Option(
            "--type",
            help="Only predictive or generative models.",
            metavar="TYPE",
            autocompletion=completion.one_of(MODEL_TYPES, "model type"),
        ),
    ] = None,
    lifecycle: Annotated[
        str | None,
        typer.Option(
            help="Only versions in this lifecycle state (archived ones show only when asked for).",
            autocompletion=completion.one_of(LIFECYCLES, "lifecycle"),
        ),
    ] = None,
    protocol: Annotated[
        str | None,
        typer.Option(
            help="Only versions served over this protocol (e.g. openai-v1).",
            autocompletion=completion.one_of(PROTOCOLS, "protocol"),
        ),
    ] = None,
    tag: Annotated[
        str | None, typer.Option(help="Only models with this tag.", autocompletion=completion.tags)
    ] = None,
    query: Annotated[
        str | None,
        typer.Option(
            "--query",
            "-q",
            help="Words to find (each at the start of a word) in the name, display name, "
            "description, tags or tasks; every word must be found.",
        ),
    ] = None,
    all_versions: Annotated[
        bool, typer.Option("--all-versions", help="One row per version instead of one per model.")
    ] = False,
    output: OutputOpt = Format.table,
    columns: ColumnsOpt = None,
    catalog: CatalogOpt = None,
    catalog_ref: CatalogRefOpt = None,
) -> None:
    """List models, one row per model showing its default version.

    The table fits the terminal by leaving out columns (license first, then protocol, task,
    type and lifecycle; the model and its version always stay whole); `-o wide` shows every
    column, `--columns` chooses them."""
    chosen = parse_columns(columns, list(_HEADERS))
    filters = Filters(
        task=task,
        model_type=_choice(model_type, MODEL_TYPES, "--type"),
        lifecycle=_choice(lifecycle, LIFECYCLES, "--lifecycle"),
        protocol=_choice(protocol, PROTOCOLS, "--protocol"),
        tag=tag,
        text=query,
        all_versions=all_versions,
    )
    # one order, whatever the catalog's: by name, then newest version first (two stable sorts)
    newest_first = sorted(
        select(load_summary(ctx, catalog, catalog_ref), filters),
        key=lambda v: version_key(v.version),
        reverse=True,
    )
    versions = sorted(newest_first, key=lambda v: v.model.name)
    emit([row(v) for v in versions], output, lambda: _table(versions, chosen))


_HEADERS = ("MODEL", "VERSION", "LIFECYCLE", "TYPE", "TASK", "PROTOCOL", "LICENSE")


def _table(versions: list[VersionSummary], columns: list[str] | None) -> None:
    from idp_cli.output.plain import print_table

    if not versions:
        console.err().print(
            "No model matches. Try fewer filters, or `idp models list --all-versions`."
        )
        return
    rows = []
    styles = []
    for version in versions:
        model = version.model
        label = version.version + (f" ({', '.join(version.aliases)})" if version.aliases else "")
        rows.append(
            [
                model.name,
                label,
                version.lifecycle,
                model.model_type,
                ", ".join(model.tasks),
                ", ".join(version.protocols) or "-",
                model.license,
            ]
        )
        styles.append([None, None, _LIFECYCLE_STYLE.get(version.lifecycle), None, None, None, None])
    print_table(
        _HEADERS,
        rows,
        styles,
        # what goes first to fit the terminal; the model and its version always stay
        drop=("LICENSE", "PROTOCOL", "TASK", "TYPE", "LIFECYCLE"),
        shrink={"TASK": 12},
        columns=columns,
    )


@app.command("show")
@guard
def show(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            help="name, name@version or name@alias; a bare name means its default version.",
            autocompletion=completion.model_refs,
        ),
    ],
    output: OutputOpt = Format.table,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager",
            help="Print the card straight to the terminal, even when it is longer than the "
            "screen (a pipe never gets a pager; see IDP_PAGER).",
        ),
    ] = False,
    catalog: CatalogOpt = None,
    catalog_ref: CatalogRefOpt = None,
) -> None:
    """Show a model version's whole card: what it does, license, lifecycle, signature, metrics,
    endpoints. On a terminal a card longer than the screen goes through a pager."""
    from idp_cli.output.card import card_data, print_card

    version = resolve(load_catalog(ctx, catalog, catalog_ref), ref)
    emit(card_data(version), output, lambda: print_card(version, no_pager=no_pager))
