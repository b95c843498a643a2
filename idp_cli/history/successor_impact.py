"""`idp catalog diff`'s impact of successors: where the new catalog moves projects bound to a
version onto another (a successor named, a newer production version published) whose
signature or endpoint breaks the callers of their generated code. Pure, over the catalog's
YAML as written (the models of the files that changed, on both sides, and of the unchanged
files a move may involve)."""

from __future__ import annotations

from typing import Any

from idp_cli.catalog.model import split_ref, version_key
from idp_cli.history import entries
from idp_cli.history.records import BreakingSuccessor
from idp_cli.signature_changes import Interface, compare


def _versions(model: dict[str, Any] | None) -> list[dict[str, Any]]:
    versions = (model or {}).get("versions")
    if not isinstance(versions, list):
        return []
    return [v for v in versions if isinstance(v, dict) and "version" in v]


def _find(models: dict[str, dict[str, Any]], ref: str) -> tuple[str, dict[str, Any]] | None:
    """A version by name@version or name@alias among `models`; a bare name stands for the
    model's default version, as the catalog's successor rules read it."""
    name, selector = split_ref(ref)
    if selector is None:
        declared = (models.get(name) or {}).get("defaultVersion")
        if declared:
            return _find(models, f"{name}@{declared}")
        newest = _newest_production(models.get(name))
        return None if newest is None else (f"{name}@{newest['version']}", newest)
    versions = _versions(models.get(name))
    found = next((v for v in versions if str(v["version"]) == selector), None) or next(
        (v for v in versions if selector in (v.get("aliases") or [])), None
    )
    return (f"{name}@{found['version']}", found) if found else None


def _newest_production(model: dict[str, Any] | None) -> dict[str, Any] | None:
    production = [v for v in _versions(model) if v.get("lifecycle") == "production"]
    # ordered as ModelView.newest orders them: a bare successor must pick the same one
    return max(
        production,
        key=lambda v: (version_key(str(v["version"])), str(v.get("releasedAt") or "")),
        default=None,
    )


def _moves(
    before: dict[str, dict[str, Any]],
    after: dict[str, dict[str, Any]],
    around: dict[str, dict[str, Any]],
) -> list[tuple[str, dict[str, Any], str, dict[str, Any]]]:
    """(from ref, from version, to ref, to version) for every move the new catalog makes."""
    old_all, new_all = {**around, **before}, {**around, **after}
    # the changed models, and the unchanged ones that may follow a successor into them
    walked = [*after.items(), *((n, m) for n, m in around.items() if n not in after)]
    moves = []
    for name, model in walked:
        was_model = before.get(name) if name in after else model
        old = {str(v["version"]): v for v in _versions(was_model)}
        for version in _versions(model):
            successor = entries.successor(version)
            target = _find(new_all, successor) if successor else None
            if target is None:
                continue
            previously = entries.successor(old.get(str(version["version"])))
            stood_for = _find(old_all, previously) if previously else None
            # a new successor, or one now standing for another version (another name, a
            # bare name whose default moved, an alias moved): not the same text, which may
            # say the same thing another way
            if stood_for is None or stood_for[0] != target[0]:
                moves.append((f"{name}@{version['version']}", version, *target))
        if name not in after:
            continue
        previous, newest = _newest_production(before.get(name)), _newest_production(model)
        if previous is not None and newest is not None and previous["version"] != newest["version"]:
            # projects on the previous newest production version follow `--latest` here
            kept = next((v for v in _versions(model) if v["version"] == previous["version"]), None)
            if kept is not None and kept.get("lifecycle") == "production":
                moves.append(
                    (f"{name}@{kept['version']}", kept, f"{name}@{newest['version']}", newest)
                )
    return moves


def successor_impact(
    before: dict[str, dict[str, Any]],
    after: dict[str, dict[str, Any]],
    around: dict[str, dict[str, Any]] | None = None,
) -> list[BreakingSuccessor]:
    """The moves that break callers: `before`/`after` the models of the files that changed,
    `around` those of unchanged files a move may involve (a successor's target, or a version
    whose successor names a changed model)."""
    impact: list[BreakingSuccessor] = []
    seen: set[tuple[str, str]] = set()
    for old_ref, old, new_ref, new in _moves(before, after, around or {}):
        if (old_ref, new_ref) in seen or old_ref == new_ref:
            continue
        seen.add((old_ref, new_ref))
        changes = compare(Interface.of_version(old), Interface.of_version(new))
        breaking = [c.description for c in changes if c.breaking]
        if not breaking:
            continue
        impact.append(
            BreakingSuccessor(
                kind="breaking-changes",
                model=split_ref(old_ref)[0],
                ref=old_ref,
                successor=new_ref,
                changes=tuple(changes),
                message=f"{new_ref} breaks callers of {old_ref} (`idp update --latest` "
                f"moves projects to it): {'; '.join(breaking)}",
            )
        )
    return impact
