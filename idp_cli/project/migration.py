"""Updating a project generated before its app template was composed of parts.

Such a project has the app template's `.copier-answers.yml` only: the model client, the CI and
Backstage files and the service runner were the app template's own files then. The new version
renders them through its parts (`_idp.parts`, each recorded in `.copier-answers.app-NAME.yml`).
Copier's update of the app alone would delete every file that moved to a part, edited or not
(it removes what the new version no longer renders), and the parts, never applied, would not
bring them back: the project would lose its client and the user's edits to those files.

So the update of such a project is one three-way merge, done by git, of
- base: the old app version rendered from the project's answers (what the project was made as),
- ours: the project as committed,
- theirs: the new app version and each of its parts rendered from the updated answers, exactly
  as `idp new` composes a project (the parts' answers files included),
into the project. A file that moved to a part is the same file to git, so the user's edits to it
survive; a file that moved to another path (the client into `PKG/model_client/`) is followed by
git's rename detection, so edits to it move along; an edited file the new layout no longer has
is kept and reported as a conflict. The project is left as a Copier update leaves it: the new
layout plus the user's edits, uncommitted, with conflicts as markers (unmerged in the index) or
`.rej` files.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from idp_cli import paths
from idp_cli.errors import IdpError
from idp_cli.project import bindings, worktree
from idp_cli.project.answers import ANSWERS_FILE, Answers, read_file
from idp_cli.project.bindings import part_answers_file
from idp_cli.templates.discovery import Template

_ANSWERS_GLOB = ".copier-answers*.yml"
# the scratch repository's git, the same on every machine: no user configuration changes how
# the merge is done or how its conflicts are written
_GIT_ENV = {
    "GIT_AUTHOR_NAME": "idp",
    "GIT_AUTHOR_EMAIL": "idp@localhost",
    "GIT_COMMITTER_NAME": "idp",
    "GIT_COMMITTER_EMAIL": "idp@localhost",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "LC_ALL": "C",
}
_THEIRS = "after-updating"  # names the new version in conflict markers


def needed(answers: Answers, target: Template) -> bool:
    """The app's answers file of a project that has none of its parts' answers files, updated
    to a template version composed of parts."""
    if answers.path.name != ANSWERS_FILE or not target.meta.get("parts"):
        return False
    return not any(answers.project.glob(part_answers_file("*")))


def run(
    project: Path,
    answers_file: str,
    newest: str,
    data: dict[str, Any],
    *,
    conflict: str,
    unsafe: bool,
) -> None:
    """Merge the composed layout of template version `newest`, rendered with `data` (the
    update's answers), into `project` (the project, or a clone with --pretend)."""
    from idp_cli.project import parts
    from idp_cli.templates.discovery import at_version
    from idp_cli.templates.render import render_recorded

    answers = read_file(project / answers_file)
    name = bindings.template_name(answers.src_path)
    with tempfile.TemporaryDirectory(prefix="idp-migrate-") as scratch:
        # the folders keep the project's name: templates may derive defaults from it
        old, new = Path(scratch, "old", project.name), Path(scratch, "new", project.name)
        render_recorded(answers.src_path, answers.commit, old, answers.questions, name=name,
                        answers_file=ANSWERS_FILE, unsafe=unsafe)  # fmt: skip
        render_recorded(answers.src_path, newest, new, data, name=name,
                        answers_file=ANSWERS_FILE, unsafe=unsafe)  # fmt: skip
        target = at_version(answers.src_path, newest)
        # the parts are given the app's answers as recorded, as `idp new` gives them
        recorded = read_file(new / ANSWERS_FILE).questions
        declared = parts.declared(target, None, None)
        parts.render(target, declared, new, recorded, pretend=False, trust=unsafe)
        _merge(project, old, new, Path(scratch, "merge"), conflict)


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, check=False,
                          env={**os.environ, **_GIT_ENV})  # fmt: skip
    if check and done.returncode != 0:
        raise IdpError(f"git {' '.join(args)} failed: {done.stderr.decode(errors='replace')}")
    return done


def _paths(repo: Path, *args: str) -> list[str]:
    """NUL-separated paths a git command lists, each once, in order."""
    out = _git(repo, *args).stdout.decode()
    return list(dict.fromkeys(p for p in out.split("\0") if p))


def _commit_tree(repo: Path, tree: Path, files: list[str], message: str) -> None:
    """Make the scratch working tree hold exactly `files` of `tree`, and commit it."""
    paths.mirror_into(repo, tree, files)
    _git(repo, "add", "--all", "--force")  # files the project's .gitignore names too
    _git(repo, "commit", "--quiet", "--allow-empty", "--no-verify", "-m", message)


