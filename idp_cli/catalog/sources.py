"""Catalog sources: a file, a folder, a git repository's working tree or one of its commits, a
git URL. Each gives the loader the same small reading interface."""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path
from typing import Protocol

from idp_cli import __version__, paths
from idp_cli.config import CatalogChoice
from idp_cli.errors import CatalogError
from idp_cli.plain_record import PlainRecord

# patterns, compiled by `re` on first use: a command served from the cache needs neither
_WILDCARD = r"[*?\[]"
_URL = r"^(?:https?|ssh|git|file)://|^[\w.-]+@[\w.-]+:"


class Reader(Protocol):
    """Reads the catalog's files by POSIX paths relative to one root."""

    def read_text(self, rel: str) -> str: ...

    def glob(self, pattern: str) -> list[str]: ...

    def fingerprint(self, rel: str) -> str:
        """Changes whenever the file's content may have changed."""
        ...

    def label(self, rel: str) -> str:
        """How to name the file in a message."""
        ...


def _read_utf8(path: str) -> str:
    """The text `open(path, encoding="utf-8").read()` gives (line ends made `\n` alike),
    without the text stream it builds around each file: a catalog split into thousands of
    files reads in half the time."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        chunks = [os.read(fd, os.fstat(fd).st_size + 1)]  # whole, unless it grows meanwhile
        while chunks[-1]:
            chunks.append(os.read(fd, 1 << 16))
        data = chunks[0] if len(chunks) == 2 else b"".join(chunks)
    finally:
        os.close(fd)
    text = data.decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


class FolderReader:
    # string work, not pathlib, for the file paths: a catalog split into thousands of files
    # reads, fingerprints and labels each one, and pathlib would double the time

    def __init__(self, root: Path) -> None:
        self.root = root
        self._root = str(root)
        self._cwd: str | None = None

    def _path(self, rel: str) -> str:
        return os.path.join(self._root, rel)

    def read_text(self, rel: str) -> str:
        try:
            return _read_utf8(self._path(rel))
        except FileNotFoundError:
            raise CatalogError(
                f"{self.label(rel)}: no such file",
                hint="Check the catalog's path and its include patterns.",
            ) from None
        except UnicodeDecodeError as exc:
            raise CatalogError(f"{self.label(rel)}: not UTF-8 text ({exc.reason})") from None
        except IsADirectoryError:
            raise CatalogError(f"{self.label(rel)}: is a folder, not a YAML file") from None

    def glob(self, pattern: str) -> list[str]:
        folder, _, name = pattern.rpartition("/")
        if not re.search(_WILDCARD, folder) and name not in ("", ".", ".."):
            # the usual `models/*.yaml`: one directory listing, whose entries know whether
            # they are files, instead of pathlib's objects and a stat per file
            try:
                with os.scandir(self._path(folder) if folder else self._root) as entries:
                    found = [
                        entry.name
                        for entry in entries
                        if fnmatch.fnmatchcase(entry.name, name) and entry.is_file()
                    ]
            except (FileNotFoundError, NotADirectoryError):
                return []
            return sorted(f"{folder}/{n}" if folder else n for n in found)
        return sorted(
            p.relative_to(self.root).as_posix() for p in self.root.glob(pattern) if p.is_file()
        )

    def fingerprint(self, rel: str) -> str:
        return self.stat(rel)[0]

    def stat(self, rel: str) -> tuple[str, int]:
        """The fingerprint and the size in bytes (0 for a missing file)."""
        try:
            stat = os.stat(self._path(rel))
        except FileNotFoundError:
            return "missing", 0
        return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}", stat.st_size

    def label(self, rel: str) -> str:
        path = self._path(rel)
        if self._cwd is None:  # once per command, not once per file of a large catalog
            self._cwd = os.path.join(os.getcwd(), "")
        return path[len(self._cwd) :] if path.startswith(self._cwd) else path


class Source(PlainRecord):
    """A resolved catalog source, ready to be read.

    A plain record, not a dataclass (every `idp models list` imports this module, and creating
    a dataclass costs more than the rest of it), compared and shown as one would be."""

    _fields = (
        "kind",
        "display",
        "reader",
        "main",
        "identity",
        "ref",
        "commit",
        "dirty",
        "_worktree_root",
        "_subdir",
        "_url",
    )
    _unshown = ("_worktree_root",)

    def __init__(
        self,
        kind: str,  # bundled | file | git-worktree | git-ref | git-url
        display: str,  # what to show; never holds credentials
        reader: Reader,
        main: str,  # the catalog file, relative to the reader's root
        identity: str,  # what the parsed-catalog cache is keyed by
        ref: str | None = None,
        commit: str | None = None,  # known at once for refs; worktrees resolve it on demand
        dirty: bool | None = None,
        _worktree_root: Path | None = None,  # a local repository's
        _subdir: str = "",
        _url: str = "",  # a git URL source's spec as a project records it: no credentials
    ) -> None:
        self.kind = kind
        self.display = display
        self.reader = reader
        self.main = main
        self.identity = identity
        self.ref = ref
        self.commit = commit
        self.dirty = dirty
        self._worktree_root = _worktree_root
        self._subdir = _subdir
        self._url = _url

    def revision(self) -> tuple[str | None, bool | None]:
        """The git commit the catalog was read from and whether the files differed from it."""
        if self.kind == "git-worktree" and self.commit is None and self._worktree_root:
            from idp_cli import gitsource

            files = [f"{self._subdir}{self.main}"] if self._subdir else [self.main]
            self.commit, self.dirty = gitsource.worktree_revision(self._worktree_root, files)
        return self.commit, self.dirty

    def recorded(self) -> tuple[str, bool]:
        """How a generated project names this catalog, and whether another machine can read
        it by that name: a local repository is named by its `origin` remote's URL (with the
        catalog's path inside it after `#`), a path only when it has no `origin`."""
        if self.kind in ("bundled", "git-url"):
            return self._url or self.display, True
        if self._worktree_root is not None:
            from idp_cli import gitsource

            url = gitsource.origin_url(self._worktree_root)
            if url is not None:
                inner = f"{self._subdir}{self.main}"
                named = url if inner == "catalog.yaml" else f"{url}#{inner}"
                # a `file://` origin is a folder of this machine: no CI runner has it
                return named, not url.startswith("file:")
        return self.display, False

    def unpushed(self) -> str | None:
        """The commit read, when the catalog's `origin` does not have it (a local branch
        ahead of origin): a project recording it could not be checked elsewhere."""
        commit, _ = self.revision()
        root = self._worktree_root
        if root is None or commit is None or self.kind == "git-url":
            return None
        from idp_cli import gitsource

        if gitsource.origin_url(root) is None or gitsource.on_origin(root, commit):
            return None
        return commit


