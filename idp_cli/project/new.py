"""`idp new`'s work: choose the template and the model, apply the rules a new project must meet
(its name, an empty destination, a live model version the template can serve, every question
answered), then let Copier render it.

An app template may be composed of parts (`_idp.parts` in its copier.yml): other templates
(a model-client component, a `_idp.kind: part` template) rendered into the new project after it, each recorded in `.copier-answers.app-<PART>.yml`, which
`idp check` and `idp update` treat as the app's binding (bindings.py). A part is given every
answer of the app that it asks (the model binding, `ci`, `idp_version`, ...) and the `data`
its entry names, rendered as Jinja over the app's answers:

    parts:
      - {name: client, template: predictive-client,
         data: {binding_name: model, package_dir: "src/{{ package_name }}"}}

As with `idp update` (update.py), the plan decides everything without Copier; `apply` renders.
The core never prompts: what a terminal may ask for is handed in as `Prompts`. Warnings go
through `warning_sink`, as everywhere in the core.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idp_cli import binding, ci
from idp_cli.catalog.model import Catalog, Endpoint, Version
from idp_cli.catalog.query import resolve
from idp_cli.errors import IdpError
from idp_cli.project import ci_part, parts
from idp_cli.project.answers import ANSWERS_FILE, read_file
from idp_cli.project.catalog_record import CatalogSource, recorded_catalog
from idp_cli.project.refusals import check_destination, check_lifecycle, check_project_name
from idp_cli.templates.discovery import Template
from idp_cli.templates.sources import available, find

# how many of the models that fit a "no model given" hint names
_SHOWN_MODELS = 8


@dataclass(frozen=True)
class Prompts:
    """Asking the user for what the command line left out; each returns the chosen name."""

    template: Callable[[list[Template]], str]
    model: Callable[[list[Version]], str]  # returns a model reference
    destination: Callable[[], Path]
    # for a template bound to a model name: the fitting models' versions, and what is wrong
    # with a typed new name (None: nothing); returns a model name
    model_name: Callable[[list[Version], Callable[[str], str | None]], str]
    ci: Callable[[list[ci.System]], str] | None = None  # None: the template's own prompt asks


@dataclass(frozen=True)
class Request:
    destination: Path | None
    template: str | None  # a bundled name, a folder or a git URL[@ref]
    # the catalog and where it was read; opened only for a template that binds a model
    catalog: Callable[[], tuple[Catalog, CatalogSource]]
    model: str | None = None
    # --model NAME=REF: the models of the app's parts that bind one of their own (parts.py)
    bindings: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)  # --data answers, which win
    ci: str | None = None  # None: not given (asked in a terminal, else DEFAULT_CI)
    environment: str | None = None
    allow_deprecated: bool = False
    force: bool = False
    pretend: bool = False
    trust: bool = False
    prompts: Prompts | None = None  # None: nothing may be asked (no terminal, or --defaults)

    @property
    def interactive(self) -> bool:
        return self.prompts is not None


@dataclass
class Plan:
    request: Request
    template: Template
    destination: Path
    answers: dict[str, Any]
    user_defaults: dict[str, Any] = field(default_factory=dict)  # what Copier's prompts offer
    version: Version | None = None
    endpoint: Endpoint | None = None
    parts: list[parts.Part] = field(default_factory=list)
    part_data: dict[str, Any] = field(default_factory=dict)  # --data only the parts take
    # the answers of each part that binds a model of its own, by binding name
    bound: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Generated:
    destination: Path
    template: str
    model: str | None
    endpoint: str | None
    files: list[str]
    pretend: bool
    bindings: dict[str, str] = field(default_factory=dict)  # its parts' own models

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "destination": str(self.destination),
            "template": self.template,
            "model": self.model,
        }
        if self.endpoint is not None:  # only a bound project names its endpoint
            data["endpoint"] = self.endpoint
        if self.bindings:  # only an app with parts that bind models of their own
            data["bindings"] = self.bindings
        data["files"] = self.files
        data["pretend"] = self.pretend
        return data


def plan(request: Request) -> Plan:
    """Everything `apply` needs, checked; the catalog and the terminal are read, nothing is
    written."""
    template = _choose_template(request)
    if template.kind == "part":
        raise IdpError(
            f"template {template.name} is a part of app templates, rendered by `idp new` "
            "with them; it makes no project of its own",
            hint="Choose an app template (`idp templates list`).",
        )
    if template.kind == "component":
        raise IdpError(
            f"template {template.name} is a component: it adds a model binding to an existing "
            "project, it does not make one",
            hint=f"Run `idp add --model REF` in the project (it applies {template.name}), or "
            "choose an app template (`idp templates list`).",
        )
    ci_parts = ci_part.parts_for(template, request.ci)
    # the parts' templates, for the --data answers only they take (checked against the model
    # below)
    app_data, part_data = parts.split_data(
        template,
        parts.declared(template, None, None) + ci_parts,
        request.data,
        binding.owned_answers(template),
    )
    dest = request.destination
    if dest is None:
        if request.prompts is None:
            raise IdpError(
                "no destination folder given",
                hint="Pass it as the first argument: idp new DEST ...",
            )
        dest = request.prompts.destination()
    dest = dest.expanduser()
    project_name = str(request.data.get("project_name", dest.resolve().name))
    check_project_name(project_name)
    check_destination(dest, request.force)
    if template.binds_name:  # a training project: a model name, new or existing
        made = _name_bound(request, template, dest, project_name, app_data)
    elif template.binds_model:
        made = _bound(request, template, dest, project_name, app_data)
    else:
        answers = _unbound_answers(request, template, project_name, app_data)
        made = Plan(request, template, dest, answers)
    made.part_data = part_data
    if not request.interactive:
        _require_answers(template, made.answers)
    made.parts = parts.declared(made.template, made.version, request.environment, made.bound)
    ask_ci = request.prompts.ci if request.prompts else None
    made.parts += ci_parts + ci_part.ask(template, made.answers, made.user_defaults, ask_ci)
    return made


def apply(plan: Plan) -> Generated:
    from idp_cli.templates.render import generate

    request = plan.request
    # a part that fails takes the whole new project with it: nothing half-made is left
    fresh = not plan.destination.exists()
    files = generate(
        plan.template,
        plan.destination,
        plan.answers,
        defaults=not request.interactive,
        pretend=request.pretend,
        trust=request.trust,
        force=request.force,
        user_defaults=plan.user_defaults,
    )
    recorded = plan.destination / ANSWERS_FILE
    app_answers = (
        {k: v for k, v in read_file(recorded).data.items() if not str(k).startswith("_")}
        if plan.parts and not request.pretend and recorded.is_file()
        else plan.answers
    )
    try:
        given = {**app_answers, **plan.part_data}
        files += parts.render(
            plan.template,
            plan.parts,
            plan.destination,
            given,
            pretend=request.pretend,
            trust=request.trust,
        )
    except BaseException:
        if fresh and not request.pretend:
            shutil.rmtree(plan.destination, ignore_errors=True)
        raise
    if plan.parts:
        files = sorted(set(files))
    return Generated(
        destination=plan.destination,
        template=plan.template.name,
        model=plan.version.ref if plan.version else plan.answers.get("model_name"),
        endpoint=plan.endpoint.name if plan.endpoint else None,
        files=files,
        pretend=request.pretend,
        bindings={name: str(answers["model_ref"]) for name, answers in plan.bound.items()},
    )


def _choose_template(request: Request) -> Template:
    if request.template:
        return find(request.template)
    templates = available()
    if request.prompts is None or not templates:
        raise IdpError(
            "no template given",
            hint=f"Pass --template NAME ({', '.join(t.name for t in templates)}), a folder or a git URL.",
        )
    return find(request.prompts.template(templates))


def _choose_model(request: Request, catalog: Catalog, template: Template) -> Version:
    if request.model:
        return resolve(catalog, request.model)
    fitting = binding.fit_catalog(template, catalog, request.environment).fitting
    if not fitting:
        raise IdpError(f"no model in the catalog fits template {template.name}")
    if request.prompts is None:
        raise IdpError(
            "no model given",
            hint=f"Pass --model REF; models that fit {template.name}: "
            + ", ".join(v.ref for v in fitting[:_SHOWN_MODELS])
            + ("…" if len(fitting) > _SHOWN_MODELS else ""),
        )
    return resolve(catalog, request.prompts.model(pickable(template, fitting, request)))


def pickable(template: Template, fitting: list[Version], request: Request) -> list[Version]:
    """What a person may choose from: each fitting model's default version, then its other
    versions that the template can serve, newest first (archived never; deprecated only with
    --allow-deprecated)."""
    from idp_cli.catalog.model import version_key

    offered: list[Version] = []
    for default in fitting:
        others = sorted(
            (v for v in default.model.versions if v.version != default.version),
            key=lambda v: version_key(v.version),
            reverse=True,
        )
        offered.append(default)
        for v in others:
            if v.lifecycle == "archived" or (v.retired and not request.allow_deprecated):
                continue
            if binding.fit(template, v, request.environment).ok:
                offered.append(v)
    return offered


def _endpoint(template: Template, version: Version, environment: str | None) -> Endpoint:
    result = binding.fit(template, version, environment)
    if not result.ok or result.endpoint is None:
        raise IdpError(
            f"template {template.name} cannot serve {version.ref}: {'; '.join(result.reasons)}",
            hint="See the models it can serve with `idp templates show " + template.name + "`.",
        )
    return result.endpoint


def _bound(
    request: Request, template: Template, dest: Path, project_name: str, data: dict[str, Any]
) -> Plan:
    catalog, source = request.catalog()
    version = _choose_model(request, catalog, template)
    check_lifecycle(version, request.allow_deprecated)
    endpoint = _endpoint(template, version, request.environment)
    app, owner = _app_answers(request, template, dest, source, project_name, data)
    answers = binding.answers(template, version, endpoint, app)
    user_defaults: dict[str, Any] = {}
    if request.interactive:
        if owner is not None:
            user_defaults["owner"] = owner
        # what the command line did not settle is asked, idp's choice offered as the default
        if request.ci is None:
            user_defaults["ci"] = answers.pop("ci")
        if "description" not in request.data:
            user_defaults["description"] = answers.pop("description")
        # the app's lifecycle is not asked: it starts at the template's default, as with
        # --defaults, and is the user's to change later
        answers.update(_template_default(template, "lifecycle", answers))
    made = Plan(request, template, dest, answers, user_defaults, version, endpoint)
    made.bound = parts.bind_own(
        template,
        catalog,
        request.bindings,
        environment=request.environment,
        recorded=(app.catalog_source, app.catalog_ref, app.catalog_commit),
        check=lambda chosen: check_lifecycle(chosen, request.allow_deprecated),
        pick=request.prompts.model if request.prompts else None,
    )
    return made


def _name_bound(
    request: Request, template: Template, dest: Path, project_name: str, data: dict[str, Any]
) -> Plan:
    from idp_cli import name_binding
    from idp_cli.project import name_bound

    catalog, source = request.catalog()
    name = name_bound.choose(template, catalog, request.model, request.prompts)
    app, owner = _app_answers(request, template, dest, source, project_name, data)
    answers = name_binding.answers(template, catalog, name, app)
    offered: dict[str, Any] = {"owner": owner} if request.interactive and owner else {}
    if request.interactive and request.ci is None:
        offered["ci"] = answers.pop("ci")
    return Plan(request, template, dest, answers, offered)


def _app_answers(
    request: Request,
    template: Template,
    dest: Path,
    source: CatalogSource,
    project_name: str,
    data: dict[str, Any],
) -> tuple[binding.AppAnswers, str | None]:
    """The app's answers besides its model, and the owner found for it."""
    recorded, commit = recorded_catalog(source)
    owner = _app_owner(template, data, dest)
    # in a terminal the owner is offered as the prompt's default, not answered for the user
    answered = None if request.interactive else owner
    ci_name = request.ci or ci.DEFAULT_CI
    app = binding.AppAnswers(
        project_name, ci_name, recorded, source.ref or "", commit, data, answered
    )
    return app, owner