def _all_files(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink()
    )


def _merge(project: Path, old: Path, new: Path, repo: Path, conflict: str) -> None:
    repo.mkdir()
    _git(repo, "init", "--quiet", "--initial-branch=base")
    _commit_tree(repo, old, _all_files(old), "the old version, rendered from the answers")
    _git(repo, "checkout", "--quiet", "-b", _THEIRS)
    _commit_tree(repo, new, _all_files(new), "the new version and its parts")
    _git(repo, "checkout", "--quiet", "-b", "project", "base")
    tracked = _paths(project, "ls-files", "-z")  # relative to the project
    _commit_tree(repo, project, tracked, "the project")
    # A client file that moved into its component changed as it moved (the component grew an
    # async client beside the blocking one): git's default 50% similarity would call it a
    # deletion and a new file, and the user's edits would not follow it.
    merged = _git(repo, "-c", "merge.renames=true", "-c", "merge.conflictStyle=merge",
                  "merge", "--quiet", "--no-commit", "--no-ff", "-X", "find-renames=30%",
                  _THEIRS, check=False)  # fmt: skip
    if merged.returncode not in (0, 1):  # 1: conflicts, left to the user like Copier's
        raise IdpError(f"merging the new layout failed: {merged.stderr.decode(errors='replace')}")
    result = _paths(repo, "ls-files", "-z")
    unmerged = _paths(repo, "diff", "--name-only", "-z", "--diff-filter=U")
    # the answers files are the new version's: they say what the project now is
    answers = [p for p in _all_files(new) if Path(p).match(_ANSWERS_GLOB) and "/" not in p]
    for rel in answers:
        shutil.copy2(new / rel, repo / rel)
    conflicts = [p for p in unmerged if p not in answers]
    rejects = _as_rejects(repo, old, new, conflicts) if conflict == "rej" else []
    for rel in [*result, *rejects]:
        source, target = repo / rel, project / rel
        if not (source.exists() or source.is_symlink()):
            continue  # deleted on one side, unmerged: nothing to write
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        shutil.copy2(source, target, follow_symlinks=False)
    for rel in set(tracked) - set(result):
        _remove(project, rel)
    if conflict == "inline" and conflicts:
        _mark_unmerged(project, repo, conflicts)


def _remove(project: Path, rel: str) -> None:
    path = project / rel
    path.unlink(missing_ok=True)
    for folder in path.parents:
        if folder == project or any(folder.iterdir()):
            break
        folder.rmdir()


def _as_rejects(repo: Path, old: Path, new: Path, conflicts: list[str]) -> list[str]:
    """`--conflict rej`: the project's own version stays in the file, and what the new version
    changes in it goes to FILE.rej beside it, as Copier writes its rejects."""
    rejects = []
    for rel in conflicts:
        ours = _git(repo, "show", f":2:{rel}", check=False)
        target = repo / rel
        if ours.returncode == 0:
            target.write_bytes(ours.stdout)
        before = (old / rel).read_text(errors="replace") if (old / rel).is_file() else ""
        after = (new / rel).read_text(errors="replace") if (new / rel).is_file() else ""
        diff = difflib.unified_diff(before.splitlines(keepends=True),
                                    after.splitlines(keepends=True), f"a/{rel}", f"b/{rel}")  # fmt: skip
        target.with_name(target.name + ".rej").write_text("".join(diff), encoding="utf-8")
        rejects.append(rel + ".rej")
    return rejects


def _mark_unmerged(project: Path, repo: Path, conflicts: list[str]) -> None:
    """Record each conflict's base, ours and theirs in the project's index, as a merge does,
    so that `git status` and `idp update` name them and `git checkout --theirs` works."""
    prefix = worktree.require_git(project)
    top = Path(worktree.git(project, "rev-parse", "--show-toplevel").strip())
    lines = []
    for rel in conflicts:
        lines.append(f"0 {'0' * 40}\t{prefix}{rel}")
        staged = _git(repo, "ls-files", "--stage", "-z", "--", rel).stdout.decode()
        for entry in filter(None, staged.split("\0")):
            info, _ = entry.split("\t", 1)
            mode, sha, stage = info.split()
            blob = _git(repo, "cat-file", "blob", sha).stdout
            written = subprocess.run(
                ["git", "hash-object", "-w", "--stdin"], cwd=top, input=blob,
                capture_output=True, check=True,
            ).stdout.decode().strip()  # fmt: skip
            lines.append(f"{mode} {written} {stage}\t{prefix}{rel}")
    subprocess.run(["git", "update-index", "--index-info"], cwd=top,
                   input="\n".join(lines) + "\n", text=True, capture_output=True, check=True)  # fmt: skip
