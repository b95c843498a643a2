"""`idp models alias set|rm`: give an alias to a version (taking it from the version that held
it) or take it away, written into the catalog like a publish: comments and layout kept, the
whole catalog validated first, then committed on a new branch (or only written)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from idp_cli import warning_sink
from idp_cli.catalog.sources import Source
from idp_cli.catalog.vocabulary import RETIRED
from idp_cli.publish.aliases import aliases_of, give, release, versions_of
from idp_cli.publish.catalog_files import CatalogFiles, check, invalid, write
from idp_cli.publish.operation import local_folder
from idp_cli.publish.request import AliasMove, PublishError


@dataclass
class AliasRequest:
    model: str
    alias: str
    version: str | None  # None: remove the alias
    branch: str | None = None
    commit: bool = True
    names: Mapping[str, str] = field(default_factory=dict)

    def name(self, key: str) -> str:
        return self.names.get(key, key)


@dataclass
class AliasChanged:
    move: AliasMove
    model: str
    files: list[str]
    branch: str | None = None
    commit: str | None = None
    previous_branch: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            **self.move.to_dict(),
            "files": self.files,
            "branch": self.branch,
            "commit": self.commit,
        }


def default_alias_branch(model: str, alias: str, version: str | None) -> str:
    return f"alias/{model.replace('/', '-')}-{alias}-{version or 'removed'}"


def change_alias(source: Source, request: AliasRequest) -> AliasChanged:
    folder, root = local_folder(source, request)
    catalog = CatalogFiles(folder, source.main)
    name, alias = request.model, request.alias
    place = catalog.find(name)
    if place is None:
        raise PublishError(
            f"no model named {name!r} in {source.display}", hint=_names_hint(source, name)
        )
    doc, model = place.doc, place.model
    versions = versions_of(model)
    if request.version is None:
        holder = next((n for n, v in versions.items() if alias in aliases_of(v)), None)
        if holder is None:
            used = sorted({a for v in versions.values() for a in aliases_of(v)})
            raise PublishError(
                f"no version of {name} has the alias {alias!r} "
                f"(aliases: {', '.join(used) or 'none'})",
                hint="Check the alias's name (`idp models show NAME`).",
            )
        release(doc, versions[holder], alias)
        move = AliasMove(alias, holder, None, model.get("defaultVersion") == alias)
    else:
        target = versions.get(request.version)
        if target is None:
            raise PublishError(
                f"{name} has no version {request.version!r} (it has: {', '.join(versions)})",
                hint="Name an existing version; publish a new one with `idp models publish`.",
            )
        given = give(doc, model, name, request.version, alias)
        if given is None:
            raise PublishError(
                f"{name}@{request.version} already has the alias {alias!r}; nothing to change",
                hint="Name another version to move the alias to.",
            )
        move = given
    edited = {doc.rel: doc.render()}
    problems = check(folder, source.main, edited)
    if problems:
        raise invalid(
            move.describe(name),
            problems,
            "Point defaultVersion and successors elsewhere first, or move the alias "
            "instead of removing it.",
        )
    if move.default and request.version is not None:
        lifecycle = versions[request.version].get("lifecycle")
        if lifecycle in RETIRED:
            # `idp new --model NAME` refuses a retired default without --allow-deprecated
            warning_sink.warn(
                f"{name}'s default version is now {name}@{request.version}, which is {lifecycle}"
            )
    files = [(folder / rel).relative_to(root).as_posix() for rel in edited]
    result = AliasChanged(move, name, files)
    if not request.commit:
        write(folder, edited)
        return result
    from idp_cli.publish.git import commit_on_new_branch

    target_text = f"to {request.version}" if request.version else "removed"
    message = f"feat(catalog): alias {alias} of {name} {target_text}"
    if move.from_ and request.version:
        message = (
            f"feat(catalog): move alias {alias} of {name} from {move.from_} to {request.version}"
        )
    branch = request.branch or default_alias_branch(name, alias, request.version)
    committed = commit_on_new_branch(root, folder, edited, files, branch, message, request)
    result.branch, result.commit = committed.branch, committed.commit
    result.previous_branch = committed.previous_branch
    return result


def _names_hint(source: Source, name: str) -> str:
    from idp_cli.catalog.query import closest_names_hint
    from idp_cli.catalog.read import load

    loaded = load(source, use_cache=False, summary=True)
    names = [m.name for m in loaded.catalog.models] if loaded.catalog is not None else []
    return closest_names_hint(name, names)
