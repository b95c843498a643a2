"""Which version of a template a project was generated from, and which is the newest, read the
way Copier reads them (PEP 440 tags, prereleases skipped) but without importing Copier."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from idp_cli.errors import SourceError
from idp_cli.redaction import redact

if TYPE_CHECKING:
    from packaging.version import Version

_DESCRIBED = re.compile(r"^(?P<base>.+)-(?P<count>\d+)-g(?P<sha>[0-9a-f]+)$")
_GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true", "SSH_ASKPASS": "true"}
TIMEOUT_S = 60


@dataclass(frozen=True)
class Remote:
    tags: dict[str, str]  # tag -> commit
    head: str  # commit of HEAD (the default branch)


def git_url(src: str) -> str:
    """What git is given for a recorded `_src_path` (Copier's `git+` prefix and `~` removed)."""
    src = src.removeprefix("git+")
    if src.startswith("~"):
        return str(Path(src).expanduser())
    return src


def list_remote(src: str) -> Remote:
    """Tags and HEAD of the template repository, in one `git ls-remote`."""
    url = git_url(src)
    if "://" not in url and not re.match(r"^[\w.-]+@[\w.-]+:", url):
        url = str(Path(url).resolve())
    try:
        result = subprocess.run(
            ["git", "ls-remote", "--", url, "HEAD", "refs/tags/*"],
            capture_output=True,
            text=True,
            check=False,
            timeout=TIMEOUT_S,
            env={**os.environ, **_GIT_ENV},
        )
    except subprocess.TimeoutExpired:
        raise SourceError(f"template {redact(src)} did not answer within {TIMEOUT_S} s") from None
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        raise SourceError(
            f"template {redact(src)} is not reachable: {redact(lines[-1] if lines else 'git ls-remote failed')}",
            hint="Check that the template repository still exists and that you can read it; "
            "`_src_path` in .copier-answers.yml says where it was.",
        )
    tags: dict[str, str] = {}
    peeled: dict[str, str] = {}
    head = ""
    for line in result.stdout.splitlines():
        sha, _, ref = line.partition("\t")
        if ref == "HEAD":
            head = sha
        elif ref.endswith("^{}"):
            peeled[ref.removeprefix("refs/tags/").removesuffix("^{}")] = sha
        elif ref.startswith("refs/tags/"):
            tags[ref.removeprefix("refs/tags/")] = sha
    tags.update(peeled)  # an annotated tag names its commit through the peeled line
    return Remote(tags, head)


def parse(text: str) -> Version | None:
    """A PEP 440 version for a tag or a `git describe` string, None if it has none."""
    from packaging.version import InvalidVersion, Version

    match = _DESCRIBED.match(text)
    if match:
        text = f"{match['base']}.post{match['count']}+{match['sha']}"
    try:
        return Version(text)
    except InvalidVersion:
        return None


def newest_tag(tags: list[str], *, prereleases: bool = False) -> str | None:
    versions: list[tuple[Version, str]] = []
    for tag in tags:
        version = parse(tag)
        if version is not None and (prereleases or not version.is_prerelease):
            versions.append((version, tag))
    return max(versions)[1] if versions else None


def is_newer(candidate: str, current: str, remote: Remote) -> bool:
    """Is template version `candidate` past `current` (a tag, describe output or a commit)?"""
    new, old = parse(candidate), parse(current)
    if new is not None and old is not None:
        return new > old
    # Untagged templates: Copier records a commit; anything else at HEAD is newer.
    return not remote.head.startswith(current) and remote.tags.get(candidate, candidate) != current
