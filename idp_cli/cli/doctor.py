"""`idp doctor`: what idp is using and why, and what is wrong with it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from idp_cli.cli.common import catalog_options, guard
from idp_cli.cli.options import CatalogOpt, CatalogRefOpt, OutputOpt
from idp_cli.output import console
from idp_cli.output.render import Format, emit

if TYPE_CHECKING:
    from idp_cli.doctor import Diagnosis


@guard
def doctor(
    ctx: typer.Context,
    folder: Annotated[
        Path,
        typer.Argument(help="A folder to look at as a project (its bindings and their drift)."),
    ] = Path("."),
    output: OutputOpt = Format.table,
    catalog: CatalogOpt = None,
    catalog_ref: CatalogRefOpt = None,
) -> None:
    """Show which catalog, config file, cache, templates and tools idp uses, and why; find
    what is wrong with them.

    Reports idp's version and distribution, Python, the catalog (and why that one: --catalog,
    IDP_CATALOG, the config file or the bundled catalog) with its revision, the config file,
    the cache folder and its size, the template sources, git and Copier, the IDP_* variables
    that are set, and whether FOLDER is a bound project, with each binding's drift.

    Exit 0 when nothing is wrong, 1 when something is (each problem is listed with a hint).
    """
    from idp_cli.doctor import diagnose

    diagnosis = diagnose(
        folder,
        *catalog_options(ctx, catalog, catalog_ref),
    )
    emit(diagnosis.as_dict(), output, lambda: _print(diagnosis))
    if diagnosis.problems:
        raise typer.Exit(1)


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    raise AssertionError("unreachable")


def _rows(title: str, rows: list[tuple[str, Any]]) -> None:
    from rich.markup import escape

    out = console.out()
    out.print(f"[bold]{title}[/]")
    for key, value in rows:
        if value is None or value == "" or value == []:
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        out.print(f"  {key + ':':<14}{escape(shown)}", overflow="fold")


def _print(d: Diagnosis) -> None:
    idp = d.idp
    _rows(
        "idp",
        [
            ("version", idp["version"]),
            ("distribution", idp["distribution"] or "not installed (run from a source tree)"),
            ("package", idp["package"] + (" (editable)" if idp["editable"] else "")),
            ("python", f"{d.python['version']} ({d.python['executable']})"),
        ],
    )
    c = d.catalog
    _rows(
        "catalog",
        [
            ("source", c.get("source") or c.get("spec")),
            ("why", c.get("why")),
            ("ref", c.get("ref")),
            ("revision", c.get("revision")),
            ("uncommitted", "yes" if c.get("uncommitted_changes") else None),
            ("models", c.get("models")),
            ("state", "valid" if c.get("valid") else f"unusable: {c.get('error')}"),
        ],
    )
    cf = d.config_file
    _rows(
        "config file",
        [
            ("path", cf["path"] + ("" if cf["exists"] else " (none)")),
            ("keys", cf.get("keys")),
            ("error", cf.get("error")),
        ],
    )
    cache = d.cache
    _rows(
        "cache",
        [
            ("folder", cache["path"]),
            ("size", f"{_size(cache['bytes'])} in {console.counted(cache['files'], 'file')}"),
        ],
    )
    t = d.templates
    _rows(
        "templates",
        [("sources", t["sources"]), ("apps", t.get("apps")), ("components", t.get("components"))],
    )
    _rows(
        "tools", [("git", d.tools["git"] or "missing"), ("copier", d.tools["copier"] or "missing")]
    )
    if d.environment:
        _rows("environment", sorted(d.environment.items()))
    _print_project(d.project)
    _print_problems(d)


def _print_project(project: dict[str, Any]) -> None:
    from rich.markup import escape

    name = Path(project["path"]).name
    if not project["bound"]:
        _rows("project", [("folder", f"{name}: not a generated project (no answers file)")])
        return
    _rows("project", [("folder", name), ("bindings", len(project["bindings"]))])
    out = console.out()
    for b in project["bindings"]:
        if "error" in b:
            state = f"[red]error:[/] {escape(b['error'])}"
        elif b.get("outdated"):
            state = "[yellow]outdated:[/] " + escape("; ".join(b["reasons"]))
        else:
            state = "[green]current[/]" if "outdated" in b else ""
        version = f" {b['template_version']}" if b["template_version"] else ""
        bound = f" -> {b['model_ref']}" if b["model_ref"] else ""
        out.print(
            f"  - {escape(b['name'])}: {escape(b['template'] + version + bound)}", overflow="fold"
        )
        if state:
            out.print(f"    {state}", overflow="fold")
        for part in b["parts"]:
            version = f" {part['template_version']}" if part["template_version"] else ""
            out.print(
                f"    part {escape(part['name'])}: {escape(part['template'] + version)}",
                overflow="fold",
            )


def _print_problems(d: Diagnosis) -> None:
    if not d.problems:
        console.out().print("[green]No problems found.[/]")
        return
    for p in d.problems:
        console.error(f"{p.area}: {p.message}", p.hint)
    console.err().print(f"{console.counted(len(d.problems), 'problem')} found.")
