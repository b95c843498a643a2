"""Moving a model's aliases between its versions inside one catalog file.

An alias names one version of a model (the catalog's rule), so giving it to a version takes it
from the version that held it: the move is what the user asked for, and is reported, rather
than a refusal placed at the version that holds it now. `defaultVersion` names a version or an
alias; when it names a version that hands its aliases on (a deprecation), it follows them.
"""

from __future__ import annotations

from typing import Any

from idp_cli.publish.edit import Document
from idp_cli.publish.nodes import flow_list, quoted
from idp_cli.publish.request import AliasMove, PublishError


def aliases_of(version: Any) -> list[str]:
    found = version.get("aliases") if isinstance(version, dict) else None
    return [str(a) for a in found] if isinstance(found, list) else []


def versions_of(model: Any) -> dict[str, Any]:
    """The model's version entries by number, in the file's order."""
    found = model.get("versions")
    return {str(v.get("version")): v for v in found or [] if isinstance(v, dict)}


def check_alias_name(model: str, version: str, alias: str, versions: dict[str, Any]) -> None:
    """An alias that is the name of another version would make `name@alias` ambiguous."""
    if alias in versions and alias != version:
        raise PublishError(
            f"{model}@{version}: alias {alias!r} is the name of version {model}@{alias}",
            hint="Aliases name a role (champion, challenger); pick a name that is no version.",
        )


def release(doc: Document, version: Any, *aliases: str) -> None:
    """Takes `aliases` off the version entry `version`, leaving no empty `aliases: []`: one
    edit, as an edit is spliced into the text the node was loaded from."""
    remaining = [a for a in version.get("aliases") if str(a) not in aliases]
    if remaining:
        doc.set_flow(version, "aliases", flow_list(remaining))
    else:
        doc.remove_key(version, "aliases")


def claim(doc: Document, model: Any, name: str, target: str, aliases: list[str]) -> list[AliasMove]:
    """Takes each of `aliases` off whichever other version of `model` holds it, for the
    version numbered `target` (which the caller gives them to)."""
    versions = versions_of(model)
    default = model.get("defaultVersion")
    moves: list[AliasMove] = []
    released: dict[str, list[str]] = {}  # holder -> the aliases it hands on
    for alias in aliases:
        check_alias_name(name, target, alias, versions)
        holder = next((number for number, v in versions.items() if alias in aliases_of(v)), None)
        if holder == target:
            continue
        if holder is not None:
            released.setdefault(holder, []).append(alias)
        moves.append(AliasMove(alias, holder, target, default == alias))
    for holder, gone in released.items():
        release(doc, versions[holder], *gone)
    return moves


def give(doc: Document, model: Any, name: str, target: str, alias: str) -> AliasMove | None:
    """Gives `alias` to the existing version numbered `target`, taking it from the version
    that holds it; None when `target` holds it already."""
    moves = claim(doc, model, name, target, [alias])
    if not moves:
        return None
    version = versions_of(model)[target]
    held = aliases_of(version)
    if "aliases" in version and isinstance(version["aliases"], list):
        doc.set_flow(version, "aliases", flow_list([*held, alias]))
    else:
        keys = list(version)
        at = keys.index("version") + 1 if "version" in keys else len(keys)
        doc.insert_key(version, at, "aliases", flow_list([alias]))
    return moves[0]


def follow_default(doc: Document, model: Any, old: str, new: str) -> bool:
    """Points `defaultVersion` at `new` when it names the version `old` itself."""
    if "defaultVersion" not in model or str(model.get("defaultVersion")) != old:
        return False
    doc.set_value(model, "defaultVersion", quoted(new))
    return True
