"""Reading a model's entry as the catalog's YAML holds it, unvalidated: every accessor
tolerates a missing or mistyped field, since history reaches commits no one validated."""

from __future__ import annotations

from typing import Any

from idp_cli.history.records import EndpointView

ENDPOINT_FIELDS = ("protocol", "url", "modelId")


def versions(model: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """A model's versions by number, in the catalog's order."""
    found = (model or {}).get("versions")
    if not isinstance(found, list):
        return {}
    return {str(v["version"]): v for v in found if isinstance(v, dict) and "version" in v}


def lifecycle(version: dict[str, Any] | None) -> str | None:
    return str(version["lifecycle"]) if version and "lifecycle" in version else None


def _deprecation(version: dict[str, Any] | None) -> dict[str, Any]:
    found = (version or {}).get("deprecation")
    return found if isinstance(found, dict) else {}


def successor(version: dict[str, Any] | None) -> str | None:
    named = _deprecation(version).get("successor")
    # a past commit's entry is not checked: `0x0` names a model "0" as well as a string would;
    # no, an empty text or a list names none
    if named is None or named == "" or isinstance(named, bool | list | dict):
        return None
    return str(named)


def sunset_date(version: dict[str, Any] | None) -> Any:
    return _deprecation(version).get("sunsetDate")


def endpoints(version: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A version's endpoints by name (by position when one has none)."""
    serving = version.get("serving")
    found = serving.get("endpoints") if isinstance(serving, dict) else None
    if not isinstance(found, list):
        return {}
    return {str(e.get("name", index)): e for index, e in enumerate(found) if isinstance(e, dict)}


def endpoint_view(endpoint: dict[str, Any] | None) -> EndpointView | None:
    """The fields of an endpoint the generated code depends on."""
    if endpoint is None:
        return None
    return EndpointView(
        protocol=endpoint.get("protocol"), url=endpoint.get("url"), model_id=endpoint.get("modelId")
    )


def alias_owners(model: dict[str, Any] | None) -> dict[str, str]:
    """Which version each alias of the model names; `defaultVersion` too when it names a
    version itself (an alias it names moves with that alias)."""
    owners: dict[str, str] = {}
    for number, version in versions(model).items():
        found = version.get("aliases")
        for alias in found if isinstance(found, list) else []:
            owners.setdefault(str(alias), number)
    default = (model or {}).get("defaultVersion")
    if default is not None and str(default) in versions(model):
        owners["defaultVersion"] = str(default)
    return owners
