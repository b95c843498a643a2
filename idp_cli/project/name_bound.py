"""`idp new` for a template bound to a catalog model *name* (`_idp.binds: name`): `--model`
names the model, in the catalog already (it must fit the template) or new (its name must be
one the catalog accepts). See name_binding.py for the answers."""

from __future__ import annotations

from pathlib import Path

from idp_cli import binding, name_binding
from idp_cli.errors import IdpError
from idp_cli.project.new import Plan, Request, _app_owner, recorded_catalog
from idp_cli.templates.discovery import Template


def plan(request: Request, template: Template, dest: Path, project_name: str) -> Plan:
    catalog, source = request.catalog()
    name = request.model
    if name is None:
        if request.prompts is None:
            fitting = binding.fit_catalog(template, catalog).fitting
            known = ", ".join(v.model.name for v in fitting) or "none yet"
            raise IdpError(
                "no model name given",
                hint=f"Pass --model NAME: a model in the catalog ({known}) or a new name.",
            )
        name = request.prompts.model(binding.fit_catalog(template, catalog).fitting)
        name = name.split("@", 1)[0]
    name = name.strip()
    name_binding.check_name(name)
    model = catalog.get(name)
    if model is not None:
        reasons = name_binding.fit(template, model)
        if reasons:
            raise IdpError(
                f"template {template.name} cannot train {name}: {'; '.join(reasons)}",
                hint="Choose another model, or a new name for a new model.",
            )
    recorded, commit = recorded_catalog(source)
    owner = _app_owner(template, request.data, dest)
    answers = name_binding.answers(
        template,
        catalog,
        name,
        project_name=project_name,
        ci=request.ci,
        catalog_source=recorded,
        catalog_ref=source.ref or "",
        catalog_commit=commit,
        overrides=request.data,
        owner=None if request.interactive else owner,
    )
    offered = {"owner": owner} if request.interactive and owner else {}
    return Plan(request, template, dest, answers, offered)
