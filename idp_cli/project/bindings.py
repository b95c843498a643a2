"""The bindings of a project: one per answers file Copier wrote into it.

A project holds the app template's `.copier-answers.yml` and, for each extra template applied
to it (a model client, say), `.copier-answers.<NAME>.yml`, as Copier's own convention for
several templates in one project goes. Each is checked and updated on its own. A binding is
named by the part of its file name between `.copier-answers.` and `.yml`; the app template's,
which has no such part, by its template's name (`prediction-service`, or the last part of the
template's git URL).

An app template may be composed of parts: components that `idp new` renders into the project
with it (the model client, say), each recorded in `.copier-answers.app-<PART>.yml` (a name
`idp add` cannot give: its binding names hold no "-"). Those are the app's binding too: they
bind the same model, and `idp check` and `idp update` treat the app template's answers file
and its parts' as one binding (`Binding.parts`), updated together.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from idp_cli.project.answers import (
    ANSWERS_FILE,
    Answers,
    ProjectError,
    read_file,
    require_folder,
)
from idp_cli.suggest import did_you_mean

_PREFIX, _SUFFIX = ".copier-answers.", ".yml"
# what a part of the app's binding is named after in its answers file
PART_PREFIX = "app-"


def part_answers_file(part: str) -> str:
    """The answers file of the app's part `part` (`.copier-answers.app-client.yml`)."""
    return f"{_PREFIX}{PART_PREFIX}{part}{_SUFFIX}"


def part_name(answers_file: str) -> str:
    """The part an answers file records (`client` for `.copier-answers.app-client.yml`)."""
    return answers_file.removeprefix(_PREFIX + PART_PREFIX).removesuffix(_SUFFIX)


@dataclass(frozen=True)
class Binding:
    name: str
    answers: Answers
    # the app's parts, each in its own answers file, updated with it (the app's binding only)
    parts: tuple[Answers, ...] = ()

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
    parts: tuple[Answers, ...] = ()
    if paths[0].name == ANSWERS_FILE:
        is_part = [p.name.startswith(_PREFIX + PART_PREFIX) for p in paths]
        parts = tuple(read_file(p) for p, part in zip(paths, is_part, strict=True) if part)
        paths = [p for p, part in zip(paths, is_part, strict=True) if not part]
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
        found[name] = Binding(name, answers, parts if path.name == ANSWERS_FILE else ())
    return list(found.values())


def select(bindings: list[Binding], name: str | None) -> list[Binding]:
    """All of them, or the one `--binding NAME` names."""
    if name is None:
        return bindings
    chosen = [b for b in bindings if b.name == name]
    if chosen:
        return chosen
    names = [b.name for b in bindings]
    project = bindings[0].answers.project
    raise ProjectError(
        f"{project} has no binding named {name!r}",
        hint=did_you_mean(name, names, f"Its bindings: {', '.join(names)}."),
    )
