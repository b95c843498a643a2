"""`idp models publish --endpoint K=V,...`: one serving endpoint from a flag, as catalog data.

Capabilities are written `capabilities=a|b` (a comma already separates the pairs); when none
are given they default from the protocol (`vocabulary.DEFAULT_CAPABILITIES`), because an
endpoint without any can be served by no template that needs one, and `catalog validate`
would only warn about it.
"""

from __future__ import annotations

from typing import Any

from idp_cli.catalog.vocabulary import DEFAULT_CAPABILITIES
from idp_cli.errors import IdpError

# flag key -> catalog key
KEYS = {
    "name": "name",
    "environment": "environment",
    "protocol": "protocol",
    "url": "url",
    "model-id": "modelId",
    "model-version": "modelVersion",
    "route-prefix": "routePrefix",
    "auth": "auth",
    "capabilities": "capabilities",
}


def parse(spec: str) -> dict[str, Any]:
    """`protocol=oip-v2,url=https://...,model-id=x,auth=bearer:ENV,capabilities=predict|explain`
    -> an endpoint entry, in the catalog's key order."""
    values: dict[str, str] = {}
    for part in spec.split(","):
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or key not in KEYS:
            raise IdpError(
                f"--endpoint {spec!r}: {key or part!r} is not a known key=value pair",
                hint=f"Use comma-separated pairs of {', '.join(KEYS)}, e.g. "
                "protocol=openai-v1,url=https://llm.example/v1,model-id=chat,auth=bearer:TOKEN_ENV"
                ",capabilities=chat|streaming.",
            )
        values[KEYS[key]] = value.strip()
    for needed in ("protocol", "url"):
        if not values.get(needed):
            raise IdpError(
                f"--endpoint {spec!r}: {needed}= is required",
                hint="e.g. --endpoint protocol=oip-v2,url=https://churn.example,model-id=churn",
            )
    entry: dict[str, Any] = {
        "name": values.pop("name", None) or values.get("environment") or "production"
    }
    for key in ("environment", "protocol", "url", "routePrefix", "modelId", "modelVersion"):
        if values.get(key):
            entry[key] = values[key]
    if values.get("auth"):
        kind, _, env = values["auth"].partition(":")
        entry["auth"] = {"type": kind, "tokenEnv": env} if env else {"type": kind}
    given = [c.strip() for c in values.get("capabilities", "").split("|") if c.strip()]
    # an unknown protocol gets none: validation then names the protocol, the real mistake
    entry["capabilities"] = given or list(DEFAULT_CAPABILITIES.get(entry["protocol"], ()))
    return entry
