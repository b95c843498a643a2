"""What moving a project from one model version to another changes for the callers of the code
generated from it: signature inputs, outputs and params, and the endpoint's protocol and model
id, each change `breaking` or `compatible` with a one-line description.

Pure: plain catalog data in (a version's entry, or the `model` answer a project recorded),
changes out. The generated request types forbid unknown fields, so an input removed is as
breaking as one added as required.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

BREAKING = "breaking"
COMPATIBLE = "compatible"

# (from, to): a value of the first type is always a valid value of the second. Callers send
# inputs and params, so widening those is compatible; they read outputs, so narrowing is.
_WIDENING = frozenset(
    {
        ("integer", "long"),
        ("integer", "float"),
        ("integer", "double"),
        ("long", "double"),
        ("float", "double"),
    }
)
_NOUN = {"inputs": "input", "outputs": "output", "params": "parameter"}


@dataclass(frozen=True)
class Change:
    kind: str  # e.g. input-added, type-changed, protocol-changed
    subject: str  # where: inputs.<name>, outputs.<name>, params.<name>, endpoint.<field>
    severity: str  # BREAKING or COMPATIBLE
    description: str

    @property
    def breaking(self) -> bool:
        return self.severity == BREAKING

    def to_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "severity": self.severity,
            "description": self.description,
        }


@dataclass(frozen=True)
class Interface:
    """What callers of a generated project depend on."""

    signature: Mapping[str, Any]
    protocol: str = ""
    model_id: str = ""

    @classmethod
    def of_version(cls, version: Mapping[str, Any], endpoint: str | None = None) -> Interface:
        """A catalog version entry, through the endpoint named `endpoint`, else its first
        production endpoint, else its first."""
        serving = version.get("serving")
        endpoints = [e for e in (serving or {}).get("endpoints") or [] if isinstance(e, Mapping)]
        chosen = next((e for e in endpoints if e.get("name") == endpoint), None) or next(
            (e for e in endpoints if e.get("environment", "production") == "production"),
            endpoints[0] if endpoints else {},
        )
        return cls(
            signature=version.get("signature") or {},
            protocol=str(chosen.get("protocol") or ""),
            model_id=str(chosen.get("modelId") or ""),
        )

    @classmethod
    def of_binding(cls, model: Mapping[str, Any]) -> Interface:
        """The `model` answer a project was generated with."""
        endpoint = model.get("endpoint")
        endpoint = endpoint if isinstance(endpoint, Mapping) else {}
        return cls(
            signature=model.get("signature") or {},
            protocol=str(endpoint.get("protocol") or ""),
            model_id=str(endpoint.get("model_id") or ""),
        )


def compare(old: Interface, new: Interface) -> list[Change]:
    """Every change from `old` to `new`, breaking ones first."""
    changes: list[Change] = []
    # A binding without inputs or outputs had no typed code generated from its signature
    # (chat templates): a signature appearing changes nothing for its callers.
    if _columns(old.signature, "inputs") or _columns(old.signature, "outputs"):
        for part in ("inputs", "outputs", "params"):
            changes.extend(
                _compare_part(part, _columns(old.signature, part), _columns(new.signature, part))
            )
    if old.protocol and new.protocol and old.protocol != new.protocol:
        changes.append(
            Change(
                "protocol-changed",
                "endpoint.protocol",
                BREAKING,
                f"endpoint protocol {old.protocol} -> {new.protocol}: MODEL_ENDPOINT must speak it",
            )
        )
    if old.model_id != new.model_id and (old.model_id or new.model_id):
        changes.append(
            Change(
                "model-id-changed",
                "endpoint.modelId",
                # the regenerated code defaults to the new id, as it does to a moved URL;
                # only a deployment that sets MODEL_NAME itself has to follow
                COMPATIBLE,
                f"model id {old.model_id or '(none)'} -> {new.model_id or '(none)'}",
            )
        )
    return sorted(changes, key=lambda c: not c.breaking)


def _columns(signature: Mapping[str, Any], part: str) -> list[Mapping[str, Any]]:
    value = signature.get(part)
    return [c for c in value if isinstance(c, Mapping)] if isinstance(value, list) else []


def _severity(breaking: bool) -> str:
    return BREAKING if breaking else COMPATIBLE


def _required(part: str, column: Mapping[str, Any]) -> bool:
    return part != "params" and bool(column.get("required", True))


def _compare_part(
    part: str, old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[Change]:
    noun = _NOUN[part]
    old_by_name = {str(c.get("name")): c for c in old}
    new_by_name = {str(c.get("name")): c for c in new}
    removed = [name for name in old_by_name if name not in new_by_name]
    added = [name for name in new_by_name if name not in old_by_name]
    changes: list[Change] = []

    # A column gone and another new at the same position, of the same type and as required,
    # reads as a rename to people; report it as one change, not two.
    new_names = [str(c.get("name")) for c in new]
    for index, column in enumerate(old):
        name = str(column.get("name"))
        if name not in removed or index >= len(new_names) or new_names[index] not in added:
            continue
        renamed = new_names[index]
        other = new_by_name[renamed]
        if other.get("type") != column.get("type") or _required(part, other) != _required(
            part, column
        ):
            continue
        removed.remove(name)
        added.remove(renamed)
        changes.append(
            Change(
                f"{noun}-renamed", f"{part}.{name}", BREAKING, f"{noun} {name} renamed to {renamed}"
            )
        )
    for name in added:
        column = new_by_name[name]
        required = _required(part, column)
        breaking = part == "inputs" and required
        qualifier = "" if part != "inputs" else ("required " if required else "optional ")
        description = f"{qualifier}{noun} {name} ({column.get('type')}) added"
        if breaking:
            description += ": requests without it are rejected"
        kind = "param-added" if part == "params" else f"{noun}-added"
        changes.append(Change(kind, f"{part}.{name}", _severity(breaking), description))
    for name in removed:
        why = {
            "inputs": "requests that send it are rejected",
            "outputs": "callers that read it break",
            "params": "callers that pass it break",
        }[part]
        kind = "param-removed" if part == "params" else f"{noun}-removed"
        changes.append(Change(kind, f"{part}.{name}", BREAKING, f"{noun} {name} removed: {why}"))
    for name, before in old_by_name.items():
        after = new_by_name.get(name)
        if after is not None:
            changes.extend(_compare_column(part, noun, name, before, after))
    return changes


def _compare_column(
    part: str, noun: str, name: str, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[Change]:
    subject = f"{part}.{name}"
    sent = part != "outputs"  # callers send inputs and params; they read outputs
    changes: list[Change] = []
    old_type, new_type = before.get("type"), after.get("type")
    if old_type != new_type:
        pair = (old_type, new_type) if sent else (new_type, old_type)
        changes.append(
            Change(
                "type-changed",
                subject,
                _severity(pair not in _WIDENING),
                f"{noun} {name} type {old_type} -> {new_type}",
            )
        )
    if part != "params" and _required(part, before) != _required(part, after):
        if sent:
            now_required = _required(part, after)
            description = f"{noun} {name} is now {'required' if now_required else 'optional'}"
            breaking = now_required
        else:
            breaking = not _required(part, after)
            description = f"{noun} {name} " + (
                "may be missing" if breaking else "is now always set"
            )
        changes.append(Change("required-changed", subject, _severity(breaking), description))
    changes.extend(_compare_enum(noun, subject, sent, before.get("enum"), after.get("enum")))
    return changes


def _compare_enum(noun: str, subject: str, sent: bool, before: Any, after: Any) -> list[Change]:
    """None allows any value; a list allows only its values."""
    old = list(before) if isinstance(before, list) and before else None
    new = list(after) if isinstance(after, list) and after else None
    name = subject.partition(".")[2]
    changes: list[Change] = []
    if new is not None and (old is None or any(v not in new for v in old)):
        if old is None:
            what = f"{noun} {name} now takes only {', '.join(map(str, new))}"
        else:
            gone = [v for v in old if v not in new]
            what = f"{noun} {name} no longer takes {', '.join(map(str, gone))}"
        changes.append(Change("enum-values-removed", subject, _severity(sent), what))
    if old is not None and (new is None or any(v not in old for v in new)):
        if new is None:
            what = f"{noun} {name} now takes any value"
        else:
            extra = [v for v in new if v not in old]
            what = f"{noun} {name} now also takes {', '.join(map(str, extra))}"
        changes.append(Change("enum-values-added", subject, _severity(not sent), what))
    return changes
