"""The parts an app template is composed of (`_idp.parts`): other templates (a model client,
the CI and Backstage base, the service runner) that `idp new` renders into the project after
the app, each recorded in its own `.copier-answers.app-NAME.yml`, so that no file exists twice
under `templates/`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idp_cli import binding
from idp_cli.catalog.model import Version
from idp_cli.errors import IdpError
from idp_cli.templates.discovery import Template, find


@dataclass(frozen=True)
class Part:
    """A template the app template is composed of, rendered into the project after it."""

    name: str
    template: Template
    answers: dict[str, Any]  # its entry's `data`, rendered over the app's answers (part_answers)

    @property
    def answers_file(self) -> str:
        from idp_cli.project.bindings import part_answers_file

        return part_answers_file(self.name)


def declared(app: Template, version: Version | None, environment: str | None) -> list[Part]:
    """The app template's parts (`_idp.parts`); a model-client component among them must serve
    the bound model as the app does. Checked before anything is written."""
    declared = app.meta.get("parts") or []
    if not isinstance(declared, list):
        raise IdpError(f"template {app.name}: `_idp.parts` must be a list")
    parts: list[Part] = []
    for entry in declared:
        if not (isinstance(entry, dict) and entry.get("name") and entry.get("template")):
            raise IdpError(f"template {app.name}: each of `_idp.parts` needs a name and a template")
        template = find(str(entry["template"]))
        if version is not None and template.kind == "component":
            result = binding.fit(template, version, environment)
            if not result.ok:
                raise IdpError(
                    f"template {app.name}'s part {entry['name']} ({template.name}) "
                    f"cannot serve {version.ref}: {'; '.join(result.reasons)}"
                )
        parts.append(Part(str(entry["name"]), template, dict(entry.get("data") or {})))
    return parts


def split_data(
    app: Template, parts: list[Part], data: dict[str, Any], owned: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """`--data` for the app's questions, and for the questions only its parts ask (the deploy
    part's `argocd`, say), which reach those parts; any other answer is refused. A part's
    computed questions and those its entry's `data` sets are the app template's to answer."""
    app_names = {q.name for q in app.questions}
    fixed = {key for part in parts for key in part.answers}
    part_only = {
        q.name
        for part in parts
        for q in part.template.questions
        if not q.computed and q.name not in app_names and q.name not in fixed
    }
    app.refuse_unknown(data, owned=owned, also=sorted(part_only))
    return (
        {k: v for k, v in data.items() if k not in part_only},
        {k: v for k, v in data.items() if k in part_only},
    )


def part_answers(app: Template, part: Part, app_answers: dict[str, Any]) -> dict[str, Any]:
    """What a part is given: each answer of the app it asks (as the app recorded them, so a
    choice made at a prompt reaches it), and its entry's `data`, rendered as Jinja over the
    app's answers and the app's computed values (`package_name`)."""
    from jinja2 import TemplateError
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment()
    context = dict(app_answers)
    for q in app.questions:
        if q.computed and q.name not in context and isinstance(q.default, str):
            try:
                context[q.name] = env.from_string(q.default).render(context)
            except TemplateError:  # a filter only Copier has: not a value a part can be given
                continue
    asked = {q.name for q in part.template.questions}
    answers = {k: v for k, v in context.items() if k in asked}
    for key, value in part.answers.items():
        answers[key] = env.from_string(value).render(context) if isinstance(value, str) else value
    return answers


def render(
    app: Template,
    parts: list[Part],
    destination: Path,
    app_answers: dict[str, Any],
    *,
    pretend: bool,
) -> list[str]:
    """Each part into the folder the app was just written to (with `pretend`: on its own)."""
    from idp_cli.templates.render import generate

    files: list[str] = []
    for part in parts:
        files += generate(
            part.template,
            destination,
            part_answers(app, part, app_answers),
            defaults=True,
            pretend=pretend,
            trust=False,
            force=True,
            answers_file=part.answers_file,
        )
    return files
