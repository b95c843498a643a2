"""What the bundled templates can serve from the bundled catalog, by the rule `idp new` uses."""

from __future__ import annotations

from typing import NamedTuple

from idp_cli import binding, name_binding
from idp_cli.catalog.read import load
from idp_cli.catalog.sources import resolve_source
from idp_cli.config import CatalogChoice
from idp_cli.templates.discovery import bundled

# A model name no catalog holds, for the templates bound to a name (`_idp.binds: name`).
NEW_MODEL = "acme/new-model"


class Pair(NamedTuple):
    template: str
    ref: str  # a model version; a model name for a template bound to a name
    retired: bool  # deprecated or archived: `idp new` needs --allow-deprecated


def servable() -> list[Pair]:
    """Every (bundled template, bundled catalog version) that `idp new --allow-deprecated`
    accepts: the fit rule of `idp new`, over every version rather than each model's default.
    Read without the catalog cache: this runs at collection, outside the tests' isolation."""
    loaded = load(resolve_source(CatalogChoice(None, None, "bundled")), use_cache=False)
    assert loaded.catalog is not None, loaded.problems
    pairs = [
        Pair(template.name, version.ref, version.retired)
        for template in bundled()
        if not template.binds_name
        for model in loaded.catalog.models
        for version in model.versions
        if binding.fit(template, version).ok
    ]
    # a template bound to a model name: each model it can train, and a name not in the catalog
    for template in bundled():
        if template.binds_name:
            pairs += [
                Pair(template.name, model.name, False)
                for model in loaded.catalog.models
                if not name_binding.fit(template, model)
            ]
            pairs.append(Pair(template.name, NEW_MODEL, False))
    return pairs


def ids(pairs: list[Pair]) -> list[str]:
    return [f"{p.template}-{p.ref}" for p in pairs]
