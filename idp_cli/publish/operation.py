"""The whole publish: refuse what would be wrong, edit the catalog's texts in memory, validate
the catalog as it would be, then write the files and commit them on a new branch (or only
write them). Every refusal happens before the first write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from idp_cli import paths
from idp_cli.catalog.sources import FolderReader, Source
from idp_cli.catalog.vocabulary import RETIRED
from idp_cli.publish.aliases import aliases_of, claim, follow_default
from idp_cli.publish.catalog_files import CatalogFiles, Place, check, invalid, write
from idp_cli.publish.edit import Document
from idp_cli.publish.entries import build_entries, inherit
from idp_cli.publish.nodes import flow_list, flow_map, quoted
from idp_cli.publish.request import (
    REQUIRED_MODEL_FIELDS,
    AliasMove,
    Names,
    Published,
    PublishError,
    Request,
)

# (the aliases moved, defaultVersion's move, the fields inherited from --from-version)
_Moved = tuple[list[AliasMove], tuple[str, str] | None, list[str]]


def default_branch(model: str, version: str) -> str:
    return f"publish/{model.replace('/', '-')}-{version}"


def publish(source: Source, request: Request) -> Published:
    folder, root = local_folder(source, request)
    name, entry, model_fields = build_entries(request)
    version = str(entry["version"])
    catalog = CatalogFiles(folder, source.main)
    place = catalog.find(name)
    old: Any = None  # the version deprecated in favour of the new one
    if place is None:
        edited = _add_model(catalog, folder, name, entry, model_fields, request)
    else:
        edited, old, moved = add_version(place, name, entry, model_fields, request)
    deprecated = request.deprecates if old is not None else None

    problems = check(folder, source.main, edited)
    if problems:
        raise invalid(
            f"publishing {name}@{version}",
            problems,
            "Fix the options or the fragment (lines are as they would be after the edit).",
        )
    if deprecated:
        _warn_if_breaking(f"{name}@{deprecated}", old, f"{name}@{version}", entry)

    files = [(folder / rel).relative_to(root).as_posix() for rel in edited]
    result = Published(name, version, files, None, None, place is None, deprecated)
    if place is not None:
        result.alias_moves, result.default_moved, result.inherited = moved
    if not request.commit:
        write(folder, edited)
        return result
    message = f"feat(catalog): publish {name}@{version}"
    if deprecated:
        message += f"; deprecate {name}@{deprecated}"
    from idp_cli.publish.git import commit_on_new_branch

    branch = request.branch or default_branch(name, version)
    committed = commit_on_new_branch(root, folder, edited, files, branch, message, request)
    result.branch, result.commit = committed.branch, committed.commit
    result.previous_branch = committed.previous_branch
    return result


def _add_model(
    catalog: CatalogFiles,
    folder: Path,
    name: str,
    entry: Any,
    model_fields: dict[str, Any],
    request: Request,
) -> dict[str, str]:
    """The edited texts with `name` added as a new model holding the one version `entry`."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    for key in ("deprecates", "from_version"):
        given = getattr(request, key)
        if not given:
            continue
        flag = request.name(key)
        raise PublishError(
            f"{flag} {given}: model {name} is not in the catalog yet",
            hint=f"Drop {flag} for a new model, or check the model's name.",
        )
    missing = [request.name(key) for key in REQUIRED_MODEL_FIELDS if not model_fields.get(key)]
    if missing:
        needed = [request.name(key) for key in REQUIRED_MODEL_FIELDS]
        raise PublishError(
            f"{name} is a new model and needs {', '.join(missing)}",
            hint=f"A new model needs {', '.join(needed[:-1])} and {needed[-1]} (or these fields "
            f"in the {request.name('from_file')} fragment); check the name if the model should "
            "already exist (`idp models list`).",
        )
    model = CommentedMap([("name", name)])
    for key, value in model_fields.items():
        model[key] = value
    model["versions"] = CommentedSeq([entry])
    new_file = catalog.new_model_file(name)
    if new_file is None:
        catalog.main.append(catalog.main.data, "models", model)
        return {catalog.main.rel: catalog.main.render()}
    if (folder / new_file).exists():
        raise PublishError(
            f"{catalog.reader.label(new_file)} already exists but does not hold {name}",
            hint="Move it away or publish with a different model name.",
        )
    # a new model file takes the main file's indentation
    return {new_file: catalog.main.render_new(model)}


