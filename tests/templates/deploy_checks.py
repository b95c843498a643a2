"""Checks of a generated project's deploy/ folder with Kubernetes' own tools: every overlay
rendered by `kubectl kustomize`, every object validated offline against the Kubernetes JSON
schemas of a pinned Kubernetes version (the `kubernetes-validate` package ships them), and
the Argo CD Applications against the schema of Argo CD's Application CRD (vendored, see
tests/data/argocd-application-schema/NOTICE.md)."""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

# The Kubernetes version the manifests must be valid for: the oldest minor version still
# supported upstream when this was written. Strict: an unknown field is an error, as
# `kubectl apply` (server-side field validation) makes it.
KUBERNETES_VERSION = "1.32.0"
KUBECTL_HINT = (
    "kubectl is not installed: the deploy/ overlays are rendered with `kubectl kustomize`. "
    "Install kubectl (e.g. `apt-get install kubernetes-client`, or the release binary from "
    "https://kubernetes.io/docs/tasks/tools/) to run these tests."
)
ENVIRONMENTS = ("production", "staging", "development")
# Argo CD's Application CRD schema, the part the generated Applications use (see the NOTICE)
APPLICATION_SCHEMA = (
    Path(__file__).resolve().parents[1]
    / "data"
    / "argocd-application-schema"
    / "application-v1alpha1.excerpt.json"
)


def require_kubectl() -> str:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip(KUBECTL_HINT)
    return kubectl


def kustomize(overlay: Path) -> list[dict[str, Any]]:
    """The objects `kubectl kustomize` builds from the overlay."""
    result = subprocess.run(
        [require_kubectl(), "kustomize", str(overlay)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"kubectl kustomize {overlay}:\n{result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def validate(obj: dict[str, Any]) -> None:
    """Raise if the object is not valid for KUBERNETES_VERSION (a kind without a schema, a
    custom resource, is an error too: nothing may pass unchecked)."""
    import kubernetes_validate

    kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)


def overlays(project: Path) -> dict[str, Path]:
    found = sorted((project / "deploy" / "overlays").iterdir())
    return {path.name: path for path in found}


def by_kind(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    kinds: dict[str, dict[str, Any]] = {}
    for obj in objects:
        assert obj["kind"] not in kinds, f"two {obj['kind']} objects"
        kinds[obj["kind"]] = obj
    return kinds


def pod_specs(kinds: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    specs = []
    for kind, obj in kinds.items():
        if kind in ("Deployment", "Job"):
            specs.append(obj["spec"]["template"]["spec"])
        elif kind == "CronJob":
            specs.append(obj["spec"]["jobTemplate"]["spec"]["template"]["spec"])
    return specs


def _strict(schema: Any) -> Any:
    """The schema with `additionalProperties: false` on every object that lists properties."""
    if isinstance(schema, dict):
        strict = {key: _strict(value) for key, value in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema:
            strict["additionalProperties"] = False
        return strict
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    return schema


@cache
def application_schema() -> dict[str, Any]:
    loaded = json.loads(APPLICATION_SCHEMA.read_text(encoding="utf-8"))
    strict: dict[str, Any] = _strict(loaded)
    return strict


def validate_application(app: dict[str, Any]) -> None:
    """Raise if the object is not an Argo CD Application as the CRD's schema describes it."""
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]

    assert app.get("apiVersion") == "argoproj.io/v1alpha1", app.get("apiVersion")
    assert app.get("kind") == "Application", app.get("kind")
    Draft202012Validator(application_schema()).validate(app)


def check_application(app: dict[str, Any], environment: str, project: str) -> None:
    """A valid Application that deploys the environment's overlay into its namespace."""
    validate_application(app)
    assert app["spec"]["source"]["path"] == f"deploy/overlays/{environment}"
    assert app["spec"]["destination"]["namespace"] == f"{project}-{environment}"
