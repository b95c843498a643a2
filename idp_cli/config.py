"""Which catalog to read: flag, then IDP_CATALOG / IDP_CATALOG_REF, then the user config file,
then the catalog bundled with idp, remembering where the choice came from."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass

from idp_cli import paths
from idp_cli.errors import IdpError


@dataclass(frozen=True)
class CatalogChoice:
    spec: str | None  # None: the bundled catalog
    ref: str | None
    origin: str  # "flag", "environment", "config file <path>", "bundled"


def read_config() -> dict[str, object]:
    path = paths.config_file()
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
        return CatalogChoice(flag, flag_ref or os.environ.get("IDP_CATALOG_REF") or None, "flag")
    env = os.environ.get("IDP_CATALOG")
    if env:
        return CatalogChoice(
            env, flag_ref or os.environ.get("IDP_CATALOG_REF") or None, "environment"
        )
    config = read_config()
    configured = config.get("catalog")
    if configured is not None and not isinstance(configured, str):
        raise IdpError(f"{paths.config_file()}: `catalog` must be a string")
    config_ref = config.get("catalog_ref")
    if config_ref is not None and not isinstance(config_ref, str):
        raise IdpError(f"{paths.config_file()}: `catalog_ref` must be a string")
    ref = flag_ref or os.environ.get("IDP_CATALOG_REF") or config_ref or None
    if configured:
        return CatalogChoice(configured, ref, f"config file {paths.config_file()}")
    return CatalogChoice(None, ref, "bundled")
