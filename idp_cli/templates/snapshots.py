"""Bundled templates as git repositories, so that projects made from them can be updated.

Copier updates only from a git template: it rebuilds the project as the old template version
rendered it, and merges. The bundled templates are plain folders inside idp, so each one is
committed into a repository in the cache and tagged with idp's version (`v0.1.0`); projects
record that tag, and the repository by a name that holds no path of the machine that wrote it:
`git+idp://bundled-templates/<name>`. A later idp adds its own tag on top, which is the newer
template version `idp check` reports. The repository lives under
`~/.cache/idp/bundled-templates/<name>` (or under `$IDP_CACHE_DIR`); while idp runs Copier,
git is told that the recorded name means that folder (`url.<folder>.insteadOf`), so the
project updates from whichever cache the machine running idp has.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from idp_cli import __version__, paths
from idp_cli.errors import IdpError

FOLDER = "bundled-templates"
_IGNORED = {"__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".git"}
# Fixed identity and dates: the same template content gives the same commit on every machine.
_GIT_ENV = {
    "GIT_AUTHOR_NAME": "idp",
    "GIT_AUTHOR_EMAIL": "idp@localhost",
    "GIT_COMMITTER_NAME": "idp",
    "GIT_COMMITTER_EMAIL": "idp@localhost",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def tag() -> str:
    return f"v{__version__}"


SCHEME = f"idp://{FOLDER}/"


def recorded_location(name: str) -> str:
    """What projects record as `_src_path`: the same on every machine and for every cache
    folder, so a project generated on a laptop is updated on a CI runner. The `git+` prefix
    makes Copier treat it as a git URL, which git resolves through `git_env()`."""
    return f"git+{SCHEME}{name}"


def _root() -> Path:
    from idp_cli import env_vars

    explicit = env_vars.get("IDP_CACHE_DIR")
    if explicit:
        return Path(explicit).resolve() / FOLDER
    # not platformdirs' cache folder: projects made by earlier idp versions record this
    # path itself, which Copier reads as it stands
    return Path(f"~/.cache/idp/{FOLDER}").expanduser()


def location(name: str) -> Path:
    return _root() / name


def bundled_name(src_path: str) -> str | None:
    """The bundled template a recorded `_src_path` names, whatever machine wrote it: the
    stable `git+idp://bundled-templates/NAME`, or the cache path older idp versions recorded
    (`~/.cache/idp/bundled-templates/NAME`, or a folder under some `$IDP_CACHE_DIR`)."""
    stable = src_path.removeprefix("git+")
    if stable.startswith(SCHEME):
        name = stable.removeprefix(SCHEME)
        return name if name and "/" not in name else None
    parts = Path(src_path).parts
    if len(parts) >= 2 and parts[-2] == FOLDER:
        return parts[-1]
    return None


# Where the templates that installed plug-ins contribute are committed (plugin_templates.py),
# beside the bundled ones, and the name projects record for them.
PLUGIN_FOLDER = "plugin-templates"
PLUGIN_SCHEME = f"idp://{PLUGIN_FOLDER}/"


def plugin_root() -> Path:
    return _root().parent / PLUGIN_FOLDER


def git_env(environ: dict[str, str] | None = None) -> dict[str, str]:
    """Git configuration, as environment variables added after any already in `environ`,
    that makes the recorded `idp://bundled-templates/NAME` (and a plug-in's
    `idp://plugin-templates/DIST/NAME`) mean this machine's snapshot."""
    environ = dict(os.environ) if environ is None else environ
    try:
        count = int(environ.get("GIT_CONFIG_COUNT") or 0)
    except ValueError:
        count = 0
    return {
        "GIT_CONFIG_COUNT": str(count + 2),
        f"GIT_CONFIG_KEY_{count}": f"url.{_root()}/.insteadOf",
        f"GIT_CONFIG_VALUE_{count}": SCHEME,
        f"GIT_CONFIG_KEY_{count + 1}": f"url.{plugin_root()}/.insteadOf",
        f"GIT_CONFIG_VALUE_{count + 1}": PLUGIN_SCHEME,
    }


def _files(folder: Path) -> list[Path]:
    out: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _IGNORED)
        out.extend(Path(root, n) for n in sorted(names) if not n.endswith((".pyc", ".pyo")))
    return out


