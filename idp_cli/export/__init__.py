"""Exports of the catalog for other tools: Backstage entities (`backstage`) and the resolved
catalog as plain data (`resolved`)."""

from __future__ import annotations

from typing import Any

from idp_cli.catalog.model import Catalog


def resolved(catalog: Catalog) -> dict[str, Any]:
    """The catalog after its includes are merged: every model with every version, in the
    catalog's own camelCase shape (archived versions included; scripts decide)."""
    data = {k: v for k, v in catalog.data.items() if k != "include"}
    data["models"] = [dict(model.raw) for model in catalog.models]
    return data
