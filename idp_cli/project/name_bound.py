"""`idp new` for a template bound to a catalog model *name* (`_idp.binds: name`): `--model`
names the model, in the catalog already (it must fit the template) or new (its name must be
one the catalog accepts). The answers are name_binding.answers."""

from __future__ import annotations

from typing import Any

from idp_cli import binding, name_binding
from idp_cli.catalog.model import Catalog
from idp_cli.errors import IdpError
from idp_cli.templates.discovery import Template


def choose(template: Template, catalog: Catalog, given: str | None, prompts: Any) -> str:
    """The model name: `--model`, else asked in a terminal (`prompts`, new.py's Prompts: a
    model of the catalog the template can train, or a new name checked as `--model` is);
    checked before anything is written."""
    name = given
    if name is None:
        fitting = binding.fit_catalog(template, catalog).fitting
        if prompts is None:
            known = ", ".join(v.model.name for v in fitting) or "none yet"
            raise IdpError(
                "no model name given",
                hint=f"Pass --model NAME: a model in the catalog ({known}) or a new name.",
            )
        name = str(prompts.model_name(fitting, lambda typed: problem(template, catalog, typed)))
    name = name.strip()
    check(template, catalog, name)
    return name


def check(template: Template, catalog: Catalog, name: str) -> None:
    """IdpError unless `name` is one the catalog accepts and, for a model the catalog holds,
    one the template can train."""
    name_binding.check_name(name)
    model = catalog.get(name)
    if model is not None:
        reasons = name_binding.fit(template, model)
        if reasons:
            raise IdpError(
                f"template {template.name} cannot train {name}: {'; '.join(reasons)}",
                hint="Choose another model, or a new name for a new model.",
            )


def problem(template: Template, catalog: Catalog, name: str) -> str | None:
    """What is wrong with a typed model name (for a prompt to show), or None."""
    try:
        check(template, catalog, name.strip())
    except IdpError as exc:
        return f"{exc.message}. {exc.hint}" if exc.hint else exc.message
    return None
