"""`idp check`: is a generated project's template or bound model out of date?"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from idp_cli.cli.common import catalog_options, guard
from idp_cli.cli.options import BindingOpt, CatalogOpt, CatalogRefOpt, OutputOpt
from idp_cli.errors import ExitCode
from idp_cli.output import console
from idp_cli.output.render import Format, emit

if TYPE_CHECKING:
    from idp_cli.project.check import ProjectReport
    from idp_cli.project.drift import Report

ProjectArg = Annotated[
    Path,
    typer.Argument(help="The generated project (the folder holding .copier-answers.yml)."),
]


@guard
def check(
    ctx: typer.Context,
    project: ProjectArg = Path("."),
    output: OutputOpt = Format.table,
    catalog: CatalogOpt = None,
    catalog_ref: CatalogRefOpt = None,
    binding: BindingOpt = None,
) -> None:
    """Report whether the project's template has a newer version and whether its bound model
    version was deprecated, superseded or moved in the catalog.

    Successors count only when the project's template can serve them; a newer one it cannot
    serve is named with the reason. Changes that moving to `idp update --latest`'s version
    makes for the generated code's callers are listed, breaking or compatible.

    A project with several answers files (the app template's .copier-answers.yml and one
    .copier-answers.NAME.yml per extra binding) is reported binding by binding; --binding
    narrows to one.

    The catalog is the one recorded in the project's answers unless --catalog is given. Exit 0
    when everything is current, 5 when something is out of date (then run `idp update`).
    """
    from idp_cli.project.check import check_project

    report = check_project(
        project,
        *catalog_options(ctx, catalog, catalog_ref),
        binding,
    )
    emit(report.as_dict(), output, lambda: _print_project(report))
    if report.outdated:
        raise typer.Exit(int(ExitCode.DRIFT))


def _print_project(report: ProjectReport) -> None:
    if not report.several:
        _print(report.bindings[0].report)
        return
    from rich.markup import escape

    out = console.out()
    for item in report.bindings:
        b = item.binding
        # the answers file is the one place each binding's lines come from
        out.print(f"[bold]binding {escape(b.name)}[/] ({escape(b.answers_file)})")
        _print_lines(item.report, indent="  ")
        if item.report.outdated:
            out.print(
                "  [yellow]Out of date[/]: " + escape("; ".join(item.report.reasons())),
                soft_wrap=True,
            )
        else:
            out.print("  [green]Up to date.[/]")
    outdated = [i.binding.name for i in report.bindings if i.report.outdated]
    if outdated:
        hint = f" --binding {outdated[0]}" if len(outdated) == 1 else ""
        out.print(
            f"[yellow]Out of date[/]: {escape(', '.join(outdated))}. "
            f"Run `idp update --latest{escape(hint)}`."
        )
    else:
        out.print("[green]Up to date.[/]")


def _print(report: Report) -> None:
    from rich.markup import escape

    out = console.out()
    _print_lines(report)
    m = report.model
    if report.outdated:
        # one line, never broken inside a model ref: CI logs and scripts grep it whole
        out.print("[yellow]Out of date[/]: " + escape("; ".join(report.reasons())), soft_wrap=True)
        if m is not None and m.unservable_successor and m.latest == m.ref:
            out.print(
                "No newer version can be bound: bind another with `idp update --model REF`, "
                "or have the catalog entry fixed."
            )
        else:
            out.print("Run `idp update --latest` (or `idp update` to keep the model version).")
    else:
        out.print("[green]Up to date.[/]")


def _plugin_template(src: str) -> str | None:
    from idp_cli.templates.plugin_templates import named

    found = named(src)
    return f"{found[1]} (plug-in {found[0]})" if found else None


def _print_lines(report: Report, indent: str = "") -> None:
    """The template, model and catalog lines of one binding."""
    from rich.markup import escape

    out = console.out()
    t = report.template
    mark = "[yellow]outdated[/]" if t.outdated else "[green]current[/]"
    newest = f" → {escape(t.newest)}" if t.outdated else ""
    from idp_cli.templates.snapshots import bundled_name

    name = bundled_name(t.src)
    shown = f"{name} (bundled with idp)" if t.bundled and name else None
    shown = shown or _plugin_template(t.src) or t.src
    out.print(f"{indent}template  {escape(shown)} {escape(t.current)}{newest}  {mark}")
    for part_name, part in report.parts.items():
        if part.outdated:  # the parts that keep up with the app go without saying
            template = bundled_name(part.src) or _plugin_template(part.src) or part.src
            out.print(
                f"{indent}  part {escape(part_name)}: {escape(template)} {escape(part.current)} "
                f"→ {escape(part.newest)}  [yellow]outdated[/]"
            )
    version = escape(t.target)
    for part_name in report.parts_added:
        out.print(f"{indent}  part {escape(part_name)}: new in {version}  [yellow]outdated[/]")
    for part_name in report.parts_dropped:
        out.print(f"{indent}  part {escape(part_name)}: dropped in {version}  [yellow]outdated[/]")
    m = report.model
    if m is not None:
        mark = "[yellow]outdated[/]" if m.outdated else "[green]current[/]"
        out.print(f"{indent}model     {escape(m.ref)} ({escape(m.lifecycle)})  {mark}")
        if m.successor:
            out.print(f"{indent}          successor {escape(m.successor)}")
        if m.newer_production and m.newer_production != m.successor:
            out.print(f"{indent}          newer production version {escape(m.newer_production)}")
        for change in m.endpoint_changes:
            out.print(f"{indent}          endpoint {escape(change)}")
        if m.binding_changes:
            out.print(
                f"{indent}          catalog entry changed: {escape(', '.join(m.binding_changes))}"
            )
        if m.latest != m.ref:
            out.print(f"{indent}          `idp update --latest` binds {escape(m.latest)}")
        if m.unservable_successor:
            u = m.unservable_successor
            out.print(
                f"{indent}          [yellow]successor {escape(u['ref'])} cannot be bound[/]: "
                f"{escape(u['reason'])}"
            )
        for item in m.changes:
            color = "red" if item["severity"] == "breaking" else "green"
            out.print(
                f"{indent}          [{color}]{item['severity']}[/]: {escape(item['description'])}"
            )
    c = report.catalog
    if c is not None:
        recorded = c.recorded_commit[:12] or "no commit"
        now = c.current_commit[:12] or "no commit"
        moved = "" if recorded == now else f" (recorded {escape(recorded)}, now {escape(now)})"
        out.print(f"{indent}catalog   {escape(c.source)}{moved}")
