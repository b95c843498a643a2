"""`idp templates`: what each template generates and which catalog models it can serve."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from idp_cli.binding import CatalogFit, fit_catalog
from idp_cli.catalog.model import Catalog
from idp_cli.cli import completion
from idp_cli.cli.common import guard, load_catalog
from idp_cli.cli.options import CatalogOpt, CatalogRefOpt, OutputOpt
from idp_cli.output import console
from idp_cli.output.render import Format, emit
from idp_cli.templates.discovery import Template, bundled, find

app = typer.Typer(
    help="List the templates and show what they ask and which models they serve.",
    no_args_is_help=True,
)


def _own_bindings(template: Template, cat: Catalog) -> list[dict[str, Any]]:
    """The app's parts that bind a model of their own (rag-service's embeddings): which
    models fit each, bound with `idp new --model NAME=REF`."""
    from idp_cli.project.parts import own_bindings

    found = []
    for name, component in own_bindings(template).items():
        served = fit_catalog(component, cat)
        found.append(
            {
                "name": name,
                "template": component.name,
                "compatibleModels": len(served.fitting),
                "compatible": [
                    {"ref": v.ref, "lifecycle": v.lifecycle, "tasks": v.model.tasks}
                    for v in served.fitting
                ],
            }
        )
    return found


def _summary(template: Template, served: CatalogFit, cat: Catalog) -> dict[str, Any]:
    return {
        "name": template.name,
        "kind": template.kind,
        "title": template.title,
        "description": template.description,
        "source": template.src,
        "bundled": template.bundled,
        "modelTypes": template.supports("modelTypes"),
        "tasks": template.supports("tasks"),
        "protocols": template.supports("protocols"),
        "capabilities": template.supports("capabilities"),
        "compatibleModels": len(served.fitting),
        "bindings": _own_bindings(template, cat),
    }


def _compatible(row: dict[str, Any]) -> str:
    """`4`, or with the app's second binding `4; embeddings: 2`."""
    counts = [str(row["compatibleModels"])]
    counts += [f"{b['name']}: {b['compatibleModels']}" for b in row["bindings"]]
    return "; ".join(counts)


@app.command("list")
@guard
def list_templates(
    ctx: typer.Context,
    output: OutputOpt = Format.table,
    catalog: CatalogOpt = None,
    catalog_ref: CatalogRefOpt = None,
) -> None:
    """List the bundled templates with the models each can serve.

    KIND says how a template is used: an `app` starts a project (`idp new`), a `component`
    adds a model binding to an existing one (`idp add`).
    """
    cat = load_catalog(ctx, catalog, catalog_ref)
    rows = [_summary(t, fit_catalog(t, cat), cat) for t in bundled(kind=None) if t.kind != "part"]

    def table() -> None:
        from idp_cli.output.plain import print_table

        print_table(
            ["TEMPLATE", "KIND", "TITLE", "MODEL TYPES", "PROTOCOLS", "COMPATIBLE MODELS"],
            [
                [
                    row["name"],
                    row["kind"],
                    row["title"],
                    ", ".join(row["modelTypes"]) or "any",
                    ", ".join(row["protocols"]) or "any",
                    _compatible(row),
                ]
                for row in rows
            ],
            # what goes first to fit the terminal; the template's name always stays whole
            drop=("TITLE", "MODEL TYPES", "COMPATIBLE MODELS", "PROTOCOLS", "KIND"),
        )

    emit(rows, output, table)


@app.command("show")
@guard
def show(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            help="A bundled template's name, a template folder, or a git URL[@ref].",
            autocompletion=completion.template_names,
        ),
    ],
    output: OutputOpt = Format.table,
    catalog: CatalogOpt = None,
    catalog_ref: CatalogRefOpt = None,
) -> None:
    """Show a template: what it supports, the questions it asks, the models it can serve."""
    template = find(name)
    cat = load_catalog(ctx, catalog, catalog_ref)
    served = fit_catalog(template, cat)
    models = served.fitting
    data = _summary(template, served, cat)
    data["questions"] = [
        {
            "name": q.name,
            "type": q.type,
            "help": q.help,
            "default": q.default,
            "computed": q.computed,
        }
        for q in template.questions
    ]
    data["compatible"] = [
        {"ref": v.ref, "lifecycle": v.lifecycle, "tasks": v.model.tasks} for v in models
    ]
    data["incompatible"] = [{"ref": m.version.ref, "reasons": m.reasons} for m in served.misfits]
    data["unsafeFeatures"] = template.unsafe_features

    def table() -> None:
        from rich.markup import escape
        from rich.table import Table

        out = console.out()
        out.print(f"[bold]{escape(template.title)}[/]  [cyan]{escape(template.name)}[/]")
        if template.description:
            out.print(escape(template.description))
        out.print()
        for label, key in (
            ("Model types", "modelTypes"),
            ("Tasks", "tasks"),
            ("Protocols", "protocols"),
            ("Capabilities", "capabilities"),
        ):
            out.print(f"[bold]{label}:[/] {escape(', '.join(data[key]) or 'any')}")
        out.print()
        questions = Table(
            title="Questions", title_justify="left", box=None, pad_edge=False, header_style="bold"
        )
        for column in ("NAME", "TYPE", "HELP"):
            questions.add_column(column, overflow="fold")
        for q in template.questions:
            if not q.computed:
                questions.add_row(escape(q.name), q.type, escape(q.help))
        out.print(questions)
        out.print()
        if template.binds_model:
            if data["incompatible"]:
                out.print(f"[bold]{len(data['incompatible'])} models it cannot serve[/]:")
                for entry in data["incompatible"]:
                    out.print(
                        f"  {escape(entry['ref'])}  [dim]{escape('; '.join(entry['reasons']))}[/]"
                    )
                out.print()
            out.print(f"[bold]{len(models)} compatible models[/] in the catalog:")
            for version in models:
                out.print(
                    f"  {escape(version.ref)}  [dim]{version.lifecycle}, {escape(', '.join(version.model.tasks))}[/]"
                )
            for own in data["bindings"]:
                out.print()
                out.print(
                    f"[bold]{own['compatibleModels']} models fit its binding {escape(own['name'])}[/]"
                    f" ({escape(own['template'])}; --model {escape(own['name'])}=REF):"
                )
                for entry in own["compatible"]:
                    out.print(
                        f"  {escape(entry['ref'])}  [dim]{entry['lifecycle']}, {escape(', '.join(entry['tasks']))}[/]"
                    )
        else:
            out.print("This template has no `_idp` metadata: idp runs it without a model binding.")

    emit(data, output, table)
