"""`idp remove --binding NAME`'s work: take a binding `idp add` made out of the project.

What the binding wrote is known without any list kept for it: its template version rendered
again from its answers file gives the very files (a project re-renders byte for byte from its
answers, as `idp update` relies on). A file still equal to that render is the binding's and is
removed; one that differs was edited and is kept for the user to decide; the answers file goes,
which is what makes the files no binding of the project's any more.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idp_cli.errors import IdpError
from idp_cli.project import bindings, worktree
from idp_cli.project.answers import ANSWERS_FILE, Answers, ProjectError
from idp_cli.project.bindings import Binding


@dataclass
class Removal:
    project: Path
    binding: Binding
    removed: list[str] = field(default_factory=list)  # as rendered: the binding's
    kept: list[str] = field(default_factory=list)  # edited since: the user's now
    missing: list[str] = field(default_factory=list)  # already gone from the project
    # in pyproject.toml for the binding's code (at run time), and no other binding's needs it
    unused_dependencies: list[str] = field(default_factory=list)

    def as_dict(self, pretend: bool) -> dict[str, Any]:
        return {
            "project": str(self.project),
            "binding": self.binding.name,
            "answers_file": self.binding.answers_file,
            "model_ref": self.binding.answers.model_ref,
            "pretend": pretend,
            "removed": self.removed,
            "kept": self.kept,
            "missing": self.missing,
            "unused_dependencies": self.unused_dependencies,
        }


def choose(project: Path, name: str) -> Binding:
    """The binding `name` names, refused when it is the app template's own."""
    found = bindings.find(project) if any(project.glob(".copier-answers*.yml")) else []
    if not found:
        raise ProjectError(
            f"{project} has no bindings (no .copier-answers.NAME.yml)",
            hint="Bindings are added with `idp add`; `idp bindings` lists a project's.",
        )
    app = next((b for b in found if b.answers.path.name == ANSWERS_FILE), None)
    added = {b.name for b in found if b is not app}
    parts = [bindings.part_name(p.path.name) for p in app.parts] if app else []
    # a part is named as its answers file names it (app-client) or as its entry does (client)
    part = name not in added and name.removeprefix(bindings.PART_PREFIX) in parts
    if app is not None and (name == app.name or part):
        raise IdpError(
            f"binding {name!r} is the app template's own ({app.answers_file}): its files are "
            "the project, not an addition to it",
            hint=f"To bind another model: `idp update --binding {app.name} --model REF`.",
        )
    return bindings.select(found, name)[0]


def plan(project: Path, name: str, *, trust: bool, pretend: bool) -> Removal:
    """Which of the binding's files go and which stay; nothing is written. Refuses a tree
    with uncommitted changes (a preview is only warned), so the removal is undone with git."""
    from idp_cli import warning_sink
    from idp_cli.project.update import require_old_snapshot
    from idp_cli.templates.snapshots import bundled_name

    worktree.require_git(project)
    chosen = choose(project, name)
    dirty = worktree.dirty(project)
    if dirty and pretend:
        warning_sink.warn("the preview compares the working tree, uncommitted changes included")
    elif dirty:
        raise worktree.uncommitted(project, dirty, "removed", "the removal")
    answers = chosen.answers
    bundled = bundled_name(answers.src_path) is not None
    if bundled:  # the version it records, fetched when this machine never had it
        require_old_snapshot(answers)
    removal = Removal(project, chosen)
    removal.removed, removal.kept, removal.missing = sort_rendered(
        project, answers, chosen.answers_file, unsafe=trust or bundled
    )
    removal.removed.append(chosen.answers_file)
    others = [b for b in bindings.find(project) if b.name != chosen.name]
    still = {spec for b in others for a in (b.answers, *b.parts) for spec in _requirements(a)}
    from idp_cli.project.layout import missing_dependencies

    unused = [spec for spec in _requirements(answers) if spec not in still]
    absent = set(missing_dependencies(project, unused))
    removal.unused_dependencies = [spec for spec in unused if spec not in absent]  # declared
    return removal


def sort_rendered(
    project: Path, answers: Answers, answers_file: str, *, unsafe: bool
) -> tuple[list[str], list[str], list[str]]:
    """The files the template version `answers` records wrote, rendered again from its
    answers: those still as rendered (the template's), those edited since (the user's now),
    and those already gone; its answers file is none of them."""
    from idp_cli.templates.render import files_in, render_recorded

    removed: list[str] = []
    kept: list[str] = []
    missing: list[str] = []
    with tempfile.TemporaryDirectory(prefix="idp-remove-") as scratch:
        rendered = Path(scratch, project.resolve().name)
        render_recorded(
            answers.src_path,
            answers.commit,
            rendered,
            answers.questions,
            name=bindings.template_name(answers.src_path),
            answers_file=answers_file,
            unsafe=unsafe,
        )
        for rel in files_in(rendered):
            if rel == answers_file:
                continue
            here, there = project / rel, rendered / rel
            if not (here.exists() or here.is_symlink()):
                missing.append(rel)
            elif same(here, there):
                removed.append(rel)
            else:
                kept.append(rel)
    return removed, kept, missing


def _requirements(answers: Answers) -> list[str]:
    """What the code of the template an answers file records imports at run time, as `idp add`
    asks for it (`_idp.dependencies` of a component: the app templates list theirs in their
    own pyproject.toml)."""
    from idp_cli.project.add import requirements
    from idp_cli.templates.discovery import at_version

    protocol = (answers.model.get("endpoint") or {}).get("protocol")
    if not protocol:
        return []
    return requirements(at_version(answers.src_path, answers.commit), str(protocol))


def same(here: Path, there: Path) -> bool:
    """Whether a project's file is still the one a render wrote (a symlink as a symlink)."""
    if here.is_symlink() or there.is_symlink():
        return here.is_symlink() and there.is_symlink() and here.readlink() == there.readlink()
    return here.is_file() and here.read_bytes() == there.read_bytes()


def apply(removal: Removal) -> None:
    delete(removal.project, removal.removed)


def delete(project: Path, removed: list[str]) -> None:
    """Delete a template's unedited files, then the folders that leaves empty (but for the
    bytecode Python caches there when its tests ran)."""
    import shutil

    for rel in removed:
        (project / rel).unlink(missing_ok=True)
    for rel in removed:
        for folder in (project / rel).parents:
            if folder == project or not folder.is_dir():
                break
            left = list(folder.iterdir())
            if any(p.name != "__pycache__" for p in left):
                break
            for cache in left:
                shutil.rmtree(cache)
            folder.rmdir()
