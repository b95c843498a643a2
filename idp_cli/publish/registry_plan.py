"""What a bulk import from a registry is asked, and what it plans: for each registered model
(chosen by name globs), the catalog model it maps onto, and for each of its versions whether
it is in the catalog already, new (read from the registry, with its lifecycle and aliases), or
skipped and why.

A registered model maps onto the catalog model of the same name, or the one `mapping` names.
A model the catalog does not hold is skipped, not created: a new model needs an owner, a
description, a type, tasks and a license, which a registry does not hold (`idp models publish
--from-mlflow` with those fields adds its first version). A registry version number is the
catalog's version, as `publish --from-mlflow` makes it; a catalog version with that number
counts as imported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from idp_cli.importers import Imported, Lister, RegisteredModel, UnusableVersion
from idp_cli.publish.aliases import versions_of
from idp_cli.publish.catalog_files import CatalogFiles, Place
from idp_cli.publish.request import AliasMove, PublishError
from idp_cli.suggest import did_you_mean

# The registry's role aliases as lifecycles (README: importing a whole MLflow registry): a
# version holding one of these enters the catalog with that lifecycle, first match wins.
ROLE_LIFECYCLES = (
    ("champion", "production"),
    ("challenger", "staging"),
    ("candidate", "experimental"),
)


@dataclass
class ImportRequest:
    kind: str
    options: Mapping[str, str | None]  # the importer's (mlflow: tracking_uri)
    registry: str  # how messages name the registry (its kind and address)
    filters: list[str] = field(default_factory=list)  # globs on the registry's model names
    mapping: dict[str, str] = field(default_factory=dict)  # registry name -> catalog name
    lifecycle: str = "experimental"  # for a version holding no role alias
    # each new version takes serving, resources and llm of the model's default version
    from_default_version: bool = False
    pretend: bool = False
    commit: bool = True
    branch: str | None = None
    names: Mapping[str, str] = field(default_factory=dict)  # see publish.Request.names

    def name(self, key: str) -> str:
        return self.names.get(key, key)


@dataclass
class PlannedVersion:
    version: str
    source: str  # what was (or would be) read: models:/NAME/VERSION
    status: str  # new, present (in the catalog already) or skipped
    aliases: list[str] = field(default_factory=list)
    lifecycle: str | None = None
    reason: str | None = None  # why skipped
    inherited: list[str] = field(default_factory=list)
    imported: Imported | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "source": self.source,
            "status": self.status,
            "lifecycle": self.lifecycle,
            "aliases": self.aliases,
            "inherited": self.inherited,
            "reason": self.reason,
        }


@dataclass
class PlannedModel:
    registered: str  # the registry's name
    model: str | None  # the catalog's name; None when the catalog holds no such model
    versions: list[PlannedVersion] = field(default_factory=list)
    reason: str | None = None  # why the whole model is skipped
    alias_moves: list[AliasMove] = field(default_factory=list)
    # where the catalog model stood when planned (its file loaded for editing), for the first
    # edit to use while the file is as it was then
    place: Place | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "registered": self.registered,
            "model": self.model,
            "reason": self.reason,
            "versions": [v.to_dict() for v in self.versions],
            "aliasMoves": [m.to_dict() for m in self.alias_moves],
        }


@dataclass
class ImportPlan:
    registry: str
    models: list[PlannedModel]
    pretend: bool
    files: list[str] = field(default_factory=list)  # relative to the repository's root
    branch: str | None = None
    commit: str | None = None
    previous_branch: str | None = None

    def new(self) -> list[tuple[PlannedModel, PlannedVersion]]:
        return [(m, v) for m in self.models for v in m.versions if v.status == "new"]

    def changes(self) -> bool:
        return bool(self.new()) or any(m.alias_moves for m in self.models)

    def to_dict(self) -> dict[str, Any]:
        return {
            "registry": self.registry,
            "pretend": self.pretend,
            "models": [m.to_dict() for m in self.models],
            "files": self.files,
            "branch": self.branch,
            "commit": self.commit,
        }


def choose(registered: list[RegisteredModel], request: ImportRequest) -> list[RegisteredModel]:
    """The registered models `request.filters` match (all without filters)."""
    if not registered:
        raise PublishError(
            f"{request.registry} holds no registered models",
            hint=f"Check {request.name('tracking_uri')}: a local store that does not exist "
            "yet is created empty.",
        )
    names = [m.name for m in registered]
    for key in request.mapping:
        if key not in names:
            raise PublishError(
                f"{request.name('mapping')} {key}=...: {request.registry} has no registered "
                f"model {key!r}",
                hint=_did_you_mean(key, names),
            )
    if not request.filters:
        return registered
    chosen = [m for m in registered if any(fnmatchcase(m.name, f) for f in request.filters)]
    if not chosen:
        given = " ".join(f"{request.name('filters')} {f!r}" for f in request.filters)
        raise PublishError(
            f"{given} matches none of the {len(names)} registered models in {request.registry}",
            hint=_did_you_mean(request.filters[0], names)
            + " A filter is a glob on the registered name (churn*, *-classifier).",
        )
    return chosen


def _did_you_mean(given: str, names: list[str], what: str = "Registered") -> str:
    shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
    return did_you_mean(given, names, f"{what}: {shown}.")


def plan_models(
    importer: Lister,
    catalog: CatalogFiles,
    chosen: list[RegisteredModel],
    request: ImportRequest,
    catalog_names: Callable[[], list[str]],
) -> list[PlannedModel]:
    """Each chosen model mapped onto the catalog, its versions read or skipped;
    `catalog_names` lists the catalog's models for a message."""
    planned: list[PlannedModel] = []
    taken: dict[str, str] = {}  # catalog name -> the registered model mapped onto it
    for registered in chosen:
        target = request.mapping.get(registered.name, registered.name)
        place = catalog.find(target)
        if place is None:
            if registered.name in request.mapping:
                raise PublishError(
                    f"{request.name('mapping')} {registered.name}={target}: no model named "
                    f"{target!r} in the catalog",
                    hint=_did_you_mean(target, catalog_names(), "Catalog models"),
                )
            planned.append(
                PlannedModel(
                    registered.name,
                    None,
                    reason=f"no catalog model named {target!r}: map it with "
                    f"{request.name('mapping')} {registered.name}=CATALOG_NAME, or publish its "
                    "first version with `idp models publish --from-mlflow` and the new "
                    "model's fields",
                )
            )
            continue
        if target in taken:
            raise PublishError(
                f"registered models {taken[target]} and {registered.name} both map onto "
                f"{target}: their version numbers would collide",
                hint=f"Map one elsewhere with {request.name('mapping')}, or narrow "
                f"{request.name('filters')}.",
            )
        taken[target] = registered.name
        present = versions_of(place.model)
        model = PlannedModel(registered.name, target, place=place)
        for version in registered.versions:
            model.versions.append(_plan_version(importer, version, present, request))
        planned.append(model)
    return planned


def _plan_version(
    importer: Lister, version: Any, present: dict[str, Any], request: ImportRequest
) -> PlannedVersion:
    aliases = list(version.aliases)
    planned = PlannedVersion(version.version, version.uri, "skipped", aliases)
    if version.version in present:
        planned.status = "present"
        return planned
    if version.unready:
        planned.reason = version.unready
        return planned
    try:
        imported = importer.read(version.uri, request.options)
    except UnusableVersion as exc:
        # a version that cannot be an entry (no signature: an experiment logged
        # carelessly) must not hold back the others; it is listed with the reason
        planned.reason = exc.message.removeprefix(f"{version.uri}: ")
        return planned
    # aliases come from the listing (the registered model's), the rest from the version
    imported.aliases = []
    planned.imported = imported
    planned.status = "new"
    planned.lifecycle = next(
        (lifecycle for role, lifecycle in ROLE_LIFECYCLES if role in aliases), request.lifecycle
    )
    return planned


def default_number(model: Any) -> str | None:
    """The number of the model's default version, by the catalog's one rule for it."""
    from idp_cli.catalog.model import ModelSummary

    default = ModelSummary(model).default_version
    return default.version if default is not None else None
