"""What `idp catalog validate` warns about: entries that are valid but that no template can
use as they are. Warnings never fail validation (exit 0); pure, over a loaded catalog."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from idp_cli.catalog.model import CatalogView


@dataclass(frozen=True)
class Advice:
    ref: str  # name@version
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"ref": self.ref, "message": self.message}


def advice(catalog: CatalogView[Any]) -> list[Advice]:
    out: list[Advice] = []
    for model in catalog.models:
        for version in model.versions:
            # An archived version is never bound again; a version without endpoints is not
            # served at all, which the rules already allow on purpose.
            if version.lifecycle == "archived":
                continue
            endpoints = version.endpoints
            if not endpoints:
                continue
            capabilities = {c for e in endpoints for c in e.capabilities}
            if not capabilities:
                out.append(
                    Advice(
                        version.ref,
                        f"no endpoint of {version.ref} declares a capability, so no template "
                        "that needs one (chat, predict, ...) can serve it; add "
                        "`capabilities: [...]` to its endpoints",
                    )
                )
            if "embeddings" in capabilities and not (version.raw.get("embedding") or {}).get(
                "dimension"
            ):
                out.append(
                    Advice(
                        version.ref,
                        f"{version.ref} serves embeddings but declares no embedding.dimension, "
                        "so no template that stores its vectors (embeddings-client, "
                        "rag-service) can bind it; add `embedding: {dimension: N}`",
                    )
                )
    return out
