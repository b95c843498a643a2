"""The generated project's git working tree, through the git command (fast to start, and what
Copier itself drives): cleanliness, what an update changed, conflicts, and undoing a failure."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from idp_cli.errors import IdpError

_ENV = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


class NotAGitProject(IdpError):
    pass


def git(project: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **_ENV},
    )
    if check and result.returncode != 0:
        raise IdpError(f"git {' '.join(args)} failed in {project}: {result.stderr.strip()}")
    return result.stdout


def require_git(project: Path) -> str:
    """The project's path inside its repository (`""` at the top), or an error."""
    from idp_cli.project.answers import require_folder

    require_folder(project)  # before git is started in it
    result = subprocess.run(
        ["git", "rev-parse", "--show-prefix"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **_ENV},
    )
    if result.returncode != 0:
        raise NotAGitProject(
            f"{project} is not in a git repository; an update merges through git",
            hint="git init && git add -A && git commit -m 'Generate project'",
        )
    return result.stdout.strip()


@dataclass(frozen=True)
class Change:
    status: str  # added | modified | deleted | conflict
    path: str  # relative to the project


_STATUS = {
    "A": "added",
    "?": "added",
    "M": "modified",
    "D": "deleted",
    "R": "modified",
    "T": "modified",
}
_UNMERGED = {"DD", "AU", "UD", "UA", "DU", "AA", "UU"}


def changes(project: Path) -> list[Change]:
    """Every path that differs from HEAD, untracked ones included."""
    prefix = require_git(project)
    out = git(project, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".")
    found: list[Change] = []
    entries = iter(out.split("\0"))
    for entry in entries:
        if not entry:
            continue
        code, path = entry[:2], entry[3:]
        if code[0] in "RC":
            next(entries, None)  # the source path of a rename follows
        rel = path.removeprefix(prefix)
        if code in _UNMERGED or (rel.endswith(".rej") and code == "??"):
            found.append(Change("conflict", rel))
        else:
            letter = code[1] if code[1] != " " else code[0]
            found.append(Change(_STATUS.get(letter, "modified"), rel))
    return sorted(found, key=lambda c: c.path)


def dirty(project: Path) -> list[str]:
    return [c.path for c in changes(project)]


def uncommitted(project: Path, dirty: list[str], undone: str, reviewed: str) -> IdpError:
    """The refusal of a tree with uncommitted changes (the first five named): what idp writes
    is reviewed with `git diff` and undone with git, which they would mix with. `undone`:
    what was not done ("updated"); `reviewed`: what git then shows ("the update")."""
    shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
    return IdpError(
        f"{project} has uncommitted changes ({shown}); nothing was {undone}",
        hint=f"Commit or stash them (`git stash -u`) first, so {reviewed} can be reviewed and "
        "undone with git.",
    )


def restore(project: Path) -> None:
    """Undo what a failed update wrote. Only called after the tree was checked clean, so
    everything the user wrote is in HEAD; ignored files (.venv, caches) are left alone."""
    git(
        project, "reset", "--quiet", "HEAD", "--", ".", check=False
    )  # unstages, ends unmerged states
    git(project, "checkout", "--quiet", "HEAD", "--", ".", check=False)
    git(project, "clean", "--quiet", "-fd", "--", ".", check=False)
