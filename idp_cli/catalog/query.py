"""Pure questions asked of a catalog: filter models, resolve a reference."""

from __future__ import annotations

import re
from typing import Any, NamedTuple, overload

from idp_cli.catalog.model import (
    Catalog,
    CatalogSummary,
    ModelView,
    Version,
    VersionSummary,
    VersionView,
    split_ref,
    version_key,
)
from idp_cli.errors import NotFound
from idp_cli.suggest import did_you_mean


# A NamedTuple rather than a dataclass: this module is imported by every `idp models list`,
# and creating a dataclass costs more than the rest of it.
class Filters(NamedTuple):
    task: str | None = None
    model_type: str | None = None
    lifecycle: str | None = None
    protocol: str | None = None
    tag: str | None = None
    text: str | None = None
    all_versions: bool = False


def _model_matches(model: ModelView[Any], f: Filters) -> bool:
    if f.task and f.task not in model.tasks:
        return False
    if f.model_type and model.model_type != f.model_type:
        return False
    if f.tag and f.tag not in model.tags:
        return False
    if f.text:
        words = _words(
            " ".join([model.name, model.display_name, model.description, *model.tags, *model.tasks])
        )
        # every word asked for starts a word of the model's: `llama` finds meta-llama/llama-3.1,
        # not Ollama; `forecast` finds time-series-forecasting
        if not all(any(w.startswith(asked) for w in words) for asked in _words(f.text)):
            return False
    return True


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^0-9a-z]+", text.lower()) if w]


def _version_matches(version: VersionView[Any], f: Filters) -> bool:
    if f.lifecycle and version.lifecycle != f.lifecycle:
        return False
    return not (f.protocol and f.protocol not in version.protocols)


@overload
def select(catalog: Catalog, f: Filters) -> list[Version]: ...
@overload
def select(catalog: CatalogSummary, f: Filters) -> list[VersionSummary]: ...
def select(catalog: Catalog | CatalogSummary, f: Filters) -> list[Any]:
    """One row per model (its shown version) unless all versions are asked for.

    Archived versions are listed only when asked for by `--lifecycle archived`. Filtering by
    lifecycle or protocol in the one-row view picks, per model, the version a user would
    mean: the shown version if it matches, else the newest that does.
    """
    rows: list[VersionView[Any]] = []
    for model in catalog.models:
        if not _model_matches(model, f):
            continue
        candidates = [
            v
            for v in model.versions
            if _version_matches(v, f) and (v.lifecycle != "archived" or f.lifecycle == "archived")
        ]
        if f.all_versions:
            rows.extend(sorted(candidates, key=lambda v: version_key(v.version), reverse=True))
            continue
        if not candidates:
            continue
        shown = model.shown_version
        if shown in candidates:
            rows.append(shown)
        else:
            rows.append(max(candidates, key=lambda v: (version_key(v.version), v.released_at)))
    return rows


def closest_names_hint(name: str, names: list[str]) -> str:
    """`Did you mean ...?` with up to three close or containing names, else where to look."""
    return did_you_mean(name, names) or "List the models with `idp models list`."


def resolve(catalog: Catalog, ref: str) -> Version:
    """`name@version`, `name@alias`, or a bare name for its default version."""
    name, selector = split_ref(ref.strip())
    model = catalog.get(name)
    if model is None:
        raise NotFound(
            f"no model named {name!r} in the catalog",
            hint=closest_names_hint(name, [m.name for m in catalog.models]),
        )
    if selector is None:
        version = model.default_version
        if version is None:
            raise NotFound(
                f"model {name!r} has no default version and no production version",
                hint=f"Name one: {', '.join(v.ref for v in model.versions)}",
            )
        return version
    version = model.find(selector)
    if version is None:
        known = [v.version for v in model.versions] + [a for v in model.versions for a in v.aliases]
        raise NotFound(
            f"model {name!r} has no version or alias {selector!r}",
            hint=f"Known: {', '.join(known)}",
        )
    return version
