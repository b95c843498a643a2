"""What a publish is asked to do and what it did, as plain data.

A caller names the inputs its own way (the CLI: its flags), and the messages of refusals
use those names, so `Request.names` carries them; the core itself knows no flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idp_cli.errors import IdpError

# The model-level fields a new model needs, as the catalog spells them.
REQUIRED_MODEL_FIELDS = ("description", "owner", "modelType", "tasks", "license")


class PublishError(IdpError):
    """A publish request refused before anything was written."""


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
    from_file: Path | None = None
    # model-level fields, for a new model (catalog spelling: displayName, modelType, ...)
    model_fields: dict[str, Any] = field(default_factory=dict)
    branch: str | None = None
    commit: bool = True
    # how messages name an input: a field of this request, a model-level field, or `catalog`,
    # `catalog_ref` and `no_commit`; a name not given is the key itself
    names: Mapping[str, str] = field(default_factory=dict)

    def name(self, key: str) -> str:
        return self.names.get(key, key)


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "version": self.version,
            "files": self.files,
            "branch": self.branch,
            "commit": self.commit,
        }
