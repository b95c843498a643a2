"""Read-only views over a validated catalog, as plain dictionaries in the catalog's own
camelCase shape. They cost nothing to build, so a cached catalog needs no pydantic at all.

Two kinds of catalog: `Catalog`, every field, and `CatalogSummary`, only what listing and
filtering models read (`summarize_model`), which a large catalog loads several times faster.
A summary's versions have no `signature` at all: reading one from a summary is a type error,
not an empty answer."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any, Final, Generic, TypeVar

from idp_cli.catalog.vocabulary import RETIRED
from idp_cli.plain_record import PlainRecord

_PART = re.compile(r"(\d+)")


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order: 4.10.0 after 4.9.1; numbers sort before words in the same place."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in _PART.split(version)
        if part not in ("", ".", "-")
    )


def split_ref(ref: str) -> tuple[str, str | None]:
    name, sep, selector = ref.partition("@")
    return name, (selector if sep else None)


# The views are plain records, not dataclasses: every `idp models list` imports this module,
# and creating a dataclass costs more than the rest of it. They are compared as dataclasses
# would compare them (same class, equal fields), and read-only by their types (Final).


class Endpoint(PlainRecord):
    __slots__ = _fields = ("raw",)

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw: Final = raw

    @property
    def name(self) -> str:
        return str(self.raw["name"])

    @property
    def protocol(self) -> str:
        return str(self.raw["protocol"])

    @property
    def environment(self) -> str:
        return str(self.raw.get("environment", "production"))

    @property
    def url(self) -> str:
        return str(self.raw["url"])

    @property
    def model_id(self) -> str:
        return str(self.raw.get("modelId") or "")

    @property
    def capabilities(self) -> list[str]:
        return list(self.raw.get("capabilities", []))


# `embedding` for `idp catalog validate`'s advice (advice.py)
_VERSION_SUMMARY = ("version", "aliases", "lifecycle", "releasedAt", "embedding")
_ENDPOINT_SUMMARY = ("name", "environment", "protocol", "url", "modelId", "capabilities")


def summarize_model(model: dict[str, Any]) -> dict[str, Any]:
    """A valid model cut down to what `ModelSummary` and `VersionSummary` read."""

    def version(raw: dict[str, Any]) -> dict[str, Any]:
        out = {k: raw[k] for k in _VERSION_SUMMARY if k in raw}
        successor = (raw.get("deprecation") or {}).get("successor")
        if successor:
            out["deprecation"] = {"successor": successor}
        endpoints = (raw.get("serving") or {}).get("endpoints", [])
        out["serving"] = {
            "endpoints": [{k: e[k] for k in _ENDPOINT_SUMMARY if k in e} for e in endpoints]
        }
        return out

    return {
        **{k: v for k, v in model.items() if k != "versions"},
        "versions": [version(v) for v in model["versions"]],
    }


M = TypeVar("M", bound="ModelView[Any]")
V = TypeVar("V", bound="VersionView[Any]")


class VersionView(PlainRecord, Generic[M]):
    """What every version answers, whole or summarized; code that reads only this works on
    both kinds of catalog."""

    __slots__ = _fields = ("model", "raw")

    def __init__(self, model: M, raw: dict[str, Any]) -> None:
        self.model: Final = model
        self.raw: Final = raw

    @property
    def version(self) -> str:
        return str(self.raw["version"])

    @property
    def ref(self) -> str:
        return f"{self.model.name}@{self.version}"

    @property
    def aliases(self) -> list[str]:
        return list(self.raw.get("aliases", []))

    @property
    def lifecycle(self) -> str:
        return str(self.raw["lifecycle"])

    @property
    def retired(self) -> bool:
        return self.lifecycle in RETIRED

    @property
    def successor(self) -> str | None:
        successor = (self.raw.get("deprecation") or {}).get("successor")
        return str(successor) if successor else None

    @property
    def released_at(self) -> str:
        return str(self.raw.get("releasedAt") or "")

    @property
    def endpoints(self) -> list[Endpoint]:
        return [Endpoint(e) for e in (self.raw.get("serving") or {}).get("endpoints", [])]

    @property
    def protocols(self) -> list[str]:
        return sorted({e.protocol for e in self.endpoints})

    @property
    def is_default(self) -> bool:
        default = self.model.default_version
        return default is not None and default.version == self.version


class VersionSummary(VersionView["ModelSummary"]):
    """A version of a summary catalog: what `idp models list` shows and filters on."""

    __slots__ = ()


class Version(VersionView["Model"]):
    __slots__ = ()

    @property
    def signature(self) -> dict[str, Any]:
        return dict(self.raw.get("signature") or {})


class ModelView(Generic[V]):
    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def _version(self, raw: dict[str, Any]) -> V:
        raise NotImplementedError

    @property
    def name(self) -> str:
        return str(self.raw["name"])

    @property
    def display_name(self) -> str:
        return str(self.raw.get("displayName") or self.raw["name"])

    @property
    def description(self) -> str:
        return str(self.raw.get("description", ""))

    @property
    def model_type(self) -> str:
        return str(self.raw["modelType"])

    @property
    def tasks(self) -> list[str]:
        return list(self.raw.get("tasks", []))

    @property
    def tags(self) -> list[str]:
        return list(self.raw.get("tags", []))

    @property
    def owner(self) -> str:
        return str(self.raw.get("owner", ""))

    @property
    def license(self) -> str:
        return str(self.raw.get("license", ""))

    @cached_property
    def versions(self) -> list[V]:
        return [self._version(v) for v in self.raw["versions"]]

    def find(self, selector: str) -> V | None:
        """A version by its name, else by one of its aliases."""
        for version in self.versions:
            if version.version == selector:
                return version
        for version in self.versions:
            if selector in version.aliases:
                return version
        return None

    def newest(self, lifecycle: str | None = None) -> V | None:
        candidates = [v for v in self.versions if lifecycle is None or v.lifecycle == lifecycle]
        if not candidates:
            return None
        return max(candidates, key=lambda v: (version_key(v.version), v.released_at))

    @cached_property
    def default_version(self) -> V | None:
        """`defaultVersion` (a version or alias), else the newest production version."""
        declared = self.raw.get("defaultVersion")
        if declared:
            return self.find(str(declared))
        return self.newest("production")

    @property
    def shown_version(self) -> V:
        """The version a one-row-per-model listing shows: the default, else the newest
        version that is not archived, else the newest."""
        newest_live = max(
            (v for v in self.versions if v.lifecycle != "archived"),
            key=lambda v: (version_key(v.version), v.released_at),
            default=None,
        )
        chosen = self.default_version or newest_live or self.newest()
        assert chosen is not None  # the format requires at least one version
        return chosen


class ModelSummary(ModelView[VersionSummary]):
    def _version(self, raw: dict[str, Any]) -> VersionSummary:
        return VersionSummary(self, raw)


class Model(ModelView[Version]):
    def _version(self, raw: dict[str, Any]) -> Version:
        return Version(self, raw)


ModelT = TypeVar("ModelT", ModelSummary, Model)


class CatalogView(Generic[ModelT]):
    def __init__(self, data: dict[str, Any], files: list[str]) -> None:
        self.data = data
        self.files = files

    def _model(self, raw: dict[str, Any]) -> ModelT:
        raise NotImplementedError

    @cached_property
    def models(self) -> list[ModelT]:
        return [self._model(m) for m in self.data.get("models", [])]

    @cached_property
    def _by_name(self) -> dict[str, ModelT]:
        return {m.name: m for m in self.models}

    def get(self, name: str) -> ModelT | None:
        return self._by_name.get(name)

    @property
    def source_id(self) -> str:
        return str((self.data.get("source") or {}).get("id", ""))


class CatalogSummary(CatalogView[ModelSummary]):
    """What `idp models list` reads of a catalog (see summarize_model)."""

    def _model(self, raw: dict[str, Any]) -> ModelSummary:
        return ModelSummary(raw)


class Catalog(CatalogView[Model]):
    """The whole catalog."""

    def _model(self, raw: dict[str, Any]) -> Model:
        return Model(raw)
