"""`idp update`: regenerate a project through Copier's 3-way merge, re-binding its model."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated, Any

import typer

from idp_cli.cli import completion
from idp_cli.cli.check import ProjectArg
from idp_cli.cli.common import global_option, guard, interactive
from idp_cli.cli.options import CatalogOpt, CatalogRefOpt, DataOpt, OutputOpt, parse_data
from idp_cli.errors import ExitCode
from idp_cli.output import console
from idp_cli.output.render import Format, emit


class Conflict(enum.StrEnum):
    inline = "inline"
    rej = "rej"


@guard
def update(
    ctx: typer.Context,
    project: ProjectArg = Path("."),
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            help="Re-bind to this model version: name, name@version or name@alias.",
            autocompletion=completion.model_refs,
        ),
    ] = None,
    latest: Annotated[
        bool,
        typer.Option(
            "--latest",
            help="Follow the bound version's successor if it is deprecated or archived, else "
            "move to the model's newest production version; only versions the template can "
            "serve count (the newest such one is bound, and a newer one passed over is named). "
            "Refused when none can be served.",
        ),
    ] = False,
    template_ref: Annotated[
        str | None,
        typer.Option(
            "--template-ref",
            metavar="REF",
            help="Update to this template tag or commit instead of the newest tag.",
        ),
    ] = None,
    data: DataOpt = None,
    defaults: Annotated[
        bool,
        typer.Option(
            "--defaults",
            help="Never prompt: questions the new template version adds take their defaults "
            "(also the case without a terminal).",
        ),
    ] = False,
    pretend: Annotated[
        bool,
        typer.Option(
            "--pretend",
            help="Show what would change, working in a throwaway clone; the project is not touched.",
        ),
    ] = False,
    conflict: Annotated[
        Conflict,
        typer.Option(
            help="Where a conflicting change goes: inline markers in the file, or a .rej file "
            "beside it."
        ),
    ] = Conflict.inline,
    summary_file: Annotated[
        Path | None,
        typer.Option(
            "--summary-file",
            metavar="FILE",
            help="Write a Markdown summary (for a pull request body) to FILE.",
        ),
    ] = None,
    trust: Annotated[
        bool,
        typer.Option(
            "--trust", help="Allow a template from outside the bundled set to run its tasks."
        ),
    ] = False,
    output: OutputOpt = Format.table,
    catalog: CatalogOpt = None,
    catalog_ref: CatalogRefOpt = None,
) -> None:
    """Bring a generated project to the newest template version and re-bind its model.

    Without --model or --latest the bound model version stays (its catalog entry is re-read).
    The working tree must be clean: the merge is reviewed with `git diff`. Exit 0 when updated
    or already current, 6 when conflicts were left to resolve.
    """
    from idp_cli.project import summary, worktree
    from idp_cli.project.update import apply, plan, require_clean

    if model and latest:
        raise typer.BadParameter("give --model or --latest, not both", param_hint="--latest")
    may_ask = interactive(defaults)
    worktree.require_git(project)
    made = plan(
        project,
        model=model,
        latest=latest,
        template_ref=template_ref,
        overrides=parse_data(data or []),
        catalog=catalog or global_option(ctx, "catalog"),
        catalog_ref=catalog_ref or global_option(ctx, "catalog_ref"),
    )
    require_clean(made, pretend=pretend)
    if not made.noop and output is Format.table:
        console.err().print(
            f"Updating {project} …" if not pretend else "Rendering the update in a clone …"
        )
    outcome = apply(
        made, conflict=conflict.value, trust=trust, pretend=pretend, defaults=not may_ask
    )
    if summary_file is not None:
        summary_file.write_text(summary.markdown(made, outcome, pretend=pretend), encoding="utf-8")
    result: dict[str, Any] = {
        "project": str(project),
        "updated": not made.noop and not pretend,
        "pretend": pretend,
        "title": summary.title(made),
        "template": {
            "src": made.template.src,
            "from": made.template.current,
            "to": made.template.newest if made.template.outdated else made.template.current,
        },
        "model": {"from": made.old_model, "to": made.new_model},
        "changes": [c.to_dict() for c in made.changes],
        "unservable_successor": made.unservable.to_dict() if made.unservable else None,
        "answers_changed": made.changed,
        "files": [{"path": c.path, "status": c.status} for c in outcome.changes],
        "conflicts": outcome.conflicts,
    }
    emit(result, output, lambda: _print(made.noop, pretend, result))
    if outcome.conflicts:
        raise typer.Exit(int(ExitCode.CONFLICT))


def _print(noop: bool, pretend: bool, result: dict[str, Any]) -> None:
    from rich.markup import escape

    out = console.out()
    if noop:
        out.print("[green]Already up to date[/]: nothing to change.")
        return
    verb = "Would change" if pretend else "Changed"
    out.print(f"{escape(result['title'])}.")
    for change in result["changes"]:
        if change["severity"] == "breaking":
            out.print(f"[red]breaking[/]: {escape(change['description'])}")
    files = [f for f in result["files"] if f["status"] != "conflict"]
    out.print(f"{verb} {len(files)} files:")
    for f in files:
        out.print(f"  {f['status']:<9} {escape(f['path'])}")
    if result["conflicts"]:
        out.print(f"[red]{len(result['conflicts'])} conflicts[/] to resolve:")
        for path in result["conflicts"]:
            out.print(f"  {escape(path)}")
        out.print("Resolve the markers (or .rej files), then commit.")
    elif not pretend:
        out.print("Review with `git diff`, then commit.")
