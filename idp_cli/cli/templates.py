"""`idp templates`: what each template generates and which catalog models it can serve."""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer

from idp_cli.binding import CatalogFit, fit_catalog
from idp_cli.catalog.model import Catalog, Version
from idp_cli.cli import completion
from idp_cli.cli.common import guard, load_catalog
from idp_cli.cli.options import (
    CatalogOpt,
    CatalogRefOpt,
    ColumnsOpt,
    OutputOpt,
    parse_columns,
)
from idp_cli.output import console
from idp_cli.output.render import Format, emit
from idp_cli.templates.discovery import Template
from idp_cli.templates.sources import available, find

app = typer.Typer(
    help="List the templates and show what they ask and which models they serve.",
    no_args_is_help=True,
)


def _fitting(versions: list[Version]) -> list[dict[str, Any]]:
    """A template's `compatible` entries in `templates show -o json`: one per fitting version."""
    return [{"ref": v.ref, "lifecycle": v.lifecycle, "tasks": v.model.tasks} for v in versions]


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
                "compatible": _fitting(served.fitting),
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
    columns: ColumnsOpt = None,
    catalog: CatalogOpt = None,
    catalog_ref: CatalogRefOpt = None,
) -> None:
    """List the bundled templates with the models each can serve.

    KIND says how a template is used: an `app` starts a project (`idp new`), a `component`
    adds a model binding to an existing one (`idp add`).
    """
    headers = ["TEMPLATE", "KIND", "TITLE", "MODEL TYPES", "PROTOCOLS", "COMPATIBLE MODELS"]
    chosen = parse_columns(columns, headers)
    cat = load_catalog(ctx, catalog, catalog_ref)
    rows = [_summary(t, fit_catalog(t, cat), cat) for t in available(kind=None) if t.kind != "part"]

    def table() -> None:
        from idp_cli.output.plain import print_table

        print_table(
            headers,
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
            columns=chosen,
        )

    emit(rows, output, table)


@app.command("show")
@guard
def show(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            help="A bundled template's name, a template folder (./NAME for a folder named "
            "like a known template), or a git URL[@ref].",
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
    data["compatible"] = _fitting(models)
    data["incompatible"] = [{"ref": m.version.ref, "reasons": m.reasons} for m in served.misfits]
    data["deprecated"] = [{"ref": v.ref, "successor": v.successor} for v in served.deprecated]
    data["unsafeFeatures"] = template.unsafe_features

    emit(data, output, lambda: _print_show(template, data, models))


# what a reason says of the one model it is about: "(it has prod: openai-v1 [chat])", and the
# tasks in "its tasks (object-detection) are not among the template's (...)"
_GENERAL = re.compile(r" \(it has [^()]*\)|(?<=its tasks) \([^()]*\)")


def _print_show(template: Template, data: dict[str, Any], models: list[Version]) -> None:
    """Compatible models first; the questions a person answers (idp fills the binding's);
    the models it cannot serve grouped by reason, so a reason is read once."""
    from rich.text import Text

    from idp_cli.binding import owned_answers
    from idp_cli.output import layout

    width = console.width()
    lines = [Text.assemble((template.title, "bold"), "  ", (template.name, "cyan"))]
    lines += [Text(line) for line in layout.wrap(template.description, width) if line]
    supports = [
        ("Model types", "modelTypes"),
        ("Tasks", "tasks"),
        ("Protocols", "protocols"),
        ("Capabilities", "capabilities"),
    ]
    lines += [
        Text(""),
        *layout.fields([(k, ", ".join(data[v]) or "any") for k, v in supports], width, 0),
    ]
    owned = owned_answers(template)
    asked = [q for q in template.questions if not q.computed and q.name not in owned]
    lines += [Text(""), Text("Questions", style="bold underline")]
    lines += layout.table(
        ["NAME", "TYPE", "HELP"], [[q.name, q.type, q.help] for q in asked], width
    )
    filled = [q.name for q in template.questions if q.name in owned]
    if filled:
        filled_text = f"idp fills in: {', '.join(filled)}"
        lines += [Text("  " + line, style="dim") for line in layout.wrap(filled_text, width - 2)]
    if not template.binds_model:
        lines += [
            Text(""),
            Text("This template has no `_idp` metadata: idp runs it without a model binding."),
        ]
        layout.print_lines(lines)
        return
    lines += [
        Text(""),
        Text(f"{console.counted(len(models), 'compatible model')} in the catalog", style="bold"),
    ]
    rows = [[v.ref, v.lifecycle, ", ".join(v.model.tasks)] for v in models]
    lines += layout.table(["MODEL", "LIFECYCLE", "TASKS"], rows, width)[1:]
    for own in data["bindings"]:
        title = (
            f"{console.counted(own['compatibleModels'], 'model')} fit its binding "
            f"{own['name']} ({own['template']}; --model {own['name']}=REF)"
        )
        lines += [Text(""), *(Text(t, style="bold") for t in layout.wrap(title, width))]
        rows = [[e["ref"], e["lifecycle"], ", ".join(e["tasks"])] for e in own["compatible"]]
        lines += layout.table(["MODEL", "LIFECYCLE", "TASKS"], rows, width)[1:]
    if data["deprecated"]:
        lines += [
            Text(""),
            Text(
                f"{console.counted(len(data['deprecated']), 'model')} with only deprecated versions (not offered):",
                style="bold",
            ),
        ]
        lines += layout.table(
            ["MODEL", "SUCCESSOR"],
            [
                [d["ref"], f"use {d['successor']}" if d["successor"] else ""]
                for d in data["deprecated"]
            ],
            width,
        )[1:]
    if data["incompatible"]:
        by_reason: dict[str, list[str]] = {}
        for entry in data["incompatible"]:
            # the first reason, without what is particular to the model (-o json has it all),
            # so that each reason is read once
            reason = _GENERAL.sub("", entry["reasons"][0])
            by_reason.setdefault(reason, []).append(entry["ref"].partition("@")[0])
        lines += [
            Text(""),
            Text(
                f"{console.counted(len(data['incompatible']), 'model')} it cannot serve:",
                style="bold",
            ),
        ]
        for reason, refs in by_reason.items():
            lines += [
                Text("  " + line, style="dim")
                for line in layout.wrap(reason[:1].upper() + reason[1:] + ":", width - 2)
            ]
            lines += [Text("    " + line) for line in layout.wrap(", ".join(refs), width - 4)]
    layout.print_lines(lines)
