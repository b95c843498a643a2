"""Plumbing shared by every command group: error handling and the catalog to read."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer

from idp_cli import env_vars
from idp_cli.catalog.model import Catalog, CatalogSummary
from idp_cli.catalog.read import open_catalog, open_summary
from idp_cli.catalog.sources import Source, resolve_source
from idp_cli.config import choose_catalog
from idp_cli.errors import ExitCode, IdpError
from idp_cli.output import console

P = ParamSpec("P")
R = TypeVar("R")


def guard(func: Callable[P, R]) -> Callable[P, R]:
    """Turn expected failures into a message, a hint and an exit code, never a traceback
    (unless IDP_DEBUG is set); a bug still shows its traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from idp_cli import warning_sink

        console.reset()
        warning_sink.set_sink(console.warn)
        try:
            return func(*args, **kwargs)
        except IdpError as exc:
            if env_vars.is_set("IDP_DEBUG"):
                raise
            console.error(exc.message, exc.hint)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            console.error("interrupted")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None

    return wrapper


def interactive(defaults: bool) -> bool:
    """Whether a command may ask: not with --defaults, and only with a terminal to ask in."""
    return not defaults and console.is_tty(sys.stdin) and console.is_tty(sys.stderr)


def catalog_options(
    ctx: typer.Context | None, catalog: str | None, catalog_ref: str | None
) -> tuple[str | None, str | None]:
    """`--catalog` and `--catalog-ref` as given on the command, else on `idp` itself."""
    given = catalog or _global_option(ctx, "catalog")
    return given, catalog_ref or _global_option(ctx, "catalog_ref")


def _global_option(ctx: typer.Context | None, key: str) -> str | None:
    # the root callback stores the global options in the root context's obj, which Click
    # hands down to every subcommand's context
    obj = ctx.find_root().obj if ctx is not None else None
    if isinstance(obj, dict) and obj.get(key):
        return str(obj[key])
    return None


def catalog_source(
    ctx: typer.Context | None,
    catalog: str | None,
    catalog_ref: str | None,
    *,
    published: bool = False,
) -> Source:
    """The source named on the command, else on `idp` itself, else by environment/config.
    `published`: a local repository is read at its default branch (see resolve_source)."""
    choice = choose_catalog(*catalog_options(ctx, catalog, catalog_ref))
    return resolve_source(choice, published=published)


def load_catalog(
    ctx: typer.Context | None, catalog: str | None, catalog_ref: str | None
) -> Catalog:
    return open_catalog(catalog_source(ctx, catalog, catalog_ref))


def load_summary(
    ctx: typer.Context | None, catalog: str | None, catalog_ref: str | None
) -> CatalogSummary:
    """What `idp models list` reads of the catalog (see model.CatalogSummary)."""
    return open_summary(catalog_source(ctx, catalog, catalog_ref))
