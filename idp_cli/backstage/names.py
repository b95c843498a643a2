"""Backstage entity names for catalog models and endpoints.

`idp catalog export --format backstage` and every generated project's `catalog-info.yaml` use
these same names, so the two link up in a Backstage instance.
"""

from __future__ import annotations

import re

_INVALID = re.compile(r"[^a-z0-9._-]+")
_EDGES = re.compile(r"^[^a-z0-9]+|[^a-z0-9]+$")
MAX_NAME = 63


def entity_name(*parts: str) -> str:
    """A valid Backstage `metadata.name` ([a-z0-9] at both ends, `-_.` inside, <= 63 chars)."""
    name = _INVALID.sub("-", "-".join(parts).lower())
    name = re.sub(r"[-_.]{2,}", "-", name)
    name = _EDGES.sub("", name)
    if len(name) > MAX_NAME:
        name = _EDGES.sub("", name[:MAX_NAME])
    return name or "unnamed"


def model_resource(model_name: str) -> str:
    return f"resource:default/{entity_name(model_name)}"


def endpoint_api(model_name: str, version: str, endpoint: str) -> str:
    return f"api:default/{entity_name(model_name, version, endpoint)}"
