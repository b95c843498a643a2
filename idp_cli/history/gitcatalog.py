"""Where the catalog lives in git, and reading its files from git's object database.

GitPython objects come from `gitsource` (the only module importing GitPython); this module
uses them without importing the library.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idp_cli import gitsource
from idp_cli.catalog import files
from idp_cli.catalog.sources import FolderReader, Source
from idp_cli.errors import CatalogError, SourceError

if TYPE_CHECKING:
    import git


@dataclass
class GitCatalog:
    """A catalog inside a git repository: its folder there, and where its history ends."""

    repo: git.Repo
    subdir: str  # the catalog's folder inside the repository: "" or "path/to/"
    main: str  # the catalog file, relative to that folder
    end: git.Commit  # HEAD of the working tree, or the commit a ref/URL source names
    end_label: str
    display: str
    worktree: Path | None = None  # the catalog's folder on disk, for a working-tree source


def locate(source: Source) -> GitCatalog:
    """The git repository behind `source`, or SourceError (exit 1) when it has none."""
    reader = source.reader
    if isinstance(reader, gitsource.TreeReader):
        return GitCatalog(
            repo=reader.commit.repo,
            subdir=reader.subdir,
            main=source.main,
            end=reader.commit,
            end_label=reader.ref_label,
            display=source.display,
        )
    root = source._worktree_root
    if source.kind == "git-worktree" and root is not None and isinstance(reader, FolderReader):
        repo = gitsource.open_repo(root)
        try:
            end = gitsource.resolve_commit(repo, "HEAD", str(root))
        except SourceError:
            raise SourceError(
                f"{root}: the repository has no commits yet",
                hint="Commit the catalog first: its history starts with its first commit.",
            ) from None
        return GitCatalog(
            repo=repo,
            subdir=source._subdir,
            main=source.main,
            end=end,
            end_label="HEAD",
            display=source.display,
            worktree=reader.root,
        )
    raise SourceError(
        f"{source.display}: the catalog is not in a git repository",
        hint="History and diff read the catalog's git history: pass --catalog with a catalog "
        "inside a git repository (a path or a git URL).",
    )


def models_in(data: Any, is_main: bool) -> list[dict[str, Any]]:
    """The models a catalog file holds, by the catalog's one rule (catalog/files.py), as far as
    a past commit's file can say: entries without a name cannot be followed through history."""
    found = files.file_models(data, main=is_main).models
    return [m for m in found if isinstance(m, dict) and isinstance(m.get("name"), str)]


def parse(data: bytes, label: str) -> Any:
    from idp_cli.catalog.speed import parse_yaml

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{label}: not UTF-8 text ({exc.reason})") from None
    return parse_yaml(text, label)


class Blobs:
    """Blob contents and parsed YAML from the object database, each read once."""

    def __init__(self, repo: git.Repo) -> None:
        self.repo = repo
        self._parsed: dict[str, Any] = {}

    def read(self, sha: str) -> bytes:
        stream: Any = self.repo.odb.stream(bytes.fromhex(sha))
        data: bytes = stream.read()
        return data

    def parsed(self, sha: str, label: str) -> Any:
        if sha not in self._parsed:
            self._parsed[sha] = parse(self.read(sha), label)
        return self._parsed[sha]


def tree_files(commit: git.Commit, subdir: str) -> dict[str, str]:
    """Every file under the catalog's folder at `commit`: path in the folder -> blob id."""
    tree: Any = commit.tree
    if subdir:
        try:
            tree = tree / subdir.rstrip("/")
        except KeyError:
            return {}
    cut = len(subdir)
    items: Any = tree.traverse()
    return {str(item.path)[cut:]: item.hexsha for item in items if item.type == "blob"}


def blob_id(data: bytes) -> str:
    """The id git gives these bytes as a blob (`git hash-object`)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
