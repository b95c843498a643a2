"""`idp bindings`: the model bindings a project holds, one per answers file."""

from __future__ import annotations

from pathlib import Path

import typer

from idp_cli.cli.check import ProjectArg
from idp_cli.cli.common import catalog_options, guard
from idp_cli.cli.options import CatalogOpt, CatalogRefOpt, OutputOpt
from idp_cli.output.render import Format, emit


@guard
def bindings(
    ctx: typer.Context,
    project: ProjectArg = Path("."),
    output: OutputOpt = Format.table,
    catalog: CatalogOpt = None,
    catalog_ref: CatalogRefOpt = None,
) -> None:
    """List the project's bindings: the app template's (.copier-answers.yml, with the parts it
    is composed of) and each one `idp add` made (.copier-answers.NAME.yml).

    For each: its name (what --binding takes), template and template version, the model
    version it binds and that version's lifecycle in the catalog now (the catalog `idp check`
    reads), and its answers file.
    """
    from idp_cli.project.listing import list_bindings

    rows = list_bindings(
        project,
        *catalog_options(ctx, catalog, catalog_ref),
    )

    def table() -> None:
        from idp_cli.output.plain import print_table

        lines: list[list[str]] = []
        styles: list[list[str | None]] = []
        for row in rows:
            lifecycle = row["lifecycle"] or ""
            colour = None if lifecycle in ("", "production") else "yellow"
            lines.append([row["name"], row["template"], row["template_version"],
                          row["model_ref"] or "-", lifecycle or "-", row["answers_file"]])  # fmt: skip
            styles.append([None, None, None, None, colour, None])
            for part in row["parts"]:
                # a part is bound with its app, so it is no binding of its own
                lines.append([f"  part {part['name']}", part["template"],
                              part["template_version"], "", "", part["answers_file"]])  # fmt: skip
                styles.append([None] * 6)
        print_table(
            ["BINDING", "TEMPLATE", "VERSION", "MODEL", "LIFECYCLE", "ANSWERS FILE"],
            lines,
            styles,
            drop=("ANSWERS FILE", "VERSION", "TEMPLATE"),
        )

    emit({"project": str(project), "bindings": rows}, output, table)