def _digest(folder: Path) -> str:
    """Cheap content identity: editable installs change templates without a version bump."""
    h = hashlib.sha256()
    for path in _files(folder):
        stat = path.stat()
        h.update(f"{path.relative_to(folder)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _git(repo: Path, *args: str, env_extra: dict[str, str] | None = None) -> str:
    env = {**os.environ, **_GIT_ENV, **(env_extra or {})}
    result = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise IdpError(
            f"could not prepare the bundled template repository {repo}: "
            f"git {' '.join(args)}: {result.stderr.strip()}",
            hint=f"Remove {repo} and retry.",
        )
    return result.stdout


def ensure(name: str, folder: Path) -> Path:
    """The repository for bundled template `name`, holding this idp's version at `tag()`."""
    return commit_snapshot(
        location(name), folder, tag(), f"{name} as bundled with idp {__version__}"
    )


def commit_snapshot(repo: Path, folder: Path, version_tag: str, message: str) -> Path:
    """`repo` holding `folder` as its commit tagged `version_tag` (made or moved when the
    folder's content changed); the earlier versions' tags stay."""
    marker = repo / ".git" / f"idp-snapshot-{version_tag}"
    digest = _digest(folder)
    if marker.is_file() and marker.read_text() == digest:  # written last: the repo is complete
        return repo
    repo.parent.mkdir(parents=True, exist_ok=True)
    from filelock import FileLock

    with FileLock(str(repo) + ".lock", timeout=300):
        if marker.is_file() and marker.read_text() == digest:
            return repo
        if not (repo / ".git").is_dir():
            shutil.rmtree(repo, ignore_errors=True)
            repo.mkdir()
            _git(repo, "init", "--quiet", "--initial-branch=main")
        paths.mirror_into(repo, folder, (str(p.relative_to(folder)) for p in _files(folder)))
        _git(repo, "add", "--all")
        if _git(repo, "status", "--porcelain").strip():
            _git(repo, "commit", "--quiet", "-m", message)
        # A development checkout may change a template without a version bump: the tag
        # follows the content so that new projects get what the folder holds.
        _git(repo, "tag", "--force", version_tag)
        marker.write_text(digest)
    return repo


# The distribution on the package index (idp's first name there belongs to another project).
PACKAGE = "idp-ai-platform"
PIP_TIMEOUT_S = 600


def restore_release(name: str, wanted: str) -> bool:
    """Add tag `wanted` (`v0.1.0`) to bundled template `name`'s repository from that idp
    release's wheel, fetched with pip from the configured package index.

    A project generated on another machine, or by an older idp, records a bundled template
    version this cache never held; Copier needs it to rebuild the project as it was. Returns
    False (and changes nothing) when the release cannot be fetched or does not bundle `name`.
    """
    version = wanted.removeprefix("v")
    return restore_from_wheel(
        location(name),
        f"{PACKAGE}=={version}",
        f"idp_cli/_bundled/templates/{name}/",
        wanted,
        f"{name} as bundled with idp {version}",
    )


def restore_from_wheel(
    repo: Path, requirement: str, prefix: str, wanted: str, message: str
) -> bool:
    """Tag `wanted` in `repo`: the folder `prefix` of the wheel pip downloads for
    `requirement`, committed beside the repository's history. False when pip fetches no wheel
    or the wheel has no such folder."""
    import sys
    import tempfile
    import zipfile

    with tempfile.TemporaryDirectory(prefix="idp-release-") as scratch:
        wheels = Path(scratch) / "wheels"
        try:
            fetched = subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                 "--only-binary=:all:", "--dest", str(wheels), requirement],
                capture_output=True, text=True, check=False, timeout=PIP_TIMEOUT_S,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired):
            return False
        found = sorted(wheels.glob("*.whl")) if fetched.returncode == 0 else []
        if not found:
            return False
        tree = Path(scratch) / "tree"
        with zipfile.ZipFile(found[0]) as wheel:
            members = [m for m in wheel.namelist() if m.startswith(prefix) and not m.endswith("/")]
            if not members:
                return False
            for member in members:
                target = tree / member.removeprefix(prefix)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(wheel.read(member))
        # Commit the old tree beside the current history with plumbing, so neither HEAD nor
        # the working tree (the current version) moves.
        index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        _git(repo, f"--work-tree={tree}", "add", "--all", ".", env_extra=index)
        written = _git(repo, "write-tree", env_extra=index).strip()
        commit = _git(repo, "commit-tree", written, "-m", message).strip()
        _git(repo, "tag", wanted, commit)
    return True
