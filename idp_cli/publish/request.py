"""What a publish is asked to do and what it did, as plain data.

A caller names the inputs its own way (the CLI: its flags), and the messages of refusals
use those names, so `Request.names` carries them; the core itself knows no flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from idp_cli.errors import IdpError
from idp_cli.importers import Imported

# The model-level fields a new model needs, as the catalog spells them.
REQUIRED_MODEL_FIELDS = ("description", "owner", "modelType", "tasks", "license")


class PublishError(IdpError):
    """A publish request refused before anything was written."""


class Names(Protocol):
    """How a caller's messages name an input (see `Request.names`)."""

    def name(self, key: str) -> str: ...


@dataclass
class Request:
    model: str | None
    version: str | None = None
    lifecycle: str | None = None
    artifact_uri: str | None = None
    # parsed serving endpoints, each in the catalog's spelling and key order
    endpoints: list[dict[str, Any]] = field(default_factory=list)
    signature_file: Path | None = None
    changelog: str | None = None
    aliases: list[str] = field(default_factory=list)
    deprecates: str | None = None
    # with `deprecates`: leave the old version's aliases (and a defaultVersion naming it) there
    keep_aliases: bool = False
    from_file: Path | None = None
    # an existing version whose signature, serving, framework, resources and llm the new one
    # takes where the request does not give them
    from_version: str | None = None
    # a version read from a registry (idp_cli.importers): its fields, under the ones given
    imported: Imported | None = None
    # model-level fields, for a new model (catalog spelling: displayName, modelType, ...)
    model_fields: dict[str, Any] = field(default_factory=dict)
    branch: str | None = None
    commit: bool = True
    # how messages name an input: a field of this request, a model-level field, or `catalog`,
    # `catalog_ref` and `no_commit`; a name not given is the key itself
    names: Mapping[str, str] = field(default_factory=dict)

    def name(self, key: str) -> str:
        return self.names.get(key, key)


@dataclass(frozen=True)
class AliasMove:
    alias: str
    from_: str | None  # the version that held it, None when no version did
    to: str | None  # the version that holds it now, None when removed
    default: bool  # whether it is the model's defaultVersion

    def to_dict(self) -> dict[str, Any]:
        return {"alias": self.alias, "from": self.from_, "to": self.to, "default": self.default}

    def describe(self, model: str) -> str:
        what = f"alias {self.alias}" + (" (the default version)" if self.default else "")
        if self.to is None:
            return f"Removed {what} from {model}@{self.from_}"
        if self.from_ is None:
            return f"Set {what} on {model}@{self.to}"
        return f"Moved {what} from {model}@{self.from_} to {model}@{self.to}"


@dataclass
class Published:
    model: str
    version: str
    files: list[str]  # relative to the repository's root
    branch: str | None
    commit: str | None
    new_model: bool
    deprecated: str | None
    previous_branch: str | None = None
    alias_moves: list[AliasMove] = field(default_factory=list)
    # (from, to) when defaultVersion named the deprecated version and now names the new one
    default_moved: tuple[str, str] | None = None
    inherited: list[str] = field(default_factory=list)  # the fields taken from from_version

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "version": self.version,
            "files": self.files,
            "branch": self.branch,
            "commit": self.commit,
            "inherited": self.inherited,
            "aliasMoves": [move.to_dict() for move in self.alias_moves],
            "defaultVersion": (
                {"from": self.default_moved[0], "to": self.default_moved[1]}
                if self.default_moved
                else None
            ),
        }

    def notes(self) -> list[str]:
        """What moved besides the new version, one line each, for people."""
        lines = [move.describe(self.model) for move in self.alias_moves]
        if self.default_moved:
            old, new = self.default_moved
            lines.append(f"Moved defaultVersion from {old} to {new}")
        return lines
