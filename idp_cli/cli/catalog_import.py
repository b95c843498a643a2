"""`idp catalog import KIND [URI]`: with a URI, read one model version from another system (a
model registry) as a catalog version entry, for review or for `idp models publish
--from-file`; without one, propose every version the registry holds that the catalog lacks,
on one new branch (`--pretend`: the plan only)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from idp_cli.cli.catalog_edits import EDIT_FLAGS, branch_option, no_commit_option
from idp_cli.cli.common import catalog_source, guard
from idp_cli.cli.options import CatalogOpt, OutputOpt, parse_data
from idp_cli.output.render import Format, dump_json

_BULK = "Importing every new version (no URI)"

# How the core's messages name each input.
_FLAGS = {
    **EDIT_FLAGS,
    "tracking_uri": "--tracking-uri",
    "filters": "--filter",
    "mapping": "--map",
    "lifecycle": "--lifecycle",
}


@guard
def import_version(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Argument(
            help="The importer: mlflow, or one a plug-in adds (`idp plugins` lists them)."
        ),
    ],
    uri: Annotated[
        str | None,
        typer.Argument(
            help="One version to read, in the importer's terms (mlflow: models:/NAME/3). "
            "Without it: every registered version not yet in the catalog."
        ),
    ] = None,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            metavar="KEY=VALUE",
            help="An option of the importer (mlflow: tracking_uri=...); repeatable.",
        ),
    ] = None,
    tracking_uri: Annotated[
        str | None,
        typer.Option(
            "--tracking-uri",
            metavar="URI",
            help="The registry's address (mlflow: the tracking server, http(s)://..., or a "
            "local store, sqlite:///...); the same as --option tracking_uri=URI. Default: "
            "$MLFLOW_TRACKING_URI.",
            show_default=False,
        ),
    ] = None,
    filter_: Annotated[
        list[str] | None,
        typer.Option(
            "--filter",
            metavar="GLOB",
            help="Only the registered models whose name matches (churn*, *-classifier); "
            "repeatable, any may match.",
            rich_help_panel=_BULK,
        ),
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="REGISTERED=CATALOG",
            help="Import the registered model REGISTERED into the catalog model CATALOG "
            "(default: the catalog model of the same name); repeatable.",
            rich_help_panel=_BULK,
        ),
    ] = None,
    lifecycle: Annotated[
        str | None,
        typer.Option(
            "--lifecycle",
            metavar="LIFECYCLE",
            help="For a version holding no role alias (champion: production, challenger: "
            "staging, candidate: experimental). Default: experimental.",
            show_default=False,
            rich_help_panel=_BULK,
        ),
    ] = None,
    from_default_version: Annotated[
        bool,
        typer.Option(
            "--from-default-version",
            help="Each new version takes the serving (endpoints, runtime), resources and llm "
            "of the model's default version, as `publish --from-version` does.",
            rich_help_panel=_BULK,
        ),
    ] = False,
    pretend: Annotated[
        bool,
        typer.Option("--pretend", help="Print the plan; write nothing.", rich_help_panel=_BULK),
    ] = False,
    branch: Annotated[
        str | None, branch_option("import/KIND-<digest of the changes>", _BULK)
    ] = None,
    no_commit: Annotated[bool, no_commit_option(_BULK)] = False,
    json_output: Annotated[
        bool, typer.Option("--json", help="With a URI: print JSON instead of YAML (-o json).")
    ] = False,
    output: OutputOpt = Format.table,
    catalog: CatalogOpt = None,
) -> None:
    """Read a model version from a registry as a catalog entry, or propose every new one.

    With a URI: print the version as a catalog version entry (YAML, or JSON with -o json).
    The entry holds what the registry knows (signature and input example, metrics, artifact,
    framework, labels, changelog, aliases); add what it does not (lifecycle, endpoints) and
    publish it with `idp models publish --model NAME --from-file ENTRY.yaml`. For MLflow,
    `idp models publish --from-mlflow URI` does both in one step.

    Without a URI: every version of the registered models (--filter) that the catalog model of
    the same name (--map) lacks is added as `publish --from-mlflow` adds one, and the
    registry's aliases move onto their versions as `idp models alias set` moves them; all
    validated together, then committed on one new branch. A version logged without a
    signature is skipped with the reason; a registered model with no catalog model too.
    """
    from idp_cli import importers

    options: dict[str, str | None] = {"input_name": "URI", **parse_data(option or [])}
    if tracking_uri is not None:
        options["tracking_uri"] = tracking_uri
    options.setdefault("tracking_name", "--tracking-uri")
    if uri is not None:
        bulk_only = {
            "--filter": filter_, "--map": map_, "--pretend": pretend, "--branch": branch,
            "--no-commit": no_commit, "--from-default-version": from_default_version,
            "--lifecycle": lifecycle,
        }  # fmt: skip
        given = [flag for flag, value in bulk_only.items() if value]
        if given:
            raise typer.BadParameter(
                "only without a URI (importing every new version)", param_hint=given[0]
            )
        _print_entry(importers.load(kind).read(uri, options), json_output or output is Format.json)
        return
    if json_output:
        raise typer.BadParameter("only with a URI; use -o json", param_hint="--json")
    if pretend and no_commit:
        raise typer.BadParameter("--pretend writes nothing already", param_hint="--no-commit")
    from idp_cli.catalog.vocabulary import LIFECYCLES

    lifecycle = lifecycle or "experimental"
    if lifecycle not in LIFECYCLES:
        raise typer.BadParameter(
            f"{lifecycle!r} is none of {', '.join(LIFECYCLES)}", param_hint="--lifecycle"
        )
    from idp_cli.cli.catalog_import_plan import run_import

    run_import(
        catalog_source(ctx, catalog, None),
        kind,
        options,
        filters=filter_ or [],
        mapping=_mapping(map_ or []),
        lifecycle=lifecycle,
        from_default_version=from_default_version,
        pretend=pretend,
        commit=not no_commit,
        branch=branch,
        names=_FLAGS,
        output=output,
    )


def _mapping(pairs: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        registered, sep, name = pair.partition("=")
        if not sep or not registered.strip() or not name.strip():
            raise typer.BadParameter(f"{pair!r} is not REGISTERED=CATALOG", param_hint="--map")
        mapping[registered.strip()] = name.strip()
    return mapping


def _print_entry(imported: object, as_json: bool) -> None:
    from ruamel.yaml import YAML

    from idp_cli.importers import Imported

    assert isinstance(imported, Imported)
    entry: dict[str, object] = {"version": imported.version or ""}
    entry.update(imported.fields)
    if imported.aliases:
        entry["aliases"] = list(imported.aliases)
    if as_json:
        import json

        plain = json.loads(json.dumps(entry, default=str))
        sys.stdout.write(dump_json(plain) + "\n")
        return
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.dump(entry, sys.stdout)
