"""Importers: read a model version from another system (a model registry) as the fields of a
catalog version entry, which `publish` writes like any other.

An importer is a class with a `kind` and a `read(uri, options)`; `load(kind)` imports only the
one asked for, so a registry's client library is needed only when that registry is read.
Plug-ins add importers through their `catalog_importers` hook (idp_cli/plugins.py): a mapping
of KIND to a callable that makes one; a built-in KIND wins over a plug-in's. An importer that
can also list what its registry holds (`registered(options)`, the `Lister` protocol) feeds
`idp catalog import KIND` without a URI: every registered version not yet in the catalog.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from idp_cli.errors import IdpError
from idp_cli.suggest import did_you_mean


class RegistryError(IdpError):
    """A registry could not be read (unreachable, the version missing, no signature)."""


@dataclass
class Imported:
    source: str  # the URI read, as given, for messages and the changelog
    model: str | None  # the registry's name for the model (None for a run's model)
    version: str | None  # the registry's version number (None for a run's model)
    # version-entry fields in the catalog's spelling (signature, artifact, framework, metrics,
    # labels, changelog), as round-trip YAML nodes
    fields: dict[str, Any] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)


class UnusableVersion(RegistryError):
    """The registry answered, but the version cannot become a catalog entry (logged without
    a signature, its MLmodel unreadable): a bulk import skips it and goes on."""


@dataclass(frozen=True)
class RegisteredVersion:
    version: str  # the registry's number, which becomes the catalog's version
    uri: str  # what `read` takes to read it (mlflow: models:/NAME/VERSION)
    aliases: tuple[str, ...] = ()
    # why it cannot be read yet (a registration still pending or failed), else None
    unready: str | None = None


@dataclass(frozen=True)
class RegisteredModel:
    name: str  # the registry's name for the model
    versions: tuple[RegisteredVersion, ...]  # oldest first


class Importer(Protocol):
    kind: str

    def read(self, uri: str, options: Mapping[str, str | None]) -> Imported: ...


class Lister(Importer, Protocol):
    def registered(self, options: Mapping[str, str | None]) -> list[RegisteredModel]:
        """Every model in the registry, its versions and aliases (an empty registry: [])."""
        ...


def can_list(importer: Importer) -> bool:
    return callable(getattr(importer, "registered", None))


IMPORTERS = {"mlflow": "idp_cli.importers.mlflow.importer:MlflowImporter"}


def load(kind: str) -> Importer:
    target = IMPORTERS.get(kind)
    if target is not None:
        module, _, name = target.partition(":")
        importer: Importer = getattr(importlib.import_module(module), name)()
        return importer
    from idp_cli import plugins

    found = plugins.catalog_importers()
    if kind in found:
        plugin, make = found[kind]
        made = make()
        if not callable(getattr(made, "read", None)):
            raise RegistryError(f"plug-in {plugin.label}: its {kind!r} importer has no read()")
        return made  # type: ignore[no-any-return]
    known = sorted({*IMPORTERS, *found})
    raise RegistryError(
        f"no importer for {kind!r}",
        hint=did_you_mean(
            kind, known, f"Importers: {', '.join(known)} (plug-ins add more; see `idp plugins`)."
        ),
    )


def kinds() -> list[str]:
    """Every importer's KIND, built in and from plug-ins (those import the plug-ins)."""
    from idp_cli import plugins

    return sorted({*IMPORTERS, *plugins.catalog_importers()})
