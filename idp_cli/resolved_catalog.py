"""The resolved catalog as plain data, for `idp catalog export --format json` (the Backstage
export is `idp_cli.backstage.export`)."""

from __future__ import annotations

from typing import Any

from idp_cli.catalog.model import Catalog


def resolved(catalog: Catalog) -> dict[str, Any]:
    """The catalog after its includes are merged: every model with every version, in the
    catalog's own camelCase shape (archived versions included; scripts decide)."""
    data = {k: v for k, v in catalog.data.items() if k != "include"}
    data["models"] = [dict(model.raw) for model in catalog.models]
    return data
