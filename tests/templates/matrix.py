"""What the bundled templates can serve from the bundled catalog, by the rule `idp new` uses."""

from __future__ import annotations

from typing import NamedTuple

from idp_cli import binding
from idp_cli.catalog.read import load
from idp_cli.catalog.sources import resolve_source
from idp_cli.config import CatalogChoice
from idp_cli.templates.discovery import bundled


class Pair(NamedTuple):
    template: str
    ref: str
    retired: bool  # deprecated or archived: `idp new` needs --allow-deprecated


def servable() -> list[Pair]:
    """Every (bundled template, bundled catalog version) that `idp new --allow-deprecated`
    accepts: the fit rule of `idp new`, over every version rather than each model's default.
    Read without the catalog cache: this runs at collection, outside the tests' isolation."""
    loaded = load(resolve_source(CatalogChoice(None, None, "bundled")), use_cache=False)
    assert loaded.catalog is not None, loaded.problems
    return [
        Pair(template.name, version.ref, version.retired)
        for template in bundled()
        for model in loaded.catalog.models
        for version in model.versions
        if binding.fit(template, version).ok
    ]


def ids(pairs: list[Pair]) -> list[str]:
    return [f"{p.template}-{p.ref}" for p in pairs]
