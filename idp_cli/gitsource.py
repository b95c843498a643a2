"""Everything idp reads from git, and the only module that imports GitPython.

Commits are read from git's object database, never by checking them out, so reading a
catalog at a tag leaves the user's working tree alone. Remote catalogs are mirrored once into
the user cache folder and fetched on later runs, under a file lock so parallel runs do not
corrupt the mirror.
"""

from __future__ import annotations

import contextlib
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
from idp_cli.redaction import strip_credentials

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


def origin_url(root: Path) -> str | None:
    """The repository's `origin` remote as another machine can name it, credentials removed:
    a remote that is a local path becomes a `file://` URL. None without an `origin`."""
    url = open_repo(root).config_reader().get_value('remote "origin"', "url", default="")
    if not isinstance(url, str) or not url:
        return None
    colon, slash = url.find(":"), url.find("/")
    if "://" in url or (colon > 1 and (slash == -1 or colon < slash)):  # a URL or `host:path`
        return strip_credentials(url)
    path = Path(url).expanduser()
    return (path if path.is_absolute() else root / path).resolve().as_uri()


def on_origin(root: Path, commit: str) -> bool:
    """Whether `origin` (as last fetched) has `commit`: what a project records must be
    readable from there."""
    remote = open_repo(root).git.branch("--remotes", "--contains", commit, "--list", "origin/*")
    return bool(remote.strip())


def default_branch(root: Path) -> str | None:
    """The branch a local catalog repository publishes: origin's HEAD branch as last fetched
    (`origin/main`), else origin's `main` or `master`, else a local `main`, else `master`;
    None when there is none of them."""
    repo = open_repo(root)
    # what origin has comes before local branches, which may hold unpushed commits
    candidates = [
        "refs/remotes/origin/main",
        "refs/remotes/origin/master",
        "refs/heads/main",
        "refs/heads/master",
    ]
    # origin/HEAD is only known after a clone (or `git remote set-head`)
    with contextlib.suppress(git.GitCommandError):
        candidates.insert(0, repo.git.symbolic_ref("--quiet", "refs/remotes/origin/HEAD"))
    for ref in candidates:
        try:
            repo.git.rev_parse("--verify", "--quiet", f"{ref}^{{commit}}")
        except git.GitCommandError:
            continue
        return ref.removeprefix("refs/remotes/").removeprefix("refs/heads/")
    return None


def unread_worktree(root: Path, commit: str, files: list[str]) -> str | None:
    """What in the checked-out catalog differs from `commit`, which is read instead: another
    branch or commit, uncommitted changes; None when the working tree holds just that."""
    repo = open_repo(root)
    try:
        head = repo.head.commit.hexsha
    except ValueError:  # no commits yet
        head = ""
    different = []
    if head != commit:
        branch = None if repo.head.is_detached else repo.active_branch.name
        different.append(f"branch {branch}" if branch else f"commit {head[:12]}")
    folders = sorted({str(Path(f).parent) for f in files})
    if repo.git.status("--porcelain", "--untracked-files=all", "--", *folders).strip():
        different.append("uncommitted changes")
    return " and ".join(different) or None


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
