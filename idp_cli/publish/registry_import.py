"""`idp catalog import KIND` without a URI: every version a registry holds that the catalog
lacks, proposed as one reviewed change.

Each new version is added as `publish --from-mlflow` adds one (the registry's number, its
signature, example, metrics, artifact, framework, labels and changelog; optionally what
`--from-version` takes, from the model's default version), then each of the registry's aliases
is given to its version as `idp models alias set` does: taken from the catalog version holding
it, for versions imported before as well, so the catalog's aliases follow the registry's. An
alias only the catalog has stays. Each edit is made on the texts the edits before it left, and
a new version the catalog would refuse (an invalid signature type) is skipped with the
problems as its reason; the catalog is validated as a whole before anything is written, then
everything is written and committed at once on one new branch: one pull request to review,
merged or dropped as a whole, and nothing half-written when git refuses.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from idp_cli.catalog.sources import Source
from idp_cli.importers import Lister
from idp_cli.publish.aliases import aliases_of, give, versions_of
from idp_cli.publish.catalog_files import CatalogFiles, check, invalid, write
from idp_cli.publish.entries import build_entries
from idp_cli.publish.operation import add_version, local_folder
from idp_cli.publish.registry_plan import (
    ImportPlan,
    ImportRequest,
    PlannedModel,
    PlannedVersion,
    choose,
    default_number,
    plan_models,
)
from idp_cli.publish.request import PublishError, Request


def default_import_branch(kind: str, plan: ImportPlan) -> str:
    """Named after what it holds: the same proposal twice is refused as an existing branch."""
    refs = "\n".join(f"{m.model}@{v.version}" for m, v in plan.new())
    moves = "\n".join(f"{m.model}:{a.alias}>{a.to}" for m in plan.models for a in m.alias_moves)
    digest = hashlib.sha256(f"{refs}\n{moves}".encode()).hexdigest()[:10]
    return f"import/{kind}-{digest}"


def import_registry(source: Source, importer: Lister, request: ImportRequest) -> ImportPlan:
    folder, root = local_folder(source, request)
    # before the registry is asked anything: a skip's reason names the problems a version
    # would add, and the catalog's own would be blamed on every version
    problems = check(folder, source.main, {})
    if problems:
        raise PublishError(
            f"{source.display} has problems already; fix them before importing:\n  "
            + "\n  ".join(p.render() for p in problems[:10]),
            hint="Run `idp catalog validate` to see every problem.",
        )
    chosen = choose(importer.registered(request.options), request)
    catalog = CatalogFiles(folder, source.main)
    planned = plan_models(importer, catalog, chosen, request, lambda: _catalog_names(source))
    plan = ImportPlan(request.registry, planned, request.pretend)
    # the whole catalog validated once; only when that fails, after each new version, to
    # find the versions it refuses (each check reads the whole catalog)
    edited = _edit(folder, source.main, planned, request, each=False)
    problems = check(folder, source.main, edited) if plan.changes() else []
    if problems:
        edited = _edit(folder, source.main, planned, request, each=True)
        problems = check(folder, source.main, edited)
    if not plan.changes():
        return plan
    if problems:
        raise invalid(
            "the import",
            problems,
            "Move the catalog's aliases first (`idp models alias set`), or narrow "
            f"{request.name('filters')}.",
        )
    plan.files = [(folder / rel).relative_to(root).as_posix() for rel in edited]
    if request.pretend:
        return plan
    if not request.commit:
        write(folder, edited)
        return plan
    from idp_cli.publish.git import commit_on_new_branch

    branch = request.branch or default_import_branch(request.kind, plan)
    committed = commit_on_new_branch(
        root, folder, edited, plan.files, branch, _message(request.kind, plan), request
    )
    plan.branch, plan.commit = committed.branch, committed.commit
    plan.previous_branch = committed.previous_branch
    return plan


def _catalog_names(source: Source) -> list[str]:
    from idp_cli.catalog.read import load

    loaded = load(source, use_cache=False, summary=True)
    return [m.name for m in loaded.catalog.models] if loaded.catalog is not None else []


def _edit(
    folder: Path, main: str, planned: list[PlannedModel], request: ImportRequest, *, each: bool
) -> dict[str, str]:
    """The catalog's texts with every planned change made (none written)."""
    edited: dict[str, str] = {}
    for model in planned:
        model.alias_moves = []
        if model.model is not None:
            _add_versions(folder, main, model, request, edited, each=each)
            _move_aliases(folder, main, model, edited)
    return edited


