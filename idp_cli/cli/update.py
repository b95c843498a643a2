"""`idp update`: regenerate a project through Copier's 3-way merge, re-binding its model."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from idp_cli.cli import completion
from idp_cli.cli.binding_options import split_models
from idp_cli.cli.check import ProjectArg
from idp_cli.cli.common import catalog_options, guard, interactive
from idp_cli.cli.options import (
    BindingOpt,
    CatalogOpt,
    CatalogRefOpt,
    DataOpt,
    OutputOpt,
    TrustOpt,
    parse_data,
)
from idp_cli.errors import ExitCode, IdpError
from idp_cli.output import console
from idp_cli.output.render import Format, emit

if TYPE_CHECKING:
    from idp_cli.project.binding_updates import BindingUpdate, Updated
    from idp_cli.project.bindings import Binding
    from idp_cli.project.update import Outcome, Plan


class Conflict(enum.StrEnum):
    inline = "inline"
    rej = "rej"


@dataclass(frozen=True)
class _Run:
    """One `idp update` as the command line asked for it, whichever bindings it updates."""

    project: Path
    options: dict[str, Any]  # what plan() and plan_all() take from the command line
    bindings: dict[str, str]  # --model NAME=REF: the models of new parts that bind their own
    conflict: Conflict
    trust: bool
    pretend: bool
    may_ask: bool
    summary_file: Path | None
    output: Format


@guard
def update(
    ctx: typer.Context,
    project: ProjectArg = Path("."),
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            "-m",
            help="Re-bind the app to this model version: name, name@version or name@alias. "
            "NAME=REF binds a part that the app template's new version adds and that binds a "
            "model of its own (rag-service's embeddings), as `idp new --model NAME=REF` does. "
            "Repeatable: one REF and any NAME=REF.",
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
    trust: TrustOpt = False,
    output: OutputOpt = Format.table,
    catalog: CatalogOpt = None,
    catalog_ref: CatalogRefOpt = None,
    binding: BindingOpt = None,
) -> None:
    """Bring a generated project to the newest template version and re-bind its model.

    Without --model or --latest the bound model version stays (its catalog entry is re-read).
    A project bound to a model name (a training project) has no version to move: --latest
    updates its template only, and says so.
    The working tree must be clean: the merge is reviewed with `git diff`. Exit 0 when updated
    or already current, 6 when conflicts were left to resolve.

    A part the app template's new version lists and the project lacks is rendered in as `idp
    new` renders it (a file of yours in its way is a conflict); a part it no longer lists is
    taken out as `idp remove` takes out a binding (edited files are kept and named). A new
    part that binds a model of its own (rag-service's embeddings) needs one, as with `idp
    new`: --model NAME=REF binds it (the model must fit its template) and adds it as the
    project's binding NAME; without it the update is refused.

    In a project with several answers files each binding is updated in turn with its own
    answers file (--binding: only one; --model REF, --template-ref and --data need it), and the
    summary file has a section per binding.
    """
    from idp_cli.project import bindings, summary, worktree
    from idp_cli.project.update import apply, plan, require_clean

    app_model, own = split_models(model or [])
    if app_model and latest:
        raise typer.BadParameter("give --model or --latest, not both", param_hint="--latest")
    may_ask = interactive(defaults)
    worktree.require_git(project)
    found = bindings.find(project)
    chosen = bindings.select(found, binding)
    options: dict[str, Any] = {
        "model": app_model,
        "latest": latest,
        "template_ref": template_ref,
        "overrides": parse_data(data or []),
    }
    options["catalog"], options["catalog_ref"] = catalog_options(ctx, catalog, catalog_ref)
    run = _Run(project, options, own, conflict, trust, pretend, may_ask, summary_file, output)
    if len(found) > 1:
        _update_several(run, chosen)
        return
    if chosen[0].parts or own:  # NAME=REF: refused there unless the app has parts to add
        _update_composed(run, chosen[0])
        return
    made = plan(project, answers=chosen[0].answers, **options)
    require_clean(made, pretend=pretend)
    if made.note and output.for_people:
        from rich.markup import escape

        console.err().print(f"note: {escape(made.note)}.")
    if not made.noop and output.for_people:
        _announce(project, pretend)
    outcome = apply(
        made, conflict=conflict.value, trust=trust, pretend=pretend, defaults=not may_ask
    )
    if summary_file is not None:
        summary_file.write_text(summary.markdown(made, outcome, pretend=pretend), encoding="utf-8")
    result = _result(project, made, outcome, pretend)
    emit(result, output, lambda: _print(made.noop, pretend, result))
    if outcome.conflicts:
        raise typer.Exit(int(ExitCode.CONFLICT))


def _result(project: Path, made: Plan, outcome: Outcome, pretend: bool) -> dict[str, Any]:
    """One binding's update, as `-o json` prints it."""
    from idp_cli.project import summary

    return {
        "project": str(project),
        "updated": not made.noop and not pretend,
        "pretend": pretend,
        "title": summary.title(made),
        "template": {
            "src": made.template.src,
            "from": made.template.current,
            "to": made.template.target,
        },
        "model": {"from": made.old_model, "to": made.new_model},
        "trains": made.trains,
        "note": made.note or None,
        "changes": [c.to_dict() for c in made.changes],
        "unservable_successor": made.unservable.to_dict() if made.unservable else None,
        "answers_changed": made.changed,
        "files": [{"path": c.path, "status": c.status} for c in outcome.changes],
        "conflicts": outcome.conflicts,
    }


def _update_composed(run: _Run, chosen: Binding) -> None:
    """The project's one binding, an app composed of parts (bindings.py): one Copier update
    per answers file, reported as the one binding they are."""
    from idp_cli.project import summary
    from idp_cli.project.binding_updates import plan_all
    from idp_cli.project.update import Outcome

    (item,) = plan_all(run.project, [chosen], bindings=run.bindings, **run.options)
    done = _apply_all(run, [item])
    outcome = Outcome(done.changes)
    if run.summary_file is not None:
        run.summary_file.write_text(
            summary.markdown(item.plan, outcome, pretend=run.pretend, moved=item.part_changes),
            encoding="utf-8",
        )
    result = _result(run.project, item.plan, outcome, run.pretend)
    result["updated"] = not item.noop and not run.pretend
    result["parts"] = _parts(item)
    result["title"] = summary.title(item.plan, item.part_changes)
    emit(result, run.output, lambda: _print(item.noop, run.pretend, result))
    if outcome.conflicts:
        raise typer.Exit(int(ExitCode.CONFLICT))


def _update_several(run: _Run, chosen: list[Binding]) -> None:
    from idp_cli.project import summary
    from idp_cli.project.binding_updates import plan_all

    one_only = [o for o in ("model", "template_ref", "overrides") if run.options[o]]
    if one_only and len(chosen) > 1:
        flag = {"model": "--model", "template_ref": "--template-ref", "overrides": "--data"}
        raise IdpError(
            f"{flag[one_only[0]]} applies to one binding, and {run.project} has "
            f"{len(chosen)}: {', '.join(b.name for b in chosen)}",
            hint="Name the binding with --binding NAME.",
        )
    items = plan_all(run.project, chosen, bindings=run.bindings, **run.options)
    done = _apply_all(run, items)
    busy = any(not item.noop for item in items)
    if run.summary_file is not None:
        run.summary_file.write_text(
            summary.markdown_all(items, pretend=run.pretend), encoding="utf-8"
        )
    result: dict[str, Any] = {
        "project": str(run.project),
        "updated": busy and not run.pretend,
        "pretend": run.pretend,
        "title": summary.title_all(items),
        "bindings": [
            {
                "name": item.binding.name,
                "answers_file": item.binding.answers_file,
                **_result(run.project, item.plan, item.outcome, run.pretend),
                "title": summary.title(item.plan, item.part_changes),
                "updated": item.ran and not run.pretend,
                "skipped": not item.noop and not item.ran,
                "parts": _parts(item),
            }
            for item in items
        ],
        "files": [{"path": c.path, "status": c.status} for c in done.changes],
        "conflicts": done.conflicts,
    }
    emit(result, run.output, lambda: _print_several(items, run.pretend, result))
    if done.conflicts:
        raise typer.Exit(int(ExitCode.CONFLICT))


def _apply_all(run: _Run, items: list[BindingUpdate]) -> Updated:
    """Each answers file's update in turn, once none of them would touch a modified file."""
    from idp_cli.project.binding_updates import apply_all
    from idp_cli.project.update import require_clean

    for item in items:
        require_clean(item.plan, pretend=run.pretend, busy=not item.noop)
    if any(not item.noop for item in items) and run.output.for_people:
        _announce(run.project, run.pretend)
    return apply_all(
        items,
        conflict=run.conflict.value,
        trust=run.trust,
        pretend=run.pretend,
        defaults=not run.may_ask,
    )


def _announce(project: Path, pretend: bool) -> None:
    console.err().print(
        f"Updating {_shown(project)} …" if not pretend else "Rendering the update in a clone …"
    )


def _parts(item: BindingUpdate) -> dict[str, Any] | None:
    """The parts the app's new version added or dropped (part_changes.py), if any."""
    changes = item.part_changes
    return None if changes is None or changes.none else changes.as_dict()


def _print_several(items: list[BindingUpdate], pretend: bool, result: dict[str, Any]) -> None:
    from rich.markup import escape

    out = console.out()
    if all(item.noop for item in items):
        out.print("[green]Already up to date[/]: nothing to change.")
        return
    for item, shown in zip(items, result["bindings"], strict=True):
        out.print(f"[bold]binding {escape(item.binding.name)}[/] ({escape(shown['answers_file'])})")
        if shown["skipped"]:
            out.print("  not updated: resolve the conflicts above first")
        else:
            _print(item.noop, pretend, shown, indent="  ", closing=False)
    if result["conflicts"]:
        out.print("Resolve the markers (or .rej files), then commit.")
    elif not pretend:
        out.print("Review with `git diff`, then commit.")


def _print(
    noop: bool, pretend: bool, result: dict[str, Any], indent: str = "", closing: bool = True
) -> None:
    from rich.markup import escape

    out = console.out()
    if noop:
        out.print(f"{indent}[green]Already up to date[/]: nothing to change.")
        return
    verb = "Would change" if pretend else "Changed"
    out.print(f"{indent}{escape(result['title'])}.")
    for change in result["changes"]:
        if change["severity"] == "breaking":
            out.print(f"{indent}[red]breaking[/]: {escape(change['description'])}")
    moved = result.get("parts")
    if moved:
        bound = moved.get("bound") or {}
        for name in moved["added"]:
            to = f", bound to {escape(bound[name])}" if name in bound else ""
            out.print(f"{indent}part {escape(name)}: new in {escape(moved['version'])}, added{to}")
        for name in moved["dropped"]:
            out.print(
                f"{indent}part {escape(name)}: dropped in {escape(moved['version'])}, removed"
            )
        for path in moved["kept"]:
            out.print(f"{indent}  kept {escape(path)}: edited since the part wrote it")
    files = [f for f in result["files"] if f["status"] != "conflict"]
    out.print(f"{indent}{verb} {console.counted(len(files), 'file')}:")
    for f in files:
        out.print(f"{indent}  {f['status']:<9} {escape(f['path'])}")
    if result["conflicts"]:
        out.print(
            f"{indent}[red]{console.counted(len(result['conflicts']), 'conflict')}[/] to resolve:"
        )
        for path in result["conflicts"]:
            out.print(f"{indent}  {escape(path)}")
        if closing:
            out.print("Resolve the markers (or .rej files), then commit.")
    elif not pretend and closing:
        out.print("Review with `git diff`, then commit.")


def _shown(project: Path) -> str:
    """The project as people name it: its folder's name when it is the current folder."""
    return project.resolve().name if str(project) in ("", ".") else str(project)
