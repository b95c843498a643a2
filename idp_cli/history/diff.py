"""`idp catalog diff`: what changed between two refs of the catalog, field by field, and what
that means for the projects generated from it."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from idp_cli.catalog.model import version_key
from idp_cli.catalog.vocabulary import RETIRED
from idp_cli.history import entries
from idp_cli.history.field_changes import field_changes
from idp_cli.history.gitcatalog import Blobs, GitCatalog
from idp_cli.history.records import (
    CatalogChange,
    CatalogDiff,
    DiffSummary,
    EndpointChange,
    EndpointImpact,
    EndpointView,
    FieldChange,
    Impact,
    LifecycleTransition,
    ModelListed,
    RefPoint,
    Removal,
    Retirement,
    VersionListed,
)
from idp_cli.history.snapshot import Snapshot, commit_snapshot, worktree_snapshot
from idp_cli.history.successor_impact import successor_impact

# EndpointChange.fields names the fields as the catalog (and the JSON) spells them
_ENDPOINT_ATTRS = dict(zip(entries.ENDPOINT_FIELDS, ("protocol", "url", "model_id"), strict=True))


def diff_refs(cat: GitCatalog, ref_a: str, ref_b: str | None) -> CatalogDiff:
    """What changed from `ref_a` to `ref_b` (default: the working tree, or the source's own
    commit when there is no working tree)."""
    blobs = Blobs(cat.repo)
    old = commit_snapshot(cat, ref_a, blobs)
    if ref_b is None and cat.worktree is not None:
        new = worktree_snapshot(cat)
    else:
        new = commit_snapshot(cat, ref_b or cat.end.hexsha, blobs)
        if ref_b is None:
            new.label = cat.end_label
    return diff_snapshots(old, new)


def _collect(snapshot: Snapshot, rels: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for rel in rels:
        for model in snapshot.models(rel):
            found.setdefault(str(model["name"]), model)
    return found


# Above this many names, a file is searched by its word-like tokens rather than name by name.
_NAMES_ONE_BY_ONE = 32
_TOKEN = re.compile(rb"[a-z0-9][a-z0-9._/-]*")
# what str() makes of a YAML int or float that a model name may equal
_NUMBER_TEXT = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:e-[0-9]+)?|inf|nan")


def _around(
    new: Snapshot,
    unchanged: list[str],
    before: dict[str, dict[str, Any]],
    after: dict[str, dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """The models of unchanged files that a successor move may involve: a version there may
    name a changed model as its successor, and a changed model's successor may be there. Only
    the files whose bytes may hold one of those names are read (one file per model makes
    thousands): a name has no space, so YAML cannot fold it over lines, and a string can hide
    it only behind an escape, which takes a backslash. A name that is the text of a number
    (`1000`, `0.5`) may be written as another number (`0x3e8`, `.5`) in a catalog that is not
    valid: every file is read then."""
    names = {*before, *after}
    for model in after.values():
        for version in entries.versions(model).values():
            successor = entries.successor(version)
            if successor:
                names.add(successor.partition("@")[0])
    if any(_NUMBER_TEXT.fullmatch(name) for name in names):
        return _collect(new, unchanged)
    wanted = {name.encode() for name in names}
    rels = []
    for rel in unchanged:
        raw = new.raw(rel)
        if b"\\" in raw:
            hit = True
        elif len(wanted) <= _NAMES_ONE_BY_ONE:
            hit = any(name in raw for name in wanted)
        else:
            hit = not wanted.isdisjoint(_TOKEN.findall(raw))
        if hit:
            rels.append(rel)
    return _collect(new, rels)


@dataclass
class _Found:
    """What the comparison finds, in the order it walks the catalog; `counts` is keyed by the
    DiffSummary fields."""

    changes: list[CatalogChange] = field(default_factory=list)
    lifecycle: list[LifecycleTransition] = field(default_factory=list)
    endpoints: list[EndpointChange] = field(default_factory=list)
    impact: list[Impact] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


def diff_snapshots(old: Snapshot, new: Snapshot) -> CatalogDiff:
    # Files with the same blob hold the same models on both sides: only the others are read.
    changed_files = sorted(
        rel for rel in {*old.files, *new.files} if old.files.get(rel) != new.files.get(rel)
    )
    before = _collect(old, [r for r in changed_files if r in old.files])
    after = _collect(new, [r for r in changed_files if r in new.files])
    found = _Found()

    for path, a, b in field_changes(old.header, new.header):
        found.changes.append(FieldChange("catalog-changed", None, None, path, a, b))

    for name in sorted({*before, *after}):
        a_model, b_model = before.get(name), after.get(name)
        if a_model == b_model:
            continue
        if a_model is None:
            found.counts["models_added"] += 1
            numbers = tuple(entries.versions(b_model))
            found.changes.append(ModelListed("model-added", name, None, numbers))
            continue
        if b_model is None:
            found.counts["models_removed"] += 1
            numbers = tuple(entries.versions(a_model))
            found.changes.append(ModelListed("model-removed", name, None, numbers))
            message = f"model {name} was removed; projects bound to it lose their catalog entry"
            found.impact.append(Removal("model-removed", name, name, message))
            continue
        found.counts["models_changed"] += 1
        for path, a, b in field_changes(
            {k: v for k, v in a_model.items() if k != "versions"},
            {k: v for k, v in b_model.items() if k != "versions"},
        ):
            found.changes.append(FieldChange("model-changed", name, None, path, a, b))
        old_versions, new_versions = entries.versions(a_model), entries.versions(b_model)
        order = sorted({*old_versions, *new_versions}, key=version_key, reverse=True)
        for number in order:
            _diff_version(name, number, old_versions.get(number), new_versions.get(number), found)

    unchanged = [rel for rel in new.files if rel not in changed_files]
    found.impact.extend(successor_impact(before, after, _around(new, unchanged, before, after)))
    return CatalogDiff(
        from_=RefPoint(old.label, old.commit),
        to=RefPoint(new.label, new.commit),
        changed=bool(found.changes),
        summary=DiffSummary(**found.counts),
        changes=tuple(found.changes),
        lifecycle=tuple(found.lifecycle),
        endpoints=tuple(found.endpoints),
        impact=tuple(found.impact),
    )


def _diff_version(
    model: str, number: str, a: dict[str, Any] | None, b: dict[str, Any] | None, found: _Found
) -> None:
    ref = f"{model}@{number}"
    if a == b:
        return
    if a is None:
        found.counts["versions_added"] += 1
        found.changes.append(VersionListed("version-added", model, number, entries.lifecycle(b)))
        return
    if b is None:
        found.counts["versions_removed"] += 1
        lifecycle = entries.lifecycle(a)
        found.changes.append(VersionListed("version-removed", model, number, lifecycle))
        message = f"{ref} was removed from the catalog"
        found.impact.append(Removal("version-removed", model, ref, message))
        return
    found.counts["versions_changed"] += 1
    for path, old, new in field_changes(a, b):
        found.changes.append(FieldChange("version-changed", model, number, path, old, new))
    was, now = entries.lifecycle(a), entries.lifecycle(b)
    if was != now:
        found.counts["lifecycle_transitions"] += 1
        successor = entries.successor(b)
        found.lifecycle.append(LifecycleTransition(model, number, ref, was, now, successor))
        if now in RETIRED:
            then = f"; successor {successor}" if successor else "; no successor named"
            message = f"{ref} is now {now}{then}"
            found.impact.append(Retirement(str(now), model, ref, successor, message))
    _diff_endpoints(model, number, entries.endpoints(a), entries.endpoints(b), found)


def _diff_endpoints(
    model: str,
    number: str,
    old_endpoints: dict[str, dict[str, Any]],
    new_endpoints: dict[str, dict[str, Any]],
    found: _Found,
) -> None:
    ref = f"{model}@{number}"
    for name in [*old_endpoints, *(n for n in new_endpoints if n not in old_endpoints)]:
        before = entries.endpoint_view(old_endpoints.get(name))
        after = entries.endpoint_view(new_endpoints.get(name))
        if before == after:
            continue
        kind = "added" if before is None else "removed" if after is None else "changed"
        fields = tuple(f for f in entries.ENDPOINT_FIELDS if _field(before, f) != _field(after, f))
        found.counts["endpoint_changes"] += 1
        found.endpoints.append(
            EndpointChange(model, number, ref, name, kind, fields, before, after)
        )
        if kind == "added":
            continue
        if kind == "removed":
            message = f"{ref}: endpoint {name} was removed"
        else:
            moved = ", ".join(f"{f} {_field(before, f)} -> {_field(after, f)}" for f in fields)
            message = f"{ref}: endpoint {name} moved ({moved})"
        impact_kind = "endpoint-removed" if kind == "removed" else "endpoint-moved"
        found.impact.append(EndpointImpact(impact_kind, model, ref, name, before, after, message))


def _field(view: EndpointView | None, name: str) -> Any:
    """An endpoint's field by its catalog name; None when there is no endpoint."""
    return getattr(view, _ENDPOINT_ATTRS[name], None)
