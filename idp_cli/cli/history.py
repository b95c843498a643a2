"""`idp models history` and `idp catalog diff`: the catalog as its git history saw it.

The `models` and `catalog` groups name these commands among their lazy ones (models.py,
catalog.py): this module loads only when one of them runs.
"""

from __future__ import annotations

import enum
import json
import sys
from typing import Annotated, Any

import typer

from idp_cli.cli import completion
from idp_cli.cli.common import catalog_source, guard
from idp_cli.cli.options import CatalogOpt, CatalogRefOpt, OutputOpt
from idp_cli.errors import ExitCode, IdpError
from idp_cli.history.records import (
    AddedEvent,
    AliasEvent,
    CatalogDiff,
    DiffSummary,
    Event,
    FieldChange,
    LifecycleEvent,
    ModelHistory,
    ModelListed,
    RemovedEvent,
    SuccessorEvent,
    VersionListed,
)
from idp_cli.output import console
from idp_cli.output.jsonable import to_json
from idp_cli.output.render import Format, dump_json, emit


class DiffFormat(enum.StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


# --------------------------------------------------------------------------------------------
# idp models history
# --------------------------------------------------------------------------------------------


@guard
def history(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            help="The model's name (e.g. acme/churn-classifier).",
            autocompletion=completion.model_names,
        ),
    ],
    output: OutputOpt = Format.table,
    catalog: CatalogOpt = None,
    catalog_ref: CatalogRefOpt = None,
) -> None:
    """Show how a model's versions evolved in the catalog's git history: when each was added,
    its lifecycle changes, deprecations and alias moves with commit, author and date, its removal.

    Reads the commits that touched the catalog's folder on the current branch (first-parent
    line; a merged pull request counts as its merge commit), from git's objects: nothing is
    checked out. The catalog must be in a git repository (a path inside one, or a git URL).
    """
    from idp_cli.catalog.read import load
    from idp_cli.history.gitcatalog import locate
    from idp_cli.history.log import model_history

    source = catalog_source(ctx, catalog, catalog_ref)
    located = locate(source)

    def names() -> list[str]:
        try:
            loaded = load(source)
        except IdpError:
            return []
        return [m.name for m in loaded.catalog.models] if loaded.catalog else []

    data = model_history(located, name.strip(), names=names)
    emit(to_json(data), output, lambda: _history_table(data))


def _history_change(event: Event) -> str:
    match event:
        case AddedEvent():
            return f"added ({event.to})"
        case LifecycleEvent():
            successor = f", successor {event.successor}" if event.successor else ""
            return f"{event.from_} -> {event.to}{successor}"
        case SuccessorEvent():
            return f"successor {event.successor}"
        case RemovedEvent():
            return f"removed (was {event.from_})"
        case AliasEvent():
            what = event.alias if event.alias == "defaultVersion" else f"alias {event.alias}"
            return f"{what}: {event.from_ or '(none)'} -> {event.to or '(none)'}"
    return event.event.replace("-", " ")


def _history_table(data: ModelHistory) -> None:
    from idp_cli.output.plain import print_table

    rows = [
        [
            event.date[:10],
            event.commit[:10],
            event.author,
            event.version or "-",
            _history_change(event),
            event.subject,
        ]
        for event in data.events
    ]
    print_table(["DATE", "COMMIT", "AUTHOR", "VERSION", "CHANGE", "SUBJECT"], rows)
    live = [v for v in data.versions if v.current]
    console.err().print(
        f"{data.model}: {console.counted(len(data.versions), 'version')} seen, {len(live)} in the catalog "
        f"at {data.until.ref}; {console.counted(data.commits, 'catalog commit')} read."
    )


# --------------------------------------------------------------------------------------------
# idp catalog diff
# --------------------------------------------------------------------------------------------


