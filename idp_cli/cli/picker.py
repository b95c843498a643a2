"""The terminal picker of `idp new`: the template, then the model version (or, for a template
bound to a model name, a model of the catalog or a new name), then the CI system (the bundled
ones and those installed plug-ins add: Copier's prompt would know only the bundled ones), in
the same prompt style as the template's own questions that Copier asks next (both are
questionary's).

Typing filters the list (a model's name, a version, `@2`, a lifecycle or a task), arrows move,
Enter chooses. Ctrl-C raises KeyboardInterrupt, which the command turns into "interrupted" and
exit 130 before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from idp_cli.catalog.model import Version
    from idp_cli.ci import System
    from idp_cli.templates.discovery import Template

_INSTRUCTION = "(type to filter, arrows to move, Enter to choose)"
# the value of the "new model" choice: no catalog model name can start with a space
_NEW_MODEL = " new"


def _select(message: str, choices: list[tuple[str, str, str | None]]) -> str:
    """`choices`: (value, title, description shown under the list for the pointed choice)."""
    import shutil
    import textwrap

    import questionary

    # questionary prints "  Description: " and the text on one line, which the terminal cuts
    width = max(shutil.get_terminal_size().columns - len("  Description: "), 20)
    options = [
        questionary.Choice(
            title=title,
            value=value,
            description=textwrap.fill(
                " ".join(description.split()), width, subsequent_indent=" " * 15
            )
            if description
            else None,
        )
        for value, title, description in choices
    ]
    answer = questionary.select(
        message,
        choices=options,
        use_search_filter=True,
        use_jk_keys=False,
        instruction=_INSTRUCTION,
    ).unsafe_ask()
    return str(answer)


def template(templates: list[Template]) -> str:
    width = max(len(t.name) for t in templates)
    return _select(
        "Template",
        [(t.name, f"{t.name.ljust(width)}  {t.title}", t.description or None) for t in templates],
    )


def model(versions: list[Version]) -> str:
    """The versions offered: each fitting model's default first, then its other versions."""
    width = max(len(v.ref) for v in versions)
    choices = []
    for v in versions:
        default = " (default)" if v.is_default else ""
        title = f"{v.ref.ljust(width)}  {v.lifecycle}{default}  {', '.join(v.model.tasks)}"
        choices.append((v.ref, title, v.model.description or None))
    return _select("Model", choices)


def model_name(versions: list[Version], problem: Callable[[str], str | None]) -> str:
    """A model the template can train (each once, by name), or a new name typed and checked
    by `problem` (what is wrong with it, or None) as `--model` is."""
    import questionary

    models = list({v.model.name: v.model for v in versions}.values())
    width = max([len(m.name) for m in models] + [len("(new model)")])
    choices: list[tuple[str, str, str | None]] = [
        (m.name, f"{m.name.ljust(width)}  {', '.join(m.tasks)}", m.description or None)
        for m in models
    ]
    choices.append(
        (
            _NEW_MODEL,
            f"{'(new model)'.ljust(width)}  a name the catalog does not hold yet",
            "The project trains its first version; publishing it adds the model to the catalog.",
        )
    )
    picked = _select("Model", choices)
    if picked != _NEW_MODEL:
        return picked

    def valid(text: str) -> bool | str:
        return problem(text.strip()) or True

    answer = questionary.text("New model name (e.g. acme/churn-classifier)", validate=valid)
    return str(answer.unsafe_ask()).strip()


def ci(systems: list[System]) -> str:
    """The CI system, the bundled ones first (the first is the default), then the plug-ins'."""
    width = max(len(s.name) for s in systems)
    return _select(
        "CI system",
        [
            (
                s.name,
                f"{s.name.ljust(width)}  {s.title}",
                f"from {s.origin}" if s.template else None,
            )
            for s in systems
        ],
    )


def destination() -> Path:
    import questionary

    def valid(text: str) -> bool | str:
        path = Path(text.strip()).expanduser()
        if not text.strip():
            return "Name a folder to create"
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            return f"{path} exists and is not an empty folder"
        return True

    return Path(questionary.text("Destination folder", validate=valid).unsafe_ask().strip())
