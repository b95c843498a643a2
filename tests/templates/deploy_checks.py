"""Checks of a generated project's deploy/ folder with Kubernetes' own tools: every overlay
rendered by `kubectl kustomize`, every object validated offline against the Kubernetes JSON
schemas of a pinned Kubernetes version (the `kubernetes-validate` package ships them), and
the Argo CD Applications against the fields Argo CD reads (see `check_application`)."""

from __future__ import annotations

import shutil
import subprocess
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


def check_application(app: dict[str, Any], environment: str, project: str) -> None:
    """An Argo CD Application as Argo CD reads it: the fields it requires and their types
    (after the CRD's v1alpha1 schema: spec.destination, spec.source {repoURL, path,
    targetRevision}, spec.project, spec.syncPolicy {automated {prune, selfHeal},
    syncOptions}), and nothing else at any level, so a misspelt field fails."""
    assert app["apiVersion"] == "argoproj.io/v1alpha1"
    assert app["kind"] == "Application"
    assert set(app) == {"apiVersion", "kind", "metadata", "spec"}
    assert set(app["metadata"]) == {"name", "namespace"}
    spec = app["spec"]
    assert set(spec) == {"project", "source", "destination", "syncPolicy"}
    assert set(spec["source"]) == {"repoURL", "targetRevision", "path"}
    assert all(isinstance(v, str) and v for v in spec["source"].values())
    assert spec["source"]["path"] == f"deploy/overlays/{environment}"
    assert set(spec["destination"]) == {"server", "namespace"}
    assert spec["destination"]["namespace"] == f"{project}-{environment}"
    policy = spec["syncPolicy"]
    assert set(policy) <= {"automated", "syncOptions"}
    assert set(policy.get("automated", {})) <= {"prune", "selfHeal"}
    assert all(isinstance(v, bool) for v in policy.get("automated", {}).values())
    assert all(isinstance(o, str) and "=" in o for o in policy["syncOptions"])