def add_version(
    place: Place, name: str, entry: Any, model_fields: dict[str, Any], request: Request
) -> tuple[dict[str, str], Any, _Moved]:
    """(the edited texts, the version deprecated or None, what moved besides) with `entry`
    as the model's newest version."""
    from ruamel.yaml.comments import CommentedSeq

    if model_fields:
        given = ", ".join(sorted(model_fields))
        raise PublishError(
            f"{name} already exists: model-level fields ({given}) are only for a new model",
            hint="Edit the model's fields in the catalog directly, or drop those options.",
        )
    doc = place.doc
    versions = place.model.get("versions")
    existing = {str(v.get("version")): v for v in versions or [] if isinstance(v, dict)}
    version = str(entry["version"])
    if version in existing:
        raise PublishError(
            f"{name}@{version} already exists",
            hint="Publish a new version number; versions are immutable once published.",
        )
    inherited: list[str] = []
    if request.from_version:
        base = existing.get(request.from_version)
        if base is None:
            raise _no_such_version(name, request, "from_version", request.from_version, existing)
        inherited = inherit(entry, base)
    old = None
    if request.deprecates:
        old = existing.get(request.deprecates)
        if old is None:
            raise _no_such_version(name, request, "deprecates", request.deprecates, existing)
        _deprecate(doc, old, f"{name}@{version}")
    wanted = aliases_of(entry)
    default_moved = None
    if old is not None and not request.keep_aliases:
        wanted += [a for a in aliases_of(old) if a not in wanted]
        if follow_default(doc, place.model, str(request.deprecates), version):
            default_moved = (str(request.deprecates), version)
    moves = claim(doc, place.model, name, version, wanted)
    if wanted != aliases_of(entry):
        keys = list(entry)
        entry.insert(keys.index("version") + 1 if "version" in keys else 0, "aliases", [])
        entry["aliases"] = flow_list(wanted)
    if isinstance(versions, list):
        doc.prepend(versions, entry)  # newest first, as catalogs list them
    else:
        place.model["versions"] = CommentedSeq([entry])
        doc.whole = True
    return {doc.rel: doc.render()}, old, (moves, default_moved, inherited)


def _no_such_version(
    name: str, request: Request, key: str, version: str, existing: dict[str, Any]
) -> PublishError:
    return PublishError(
        f"{request.name(key)} {version}: {name} has no such version "
        f"(it has: {', '.join(existing) or 'none'})",
        hint="Name an existing version of the same model.",
    )


def _deprecate(doc: Document, old: Any, successor: str) -> None:
    if old.get("lifecycle") not in RETIRED:
        doc.set_value(old, "lifecycle", "deprecated")
    deprecation = old.get("deprecation")
    if isinstance(deprecation, dict):
        doc.set_value(deprecation, "successor", successor)
        return
    keys = list(old)
    at = keys.index("lifecycle") + 1 if "lifecycle" in keys else len(keys)
    doc.insert_key(old, at, "deprecation", flow_map({"successor": quoted(successor)}))


def _warn_if_breaking(old_ref: str, old: Any, new_ref: str, new: Any) -> None:
    """Projects bound to the deprecated version move to its successor with `idp update
    --latest`: whoever deprecates should know when that breaks their callers."""
    from idp_cli import warning_sink
    from idp_cli.signature_changes import Interface, compare

    changes = compare(Interface.of_version(old), Interface.of_version(new))
    breaking = "; ".join(c.description for c in changes if c.breaking)
    if breaking:
        warning_sink.warn(f"{new_ref} breaks callers of {old_ref}, its successor now: {breaking}")


def local_folder(source: Source, request: Names) -> tuple[Path, Path]:
    """(catalog folder, repository root) of a catalog in a local git working tree."""
    catalog = request.name("catalog")
    if source.kind == "git-url":
        raise PublishError(
            f"{source.display}: publish edits a local clone, not a git URL",
            hint=f"Clone the catalog repository and pass {catalog} PATH_TO_CLONE.",
        )
    if source.kind == "git-ref":
        raise PublishError(
            f"{source.display}: publish edits the working tree, not a ref ({source.ref})",
            hint=f"Drop {request.name('catalog_ref')} to publish.",
        )
    if source.kind == "bundled" or not isinstance(source.reader, FolderReader):
        raise PublishError(
            "the bundled catalog cannot be published to",
            hint=f"Pass {catalog} PATH to a catalog in a local git repository.",
        )
    folder = source.reader.root.resolve()
    root = paths.git_root(folder)
    if root is None:
        raise PublishError(
            f"{source.display}: not inside a git repository",
            hint="publish commits to a new branch: run `git init` there (or clone the catalog "
            "repository) and publish again.",
        )
    return folder, root
