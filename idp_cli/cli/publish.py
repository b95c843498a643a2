"""`idp models publish`: add a model version to a catalog in a local git repository.

The `models` group names this command among its lazy ones (models.py): this module loads
only when it runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from idp_cli.cli import completion
from idp_cli.cli.catalog_edits import EDIT_FLAGS, branch_option, no_commit_option, print_written
from idp_cli.cli.common import catalog_source, guard
from idp_cli.cli.options import CatalogOpt, OutputOpt
from idp_cli.output.render import Format, emit

_NEW = "New model"
_VERSION = "Version"
_GIT = "Git"
_MLFLOW = "From MLflow"

# How the core's messages name each input.
_FLAGS = {
    **EDIT_FLAGS,
    "model": "--model",
    "version": "--version",
    "lifecycle": "--lifecycle",
    "signature_file": "--signature-file",
    "deprecates": "--deprecates",
    "keep_aliases": "--keep-aliases",
    "from_file": "--from-file",
    "from_version": "--from-version",
    "description": "--description",
    "owner": "--owner",
    "modelType": "--model-type",
    "tasks": "--task",
    "license": "--license",
}


@guard
def publish(
    ctx: typer.Context,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            metavar="NAME",
            help="The model's name (e.g. acme/churn-classifier).",
            autocompletion=completion.model_names,
            rich_help_panel=_VERSION,
        ),
    ] = None,
    version: Annotated[
        str | None,
        typer.Option(
            "--version",
            metavar="V",
            help="The version to publish (new within the model).",
            rich_help_panel=_VERSION,
        ),
    ] = None,
    lifecycle: Annotated[
        str | None,
        typer.Option(
            "--lifecycle",
            metavar="LIFECYCLE",
            help="experimental, staging, production, deprecated or archived.",
            rich_help_panel=_VERSION,
        ),
    ] = None,
    artifact_uri: Annotated[
        str | None,
        typer.Option(
            "--artifact-uri",
            metavar="URI",
            help="Where the model's artifact is stored.",
            rich_help_panel=_VERSION,
        ),
    ] = None,
    endpoint: Annotated[
        list[str] | None,
        typer.Option(
            "--endpoint",
            metavar="K=V,...",
            help="A serving endpoint, repeatable: protocol=...,url=...[,model-id=...]"
            "[,name=...][,environment=...][,auth=bearer:ENV_VAR][,capabilities=a|b]; "
            "capabilities default from the protocol (see docs/catalog.md).",
            rich_help_panel=_VERSION,
        ),
    ] = None,
    signature_file: Annotated[
        Path | None,
        typer.Option(
            "--signature-file",
            metavar="FILE",
            help="The signature: an MLflow MLmodel file, or YAML with inputs/outputs columns.",
            rich_help_panel=_VERSION,
        ),
    ] = None,
    changelog: Annotated[
        str | None,
        typer.Option(
            "--changelog",
            metavar="TEXT",
            help="What changed in this version.",
            rich_help_panel=_VERSION,
        ),
    ] = None,
    alias: Annotated[
        list[str] | None,
        typer.Option(
            "--alias",
            metavar="ALIAS",
            help="An alias for the version, repeatable; taken from the version that holds it.",
            rich_help_panel=_VERSION,
        ),
    ] = None,
    deprecates: Annotated[
        str | None,
        typer.Option(
            "--deprecates",
            metavar="OLD_VERSION",
            help="Mark this older version deprecated, with the new one as its successor; its "
            "aliases (champion: the default version) and a defaultVersion naming it move to "
            "the new version.",
            rich_help_panel=_VERSION,
        ),
    ] = None,
    keep_aliases: Annotated[
        bool,
        typer.Option(
            "--keep-aliases",
            help="With --deprecates: leave the old version's aliases and defaultVersion as "
            "they are.",
            rich_help_panel=_VERSION,
        ),
    ] = False,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from-file",
            metavar="FRAGMENT",
            help="YAML holding the version entry (or a model entry with one version); flags "
            "given as well override its fields.",
            rich_help_panel=_VERSION,
        ),
    ] = None,
    from_version: Annotated[
        str | None,
        typer.Option(
            "--from-version",
            metavar="OLD_VERSION",
            help="Take the signature, serving (endpoints, runtime), framework, resources and "
            "llm of this existing version, for each of them not given by other options.",
            rich_help_panel=_VERSION,
        ),
    ] = None,
    from_mlflow: Annotated[
        str | None,
        typer.Option(
            "--from-mlflow",
            metavar="URI",
            help="Read the version from MLflow: models:/NAME/VERSION, models:/NAME@ALIAS or "
            "runs:/RUN_ID/PATH. Its signature and input example, run metrics, artifact URI, "
            "framework, tags (as labels), description (as changelog) and aliases fill what "
            "other options do not give; --model and --version default to the registry's.",
            rich_help_panel=_MLFLOW,
        ),
    ] = None,
    tracking_uri: Annotated[
        str | None,
        typer.Option(
            "--tracking-uri",
            metavar="URI",
            help="The MLflow tracking server (http(s)://...; needs no MLflow package) or local "
            "store (sqlite:///..., a folder; needs the mlflow extra). Default: "
            "$MLFLOW_TRACKING_URI.",
            show_default=False,
            rich_help_panel=_MLFLOW,
        ),
    ] = None,
    description: Annotated[
        str | None, typer.Option("--description", help="What the model does.", rich_help_panel=_NEW)
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            metavar="ENTITY_REF",
            help="e.g. group:default/ds-retention.",
            rich_help_panel=_NEW,
        ),
    ] = None,
    model_type: Annotated[
        str | None,
        typer.Option(
            "--model-type", metavar="TYPE", help="predictive or generative.", rich_help_panel=_NEW
        ),
    ] = None,
    task: Annotated[
        list[str] | None,
        typer.Option(
            "--task",
            metavar="TASK",
            help="A Hugging Face task name, repeatable.",
            rich_help_panel=_NEW,
        ),
    ] = None,
    license_: Annotated[
        str | None,
        typer.Option(
            "--license", metavar="ID", help="SPDX or Hugging Face license id.", rich_help_panel=_NEW
        ),
    ] = None,
    display_name: Annotated[
        str | None, typer.Option("--display-name", help="A title for people.", rich_help_panel=_NEW)
    ] = None,
    branch: Annotated[str | None, branch_option("publish/<model>-<version>", _GIT)] = None,
    no_commit: Annotated[bool, no_commit_option(_GIT)] = False,
    output: OutputOpt = Format.table,
    catalog: CatalogOpt = None,
) -> None:
    """Publish a model version into a catalog held in a local git repository.

    Adds the version (newest first) to the model's entry, in the model's own file when the
    catalog is split with `include:`; a new model needs --description, --owner, --model-type,
    --task and --license, and gets its own file in the first include's folder. Comments and
    layout of everything else stay as they were. The whole catalog is validated before
    anything is written; then the change is committed on a new branch, which stays checked
    out for a pull request (refused when the files to edit have uncommitted changes), or
    only written with --no-commit.
    """
    from idp_cli import endpoint_flag
    from idp_cli import publish as core

    imported = None
    if from_mlflow is not None:
        from idp_cli import importers

        imported = importers.load("mlflow").read(
            from_mlflow,
            {
                "tracking_uri": tracking_uri,
                "input_name": "--from-mlflow",
                "tracking_name": "--tracking-uri",
            },
        )
    elif tracking_uri is not None:
        raise typer.BadParameter("only with --from-mlflow", param_hint="--tracking-uri")
    request = core.Request(
        model=model,
        version=version,
        lifecycle=lifecycle,
        artifact_uri=artifact_uri,
        endpoints=[endpoint_flag.parse(spec) for spec in endpoint or []],
        signature_file=signature_file,
        changelog=changelog,
        aliases=alias or [],
        deprecates=deprecates,
        keep_aliases=keep_aliases,
        from_file=from_file,
        from_version=from_version,
        imported=imported,
        model_fields={
            "displayName": display_name,
            "description": description,
            "owner": owner,
            "modelType": model_type,
            "tasks": task or [],
            "license": license_,
        },
        branch=branch,
        commit=not no_commit,
        names=_FLAGS,
    )
    result = core.publish(catalog_source(ctx, catalog, None), request)

    def table() -> None:
        ref = f"{result.model}@{result.version}"
        lines = [f"Published {ref}" + (" (new model)" if result.new_model else "")]
        if imported is not None:
            lines.append(f"Read from MLflow: {imported.source}")
        if result.deprecated:
            lines.append(f"Deprecated {result.model}@{result.deprecated} (successor {ref})")
        if result.inherited:
            lines.append(
                f"Inherited {', '.join(result.inherited)} from {result.model}@"
                f"{request.from_version}"
            )
        lines.extend(result.notes())
        print_written(lines, result)

    emit(result.to_dict(), output, table)
