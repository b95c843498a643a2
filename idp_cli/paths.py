"""Where idp keeps its things: bundled data, the user's config file and cache folder."""

from __future__ import annotations

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
    from platformdirs import user_config_path

    return user_config_path("idp", appauthor=False) / "config.toml"


def cache_dir() -> Path:
    from idp_cli import env_vars

    explicit = env_vars.get("IDP_CACHE_DIR")
    if explicit:
        return Path(explicit)
    from platformdirs import user_cache_path

    return user_cache_path("idp", appauthor=False)


def git_root(path: Path) -> Path | None:
    """The working tree `path` is in (the nearest folder holding `.git`), without starting git:
    reading a catalog folder must not pay for a subprocess."""
    for parent in (path, *path.parents):
        if (parent / ".git").exists():
            return parent
    return None
