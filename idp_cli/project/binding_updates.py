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
from idp_cli.project.bindings import Binding
from idp_cli.project.update import (
    Outcome,
    Plan,
    clone_of,
    plan,
    require_old_snapshot,
    run_copier_update,
)

# who the temporary commits are by: the runner may have no git identity (a CI job)
_IDENTITY = ("-c", "user.name=idp", "-c", "user.email=idp@localhost", "-c", "commit.gpgsign=false")


@dataclass
class BindingUpdate:
    binding: Binding
    plan: Plan
    outcome: Outcome = field(default_factory=Outcome)
    ran: bool = False  # False: nothing to do, or not run after an earlier binding's conflicts


@dataclass
class Updated:
    bindings: list[BindingUpdate]
    changes: list[worktree.Change]  # every binding's, as the project is left

    @property
    def conflicts(self) -> list[str]:
        return [c.path for c in self.changes if c.status == "conflict"]


def plan_all(project: Path, chosen: list[Binding], **options: Any) -> list[BindingUpdate]:
    """Each binding's plan, all made before anything is written."""
    return [BindingUpdate(b, plan(project, answers=b.answers, **options)) for b in chosen]


def apply_all(
    items: list[BindingUpdate], *, conflict: str, trust: bool, pretend: bool, defaults: bool
) -> Updated:
    if all(item.plan.noop for item in items):
        return Updated(items, [])
    for item in items:
        if not item.plan.noop and item.plan.template.bundled:
            require_old_snapshot(item.plan.answers)
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
    todo = [item for item in items if not item.plan.noop]
    try:
        for item in todo:
            run_copier_update(item.plan, project, conflict=conflict, trust=trust, defaults=defaults)
            item.ran = True
            item.outcome = Outcome(worktree.changes(project))
            if item.outcome.conflicts or item is todo[-1]:
                break
            worktree.git(project, "add", "--all", "--", ".")
            worktree.git(
                project,
                *_IDENTITY,
                "commit",
                "--quiet",
                "--no-verify",
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
