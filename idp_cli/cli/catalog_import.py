"""`idp catalog import KIND URI`: read a model version from another system (a model registry)
as a catalog version entry, for review or for `idp models publish --from-file`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from idp_cli.cli.common import guard
from idp_cli.cli.options import parse_data
from idp_cli.output.render import dump_json


@guard
def import_version(
    kind: Annotated[
        str,
        typer.Argument(
            help="The importer: mlflow, or one a plug-in adds (`idp plugins` lists them)."
        ),
    ],
    uri: Annotated[
        str,
        typer.Argument(help="What to read, in the importer's terms (mlflow: models:/NAME/3)."),
    ],
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            metavar="KEY=VALUE",
            help="An option of the importer (mlflow: tracking_uri=...); repeatable.",
        ),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print JSON instead of YAML.")
    ] = False,
) -> None:
    """Read a model version from a registry as a catalog version entry (YAML).

    The entry holds what the registry knows (signature and input example, metrics, artifact,
    framework, labels, changelog, aliases); add what it does not (lifecycle, endpoints) and
    publish it with `idp models publish --model NAME --from-file ENTRY.yaml`. For MLflow,
    `idp models publish --from-mlflow URI` does both in one step.
    """
    from ruamel.yaml import YAML

    from idp_cli import importers

    options: dict[str, str | None] = {"input_name": "URI", **parse_data(option or [])}
    imported = importers.load(kind).read(uri, options)
    entry: dict[str, object] = {"version": imported.version or ""}
    entry.update(imported.fields)
    if imported.aliases:
        entry["aliases"] = list(imported.aliases)
    if json_output:
        import json

        plain = json.loads(json.dumps(entry, default=str))
        sys.stdout.write(dump_json(plain) + "\n")
        return
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.dump(entry, sys.stdout)
