"""What is out of date in a generated project: its template version, and the model version it
is bound to as the catalog sees it now. Pure: the caller reads the catalog and the template."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from idp_cli import binding
from idp_cli.catalog.model import Catalog, Endpoint, Version, split_ref, version_key
from idp_cli.catalog.query import closest_names_hint
from idp_cli.errors import NotFound
from idp_cli.project import successors
from idp_cli.project.answers import Answers
from idp_cli.signature_changes import Interface, compare
from idp_cli.templates.discovery import Template

ENDPOINT_FIELDS = ("url", "protocol", "model_id")


@dataclass
class TemplateDrift:
    src: str
    bundled: bool
    current: str
    newest: str
    outdated: bool

    @property
    def target(self) -> str:
        """The template version `idp update` renders: the newest when outdated, else the same."""
        return self.newest if self.outdated else self.current


@dataclass
class ModelDrift:
    ref: str
    lifecycle: str  # in the catalog now
    recorded_lifecycle: str
    successor: str | None
    newer_production: str | None
    endpoint_changes: list[str] = field(default_factory=list)
    binding_changes: list[str] = field(default_factory=list)  # other fields of the answer
    latest: str = ""  # what `idp update --latest` binds
    # the newest successor, when the project's template cannot serve it: {ref, reason}
    unservable_successor: dict[str, str] | None = None
    # what re-binding to `latest` (or re-reading the bound entry) changes for the callers
    # of the generated code: signature_changes.Change.to_dict(), breaking ones first
    changes: list[dict[str, str]] = field(default_factory=list)

    @property
    def outdated(self) -> bool:
        return bool(
            self.latest != self.ref
            or self.endpoint_changes
            or self.binding_changes
            or self.unservable_successor
        )

    @property
    def breaking(self) -> list[dict[str, str]]:
        return [c for c in self.changes if c["severity"] == "breaking"]


@dataclass
class CatalogState:
    source: str
    recorded_commit: str
    current_commit: str


@dataclass
class Report:
    project: str
    template: TemplateDrift
    model: ModelDrift | None
    catalog: CatalogState | None
    # the template of each part the app is composed of, by part name (bindings.part_name)
    parts: dict[str, TemplateDrift] = field(default_factory=dict)
    # the parts the app template's version to update to lists and the project lacks, and the
    # reverse (part_changes.py)
    parts_added: list[str] = field(default_factory=list)
    parts_dropped: list[str] = field(default_factory=list)

    @property
    def outdated(self) -> bool:
        parts = any(p.outdated for p in self.parts.values())
        parts = parts or bool(self.parts_added or self.parts_dropped)
        return self.template.outdated or parts or bool(self.model and self.model.outdated)

    def reasons(self) -> list[str]:
        out = []
        t, m = self.template, self.model
        if t.outdated:
            out.append(f"template {t.current} -> {t.newest}")
        for name, part in self.parts.items():
            if part.outdated:
                out.append(f"part {name}: template {part.current} -> {part.newest}")
        version = t.target
        out.extend(f"part {name}: new in {version}" for name in self.parts_added)
        out.extend(f"part {name}: dropped in {version}" for name in self.parts_dropped)
        if m is not None:
            if m.lifecycle != "production" and m.successor:
                out.append(f"{m.ref} is {m.lifecycle}; successor {m.successor}")
            elif m.newer_production:
                out.append(f"newer production version {m.newer_production}")
            elif m.lifecycle != m.recorded_lifecycle:
                out.append(f"{m.ref} is now {m.lifecycle}")
            if m.unservable_successor:
                u = m.unservable_successor
                out.append(f"successor {u['ref']} cannot be bound: {u['reason']}")
            if m.breaking:
                count = len(m.breaking)
                out.append(f"{count} breaking change{'s' if count != 1 else ''} in {m.latest}")
            out.extend(f"endpoint {change}" for change in m.endpoint_changes)
            other = [c for c in m.binding_changes if c != "lifecycle"]
            if other:
                out.append(f"catalog entry changed: {', '.join(other)}")
        return out

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.model is not None:
            data["model"]["outdated"] = self.model.outdated
        data["outdated"] = self.outdated
        data["reasons"] = self.reasons()
        return data


def bound_version(catalog: Catalog, answers: Answers) -> Version:
    ref = answers.model_ref or ""
    name, selector = split_ref(ref)
    model = catalog.get(name)
    where = f"{answers.path} (model_ref)"
    if model is None:
        raise NotFound(
            f"model {name!r}, bound in {where}, is not in the catalog",
            hint=f"{closest_names_hint(name, [m.name for m in catalog.models])} "
            "Re-bind with `idp update --model REF`.",
        )
    version = model.find(selector or "")
    if version is None or version.version != selector:
        raise NotFound(
            f"version {ref!r}, bound in {where}, is not in the catalog",
            hint=f"Known versions: {', '.join(v.version for v in model.versions)}. "
            "Re-bind with `idp update --model REF`.",
        )
    return version


def recorded_endpoint(answers: Answers) -> dict[str, Any]:
    """The endpoint the answers record the model bound through ({} when none is)."""
    endpoint = answers.model.get("endpoint")
    return endpoint if isinstance(endpoint, dict) else {}


def environment(recorded: dict[str, Any]) -> str | None:
    """A recorded endpoint's environment; None: any (a binding made before it was recorded)."""
    return str(recorded.get("environment") or "") or None


