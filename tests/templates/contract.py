"""Checks of the generated-project contract (PRODUCT.md), shared by the template tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator  # type: ignore[import-untyped, unused-ignore]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from tests.templates.tekton_checks import check_tekton

REPO = Path(__file__).resolve().parents[2]
# Backstage's own entity schemas, vendored (see the NOTICE there)
SCHEMAS = REPO / "tests" / "data" / "backstage-catalog-schemas"
CI_FILES = {
    "github": (".github/workflows/ci.yml", "vendor.github-workflows"),
    "gitlab": (".gitlab-ci.yml", "vendor.gitlab-ci"),
    # no check-jsonschema builtin: tekton_checks.py validates the folder
    "tekton": (".tekton", "tekton.dev/v1"),
}


def run_module(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def offline_env(secret: str) -> dict[str, str]:
    """Real-looking settings and a dead proxy: the generated tests pass only if they never
    read the real environment or reach the network."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MODEL_", "PYTEST_"))}
    env.update(
        MODEL_ENDPOINT="http://203.0.113.1:9",
        MODEL_NAME="not-the-model",
        MODEL_ENDPOINT_BEARER=secret,
        HTTP_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
        ALL_PROXY="http://127.0.0.1:9",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


@cache
def backstage_registry() -> Registry[Any]:
    resources: list[tuple[str, Resource[Any]]] = []
    for path in sorted(SCHEMAS.rglob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], DRAFT7.create_resource(contents)))
    assert resources, f"no Backstage schemas in {SCHEMAS}"
    return Registry().with_resources(resources)


def validate_backstage(entity: dict[str, Any], kind_schema: str) -> None:
    registry = backstage_registry()
    for schema_id in ("EntityEnvelope", "Entity", kind_schema):
        Draft7Validator(registry.contents(schema_id), registry=registry).validate(entity)


def check_ci_config(project: Path, ci: str) -> None:
    """The CI files against their schemas: check-jsonschema's for GitHub and GitLab, the
    vendored Tekton and Kubernetes ones for Tekton."""
    relpath, schema = CI_FILES[ci]
    if ci == "tekton":
        check_tekton(project)
    else:
        run_module(["check_jsonschema", "--builtin-schema", schema, relpath], project)


def check_project(project: Path, ci: str, secret: str) -> dict[str, Any]:
    """Lint, test, CI schema and Backstage descriptor of one generated project; returns its
    recorded answers."""
    run_module(["ruff", "check", "--no-cache", "."], project)
    run_module(["ruff", "format", "--check", "--no-cache", "."], project)
    run_module(["pytest", "-q", "-p", "no:cacheprovider"], project, env=offline_env(secret))
    check_ci_config(project, ci)
    for other, (other_path, _) in CI_FILES.items():
        if other != ci:
            assert not (project / other_path).exists(), other_path
    entity = yaml.safe_load((project / "catalog-info.yaml").read_text(encoding="utf-8"))
    validate_backstage(entity, "ComponentV1alpha1")
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert isinstance(answers, dict)
    assert (
        entity["metadata"]["annotations"]["idp.example.internal/model-ref"] == answers["model_ref"]
    )
    for path in project.rglob("*"):
        if path.is_file():
            assert secret not in path.read_text(encoding="utf-8", errors="replace"), path
    return answers
