"""Binding a template to a catalog model *name* (`_idp.binds: name` in its copier.yml), new or
already in the catalog, rather than to one of its versions: a training project makes the
versions that `idp models publish` later adds to the catalog (pure: no I/O, no Copier).

The `model` answer is the seed of the project: for a model in the catalog, what its versions
say (signature, labels, the production version's metrics, which the project's evaluation gate
compares with); for a new name, the template's own placeholder model under that name.
"""

from __future__ import annotations

import re
from typing import Any

from idp_cli import binding
from idp_cli.catalog.format import MODEL_NAME_PATTERN
from idp_cli.catalog.model import Catalog, Model
from idp_cli.errors import IdpError
from idp_cli.templates.discovery import Template

_NAME = re.compile(MODEL_NAME_PATTERN)


def check_name(name: str) -> None:
    """A name the catalog accepts (catalog.md): refused here, before anything is trained."""
    if "@" in name:
        base = name.split("@", 1)[0]
        raise IdpError(
            f"{name!r} names a model version; this template is bound to a model name",
            hint=f"Pass --model {base}: the project trains the model's new versions.",
        )
    if not _NAME.match(name):
        raise IdpError(
            f"{name!r} is not a valid catalog model name",
            hint="Use lowercase letters, digits, '.', '_', '-' and '/', starting with a letter "
            "or digit, e.g. acme/churn-classifier.",
        )


def fit(template: Template, model: Model) -> list[str]:
    """Why the template cannot train `model`'s next versions (nothing when it can), judged
    by the version the catalog shows for it."""
    reasons = list(binding.fit(template, model.shown_version).reasons)
    outputs = model.shown_version.signature.get("outputs", [])
    for index, column in enumerate(outputs):
        if column.get("type") == "string" and not column.get("enum"):
            reasons.append(
                f"signature.outputs[{index}] ({column.get('name')}) is a string without an "
                "enum: the template predicts scores, labels and classes from a list"
            )
    return reasons


def _placeholder(template: Template) -> dict[str, Any]:
    for question in template.questions:
        if question.name == "model" and isinstance(question.default, dict):
            return dict(question.default)
    return {}


def seed(template: Template, catalog: Catalog, name: str) -> dict[str, Any]:
    """The `model` answer for `name`: the catalog's model, or the template's placeholder
    renamed for a new one."""
    model = catalog.get(name)
    if model is None:
        # the placeholder's signature is the start; its words describe another model
        return {
            **_placeholder(template),
            "name": name,
            "exists": False,
            "display_name": name,
            "description": "",
            "baseline": {"version": "", "metrics": []},
        }
    shown = model.shown_version
    production = model.newest("production")
    signature = binding.normalized_signature(shown.signature) or {
        "inputs": [], "outputs": [], "params": [], "example": {}
    }  # fmt: skip
    return {
        "name": model.name,
        "exists": True,
        "display_name": model.display_name,
        "description": model.description,
        "owner": model.owner,
        "license": model.license,
        "tasks": model.tasks,
        "tags": model.tags,
        "labels": dict(model.raw.get("labels") or {}),
        "signature": {k: signature[k] for k in ("inputs", "outputs", "params", "example")},
        "baseline": {
            "version": production.version if production else "",
            "metrics": [
                {"type": m["type"], "value": m["value"], "dataset": m.get("dataset") or ""}
                for m in (production.raw.get("metrics", []) if production else [])
            ],
        },
    }


def answers(
    template: Template, catalog: Catalog, name: str, app: binding.AppAnswers
) -> dict[str, Any]:
    """The answers for Copier: the app's, the model name and its seed, then the user's `--data`."""
    model = seed(template, catalog, name)
    described = f"{model['display_name']} ({name})" if model["exists"] else f"the new model {name}"
    return app.around(
        template,
        f"{template.title} for {described}.",
        {"model_name": name, **app.catalog, "model": model},
    )
