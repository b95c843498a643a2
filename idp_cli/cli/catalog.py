"""`idp catalog`: check the catalog and describe its format."""

from __future__ import annotations

import enum
import sys
from typing import Annotated, Any

import typer

from idp_cli.catalog.model import CatalogSummary
from idp_cli.catalog.read import Loaded, load
from idp_cli.cli.common import catalog_source, guard
from idp_cli.cli.lazy import LazyCommand, lazy_group
from idp_cli.cli.options import CatalogOpt, CatalogRefOpt
from idp_cli.errors import ExitCode
from idp_cli.output import console
from idp_cli.output.render import dump_json, dump_yaml

# The group's commands from history.py load only when they run (lazy.py).
app = typer.Typer(
    cls=lazy_group(
        LazyCommand(
            "import",
            "idp_cli.cli.catalog_import:import_version",
            "Read a model version from a registry as a catalog entry, or propose every new one.",
        ),
        LazyCommand(
            "diff",
            "idp_cli.cli.history:diff",
            "Compare the catalog at two git refs: models and versions added, removed and changed\n"
            "field by field, lifecycle transitions, endpoint changes, and the impact on generated\n"
            "projects (a version deprecated or archived, an endpoint moved or removed, a successor\n"
            "that breaks callers).",
        ),
    ),
    help="Check the catalog and describe its format.",
    no_args_is_help=True,
)


class ValidateFormat(enum.StrEnum):
    text = "text"
    json = "json"
    yaml = "yaml"
    github = "github"


def _github_escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def validation_report(loaded: Loaded[CatalogSummary]) -> dict[str, Any]:
    from idp_cli.catalog.advice import advice

    catalog = loaded.catalog
    return {
        "valid": not loaded.problems,
        "source": loaded.source.display,
        "files": loaded.files,
        "models": len(catalog.models) if catalog else None,
        "versions": sum(len(m.raw["versions"]) for m in catalog.models) if catalog else None,
        "problems": [p.to_dict() for p in loaded.problems],
        "warnings": [a.to_dict() for a in advice(catalog)] if catalog else [],
    }


@app.command("validate")
@guard
def validate(
    ctx: typer.Context,
    source: Annotated[
        str | None,
        typer.Argument(
            help="Catalog to check (same forms as --catalog). Default: the configured catalog."
        ),
    ] = None,
    output: Annotated[
        ValidateFormat,
        typer.Option(
            "--output",
            "-o",
            help="text for people, json/yaml for scripts, github for GitHub Actions annotations.",
        ),
    ] = ValidateFormat.text,
    catalog: CatalogOpt = None,
    catalog_ref: CatalogRefOpt = None,
) -> None:
    """Check the catalog against its format and rules, reporting every problem at once.

    Also warns about what is valid but no template can use, such as a version whose endpoints
    declare no capability (warnings do not change the exit status).

    Exit status: 0 when valid, 3 when problems were found, 1 when the catalog cannot be read.
    """
    # problems and counts are all it reports: a summary of each valid model is enough
    loaded = load(
        catalog_source(ctx, source or catalog, catalog_ref), use_cache=False, summary=True
    )
    report = validation_report(loaded)
    if output is ValidateFormat.json:
        sys.stdout.write(dump_json(report) + "\n")
    elif output is ValidateFormat.yaml:
        sys.stdout.write(dump_yaml(report))
    elif output is ValidateFormat.github:
        for warning in report["warnings"]:
            title = _github_escape(f"catalog: {warning['ref']}", property_value=True)
            sys.stdout.write(f"::warning title={title}::{_github_escape(warning['message'])}\n")
        for problem in loaded.problems:
            title = _github_escape(f"catalog: {problem.path or 'document'}", property_value=True)
            sys.stdout.write(
                f"::error file={_github_escape(problem.file, property_value=True)},"
                f"line={problem.line},col={problem.column},title={title}::"
                f"{_github_escape(problem.message)}\n"
            )
    else:
        for problem in loaded.problems:
            sys.stdout.write(problem.render() + "\n")
        console.warn_all([warning["message"] for warning in report["warnings"]])
    if loaded.problems:
        files = console.counted(len({p.file for p in loaded.problems}), "file")
        console.labelled(
            [(console.counted(len(loaded.problems), "problem"), "red", f"in {files}.")]
        )
        raise typer.Exit(int(ExitCode.INVALID))
    files = console.counted(len(loaded.files), "file")
    text = f"{report['models']} models, {report['versions']} versions in {files}."
    console.labelled([("valid:", "green", text)])


@app.command("schema")
@guard
def schema() -> None:
    """Print the JSON Schema of the catalog format (for editors and other tools)."""
    from idp_cli.catalog.format import json_schema

    sys.stdout.write(dump_json(json_schema()) + "\n")


class ExportFormat(enum.StrEnum):
    backstage = "backstage"
    json = "json"


@app.command("export")
@guard
def export(
    ctx: typer.Context,
    format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="backstage: Backstage entities as YAML; json: the resolved catalog for scripts.",
        ),
    ] = ExportFormat.backstage,
    out_dir: Annotated[
        str | None,
        typer.Option(
            "--out-dir",
            metavar="DIR",
            help="Backstage only: write one file per entity (<kind>-<name>.yaml) and a "
            "location.yaml listing them into DIR, which must be missing, empty, or hold only "
            "an earlier export (replaced as a whole). Default: one multi-document YAML on stdout.",
            show_default=False,
        ),
    ] = None,
    catalog: CatalogOpt = None,
    catalog_ref: CatalogRefOpt = None,
) -> None:
    """Export the catalog for other tools.

    backstage: each model as a Resource of type ai-model; each serving endpoint of every
    version that is not archived as an API (its type is the protocol) and a Component of type
    model-server that provides it and depends on the model. The entity names are the ones
    generated projects' catalog-info.yaml refers to. On stdout there is no Location entity
    (register the file itself); with --out-dir, location.yaml lists the entity files.
    Archived versions, and models with only archived versions, are not exported.

    json: the catalog with its includes merged, every model and version as the catalog holds
    them.
    """
    from pathlib import Path

    from idp_cli.backstage import export as exporter
    from idp_cli.cli.common import load_catalog
    from idp_cli.resolved_catalog import resolved

    if out_dir is not None and format is not ExportFormat.backstage:
        raise typer.BadParameter("only --format backstage writes a folder", param_hint="--out-dir")
    loaded = load_catalog(ctx, catalog, catalog_ref)
    if format is ExportFormat.json:
        sys.stdout.write(dump_json(resolved(loaded)) + "\n")
        return
    entities = exporter.entities(loaded)
    if out_dir is None:
        sys.stdout.write(exporter.dump(entities))
        return
    files = exporter.write_dir(loaded, entities, Path(out_dir))
    console.err().print(f"[green]wrote[/] {len(files)} files to {out_dir}")
