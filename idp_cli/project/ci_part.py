"""`idp new`'s CI system: the bundled ones are written by the app's own parts (app-base); one
an installed plug-in adds comes with a part template of its own, rendered after the app's
parts and recorded as the part `ci` (`.copier-answers.app-ci.yml`), so that `idp check` and
`idp update` keep its files current like any other part's.

A template whose `ci` question lists choices writes its CI files itself (the training project)
and takes only those; one whose `ci` question is open (the app templates composed with
app-base, which writes no CI files for a name it does not know) takes a plug-in's too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from idp_cli import ci
from idp_cli.errors import IdpError
from idp_cli.project.parts import Part
from idp_cli.templates.discovery import URL, Template, find


def parts_for(template: Template, name: str | None) -> list[Part]:
    """The part writing the CI files of the system `--ci NAME` names: none for a bundled
    system (or none given), the plug-in's part template for a plug-in's."""
    if name is None:
        return []
    system = ci.find(name)
    if system.template is None:
        return []
    asked = next((q for q in template.questions if q.name == "ci" and not q.computed), None)
    if asked is None:
        raise IdpError(
            f"template {template.name} asks no CI system, so there is nothing for --ci {name} "
            f"({system.origin}) to set up",
            hint="Drop --ci, or choose an app template that generates CI configuration.",
        )
    if asked.choices:
        offered = asked.choices.values() if isinstance(asked.choices, dict) else asked.choices
        raise IdpError(
            f"template {template.name} writes its own CI files, for "
            f"{', '.join(map(str, offered))} only; --ci {name} ({system.origin}) is for the app "
            "templates whose CI files come from a part",
            hint=f"Pass --ci {' or --ci '.join(map(str, offered))}.",
        )
    return [Part(ci.PART, part_template(system), {})]


def ask(
    template: Template,
    answers: dict[str, Any],
    offered: dict[str, Any],
    prompts: Callable[[list[ci.System]], str] | None,
) -> list[Part]:
    """In a terminal, the CI system that Copier's prompt would ask (`offered`, the defaults it
    offers, holds `ci` then), asked in idp's picker among the bundled systems and the
    plug-ins': the answer moves into `answers`; the part writing a plug-in's files."""
    if prompts is None or "ci" not in offered:
        return []
    asked = next(q for q in template.questions if q.name == "ci")
    closed = asked.choices.values() if isinstance(asked.choices, dict) else asked.choices
    name = prompts([s for s in ci.systems() if not closed or s.name in closed])
    found = parts_for(template, name)
    answers["ci"] = name
    del offered["ci"]
    return found


def part_template(system: ci.System) -> Template:
    """The plug-in's part template; a folder is marked as the plug-in's, so that projects
    record it under a portable name (templates/plugin_templates.py)."""
    assert system.template is not None  # a plug-in's system (bundled ones have no part)
    try:
        template = find(system.template)
    except IdpError as exc:
        raise IdpError(
            f"CI system {system.name} ({system.origin}): {exc.message}",
            hint=f"The plug-in names a template it does not have; report it to {system.origin}'s "
            "maintainers, or reinstall it.",
        ) from None
    if template.kind != "part":
        raise IdpError(
            f"CI system {system.name} ({system.origin}): template {template.name} is not a "
            "part (its copier.yml needs `_idp: {kind: part}`)",
            hint=f"Report it to {system.origin}'s maintainers.",
        )
    if URL.match(system.template):
        return template  # a git URL is recorded as it is: the same on every machine
    if system.distribution is None:  # a folder can only be found again through its plug-in
        raise IdpError(
            f"CI system {system.name}: its plug-in has no distribution metadata, so a project "
            f"could not record its template {system.template} portably",
            hint="Install the plug-in as a distribution (pip install), not as loose modules.",
        )
    return dataclasses.replace(template, plugin=(system.distribution, system.version))
