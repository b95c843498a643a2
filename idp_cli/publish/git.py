"""Committing the edited files on a new branch, and putting everything back when git refuses.

The repository is opened through `gitsource`; a git command whose failure is expected (a bad
branch name, a refusing hook) is run for its exit status instead of through an exception, so
this module needs no GitPython import of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idp_cli import gitsource
from idp_cli.publish.catalog_files import write
from idp_cli.publish.request import Names, PublishError


@dataclass
class Committed:
    branch: str
    commit: str
    previous_branch: str | None  # None when HEAD was detached


def _try(repo: Any, command: str, *args: str) -> tuple[int, str]:
    """(exit status, stderr) of `git COMMAND ARGS`."""
    status, _, stderr = getattr(repo.git, command)(
        *args, with_extended_output=True, with_exceptions=False
    )
    return int(status), str(stderr)


def commit_on_new_branch(
    root: Path,
    folder: Path,
    edited: dict[str, str],
    files: list[str],
    branch: str,
    message: str,
    request: Names,
) -> Committed:
    """Writes `edited` (paths relative to `folder`) and commits `files` (relative to `root`)
    on the new branch `branch`, left checked out."""
    repo = gitsource.open_repo(root)
    if _try(repo, "check_ref_format", "--branch", branch)[0] != 0:
        raise PublishError(
            f"{request.name('branch')} {branch!r} is not a valid branch name",
            hint="Use letters, digits, '-', '_', '.' and '/'.",
        )
    if branch in [head.name for head in repo.heads]:
        raise PublishError(
            f"branch {branch} already exists",
            hint=f"Pass {request.name('branch')} NAME for another branch, or delete the old one "
            f"(`git branch -D {branch}`).",
        )
    status = repo.git.status("--porcelain", "--untracked-files=all", "--", *files)
    if status.strip():
        changed = ", ".join(sorted({line[3:] for line in status.splitlines()}))
        raise PublishError(
            f"uncommitted changes to the files publish must edit: {changed}",
            hint="Commit or stash them first (`git stash`), or pass "
            f"{request.name('no_commit')} to only write the files.",
        )
    try:
        previous: str | None = repo.active_branch.name
    except TypeError:  # a detached HEAD
        previous = None
    originals = {rel: (folder / rel).read_bytes() for rel in edited if (folder / rel).exists()}
    repo.git.checkout("-b", branch)
    write(folder, edited)
    failed, stderr = _try(repo, "add", "--", *files)
    if not failed:
        failed, stderr = _try(repo, "commit", "--quiet", "--message", message, "--", *files)
    if failed:
        # put everything back as it was: the user's branch, the files, no new branch
        for rel in edited:
            if rel in originals:
                (folder / rel).write_bytes(originals[rel])
            else:
                (folder / rel).unlink(missing_ok=True)
        repo.git.reset("--quiet", "--", *files)
        repo.git.checkout(previous or "-")
        repo.git.branch("-D", branch)
        # git's own words, framed as GitPython's exception frames them (the message quoted
        # that exception before)
        detail = f"stderr: '{stderr}'" if stderr else ""
        raise PublishError(
            f"git could not commit: {gitsource.redact(detail)}",
            hint="Nothing was changed; fix the git problem (a hook, the identity) and publish again.",
        )
    return Committed(branch, repo.head.commit.hexsha, previous)