@guard
def diff(
    ctx: typer.Context,
    ref_a: Annotated[
        str, typer.Argument(metavar="REF_A", help="Branch, tag or commit to compare from.")
    ],
    ref_b: Annotated[
        str | None,
        typer.Argument(
            metavar="[REF_B]",
            help="Branch, tag or commit to compare to. Default: the working tree "
            "(a git URL's default branch).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        DiffFormat,
        typer.Option(
            "--output",
            "-o",
            help="table for people, json for scripts, markdown for a pull request comment.",
        ),
    ] = DiffFormat.table,
    exit_code: Annotated[
        bool,
        typer.Option(
            "--exit-code", help="Exit with status 5 when there are changes (like git diff)."
        ),
    ] = False,
    catalog: CatalogOpt = None,
) -> None:
    """Compare the catalog at two git refs: models and versions added, removed and changed
    field by field, lifecycle transitions, endpoint changes, and the impact on generated
    projects (a version deprecated or archived, an endpoint moved or removed, a successor
    that breaks callers).

    Exit status: 0 (also when there are changes, unless --exit-code: then 5), 1 when a ref
    does not exist or the catalog cannot be read.
    """
    from idp_cli.history.diff import diff_refs
    from idp_cli.history.gitcatalog import locate

    data = diff_refs(locate(catalog_source(ctx, catalog, None)), ref_a, ref_b)
    if output is DiffFormat.json:
        sys.stdout.write(dump_json(to_json(data)) + "\n")
    elif output is DiffFormat.markdown:
        sys.stdout.write(markdown(data))
    else:
        _diff_table(data)
    if exit_code and data.changed:
        raise typer.Exit(int(ExitCode.DRIFT))


def _value(value: Any, limit: int) -> str:
    if value is None:
        return "-"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _rows(data: CatalogDiff, limit: int) -> list[list[str]]:
    rows = []
    for change in data.changes:
        kind = change.change
        field, before, after = "", "", ""
        match change:
            case ModelListed():
                listed = "versions " + ", ".join(change.versions)
                before, after = ("", listed) if kind == "model-added" else (listed, "")
            case VersionListed():
                shown = _value(change.lifecycle, limit)
                before, after = ("", shown) if kind == "version-added" else (shown, "")
            case FieldChange():
                field = change.path
                before, after = _value(change.from_, limit), _value(change.to, limit)
        rows.append([kind, change.model or "(catalog)", change.version or "", field, before, after])
    return rows


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_text(summary: DiffSummary) -> str:
    counts = [
        (summary.models_added, "model added"),
        (summary.models_removed, "model removed"),
        (summary.models_changed, "model changed"),
        (summary.versions_added, "version added"),
        (summary.versions_removed, "version removed"),
        (summary.versions_changed, "version changed"),
        (summary.lifecycle_transitions, "lifecycle transition"),
        (summary.endpoint_changes, "endpoint change"),
    ]
    parts = []
    for count, label in counts:
        if count:
            noun, _, rest = label.partition(" ")
            parts.append(f"{_plural(count, noun)} {rest}".strip())
    return ", ".join(parts) or "catalog header changed only"


def _diff_table(data: CatalogDiff) -> None:
    from idp_cli.output.plain import print_table

    a, b = data.from_.ref, data.to.ref
    if not data.changed:
        console.err().print(f"No catalog changes between {a} and {b}.")
        return
    print_table(
        ["CHANGE", "MODEL", "VERSION", "FIELD", "FROM", "TO"],
        _rows(data, 60),
    )
    if data.impact:
        sys.stdout.write("\nImpact on generated projects:\n")
        for item in data.impact:
            sys.stdout.write(f"  - {item.message}\n")
    console.err().print(f"{a} -> {b}: {summary_text(data.summary)}.")


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "'")


def _md_cell(text: str) -> str:
    return f"`{_md(text)}`" if text and text != "-" else text


def markdown(data: CatalogDiff) -> str:
    """The diff as GitHub-flavoured Markdown, for a pull request comment."""
    a, b = data.from_.ref, data.to.ref
    lines = [f"### Model catalog: `{_md(a)}` → `{_md(b)}`", ""]
    if not data.changed:
        lines.append("No catalog changes.")
        return "\n".join(lines) + "\n"
    lines += [f"**{summary_text(data.summary)}**", ""]
    lines += ["| Change | Model | Version | Field | From | To |", "|---|---|---|---|---|---|"]
    for kind, model, version, field, before, after in _rows(data, 200):
        lines.append(
            f"| {kind} | {_md_cell(model)} | {_md_cell(version)} | {_md_cell(field)} "
            f"| {_md_cell(before)} | {_md_cell(after)} |"
        )
    lines += ["", "#### Impact on generated projects", ""]
    if data.impact:
        lines += [f"- **{item.kind}**: {_md(item.message)}" for item in data.impact]
    else:
        lines.append("None: no bound version retired, no endpoint moved.")
    return "\n".join(lines) + "\n"
