"""A catalog at one ref (a commit, or the working tree), read lazily file by file: `diff`
reads only the files whose blobs differ between its two sides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from idp_cli import gitsource
from idp_cli.catalog.files import include_patterns
from idp_cli.catalog.sources import FolderReader
from idp_cli.errors import CatalogError
from idp_cli.history.gitcatalog import (
    Blobs,
    GitCatalog,
    blob_id,
    models_in,
    parse,
    tree_files,
)
from idp_cli.posix_glob import match_glob

WORKTREE = "working tree"


@dataclass
class Snapshot:
    label: str  # the ref as given, or "working tree"
    commit: str | None
    main: str
    files: dict[str, str]  # every catalog file (main and included) -> blob id
    header: dict[str, Any]  # the main file without `models`
    _models: Callable[[str], list[dict[str, Any]]] = field(repr=False)
    _raw: Callable[[str], bytes] = field(repr=False)

    def models(self, rel: str) -> list[dict[str, Any]]:
        return self._models(rel)

    def raw(self, rel: str) -> bytes:
        """The file's bytes, unparsed."""
        return self._raw(rel)


def _catalog_files(main: str, names: Callable[[str], list[str]], header: Any) -> list[str]:
    found = {main}
    for pattern in include_patterns(header):
        found.update(n for n in names(pattern) if n != main)
    return sorted(found)


def _header(data: Any) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "models"} if isinstance(data, dict) else {}


def commit_snapshot(cat: GitCatalog, ref: str, blobs: Blobs) -> Snapshot:
    commit = gitsource.resolve_commit(cat.repo, ref, cat.display)
    tree = tree_files(commit, cat.subdir)
    label = f"{ref}:{cat.subdir}"
    if cat.main not in tree:
        raise CatalogError(
            f"{label}{cat.main}: no such file at this ref",
            hint="Name a ref at which the catalog exists.",
        )
    main_data = blobs.parsed(tree[cat.main], f"{label}{cat.main}")
    names = list(tree)
    files = _catalog_files(cat.main, lambda p: match_glob(names, p), main_data)

    def models(rel: str) -> list[dict[str, Any]]:
        return models_in(blobs.parsed(tree[rel], f"{label}{rel}"), rel == cat.main)

    return Snapshot(
        label=ref,
        commit=commit.hexsha,
        main=cat.main,
        files={rel: tree[rel] for rel in files},
        header=_header(main_data),
        _models=models,
        _raw=lambda rel: blobs.read(tree[rel]),
    )


def worktree_snapshot(cat: GitCatalog) -> Snapshot:
    folder = cat.worktree
    assert folder is not None
    reader = FolderReader(folder)
    raw: dict[str, bytes] = {}

    def read(rel: str) -> bytes:
        if rel not in raw:
            try:
                raw[rel] = (folder / rel).read_bytes()
            except OSError as exc:
                raise CatalogError(
                    f"{reader.label(rel)}: cannot be read ({exc.strerror})"
                ) from None
        return raw[rel]

    parsed: dict[str, Any] = {}

    def data(rel: str) -> Any:
        if rel not in parsed:
            parsed[rel] = parse(read(rel), reader.label(rel))
        return parsed[rel]

    main_data = data(cat.main)
    files = _catalog_files(cat.main, reader.glob, main_data)
    return Snapshot(
        label=WORKTREE,
        commit=None,
        main=cat.main,
        files={rel: blob_id(read(rel)) for rel in files},
        header=_header(main_data),
        _models=lambda rel: models_in(data(rel), rel == cat.main),
        _raw=read,
    )
