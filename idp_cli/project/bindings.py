"""The bindings of a project: one per answers file Copier wrote into it.

A project holds the app template's `.copier-answers.yml` and, for each extra template applied
to it (a model client, say), `.copier-answers.<NAME>.yml`, as Copier's own convention for
several templates in one project goes. Each is checked and updated on its own. A binding is
named by the part of its file name between `.copier-answers.` and `.yml`; the app template's,
which has no such part, by its template's name (`prediction-service`, or the last part of the
template's git URL).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from idp_cli.project.answers import (
    ANSWERS_FILE,
    Answers,
    ProjectError,
    read_file,
    require_folder,
)

_PREFIX, _SUFFIX = ".copier-answers.", ".yml"


@dataclass(frozen=True)
class Binding:
    name: str
    answers: Answers

    @property
    def answers_file(self) -> str:
        """The answers file's path in the project, as Copier's `answers_file` takes it."""
        return self.answers.path.name


def template_name(src_path: str) -> str:
    from idp_cli.templates.snapshots import bundled_name

    return bundled_name(src_path) or Path(src_path).name.removesuffix(".git")


def _name(path: Path, answers: Answers) -> str:
    if path.name == ANSWERS_FILE:
        return template_name(answers.src_path)
    return path.name.removeprefix(_PREFIX).removesuffix(_SUFFIX)


def find(project: Path) -> list[Binding]:
    """Every answers file in the project, the app template's first, then by name."""
    require_folder(project)
    paths = [project / ANSWERS_FILE] if (project / ANSWERS_FILE).is_file() else []
    paths += sorted(
        p
        for p in project.glob(f"{_PREFIX}*{_SUFFIX}")
        if p.is_file() and p.name != ANSWERS_FILE and len(p.name) > len(_PREFIX + _SUFFIX)
    )
    # none at all: reading the app's answers file says "not a generated project"
    paths = paths or [project / ANSWERS_FILE]
    found: dict[str, Binding] = {}
    for path in paths:
        answers = read_file(path)
        name = _name(path, answers)
        if name in found:
            # `--binding NAME` must name one answers file
            raise ProjectError(
                f"{path} and {found[name].answers.path.name} both name binding {name!r}",
                hint=f"Rename {path.name} (and its `_answers_file` answer) to another binding "
                "name; the app template's answers file is named after its template.",
            )
        found[name] = Binding(name, answers)
    return list(found.values())


def select(bindings: list[Binding], name: str | None) -> list[Binding]:
    """All of them, or the one `--binding NAME` names."""
    if name is None:
        return bindings
    chosen = [b for b in bindings if b.name == name]
    if chosen:
        return chosen
    names = [b.name for b in bindings]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    project = bindings[0].answers.project
    raise ProjectError(
        f"{project} has no binding named {name!r}",
        hint=(f"Did you mean {', '.join(close)}? " if close else "")
        + f"Its bindings: {', '.join(names)}.",
    )
