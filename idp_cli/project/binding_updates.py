"""`idp update` on a project with several bindings: one Copier update per answers file, in
turn, each with its own answers file.

Copier refuses to update a project with uncommitted changes, and its 3-way merge starts from
the project's git tree, so the second binding's update must see the first one's result as
committed. Between two bindings the result is committed on a temporary commit; at the end
HEAD is moved back to where it was and those changes are unstaged, so the project is left as
a one-binding update leaves it: every change uncommitted, for review with `git diff`.
A binding whose update leaves conflicts ends the run (the next update would refuse the
unmerged files); the bindings after it are reported as not run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idp_cli.project import worktree
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

    @property
    def plans(self) -> list[Plan]:
        return [self.plan, *self.parts]

    @property
    def noop(self) -> bool:
        return all(p.noop for p in self.plans)


@dataclass
class Updated:
    bindings: list[BindingUpdate]
    changes: list[worktree.Change]  # every binding's, as the project is left

    @property
    def conflicts(self) -> list[str]:
        return [c.path for c in self.changes if c.status == "conflict"]


def plan_all(project: Path, chosen: list[Binding], **options: Any) -> list[BindingUpdate]:
    """Each binding's plan (and its parts'), all made before anything is written."""
    items = []
    overrides = options.get("overrides") or {}
    for b in chosen:
        # --data for a question only the app's parts ask goes to them, not to the app
        asked = [_asks(a) if overrides else set(a.questions) for a in b.parts]
        part_only = set().union(*asked) - set(b.answers.questions)
        for_app = {k: v for k, v in overrides.items() if k not in part_only}
        app = plan(project, answers=b.answers, **{**options, "overrides": for_app})
        parts = [
            plan(project, answers=a, **_for_part(a, names, app, options))
            for a, names in zip(b.parts, asked, strict=True)
        ]
        items.append(BindingUpdate(b, app, parts=parts))
    return items


def _asks(answers: Answers) -> set[str]:
    """What a part's update can be given: the answers it records, and the questions of the
    template version it updates to (one it skipped, `argocd_repo_url` while `argocd` was off)."""
    from idp_cli.project.check import template_state
    from idp_cli.templates.discovery import at_version

    state, _ = template_state(answers)
    template = at_version(answers.src_path, state.newest if state.outdated else state.current)
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
    todo = [(item, one) for item in items for one in item.plans if not one.noop]
    try:
        for item, one in todo:
            run_copier_update(one, project, conflict=conflict, trust=trust, defaults=defaults)
            item.ran = True
            # an app's parts write other files than the app: their changes add up
            seen = {c.path: c for c in item.outcome.changes}
            seen.update((c.path, c) for c in worktree.changes(project))
            item.outcome = Outcome(sorted(seen.values(), key=lambda c: c.path))
            if item.outcome.conflicts or one is todo[-1][1]:
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
