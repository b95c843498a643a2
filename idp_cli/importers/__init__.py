"""Importers: read a model version from another system (a model registry) as the fields of a
catalog version entry, which `publish` writes like any other.

An importer is a class with a `kind` and a `read(uri, options)`; `load(kind)` imports only the
one asked for, so a registry's client library is needed only when that registry is read. The
table below is where a later plug-in hook plugs in (`idp catalog import KIND ...`).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from idp_cli.errors import IdpError


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


class Importer(Protocol):
    kind: str

    def read(self, uri: str, options: Mapping[str, str | None]) -> Imported: ...


IMPORTERS = {"mlflow": "idp_cli.importers.mlflow.importer:MlflowImporter"}


def load(kind: str) -> Importer:
    target = IMPORTERS.get(kind)
    if target is None:
        raise RegistryError(
            f"no importer for {kind!r}", hint=f"Known importers: {', '.join(sorted(IMPORTERS))}."
        )
    module, _, name = target.partition(":")
    importer: Importer = getattr(importlib.import_module(module), name)()
    return importer
