"""Where idp keeps its things: bundled data, the user's config file and cache folder."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_root() -> Path:
    """The folder holding the bundled `catalog.yaml` and `templates/`.

    A wheel carries them inside the package; a source checkout (editable install) has them at
    the top of the repository.
    """
    inside = _PACKAGE / "_bundled"
    return inside if inside.is_dir() else _PACKAGE.parent


def bundled_catalog() -> Path:
    return bundled_root() / "catalog.yaml"


def bundled_templates() -> Path:
    return bundled_root() / "templates"


def config_file() -> Path:
    from idp_cli import env_vars

    explicit = env_vars.get("IDP_CONFIG_FILE")
    if explicit:
        return Path(explicit)
    return _user_folder("config") / "config.toml"


def cache_dir() -> Path:
    from idp_cli import env_vars

    explicit = env_vars.get("IDP_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return _user_folder("cache")


# a name, not `sys.platform == ...` inline: type checkers would take the other branch for dead
_LINUX = sys.platform == "linux"


def _user_folder(kind: str) -> Path:
    """idp's folder of `kind` ("config", "cache") where the platform keeps a user's.

    On Linux that is the XDG base directory (`$XDG_CONFIG_HOME/idp`, else `~/.config/idp`;
    `$XDG_CACHE_HOME/idp`, else `~/.cache/idp`), which is what platformdirs answers there too,
    read here directly: platformdirs' import costs every command a few milliseconds."""
    import os

    if _LINUX:
        base = os.environ.get(f"XDG_{kind.upper()}_HOME", "").strip()
        # the spec ignores a relative path
        root = Path(base) if os.path.isabs(base) else Path.home() / f".{kind}"
        return root / "idp"
    import platformdirs

    finder = platformdirs.user_config_path if kind == "config" else platformdirs.user_cache_path
    return finder("idp", appauthor=False)


def git_root(path: Path) -> Path | None:
    """The working tree `path` is in (the nearest folder holding `.git`), without starting git:
    reading a catalog folder must not pay for a subprocess."""
    for parent in (path, *path.parents):
        if (parent / ".git").exists():
            return parent
    return None


def mirror_into(worktree: Path, source: Path, files: Iterable[str]) -> None:
    """Make a git working tree hold exactly `files` (paths relative to `source`), copied from
    `source`; its `.git` is left alone. Symbolic links are copied as links."""
    import shutil  # not at the top: `idp models list` imports this module and needs none

    for child in worktree.iterdir():
        if child.name == ".git":
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    for rel in files:
        target = worktree / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / rel, target, follow_symlinks=False)
    # Git trusts its index's size, times and inode for "unchanged": a file replaced within the
    # same second by one of the same size (0.0.9 -> 0.1.0), its time copied from the source and
    # its inode reused, looked unchanged, and the change was left out of the next commit. With
    # no index, the next `git add` hashes every file.
    (worktree / ".git" / "index").unlink(missing_ok=True)
