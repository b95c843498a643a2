"""`idp update` on a project with several bindings: one Copier update per answers file, in
turn, each with its own answers file.

Copier refuses to update a project with uncommitted changes, and its 3-way merge starts from
the project's git tree, so the second binding's update must see the first one's result as
committed. Between two bindings the result is committed on a temporary commit; at the end
HEAD is moved back to where it was and those changes are unstaged, so the project is left as
a one-binding update leaves it: every change uncommitted, for review with `git diff`.
A binding whose update leaves conflicts ends the run (the next update would refuse the
unmerged files); the bindings after it are reported as not run.

An app's binding may also take out the parts its new version no longer lists (first) and
render the ones it newly lists (last), each a step of the same run (part_changes.py); one that
binds a model of its own is added only with the model `--model NAME=REF` gives it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idp_cli.project import part_changes, parts_update, worktree
from idp_cli.project.answers import Answers
from idp_cli.project.bindings import Binding
from idp_cli.project.update import (
    Outcome,
    Plan,
    clone_of,
    plan,
    require_old_snapshot,
    run_copier_update,
    snapshot_recorded,
)

# who the temporary commits are by: the runner may have no git identity (a CI job)
_IDENTITY = ("-c", "user.name=idp", "-c", "user.email=idp@localhost", "-c", "commit.gpgsign=false")


@dataclass
class BindingUpdate:
    binding: Binding
    plan: Plan
    outcome: Outcome = field(default_factory=Outcome)
    ran: bool = False  # False: nothing to do, or not run after an earlier binding's conflicts
    parts: list[Plan] = field(default_factory=list)  # the app's parts, updated after it
    # the parts the app's new version lists and the project lacks, or no longer lists
    part_changes: part_changes.PartChanges | None = None
    overrides: dict[str, Any] = field(default_factory=dict)  # --data, for a new part too

    @property
    def plans(self) -> list[Plan]:
        return [self.plan, *self.parts]

    @property
    def noop(self) -> bool:
        moved = self.part_changes is not None and not self.part_changes.none
        return not moved and all(p.noop for p in self.plans)


@dataclass
class Updated:
    bindings: list[BindingUpdate]
    changes: list[worktree.Change]  # every binding's, as the project is left

    @property
    def conflicts(self) -> list[str]:
        return [c.path for c in self.changes if c.status == "conflict"]


def plan_all(
    project: Path, chosen: list[Binding], *, bindings: dict[str, str] | None = None, **options: Any
) -> list[BindingUpdate]:
    """Each binding's plan (and its parts'), all made before anything is written. `bindings`:
    `--model NAME=REF`, the models of the parts the app's new version adds that bind one of
    their own (part_changes.py)."""
    given = bindings or {}
    if given and not any(b.parts for b in chosen):  # no app composed of parts: none to add
        part_changes.refuse_unknown(next(iter(given)), None, chosen[0].name, project)
    items = []
    overrides = options.get("overrides") or {}
    for b in chosen:
        changes = _part_changes(b, options, given)
        dropped = {a.path.name for a in changes.dropped} if changes else set()
        kept = [a for a in b.parts if a.path.name not in dropped]
        # --data for a question only the app's parts ask goes to them, not to the app
        asked = [_asks(a) if overrides else set(a.questions) for a in kept]
        added = changes.added if changes else []
        new = {q.name for p in added for q in p.template.questions if not q.computed}
        part_only = set().union(*asked, new) - set(b.answers.questions)
        for_app = {k: v for k, v in overrides.items() if k not in part_only}
        app = plan(project, answers=b.answers, **{**options, "overrides": for_app})
        parts = [
            plan(project, answers=a, **_for_part(a, names, app, options))
            for a, names in zip(kept, asked, strict=True)
        ]
        items.append(BindingUpdate(b, app, parts=parts, part_changes=changes,
                                   overrides=overrides))  # fmt: skip
    return items


def _part_changes(
    b: Binding, options: dict[str, Any], given: dict[str, str]
) -> part_changes.PartChanges | None:
    """The parts the app's target version adds or drops (a composed project's app only: one
    made before its app was composed is migrated into the new version's parts whole); one
    that binds a model of its own, bound to the model `given` names for it."""
    if not b.parts:
        return None
    from idp_cli.project.update import target_template

    state = target_template(b.answers, options.get("template_ref"))
    changes = part_changes.between(b.answers, b.parts, state.target)
    part_changes.bind(
        changes,
        given,
        b.answers,
        b.name,
        catalog=options.get("catalog"),
        catalog_ref=options.get("catalog_ref"),
    )
    part_changes.refuse_unbound(changes, b.name)
    return changes


def _asks(answers: Answers) -> set[str]:
    """What a part's update can be given: the answers it records, and the questions of the
    template version it updates to (one it skipped, `argocd_repo_url` while `argocd` was off)."""
    from idp_cli.project.check import template_state
    from idp_cli.templates.discovery import at_version

    state, _ = template_state(answers)
    template = at_version(answers.src_path, state.target)
    return set(answers.questions) | {q.name for q in template.questions if not q.computed}


def _for_part(
    answers: Answers, asked: set[str], app: Plan, options: dict[str, Any]
) -> dict[str, Any]:
    """A part is bound to the model version the app's update binds (so the two never differ);
    --data reaches the questions it asks; --template-ref names the app template's version,
    not the part's."""
    overrides = options.get("overrides") or {}
    moved = answers.model_ref is not None and app.new_model != answers.model_ref
    return {
        **options,
        "model": app.new_model if moved else None,
        # the app's endpoint, so that the part's binding is the app's
        "endpoint_name": app.endpoint.name if moved and app.endpoint is not None else None,
        "latest": False,
        "overrides": {k: v for k, v in overrides.items() if k in asked},
        "template_ref": None,
    }


