"""Which catalog to read: flag, then IDP_CATALOG / IDP_CATALOG_REF, then the user config file,
then the catalog bundled with idp, remembering where the choice came from (so that a bad value
is reported under the name it was given by)."""

from __future__ import annotations

from typing import NamedTuple

from idp_cli import env_vars, paths
from idp_cli.errors import IdpError


# A NamedTuple rather than a dataclass: every command that reads the catalog imports this
# module, and creating a dataclass costs more than the rest of it.
class CatalogChoice(NamedTuple):
    spec: str | None  # None: the bundled catalog
    ref: str | None
    # "flag", "environment", "config file <path>", "answers file <name>", "bundled"
    origin: str

    @property
    def named_by(self) -> str:
        """Where the source was named, as a message should say it."""
        if self.origin == "flag":
            return "--catalog"
        if self.origin == "environment":
            return "IDP_CATALOG"
        if self.origin.startswith("config file "):
            return f"`catalog` in {self.origin.removeprefix('config file ')}"
        if self.origin.startswith("answers file "):
            return f"`catalog_source` in {self.origin.removeprefix('answers file ')}"
        return "the bundled catalog"


def read_config() -> dict[str, object]:
    path = paths.config_file()
    if not path.exists():  # the usual case: no TOML parser to import (a few ms a command)
        return {}
    import tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise IdpError(
            f"{path}: invalid TOML: {exc}", hint="Fix or delete the config file."
        ) from None


def choose_catalog(flag: str | None = None, flag_ref: str | None = None) -> CatalogChoice:
    if flag:
        return CatalogChoice(flag, flag_ref or env_vars.get("IDP_CATALOG_REF") or None, "flag")
    env = env_vars.get("IDP_CATALOG")
    if env:
        return CatalogChoice(
            env, flag_ref or env_vars.get("IDP_CATALOG_REF") or None, "environment"
        )
    config = read_config()
    configured = config.get("catalog")
    if configured is not None and not isinstance(configured, str):
        raise IdpError(f"{paths.config_file()}: `catalog` must be a string")
    config_ref = config.get("catalog_ref")
    if config_ref is not None and not isinstance(config_ref, str):
        raise IdpError(f"{paths.config_file()}: `catalog_ref` must be a string")
    ref = flag_ref or env_vars.get("IDP_CATALOG_REF") or config_ref or None
    if configured:
        return CatalogChoice(configured, ref, f"config file {paths.config_file()}")
    return CatalogChoice(None, ref, "bundled")
