"""What the bundled templates can serve from the bundled catalog, by the rule `idp new` uses."""

from __future__ import annotations

from typing import NamedTuple

from idp_cli import binding, name_binding
from idp_cli.catalog.model import Catalog, Version
from idp_cli.catalog.read import load
from idp_cli.catalog.sources import resolve_source
from idp_cli.config import CatalogChoice
from idp_cli.project.parts import own_bindings
from idp_cli.templates.discovery import Template, bundled

# A model name no catalog holds, for the templates bound to a name (`_idp.binds: name`).
NEW_MODEL = "acme/new-model"


class Pair(NamedTuple):
    template: str
    ref: str  # a model version; a model name for a template bound to a name
    retired: bool  # deprecated or archived: `idp new` needs --allow-deprecated
    # `idp new`'s other arguments: `--model NAME=REF` for an app's own bindings (rag-service)
    extra: tuple[str, ...] = ()


def _catalog() -> Catalog:
    # Read without the catalog cache: this runs at collection, outside the tests' isolation.
    loaded = load(resolve_source(CatalogChoice(None, None, "bundled")), use_cache=False)
    assert loaded.catalog is not None, loaded.problems
    return loaded.catalog


def _pairs(template: Template, versions: list[Version]) -> list[Pair]:
    """The template's versions; with own bindings, each paired with versions each binding can
    serve in turn, so that every version of either side is bound at least once (not every
    combination: a rag-service project is rendered per pair, and the sides do not interact)."""
    fitting = [v for v in versions if binding.fit(template, v).ok]
    own = {
        name: [v for v in versions if binding.fit(component, v).ok]
        for name, component in own_bindings(template).items()
    }
    if not own:
        return [Pair(template.name, v.ref, v.retired) for v in fitting]
    count = max([len(fitting), *(len(vs) for vs in own.values())]) if fitting else 0
    pairs = []
    for i in range(count):
        version = fitting[i % len(fitting)]
        chosen = {name: vs[i % len(vs)] for name, vs in own.items()}
        extra = tuple(arg for name, v in chosen.items() for arg in ("-m", f"{name}={v.ref}"))
        retired = version.retired or any(v.retired for v in chosen.values())
        pairs.append(Pair(template.name, version.ref, retired, extra))
    return pairs


def _named(template: Template, catalog: Catalog) -> list[Pair]:
    """A template bound to a model name: each model it can train, and a name not in the
    catalog."""
    pairs = [
        Pair(template.name, model.name, False)
        for model in catalog.models
        if not name_binding.fit(template, model)
    ]
    return [*pairs, Pair(template.name, NEW_MODEL, False)]


def servable() -> list[Pair]:
    """Every (bundled template, bundled catalog version) that `idp new --allow-deprecated`
    accepts: the fit rule of `idp new`, over every version rather than each model's default."""
    catalog = _catalog()
    versions = [version for model in catalog.models for version in model.versions]
    return [
        pair
        for template in bundled()
        for pair in (
            _named(template, catalog) if template.binds_name else _pairs(template, versions)
        )
    ]


def ids(pairs: list[Pair]) -> list[str]:
    return [f"{p.template}-{p.ref}" + "".join(f"-{a}" for a in p.extra[1::2]) for p in pairs]