def resolve_source(choice: CatalogChoice, *, published: bool = False) -> Source:
    """The source `choice` names. With `published` (commands that bind a project to the
    catalog or check it), a local repository without a ref is read at its default branch,
    not in its working tree, which may hold an unreviewed publish branch."""
    if choice.spec is None:
        main = paths.bundled_catalog()
        if choice.ref:
            raise CatalogError(
                "--catalog-ref needs a git catalog source, but the bundled catalog is used",
                hint="Pass --catalog PATH_OR_URL as well.",
            )
        return Source(
            kind="bundled",
            display=f"bundled:idp-{__version__}",
            reader=FolderReader(main.parent),
            main=main.name,
            identity=f"file:{main}",
        )
    if re.match(_URL, choice.spec):
        return _url_source(choice.spec, choice.ref)
    return _path_source(Path(choice.spec).expanduser(), choice.ref, published, choice.named_by)


def _path_source(
    path: Path, ref: str | None, published: bool = False, named_by: str = "--catalog"
) -> Source:
    path = path.resolve()
    if path.is_dir():
        folder, main = path, "catalog.yaml"
        if not (folder / main).exists() and ref is None:
            raise CatalogError(
                f"{path}: no catalog.yaml in this folder (named by {named_by})",
                hint=f"Point {named_by} at the catalog file itself, or at a folder holding "
                "catalog.yaml.",
            )
    elif path.exists() or ref is not None:
        folder, main = path.parent, path.name
    else:
        raise CatalogError(
            f"{path}: no such file or folder (named by {named_by})",
            hint=f"Check {named_by}: a YAML file, a folder with catalog.yaml, "
            "a git repository or a git URL.",
        )
    root = paths.git_root(folder)
    if ref is not None and root is None:
        raise CatalogError(
            f"--catalog-ref {ref}: {folder} is not inside a git repository",
            hint="Drop --catalog-ref to read the files as they are.",
        )
    if root is not None and (ref is not None or published):
        subdir = folder.relative_to(root).as_posix()
        at_ref = _ref_source(root, ref, "" if subdir == "." else f"{subdir}/", main, str(path))
        if at_ref is not None:
            return at_ref
    source = Source(
        kind="git-worktree" if root else "file",
        display=str(path),
        reader=FolderReader(folder),
        main=main,
        identity=f"file:{folder / main}",
    )
    if root is not None:
        source._worktree_root = root
        subdir = folder.relative_to(root).as_posix()
        source._subdir = "" if subdir == "." else f"{subdir}/"
    return source


