"""Everything idp reads from git, and the only module that imports GitPython.

Commits are read from git's object database, never by checking them out, so reading a
catalog at a tag leaves the user's working tree alone. Remote catalogs are mirrored once into
the user cache folder and fetched on later runs, under a file lock so parallel runs do not
corrupt the mirror.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

import git
from git.exc import BadName, BadObject

from idp_cli import paths, warning_sink
from idp_cli.errors import CatalogError, SourceError
from idp_cli.posix_glob import match_glob
from idp_cli.redaction import redact as redact  # re-exported: callers holding gitsource use it

_GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true", "SSH_ASKPASS": "true"}
LOCK_TIMEOUT_S = 300


def open_repo(path: Path) -> git.Repo:
    try:
        return git.Repo(path)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise SourceError(f"{path}: not a git repository") from None


def resolve_commit(repo: git.Repo, ref: str, where: str) -> git.Commit:
    try:
        obj = repo.rev_parse(f"{ref}^{{commit}}")
    except (BadName, BadObject, ValueError, IndexError, git.GitCommandError):
        raise SourceError(
            f"ref {ref!r} does not exist in {where}",
            hint="Name a branch, tag or commit that exists (`git tag`, `git branch -a`).",
        ) from None
    assert isinstance(obj, git.Commit)
    return obj


class TreeReader:
    """Reads files from one commit's tree through the object database."""

    def __init__(self, commit: git.Commit, subdir: str, ref_label: str) -> None:
        self.commit = commit
        self.subdir = subdir
        self.ref_label = ref_label
        self._names: list[str] | None = None

    def _blob(self, rel: str) -> git.Blob | None:
        try:
            obj = self.commit.tree / f"{self.subdir}{rel}"
        except KeyError:
            return None
        return obj if isinstance(obj, git.Blob) else None

    def read_text(self, rel: str) -> str:
        blob = self._blob(rel)
        if blob is None:
            raise CatalogError(
                f"{self.label(rel)}: no such file at this ref",
                hint="Check --catalog-ref and the catalog's path inside the repository.",
            )
        data: bytes = blob.data_stream.read()
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CatalogError(f"{self.label(rel)}: not UTF-8 text ({exc.reason})") from None

    def glob(self, pattern: str) -> list[str]:
        if self._names is None:
            start = self.commit.tree
            if self.subdir:
                try:
                    start = self.commit.tree / self.subdir.rstrip("/")
                except KeyError:
                    self._names = []
                    return []
            cut = len(self.subdir)
            self._names = [
                str(item.path)[cut:] for item in start.traverse() if isinstance(item, git.Blob)
            ]
        return match_glob(self._names, pattern)

    def fingerprint(self, rel: str) -> str:
        blob = self._blob(rel)
        return blob.hexsha if blob is not None else "missing"

    def label(self, rel: str) -> str:
        return f"{self.ref_label}:{self.subdir}{rel}"


def worktree_revision(root: Path, files: list[str]) -> tuple[str | None, bool]:
    repo = open_repo(root)
    try:
        head = repo.head.commit.hexsha
    except ValueError:  # a repository without commits yet
        return None, True
    folders = sorted({str(Path(f).parent) for f in files})
    # is_dirty takes one path; git status takes several
    status = repo.git.status("--porcelain", "--untracked-files=all", "--", *folders)
    return head, bool(status.strip())


def _mirror_dir(url: str) -> Path:
    digest = hashlib.sha256(url.encode()).hexdigest()[:20]
    return paths.cache_dir() / "repos" / digest


def _git_error(exc: git.GitCommandError) -> str:
    stderr = exc.stderr if isinstance(exc.stderr, str) else str(exc.stderr)
    # GitPython wraps git's output as "stderr: '...'": the last line is only the quote
    text = stderr.strip().removeprefix("stderr:").strip().strip("'")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return redact(fatal[0] if fatal else lines[-1] if lines else str(exc))


def mirror(url: str) -> git.Repo:
    """A bare mirror of `url` in the cache, cloned once and fetched on each later use."""
    from filelock import FileLock, Timeout

    target = _mirror_dir(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    shown = redact(url)
    try:
        with FileLock(str(target) + ".lock", timeout=LOCK_TIMEOUT_S):
            if (target / "HEAD").exists():
                repo = git.Repo(target)
                try:
                    repo.git.fetch("--prune", "origin", env=_GIT_ENV)
                    (target / "idp-fetched").write_text(str(time.time()))
                except git.GitCommandError as exc:
                    warning_sink.warn(
                        f"could not fetch {shown} ({_git_error(exc)}); "
                        f"using the cached copy fetched {_age(target)}"
                    )
                return repo
            # Clone beside the final place and rename, so an interrupted clone never
            # leaves a half-written mirror that later runs would trust.
            tmp = Path(tempfile.mkdtemp(prefix=".clone-", dir=target.parent))
            try:
                git.Repo.clone_from(url, tmp, mirror=True, env=_GIT_ENV)
                (tmp / "idp-fetched").write_text(str(time.time()))
                os.replace(tmp, target)
            except git.GitCommandError as exc:
                raise SourceError(
                    f"could not clone {shown}: {_git_error(exc)}",
                    hint="Check the URL and your access to it; a cached copy exists only "
                    "after one successful clone.",
                ) from None
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            return git.Repo(target)
    except Timeout:
        raise SourceError(
            f"another idp process holds the cache lock for {shown}",
            hint=f"Wait for it, or remove {target}.lock if no idp is running.",
        ) from None


def _age(target: Path) -> str:
    try:
        fetched = float((target / "idp-fetched").read_text())
    except (OSError, ValueError):
        return "at an unknown time"
    minutes = int((time.time() - fetched) // 60)
    if minutes < 60:
        return f"{minutes} min ago"
    hours = minutes // 60
    return f"{hours} h ago" if hours < 48 else f"{hours // 24} days ago"