def _add_versions(
    folder: Path,
    main: str,
    model: PlannedModel,
    request: ImportRequest,
    edited: dict[str, str],
    *,
    each: bool,
) -> None:
    """Adds `model`'s new versions, oldest first (so the newest ends on top); with `each`,
    each validated on the texts before it, one the catalog refuses skipped with the
    problems. The model's file is loaded once, each version added to the same document
    (loading a file costs more than the rest of an import's edit), except with `each`: a
    refused version must leave no trace in the document the next one is added to."""
    assert model.model is not None
    name = model.model
    if not any(version.status == "new" for version in model.versions):
        return
    place = model.place
    if place is None or place.doc.rel in edited or place.doc.splices or place.doc.whole:
        place = CatalogFiles(folder, main, edited).find(name)  # the file changed since
    assert place is not None
    base = default_number(place.model) if request.from_default_version else None
    fresh = True  # `place` holds none of the new versions yet
    for version in model.versions:
        if version.status != "new":
            continue
        if each and not fresh:
            place = CatalogFiles(folder, main, edited).find(name)
            assert place is not None
        fresh = False
        publish = Request(
            model=name,
            version=version.version,
            lifecycle=version.lifecycle,
            imported=version.imported,
            from_version=base,
            commit=False,
            names=request.names,
        )
        _, entry, _ = build_entries(publish)
        texts, _, (_, _, inherited) = add_version(place, name, entry, {}, publish)
        problems = check(folder, main, {**edited, **texts}) if each else []
        if problems:
            version.status = "skipped"
            version.reason = "the catalog would refuse it: " + "; ".join(
                p.render() for p in problems
            )
            continue
        version.inherited = inherited
        edited.update(texts)


def _move_aliases(folder: Path, main: str, model: PlannedModel, edited: dict[str, str]) -> None:
    """Gives each registry alias to its version in the catalog. A move edits two versions
    (the one giving the alias up, the one taking it), each edit spliced into the text the file
    was loaded from: the file is loaded again only before a move touching a version an edit
    since the last load touched, whose place in that text the edit changed."""
    assert model.model is not None
    if not any(v.aliases for v in model.versions if v.status != "skipped"):
        return
    place = CatalogFiles(folder, main, edited).find(model.model)
    assert place is not None
    touched: set[str] = set()  # the versions edited since `place` was loaded
    for version in model.versions:
        if version.status == "skipped":
            continue
        for alias in version.aliases:
            held = versions_of(place.model)
            if alias in aliases_of(held.get(version.version)):
                continue
            holder = next((n for n, v in held.items() if alias in aliases_of(v)), None)
            moved = {version.version, *([holder] if holder is not None else [])}
            if touched & moved:
                place = CatalogFiles(folder, main, edited).find(model.model)
                assert place is not None
                touched = set()
            move = give(place.doc, place.model, model.model, version.version, alias)
            if move is not None:
                model.alias_moves.append(move)
                edited[place.doc.rel] = place.doc.render()
                touched |= moved


def _message(kind: str, plan: ImportPlan) -> str:
    new = plan.new()
    moves = [(m, a) for m in plan.models for a in m.alias_moves]
    if new:
        count = f"{len(new)} version" + ("s" if len(new) != 1 else "")
        subject = f"feat(catalog): import {count} from {kind}"
    else:
        subject = f"feat(catalog): follow {kind}'s aliases"
    lines = [f"- {m.model}@{v.version} ({v.lifecycle}) from {v.source}" for m, v in new]
    lines += [f"- {move.describe(m.model or '')}" for m, move in moves]
    return subject + "\n\n" + "\n".join(lines) + "\n"


def skipped(plan: ImportPlan) -> list[tuple[PlannedModel, PlannedVersion | None]]:
    """What was left out, for a summary: whole models, and versions with their reasons."""
    found: list[tuple[PlannedModel, PlannedVersion | None]] = []
    for model in plan.models:
        if model.reason:
            found.append((model, None))
        found.extend((model, v) for v in model.versions if v.status == "skipped")
    return found
