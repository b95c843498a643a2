"""What an MLflow registry holds: its registered models, each with its versions and aliases,
read page by page through `registered-models/search` and `model-versions/search`.

The aliases come from the registered model (MLflow's version search may leave them out), and
a version whose registration is pending or failed is listed as not ready: its artifacts may
not be there yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from idp_cli.importers import RegisteredModel, RegisteredVersion
from idp_cli.importers.mlflow.registry import Registry

# The most MLflow answers in one page of registered models (and more than enough per call).
PAGE = 1000


def registered_models(registry: Registry) -> list[RegisteredModel]:
    found = []
    for model in _pages(registry, "registered-models/search", "registered_models", {}):
        name = str(model["name"])
        aliases: dict[str, list[str]] = {}
        for pair in model.get("aliases") or []:
            aliases.setdefault(str(pair["version"]), []).append(str(pair["alias"]))
        versions = [
            RegisteredVersion(
                version=str(version["version"]),
                uri=f"models:/{name}/{version['version']}",
                aliases=tuple(sorted(aliases.get(str(version["version"]), []))),
                unready=_unready(version),
            )
            for version in _pages(
                registry, "model-versions/search", "model_versions", {"filter": _by_name(name)}
            )
        ]
        versions.sort(key=lambda v: int(v.version) if v.version.isdigit() else 0)
        found.append(RegisteredModel(name, tuple(versions)))
    return sorted(found, key=lambda m: m.name)


def _pages(
    registry: Registry, endpoint: str, key: str, params: dict[str, str]
) -> Iterator[dict[str, Any]]:
    token = ""
    while True:
        query = {**params, "max_results": str(PAGE)}
        if token:
            query["page_token"] = token
        answer = registry.get(endpoint, query)
        yield from answer.get(key) or []
        token = str(answer.get("next_page_token") or "")
        if not token:
            return


def _by_name(name: str) -> str:
    """MLflow's filter for one model's versions; its parser takes either quote."""
    quote = '"' if "'" in name else "'"
    return f"name = {quote}{name}{quote}"


def _unready(version: dict[str, Any]) -> str | None:
    status = str(version.get("status") or "READY")
    if status == "READY":
        return None
    detail = str(version.get("status_message") or "").strip()
    why = _STATUSES.get(status, f"its registration is {status}")
    return why + (f" ({detail})" if detail else "")


_STATUSES = {
    "PENDING_REGISTRATION": "its registration is not finished",
    "FAILED_REGISTRATION": "its registration failed",
}