def target_version(
    catalog: Catalog, answers: Answers, template: Template
) -> tuple[Version, successors.Latest]:
    """The bound version, and what `idp update --latest` binds instead (in the bound
    endpoint's environment): `idp check` reports it, `idp update --latest` binds it.
    `template` is the one `idp update` would render: it decides which successors count."""
    version = bound_version(catalog, answers)
    endpoint = recorded_endpoint(answers)
    return version, successors.latest(catalog, version, template, environment(endpoint))


def same_endpoint(version: Version, recorded: dict[str, Any]) -> Endpoint | None:
    name = recorded.get("name")
    return next((e for e in version.endpoints if e.name == name), None)


def model_drift(catalog: Catalog, answers: Answers, template: Template) -> ModelDrift:
    """`template` is the one `idp update` would render: it decides which successors count."""
    version, target = target_version(catalog, answers, template)
    recorded = answers.model
    endpoint_was = recorded_endpoint(answers)
    newest = version.model.newest("production")
    newer = (
        newest.ref
        if newest is not None and version_key(newest.version) > version_key(version.version)
        else None
    )
    drift = ModelDrift(
        ref=version.ref,
        lifecycle=version.lifecycle,
        recorded_lifecycle=str(recorded.get("lifecycle") or ""),
        successor=version.successor,
        newer_production=newer,
        latest=target.version.ref,
        unservable_successor=target.unservable.to_dict() if target.unservable else None,
    )
    endpoint = same_endpoint(version, endpoint_was)
    target_endpoint = target.endpoint or endpoint
    if target_endpoint is not None:
        now = binding.model_mapping(target.version, target_endpoint)
        changes = compare(Interface.of_binding(recorded), Interface.of_binding(now))
        drift.changes = [c.to_dict() for c in changes]
    if endpoint is None:
        drift.endpoint_changes.append(
            f"{endpoint_was.get('name')!r} is no longer served for {version.ref}"
        )
        return drift
    now = binding.model_mapping(version, endpoint)
    for key in ENDPOINT_FIELDS:
        before, after = endpoint_was.get(key), now["endpoint"][key]
        if before != after:
            drift.endpoint_changes.append(f"{key} {before} -> {after}")
    now_endpoint = {k: v for k, v in now["endpoint"].items() if k not in ENDPOINT_FIELDS}
    old_endpoint = {k: v for k, v in endpoint_was.items() if k not in ENDPOINT_FIELDS}
    if now_endpoint != old_endpoint:
        drift.binding_changes.append("endpoint")
    drift.binding_changes.extend(
        key for key, value in now.items() if key != "endpoint" and recorded.get(key) != value
    )
    return drift