def apply_all(
    items: list[BindingUpdate], *, conflict: str, trust: bool, pretend: bool, defaults: bool
) -> Updated:
    if all(item.noop for item in items):
        return Updated(items, [])
    for item in items:
        for one in item.plans:
            if not one.noop and (one.template.bundled or snapshot_recorded(one.answers)):
                require_old_snapshot(one.answers)
        for dropped in item.part_changes.dropped if item.part_changes else []:
            if snapshot_recorded(dropped):
                require_old_snapshot(dropped)
    project = items[0].plan.project
    if pretend:
        with clone_of(project) as clone:
            # never prompts: it writes nothing
            return _in_turn(items, clone, conflict=conflict, trust=trust, defaults=False)
    return _in_turn(items, project, conflict=conflict, trust=trust, defaults=defaults)


def _in_turn(
    items: list[BindingUpdate], project: Path, *, conflict: str, trust: bool, defaults: bool
) -> Updated:
    top = Path(worktree.git(project, "rev-parse", "--show-toplevel").strip())
    start = worktree.git(top, "rev-parse", "HEAD").strip()
    todo = [(item, step) for item in items for step in _steps(item, conflict, trust, defaults)]
    try:
        for item, step in todo:
            step(project)
            item.ran = True
            # an app's parts write other files than the app: their changes add up
            seen = {c.path: c for c in item.outcome.changes}
            seen.update((c.path, c) for c in worktree.changes(project))
            item.outcome = Outcome(sorted(seen.values(), key=lambda c: c.path))
            if item.outcome.conflicts or step is todo[-1][1]:
                break
            worktree.git(project, "add", "--all", "--", ".")
            worktree.git(
                project,
                *_IDENTITY,
                "commit",
                "--quiet",
                "--no-verify",
                "--allow-empty",  # a part whose update changed nothing
                "--message",
                f"idp update: binding {item.binding.name} (temporary)",
            )
    except BaseException:
        _drop_temporary_commits(top, start)
        worktree.restore(project)
        raise
    _drop_temporary_commits(top, start)
    return Updated(items, worktree.changes(project))


def _steps(
    item: BindingUpdate, conflict: str, trust: bool, defaults: bool
) -> list[Callable[[Path], None]]:
    """What updating one binding does, in order, each step committed (temporarily) before the
    next: a dropped part goes first (a file it had may be the app's new version's), then
    Copier's update of the app and of each part it keeps, then the parts it gained, given the
    app's answers as updated."""
    changes = item.part_changes
    steps: list[Callable[[Path], None]] = []
    if changes is not None and changes.dropped:
        steps.append(functools.partial(parts_update.drop, changes=changes, trust=trust))
    steps += [
        functools.partial(run_copier_update, one, conflict=conflict, trust=trust, defaults=defaults)
        for one in item.plans
        if not one.noop
    ]
    if changes is not None and changes.added:
        steps.append(functools.partial(parts_update.add, changes=changes,
                                       overrides=item.overrides, conflict=conflict,
                                       trust=trust))  # fmt: skip
    return steps


def _drop_temporary_commits(top: Path, start: str) -> None:
    """HEAD back to `start`, the changes the temporary commits held unstaged again; unmerged
    paths (the last binding's conflicts) keep their state for the user to resolve."""
    if worktree.git(top, "rev-parse", "HEAD").strip() == start:
        return
    committed = worktree.git(top, "diff", "--name-only", "-z", start, "HEAD").split("\0")
    worktree.git(top, "update-ref", "-m", "idp update: drop temporary commits", "HEAD", start)
    unmerged = set(worktree.git(top, "diff", "--name-only", "-z", "--diff-filter=U").split("\0"))
    paths = [p for p in committed if p and p not in unmerged]
    if paths:
        worktree.git(top, "reset", "--quiet", start, "--", *paths)
