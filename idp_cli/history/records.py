"""What `idp catalog diff` and `idp models history` return: frozen records, printed for
machines by `idp_cli.output.jsonable.to_json` (each field a key, snake_case as camelCase, a
trailing underscore dropped: `from_` is "from") and drawn as tables by `cli/history.py`.

The fields' order is the JSON's key order. A record whose fields extend another's (a history
event is a commit plus what happened) inherits from it, so the shared fields come first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from idp_cli.signature_changes import Change


@dataclass(frozen=True)
class RefPoint:
    """One end of a diff, or where a history ends: the ref as given and the commit it names
    (None for the working tree)."""

    ref: str
    commit: str | None


# --------------------------------------------------------------------------------------------
# idp catalog diff
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffSummary:
    models_added: int = 0
    models_removed: int = 0
    models_changed: int = 0
    versions_added: int = 0
    versions_removed: int = 0
    versions_changed: int = 0
    lifecycle_transitions: int = 0
    endpoint_changes: int = 0


@dataclass(frozen=True)
class FieldChange:
    """A field of the catalog's header (model and version None), of a model or of a version
    that differs; None stands for absent."""

    change: str  # catalog-changed, model-changed or version-changed
    model: str | None
    version: str | None
    path: str  # dotted, lists of mappings by name: serving.endpoints[prod].url
    from_: Any
    to: Any


@dataclass(frozen=True)
class ModelListed:
    """A model added or removed, with the versions it has on the side it is on."""

    change: str  # model-added or model-removed
    model: str
    version: None
    versions: tuple[str, ...]


@dataclass(frozen=True)
class VersionListed:
    """A version added or removed, with its lifecycle on the side it is on."""

    change: str  # version-added or version-removed
    model: str
    version: str
    lifecycle: str | None


CatalogChange = FieldChange | ModelListed | VersionListed


@dataclass(frozen=True)
class LifecycleTransition:
    model: str
    version: str
    ref: str
    from_: str | None
    to: str | None
    successor: str | None


@dataclass(frozen=True)
class EndpointView:
    """The fields of an endpoint that the code generated from it depends on, as written."""

    protocol: Any
    url: Any
    model_id: Any


@dataclass(frozen=True)
class EndpointChange:
    model: str
    version: str
    ref: str
    endpoint: str
    change: str  # added, removed or changed
    fields: tuple[str, ...]  # the EndpointView fields that differ, by their JSON names
    from_: EndpointView | None
    to: EndpointView | None


@dataclass(frozen=True)
class Removal:
    kind: str  # model-removed or version-removed
    model: str
    ref: str
    message: str


@dataclass(frozen=True)
class Retirement:
    kind: str  # the lifecycle it moved to: deprecated or archived
    model: str
    ref: str
    successor: str | None
    message: str


@dataclass(frozen=True)
class EndpointImpact:
    kind: str  # endpoint-removed or endpoint-moved
    model: str
    ref: str
    endpoint: str
    from_: EndpointView | None
    to: EndpointView | None
    message: str


@dataclass(frozen=True)
class BreakingSuccessor:
    """A version the new catalog moves projects to whose interface breaks their callers."""

    kind: str  # breaking-changes
    model: str
    ref: str
    successor: str
    changes: tuple[Change, ...]
    message: str


Impact = Removal | Retirement | EndpointImpact | BreakingSuccessor


@dataclass(frozen=True)
class CatalogDiff:
    from_: RefPoint
    to: RefPoint
    changed: bool
    summary: DiffSummary
    changes: tuple[CatalogChange, ...]
    lifecycle: tuple[LifecycleTransition, ...]
    endpoints: tuple[EndpointChange, ...]
    impact: tuple[Impact, ...]


# --------------------------------------------------------------------------------------------
# idp models history
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitInfo:
    commit: str
    author: str
    email: str
    date: str  # ISO 8601, the author's
    subject: str


@dataclass(frozen=True)
class VersionAdded(CommitInfo):
    lifecycle: str | None


@dataclass(frozen=True)
class LifecycleChange(CommitInfo):
    from_: str | None
    to: str | None


@dataclass(frozen=True)
class Deprecation(CommitInfo):
    successor: str | None
    sunset_date: Any  # as written
    lifecycle: str | None


@dataclass(frozen=True)
class VersionHistory:
    version: str
    ref: str
    added: VersionAdded | None  # the first time
    lifecycle: tuple[LifecycleChange, ...]
    deprecations: tuple[Deprecation, ...]
    removed: CommitInfo | None  # the last time, None when it is in the catalog again
    current: str | None  # its lifecycle at the end, None when removed


@dataclass(frozen=True)
class Event(CommitInfo):
    """model-added, model-restored or model-removed (version None); the subclasses below
    are the events of one version."""

    version: str | None
    event: str


@dataclass(frozen=True)
class AddedEvent(Event):
    to: str | None  # its lifecycle


@dataclass(frozen=True)
class RemovedEvent(Event):
    from_: str | None  # its lifecycle


@dataclass(frozen=True)
class LifecycleEvent(Event):
    successor: str | None
    from_: str | None
    to: str | None


@dataclass(frozen=True)
class SuccessorEvent(Event):
    """A successor named or changed, its lifecycle unchanged."""

    successor: str | None


@dataclass(frozen=True)
class AliasEvent(Event):
    """An alias (or defaultVersion, when it names a version) that moved: `version` is where
    it is now, None when removed."""

    alias: str
    from_: str | None  # the version that held it, None when no version did
    to: str | None


@dataclass(frozen=True)
class ModelHistory:
    model: str
    source: str
    until: RefPoint
    commits: int  # the catalog commits read
    added: CommitInfo | None
    removed: CommitInfo | None
    versions: tuple[VersionHistory, ...]
    events: tuple[Event, ...]