def _unbound_answers(
    request: Request, template: Template, project_name: str, data: dict[str, Any]
) -> dict[str, Any]:
    if request.model or request.bindings:
        raise IdpError(
            f"template {template.name} has no `_idp` metadata, so it takes no model",
            hint="Drop --model, or add `_idp` metadata and a `model` question to the template.",
        )
    answers = dict(data)
    asked = {q.name for q in template.questions}
    if "project_name" in asked:
        answers.setdefault("project_name", project_name)
    if binding.IDP_VERSION in asked:
        answers = {**binding.running_idp(), **answers}
    return answers


def _app_owner(template: Template, overrides: dict[str, Any], dest: Path) -> str | None:
    """The app's owner unless --data gives it: the config file's, else the git user's."""
    if "owner" in overrides or not any(q.name == "owner" for q in template.questions):
        return None
    from idp_cli import app_owner

    found = app_owner.default(dest.resolve().parent)
    return found.ref if found else None


def _template_default(template: Template, name: str, answers: dict[str, Any]) -> dict[str, Any]:
    """{name: the template's default} when it asks `name` and no answer is given yet."""
    for q in template.questions:
        if q.name == name and name not in answers and q.default is not None:
            return {name: q.default}
    return {}


def _require_answers(template: Template, answers: dict[str, Any]) -> None:
    """Without a terminal Copier cannot ask: a question with no default needs an answer."""
    missing = [
        q.name
        for q in template.questions
        if not q.computed and q.default is None and q.name not in answers
    ]
    if missing:
        raise IdpError(
            f"template {template.name} needs an answer for: {', '.join(missing)}",
            hint=" ".join(f"--data {name}=..." for name in missing),
        )
