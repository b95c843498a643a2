"""Binding a catalog model version to a template: which templates can serve which models, and
the answers idp hands to Copier (pure: no I/O, no Copier)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from idp_cli import __version__
from idp_cli.backstage.names import endpoint_api, model_resource
from idp_cli.catalog.model import Catalog, Endpoint, Version
from idp_cli.catalog.vocabulary import ENVIRONMENTS
from idp_cli.codegen import predictive
from idp_cli.templates.discovery import Template

DEFAULT_ROUTE_PREFIX = {"openai-v1": "/v1"}
# The answer that records which idp generated or last updated a project: the bundled
# templates' idp-update CI job installs exactly that release.
IDP_VERSION = "idp_version"


@dataclass(frozen=True)
class Fit:
    endpoint: Endpoint | None
    reasons: list[str]  # why the model does not fit; empty when it does

    @property
    def ok(self) -> bool:
        return not self.reasons


def fit(template: Template, version: Version, environment: str | None = None) -> Fit:
    """Can `template` serve `version`, and through which endpoint?

    The endpoint is the first that the template can speak in the asked environment (default:
    production, else any environment).
    """
    reasons: list[str] = []
    model = version.model
    types = template.supports("modelTypes")
    if types and model.model_type not in types:
        reasons.append(
            f"it is a {model.model_type} model; the template serves {', '.join(types)} models"
        )
    tasks = template.supports("tasks")
    if tasks and not set(tasks) & set(model.tasks):
        reasons.append(
            f"its tasks ({', '.join(model.tasks)}) are not among the template's ({', '.join(tasks)})"
        )
    if template.meta.get("requiresSignature") and not version.signature.get("inputs"):
        reasons.append("it has no signature.inputs to generate typed code from")
    if template.meta.get("requiresEmbeddingDimension") and not version.raw.get("embedding"):
        reasons.append("it declares no embedding.dimension (the size of its vectors)")
    column_types = template.supports("columnTypes")
    if column_types:
        for part in ("inputs", "outputs"):
            for index, column in enumerate(version.signature.get(part, [])):
                if column.get("type") not in column_types:
                    reasons.append(
                        f"signature.{part}[{index}] ({column.get('name')}) has type "
                        f"{column.get('type')!r}, which the template cannot map"
                    )

    if template.binds_name:  # it makes the model's versions: it needs none of their endpoints
        return Fit(None, reasons)
    candidates = version.endpoints
    if environment:
        candidates = [e for e in candidates if e.environment == environment]
        if not candidates:
            known = ", ".join(sorted({e.environment for e in version.endpoints})) or "none"
            return Fit(
                None, [*reasons, f"it has no {environment} endpoint (environments: {known})"]
            )
    if not candidates:
        return Fit(None, [*reasons, "it has no serving endpoint"])
    protocols = template.supports("protocols")
    capabilities = set(template.supports("capabilities"))
    usable = [
        e
        for e in candidates
        if (not protocols or e.protocol in protocols) and capabilities <= set(e.capabilities)
    ]
    if not usable:
        offered = ", ".join(
            f"{e.name}: {e.protocol} [{', '.join(e.capabilities)}]" for e in candidates
        )
        wanted = ", ".join(protocols) or "any protocol"
        need = f" with {', '.join(sorted(capabilities))}" if capabilities else ""
        reasons.append(f"no endpoint speaks {wanted}{need} (it has {offered})")
        return Fit(None, reasons)
    usable.sort(key=lambda e: e.environment != "production")
    return Fit(usable[0], reasons)


@dataclass(frozen=True)
class Misfit:
    version: Version
    reasons: list[str]  # why the template cannot serve it


@dataclass(frozen=True)
class CatalogFit:
    fitting: list[Version]
    misfits: list[Misfit]
    # models shown by a deprecated version (no live one to start a project on): named, not
    # offered, so that a model does not vanish from every list
    deprecated: list[Version] = field(default_factory=list)


def fit_catalog(template: Template, catalog: Catalog, environment: str | None = None) -> CatalogFit:
    """Which models the template can serve, and why not the others: each model's default
    version, retired ones left out (nobody should start a project on them). A template without
    `_idp` metadata binds no model, so it serves none and misses none."""
    found = CatalogFit([], [])
    if not template.binds_model:
        return found
    for model in catalog.models:
        version = model.shown_version
        if version.retired:
            if version.lifecycle == "deprecated":
                found.deprecated.append(version)
            continue
        result = fit(template, version, environment)
        if result.ok:
            found.fitting.append(version)
        else:
            found.misfits.append(Misfit(version, result.reasons))
    return found


def fit_like(template: Template, version: Version, environment: str | None) -> Fit:
    """`fit` in the environment a project's endpoint was in, else in any: what re-binding a
    project to another version, and choosing which version `--latest` may bind, both use."""
    result = fit(template, version, environment)
    if result.endpoint is None and environment:
        result = fit(template, version)
    return result


def model_mapping(version: Version, endpoint: Endpoint) -> dict[str, Any]:
    """The `model` answer: everything a template needs to know about the bound model, and
    for a version with a signature the plan of the typed code generated from it (`codegen`)."""
    model = version.model
    raw = version.raw
    signature = version.signature
    normalized = normalized_signature(signature)
    mapping = {
        "name": model.name,
        "version": version.version,
        "display_name": model.display_name,
        "description": model.description,
        "model_type": model.model_type,
        "tasks": model.tasks,
        "license": model.license,
        "license_link": str(model.raw.get("licenseLink") or ""),
        "lifecycle": version.lifecycle,
        "owner": model.owner,
        "provider": str(model.raw.get("provider") or ""),
        "changelog": str(raw.get("changelog") or ""),
        "metrics": [
            {"type": m["type"], "value": m["value"], "dataset": m.get("dataset") or ""}
            for m in raw.get("metrics", [])
        ],
        "endpoint": _endpoint_answer(endpoint),
        # every environment's endpoint the generated code can talk to, for the app's
        # per-environment deployment (templates/deploy): recorded with the binding, so that
        # `idp update` rewrites it when the catalog moves an environment's endpoint
        "environments": [_endpoint_answer(e) for e in environment_endpoints(version, endpoint)],
        "request_defaults": {
            p["name"]: p["default"]
            for p in signature.get("params", [])
            if p.get("default") is not None
        },
        "signature": normalized,
        "context_length": int((raw.get("llm") or {}).get("contextLength") or 0),
        "backstage": {
            "resource": model_resource(model.name),
            "api": endpoint_api(model.name, version.version, endpoint.name),
        },
    }
    dimension = (raw.get("embedding") or {}).get("dimension")
    if dimension:
        # only an embedding model's: the vector size an index of its vectors is built with
        mapping["embedding_dimension"] = int(dimension)
    # Recorded with the binding it is computed from, so that `idp update` passes it whenever
    # the binding changes, and a project renders again from its answers file alone.
    if predictive.can_plan(normalized):
        mapping["codegen"] = predictive.plan(normalized, endpoint.protocol)
    return mapping


def environment_endpoints(version: Version, bound_endpoint: Endpoint) -> list[Endpoint]:
    """One endpoint per environment the version declares (production, staging, development
    order), each one the generated code can talk to as it talks to the bound endpoint: the
    same protocol and at least its capabilities; the bound endpoint stands for its own
    environment. An environment with no such endpoint has none."""
    chosen: list[Endpoint] = []
    wanted = set(bound_endpoint.capabilities)
    for environment in ENVIRONMENTS:
        if environment == bound_endpoint.environment:
            chosen.append(bound_endpoint)
            continue
        usable = (
            e
            for e in version.endpoints
            if e.environment == environment
            and e.protocol == bound_endpoint.protocol
            and wanted <= set(e.capabilities)
        )
        found = next(usable, None)
        if found is not None:
            chosen.append(found)
    return chosen


def _endpoint_answer(endpoint: Endpoint) -> dict[str, Any]:
    auth = endpoint.raw.get("auth") or {}
    return {
        "name": endpoint.name,
        "environment": endpoint.environment,
        "protocol": endpoint.protocol,
        "url": endpoint.url.rstrip("/"),
        "route_prefix": str(
            endpoint.raw.get("routePrefix") or DEFAULT_ROUTE_PREFIX.get(endpoint.protocol, "")
        ),
        "model_id": endpoint.model_id,
        "model_version": str(endpoint.raw.get("modelVersion") or ""),
        "auth_type": str(auth.get("type") or "none"),
        "token_env": str(auth.get("tokenEnv") or ""),
        "capabilities": endpoint.capabilities,
    }


def normalized_signature(signature: dict[str, Any]) -> dict[str, Any]:
    if not signature:
        return {}

    def column(c: dict[str, Any]) -> dict[str, Any]:
        out = {"name": c["name"], "type": c["type"], "required": bool(c.get("required", True))}
        if c.get("enum"):
            out["enum"] = list(c["enum"])
        if c.get("description"):
            out["description"] = c["description"]
        return out

    return {
        "inputs": [column(c) for c in signature.get("inputs", [])],
        "outputs": [column(c) for c in signature.get("outputs", [])],
        "params": [
            {k: p[k] for k in ("name", "type", "default", "description") if p.get(k) is not None}
            for p in signature.get("params", [])
        ],
        "example": dict(signature.get("example") or {}),
    }


def description(template: Template, version: Version) -> str:
    """The one-line description idp writes; `idp update` rewrites it when it re-binds, unless
    the user wrote their own."""
    return f"{template.title} bound to {version.model.display_name} ({version.ref})."


def bound(
    version: Version,
    endpoint: Endpoint,
    *,
    catalog_source: str,
    catalog_ref: str,
    catalog_commit: str,
) -> dict[str, Any]:
    """The answers that say which model a project is bound to and where it was read."""
    return {
        "model_ref": version.ref,
        "catalog_source": catalog_source,
        "catalog_ref": catalog_ref,
        "catalog_commit": catalog_commit,
        "model": model_mapping(version, endpoint),
    }


# The answers idp sets itself, with what sets them instead of `--data`.
IDP_OWNED = {
    "model_ref": "--model",
    "model": "--model",
    "catalog_source": "--catalog",
    "catalog_ref": "--catalog-ref",
    "catalog_commit": "--catalog or --catalog-ref",
    IDP_VERSION: "the idp release that runs (or the CI variable IDP_PIP_SPEC)",
}


# What a template bound to a model name (`_idp.binds: name`) has idp set instead.
NAME_OWNED = {
    "model_name": "--model",
    **{k: v for k, v in IDP_OWNED.items() if k not in ("model_ref", "model")},
    "model": "--model",
}


def owned_answers(template: Template) -> dict[str, str]:
    """IDP_OWNED for a template idp binds a model into; nothing for a plain template."""
    if template.binds_name:
        return NAME_OWNED
    return IDP_OWNED if template.binds_model else {}


def running_idp() -> dict[str, str]:
    """The `idp_version` answer of this idp, for a template that asks it."""
    return {IDP_VERSION: __version__}


@dataclass(frozen=True)
class AppAnswers:
    """A new app's answers besides its model, whether it binds a version or a model name. The
    app's `owner` is its own (app_owner.py), never the model's; None leaves the template's
    default. `overrides` (the user's `--data`) go on top of everything."""

    project_name: str
    ci: str
    catalog_source: str
    catalog_ref: str
    catalog_commit: str
    overrides: dict[str, Any]
    owner: str | None = None

    @property
    def catalog(self) -> dict[str, str]:
        """Where the catalog was read, as the answers record it."""
        return {
            "catalog_source": self.catalog_source,
            "catalog_ref": self.catalog_ref,
            "catalog_commit": self.catalog_commit,
        }

    def around(self, template: Template, described: str, model: dict[str, Any]) -> dict[str, Any]:
        """The answers for Copier: the app's, then `model` (the binding), kept to the questions
        the template asks, then the user's `--data`."""
        data: dict[str, Any] = {
            "project_name": self.project_name,
            "description": described,
            **({"owner": self.owner} if self.owner is not None else {}),
            "ci": self.ci,
            **running_idp(),
            **model,
        }
        known = {q.name for q in template.questions}
        data = {k: v for k, v in data.items() if k in known}
        data.update(self.overrides)
        return data


def answers(
    template: Template, version: Version, endpoint: Endpoint, app: AppAnswers
) -> dict[str, Any]:
    """The answers for Copier of an app bound to `version`, served through `endpoint`."""
    return app.around(
        template, description(template, version), bound(version, endpoint, **app.catalog)
    )
