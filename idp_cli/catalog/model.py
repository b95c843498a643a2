"""Read-only views over a validated catalog, as plain dictionaries in the catalog's own
camelCase shape. They cost nothing to build, so a cached catalog needs no pydantic at all."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from idp_cli.catalog.vocabulary import RETIRED

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


@dataclass(frozen=True)
class Endpoint:
    raw: dict[str, Any]

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


@dataclass(frozen=True)
class Version:
    model: Model
    raw: dict[str, Any]

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
    def signature(self) -> dict[str, Any]:
        return dict(self.raw.get("signature") or {})

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


class Model:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

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
    def versions(self) -> list[Version]:
        return [Version(self, v) for v in self.raw["versions"]]

    def find(self, selector: str) -> Version | None:
        """A version by its name, else by one of its aliases."""
        for version in self.versions:
            if version.version == selector:
                return version
        for version in self.versions:
            if selector in version.aliases:
                return version
        return None

    def newest(self, lifecycle: str | None = None) -> Version | None:
        candidates = [v for v in self.versions if lifecycle is None or v.lifecycle == lifecycle]
        if not candidates:
            return None
        return max(candidates, key=lambda v: (version_key(v.version), v.released_at))

    @cached_property
    def default_version(self) -> Version | None:
        """`defaultVersion` (a version or alias), else the newest production version."""
        declared = self.raw.get("defaultVersion")
        if declared:
            return self.find(str(declared))
        return self.newest("production")

    @property
    def shown_version(self) -> Version:
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


class Catalog:
    def __init__(self, data: dict[str, Any], files: list[str]) -> None:
        self.data = data
        self.files = files

    @cached_property
    def models(self) -> list[Model]:
        return [Model(m) for m in self.data.get("models", [])]

    @cached_property
    def _by_name(self) -> dict[str, Model]:
        return {m.name: m for m in self.models}

    def get(self, name: str) -> Model | None:
        return self._by_name.get(name)

    @property
    def source_id(self) -> str:
        return str((self.data.get("source") or {}).get("id", ""))
