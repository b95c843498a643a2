"""What checking one catalog file's text finds, shared by parts.py (a part of the files) and
own_models.py (a part of one file's models)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from idp_cli.catalog import shape
from idp_cli.catalog.rules import model_findings
from idp_cli.catalog.speed import fastyaml


@dataclass(frozen=True)
class Wanted:
    main: bool  # the files are the catalog file itself (one), not include files
    summary: bool  # the caller lists models: summaries are enough
    store: bool  # the result goes into the cache, which keeps both


@dataclass(frozen=True)
class Vouched:
    """What `parts.vouch` found in one file's text. With `summaries` (a clean catalog file
    read in parts, for a caller that lists models: see own_models.py), `data` holds no models:
    they stayed in the worker processes, and come as cache chunks (`chunks`: the models', the
    summaries'), or not at all for a caller that does not store them."""

    data: Any
    clean: bool
    json: fastyaml.Json | None  # the JSON text the fast path read the data from
    summaries: list[Any] | None = None
    chunks: tuple[list[bytes], list[bytes]] | None = None


def models_pass(models: list[Any]) -> bool:
    """Whether every model has the right shape and passes the rules about one model alone."""
    from pydantic_core import ValidationError

    check = shape.checkers()["model"]
    try:
        for raw in models:
            check(raw)
    except ValidationError:
        return False
    return not any(True for raw in models for _ in model_findings(raw))
