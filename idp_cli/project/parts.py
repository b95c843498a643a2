"""The parts an app template is composed of (`_idp.parts`): other templates (a model client,
the CI and Backstage base, the service runner) that `idp new` renders into the project after
the app, each recorded in its own `.copier-answers.app-NAME.yml`, so that no file exists twice
under `templates/`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idp_cli import binding
from idp_cli.catalog.model import Catalog, Version
from idp_cli.catalog.query import resolve
from idp_cli.errors import IdpError
from idp_cli.suggest import did_you_mean
from idp_cli.templates.discovery import Template, find

# how many of the models that fit a "no model given" hint names
_SHOWN_MODELS = 8
# the answers that say which model a template is bound to (binding.bound)
BOUND_ANSWERS = frozenset({"model_ref", "model", "catalog_source", "catalog_ref", "catalog_commit"})


@dataclass(frozen=True)
class Part:
    """A template the app template is composed of, rendered into the project after it."""

    name: str
    template: Template
    answers: dict[str, Any]  # its entry's `data`, rendered over the app's answers (part_answers)
    # A part whose entry says `binding: NAME` binds a model of its own (`idp new --model
    # NAME=REF`): it is recorded as the project's binding NAME (`.copier-answers.NAME.yml`),
    # which `idp check` and `idp update` treat on its own, as one that `idp add` made.
    binding: str | None = None
    bound: dict[str, Any] | None = None  # its own model's answers (binding.bound)

    @property
    def answers_file(self) -> str:
        from idp_cli.project.bindings import part_answers_file

        if self.binding:
            return f".copier-answers.{self.binding}.yml"
        return part_answers_file(self.name)


def own_bindings(app: Template) -> dict[str, Template]:
    """The app's parts that bind a model of their own, by binding name: the component each
    applies (`_idp.parts` entries with `binding: NAME`)."""
    found: dict[str, Template] = {}
    for entry in app.meta.get("parts") or []:
        if isinstance(entry, dict) and entry.get("binding") and entry.get("template"):
            template = find(str(entry["template"]))
            if template.kind != "component":
                raise IdpError(
                    f"template {app.name}'s part {entry.get('name')} binds a model of its own, "
                    f"but {template.name} is not a model-client component"
                )
            found[str(entry["binding"])] = template
    return found


def check_binding_names(app: Template, own: dict[str, Template], given: dict[str, str]) -> None:
    """Each `--model NAME=REF` names one of the app's own bindings."""
    for name in given:
        if name not in own:
            raise IdpError(
                f"template {app.name} has no binding named {name!r} (--model {name}=...)",
                hint=did_you_mean(
                    name,
                    own,
                    f"Its parts' own bindings: {', '.join(own)}."
                    if own
                    else "It binds one model: pass it as --model REF.",
                ),
            )


def bind_own(
    app: Template,
    catalog: Catalog,
    given: dict[str, str],
    *,
    environment: str | None,
    recorded: tuple[str, str, str],  # the catalog's source, ref and commit, as recorded
    check: Callable[[Version], None],  # the lifecycle rule of `idp new`
    pick: Callable[[list[Version]], str] | None,  # asks in a terminal; None: nothing may be
) -> dict[str, dict[str, Any]]:
    """The answers of each part that binds a model of its own, by binding name: the model
    `--model NAME=REF` gives, else the one picked among those its component can serve."""
    own = own_bindings(app)
    check_binding_names(app, own, given)
    bound: dict[str, dict[str, Any]] = {}
    for name, component in own.items():
        if name in given:
            version = resolve(catalog, given[name])
        else:
            fitting = binding.fit_catalog(component, catalog, environment).fitting
            if pick is None:
                shown = ", ".join(v.ref for v in fitting[:_SHOWN_MODELS])
                raise IdpError(
                    f"template {app.name} binds a second model, {name} (served by "
                    f"{component.name}), and none was given",
                    hint=f"Pass --model {name}=REF; models that fit: {shown or 'none'}.",
                )
            version = resolve(catalog, pick(fitting))
        check(version)
        bound[name] = bound_answers(
            component,
            version,
            where=f"template {app.name}'s binding {name}",
            shown=app.name,
            environment=environment,
            recorded=recorded,
        )
    return bound


def bound_answers(
    component: Template,
    version: Version,
    *,
    where: str,
    shown: str,
    environment: str | None,
    recorded: tuple[str, str, str],
    fit: Callable[[Template, Version, str | None], binding.Fit] = binding.fit,
    then: str = "",
) -> dict[str, Any]:
    """The answers binding a part's own model, `version`, through the endpoint `fit` chooses;
    refused, naming `where` it was asked for, when `component` cannot serve it (`then` ends
    the message; `idp templates show SHOWN` lists what fits)."""
    result = fit(component, version, environment)
    if not result.ok or result.endpoint is None:
        raise IdpError(
            f"{where} ({component.name}) cannot serve {version.ref}: "
            f"{'; '.join(result.reasons)}{then}",
            hint=f"See the models it can serve with `idp templates show {shown}`.",
        )
    source, ref, commit = recorded
    return binding.bound(
        version, result.endpoint, catalog_source=source, catalog_ref=ref, catalog_commit=commit
    )


def declared(
    app: Template,
    version: Version | None,
    environment: str | None,
    bound: dict[str, dict[str, Any]] | None = None,
) -> list[Part]:
    """The app template's parts (`_idp.parts`); a model-client component among them must serve
    the bound model as the app does, one that binds a model of its own is given its answers
    from `bound` (by binding name, checked by the caller). Checked before anything is written."""
    declared = app.meta.get("parts") or []
    if not isinstance(declared, list):
        raise IdpError(f"template {app.name}: `_idp.parts` must be a list")
    parts: list[Part] = []
    for entry in declared:
        if not (isinstance(entry, dict) and entry.get("name") and entry.get("template")):
            raise IdpError(f"template {app.name}: each of `_idp.parts` needs a name and a template")
        template = find(str(entry["template"]))
        own = str(entry.get("binding") or "") or None
        if own is not None:
            parts.append(
                Part(
                    str(entry["name"]),
                    template,
                    dict(entry.get("data") or {}),
                    binding=own,
                    bound=(bound or {}).get(own),
                )
            )
            continue
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
    if part.binding is not None and part.bound is not None:
        # its own model, not the app's
        context = {k: v for k, v in context.items() if k not in BOUND_ANSWERS}
        context.update(part.bound)
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
    trust: bool,
) -> list[str]:
    """Each part into the folder the app was just written to (with `pretend`: on its own).
    `trust` as for the app: a bundled part is trusted anyway, a plug-in's only when asked."""
    from idp_cli.templates.render import generate

    files: list[str] = []
    for part in parts:
        files += generate(
            part.template,
            destination,
            part_answers(app, part, app_answers),
            defaults=True,
            pretend=pretend,
            trust=trust,
            force=True,
            answers_file=part.answers_file,
        )
    return files
