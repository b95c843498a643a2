"""`idp update`'s work on the parts an app template's new version adds or drops
(part_changes.py says which): a new part rendered into the project as `idp new` renders it, a
user's file in its way left as a conflict; a dropped part taken out as `idp remove` takes out
a binding. Each runs as a step of the update's transaction (binding_updates.py)."""

from __future__ import annotations

import difflib
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from idp_cli.errors import IdpError
from idp_cli.project import parts, remove, worktree
from idp_cli.project.answers import ANSWERS_FILE, read_file
from idp_cli.project.part_changes import PartChanges


def drop(project: Path, changes: PartChanges, *, trust: bool) -> None:
    """Take the dropped parts out of `project` (the project, or a clone with --pretend)."""
    from idp_cli.templates.snapshots import bundled_name

    for recorded in changes.dropped:
        answers = read_file(project / recorded.path.name)
        # a bundled template is trusted, as `idp remove` and Copier's runs trust it; any other
        # (a plug-in's too) only with --trust
        unsafe = trust or bundled_name(answers.src_path) is not None
        removed, kept, _ = remove.sort_rendered(project, answers, recorded.path.name, unsafe=unsafe)
        remove.delete(project, [*removed, recorded.path.name])
        changes.kept += kept


def add(
    project: Path, changes: PartChanges, overrides: dict[str, Any], *, conflict: str, trust: bool
) -> None:
    """Render the newly listed parts into `project`, as `idp new` renders them after the app:
    given the app's answers as its update recorded them."""
    assert changes.target is not None
    app_answers = read_file(project / ANSWERS_FILE).questions
    asked = {q.name for p in changes.added for q in p.template.questions if not q.computed}
    given = {**app_answers, **{k: v for k, v in overrides.items() if k in asked}}
    with tempfile.TemporaryDirectory(prefix="idp-parts-") as scratch:
        # the folder keeps the project's name: templates may derive defaults from it
        rendered = Path(scratch, project.resolve().name)
        written = parts.render(
            changes.target, changes.added, rendered, given, pretend=False, trust=trust
        )
        clashes = []
        for rel in sorted(set(written)):
            source, target = rendered / rel, project / rel
            if target.exists() or target.is_symlink():
                if not remove.same(target, source):
                    clashes.append(rel)  # the user's: it stays
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            source.replace(target)
        for rel in clashes:
            _conflict(project, rel, rendered / rel, conflict)


def _conflict(project: Path, rel: str, theirs: Path, conflict: str) -> None:
    """The user's file stays; the part's version is offered as Copier offers a change it could
    not merge: inline markers (unmerged in the index, so `git status` names it and `git
    checkout --theirs` takes the part's), or FILE.rej beside it."""
    ours = project / rel
    # markers go in a text file of the user's only; a folder or a link keeps a .rej beside it
    if conflict == "rej" or ours.is_symlink() or not ours.is_file() or theirs.is_symlink():
        diff = difflib.unified_diff([], theirs.read_text(errors="replace").splitlines(True),
                                    f"a/{rel}", f"b/{rel}")  # fmt: skip
        ours.with_name(ours.name + ".rej").write_text("".join(diff), encoding="utf-8")
        return
    mine, part = ours.read_bytes(), theirs.read_bytes()
    base = theirs.with_name(theirs.name + ".base")
    base.write_bytes(b"")
    merged = subprocess.run(
        ["git", "merge-file", "-p", "-L", "before updating", "-L", "base", "-L",
         "after updating", str(ours), str(base), str(theirs)],
        capture_output=True, check=False,
    )  # fmt: skip
    if merged.returncode < 0 or merged.returncode > 127:
        raise IdpError(f"git merge-file failed on {rel}: {merged.stderr.decode(errors='replace')}")
    ours.write_bytes(merged.stdout)
    prefix = worktree.require_git(project)
    top = Path(worktree.git(project, "rev-parse", "--show-toplevel").strip())
    mode = worktree.git(top, "ls-files", "-s", "--", f"{prefix}{rel}").split(" ", 1)[0]
    lines = [f"0 {'0' * 40}\t{prefix}{rel}"]
    for stage, blob in ((2, mine), (3, part)):
        sha = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=top, input=blob,
                             capture_output=True, check=True).stdout.decode().strip()  # fmt: skip
        lines.append(f"{mode or '100644'} {sha} {stage}\t{prefix}{rel}")
    subprocess.run(["git", "update-index", "--index-info"], cwd=top,
                   input="\n".join(lines) + "\n", text=True, capture_output=True, check=True)  # fmt: skip
