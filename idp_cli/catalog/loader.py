"""From a catalog source to a validated catalog, or to every problem in it.

This module is what every command imports, so it stays light: a catalog served from the cache
needs neither YAML nor pydantic. Reading and validating the files lives in `validation`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from idp_cli.catalog import cache
from idp_cli.catalog.model import Catalog
from idp_cli.catalog.sources import Source
from idp_cli.errors import CatalogInvalid, ExitCode, Problem


@dataclass
class Loaded:
    source: Source
    catalog: Catalog | None
    problems: list[Problem]
    files: list[str] = field(default_factory=list)
    cached: bool = False


def load(source: Source, *, use_cache: bool = True, summary: bool = False) -> Loaded:
    """The catalog from `source`; `summary` allows a cached catalog holding only what
    `idp models list` reads (see cache.summarize_model). Without `use_cache` the cache is neither
    read nor written (`catalog validate`, publish's check of an edit)."""
    if use_cache:
        hit = cache.lookup(source, summary=summary)
        if hit is not None:
            data, files = hit
            return Loaded(source, Catalog(data, files), [], files, cached=True)
    from idp_cli.catalog.validation import Validation

    return Validation(source, store=use_cache, summary=summary).run()


def open_catalog(source: Source, *, summary: bool = False) -> Catalog:
    """The catalog, or CatalogInvalid naming the first problem (exit 1 outside `validate`)."""
    loaded = load(source, summary=summary)
    if loaded.problems or loaded.catalog is None:
        error = CatalogInvalid(loaded.problems)
        error.exit_code = ExitCode.FAILURE  # 3 is `idp catalog validate`'s answer only
        raise error
    return loaded.catalog
