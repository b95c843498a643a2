"""Which catalog a generated project is checked against: the one it records, unless told."""

from __future__ import annotations

from idp_cli import env_vars
from idp_cli.catalog.sources import Source, resolve_source
from idp_cli.config import CatalogChoice, choose_catalog
from idp_cli.errors import CatalogError
from idp_cli.project.answers import Answers

BUNDLED_PREFIX = "bundled:"


def for_project(answers: Answers, flag: str | None, flag_ref: str | None) -> Source:
    """`--catalog`, then `IDP_CATALOG`, then the source recorded at generation, then the
    usual order (config file, bundled).

    The recorded source is read at its default branch, not at the recorded `catalog_ref`: that
    says where the binding was read, and a tag or commit never changes, so a deprecation
    published later would never be seen. `--catalog-ref` (or IDP_CATALOG_REF) chooses another.
    """
    recorded = answers.text("catalog_source")
    if flag or env_vars.get("IDP_CATALOG") or not recorded:
        return resolve_source(choose_catalog(flag, flag_ref), published=True)
    if recorded.startswith(BUNDLED_PREFIX):
        return resolve_source(CatalogChoice(None, None, "bundled"))
    ref = flag_ref or env_vars.get("IDP_CATALOG_REF") or None
    try:
        return resolve_source(
            CatalogChoice(recorded, ref, f"answers file {answers.path.name}"), published=True
        )
    except CatalogError as exc:
        raise CatalogError(
            f"the catalog this project was generated from cannot be read: {exc.message}",
            hint=f"It is recorded as catalog_source in {answers.path.name}; "
            "pass --catalog SOURCE to read it from elsewhere.",
        ) from None