def _ref_source(root: Path, ref: str | None, subdir: str, main: str, shown: str) -> Source | None:
    """The catalog at `ref`, else at the repository's default branch (warning when the working
    tree holds something else); None when there is no default branch to read."""
    from idp_cli import gitsource, warning_sink

    if ref is not None:
        source = _source_at(root, ref, subdir, main, shown)
    else:
        branch = gitsource.default_branch(root)
        if branch is None:
            warning_sink.warn(
                f"{root} has no default branch (origin's HEAD branch, main or master); "
                "reading its working tree as it is"
            )
            return None
        source = _source_at(root, branch, subdir, main, shown)
        source.ref = None  # chosen, not asked for: the project follows the default branch
        assert source.commit is not None
        unread = gitsource.unread_worktree(root, source.commit, [f"{subdir}{main}"])
        if unread is not None:
            warning_sink.warn(
                f"reading the catalog at {branch}, the default branch of {root}; what its "
                f"working tree holds ({unread}) is not read (pass --catalog-ref to read "
                "another branch, tag or commit)"
            )
    source._worktree_root, source._subdir = root, subdir
    return source


# Git sources are read through gitsource, imported inside the functions that use it so that
# GitPython loads only when a git catalog is read.


def _source_at(root: Path, ref: str, subdir: str, main: str, display: str) -> Source:
    from idp_cli import gitsource

    repo = gitsource.open_repo(root)
    commit = gitsource.resolve_commit(repo, ref, str(root))
    return Source(
        kind="git-ref",
        display=display,
        reader=gitsource.TreeReader(commit, subdir, ref),
        main=main,
        identity=f"git:{commit.hexsha}:{subdir}{main}",
        ref=ref,
        commit=commit.hexsha,
        dirty=False,
    )


def _split_url(spec: str) -> tuple[str, str, str]:
    """`URL[#path/to/catalog.yaml]` -> (url, subdir, main file)."""
    url, _, inner = spec.partition("#")
    inner = inner.strip("/")
    if not inner:
        return url, "", "catalog.yaml"
    if inner.endswith((".yaml", ".yml")):
        parent, _, name = inner.rpartition("/")
        return url, f"{parent}/" if parent else "", name
    return url, f"{inner}/", "catalog.yaml"


def _url_source(spec: str, ref: str | None) -> Source:
    from idp_cli import gitsource
    from idp_cli.redaction import redact, strip_credentials

    url, subdir, main = _split_url(spec)
    repo = gitsource.mirror(url)
    shown = redact(spec)
    commit = gitsource.resolve_commit(repo, ref or "HEAD", redact(url))
    return Source(
        kind="git-url",
        display=shown,
        reader=gitsource.TreeReader(commit, subdir, ref or "HEAD"),
        main=main,
        identity=f"git:{commit.hexsha}:{subdir}{main}",
        ref=ref,
        commit=commit.hexsha,
        dirty=False,
        _url=strip_credentials(spec),
    )
