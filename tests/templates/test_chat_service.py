"""The bundled `chat-service` template: render it for an openai-v1 and an ollama model, with
each CI system, and check the generated-project contract (PRODUCT.md): its own linter and tests
pass offline, its CI file validates against the CI system's schema, its catalog-info.yaml is a
valid Backstage Component, its answers file records the binding, and no secret is written."""

from __future__ import annotations

import json
import re
import tomllib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml
from copier.errors import CopierWarning

from tests.templates.contract import CI_FILES, offline_env, run_module, validate_backstage
from tests.templates.predictive_helpers import render_parts

REPO = Path(__file__).parents[2]
TEMPLATE = REPO / "templates" / "chat-service"

# A value that must never reach a rendered file, although it is in the environment while
# rendering (under both variable names a generated project reads).
SECRET = "sk-test-4f1c9a7e-never-write-me"

OPENAI_MODEL: dict[str, Any] = {
    "name": "meta-llama/llama-3.1-8b-instruct",
    "version": "2.1.0",
    "display_name": "Llama 3.1 8B Instruct",
    "description": 'Meta\'s "instruct" tune: chat, tools | summaries.',
    "model_type": "generative",
    "tasks": ["text-generation"],
    "license": "llama3.1",
    "license_link": "https://www.llama.com/llama3_1/license/",
    "lifecycle": "staging",
    "owner": "group:default/genai-platform",
    "provider": "Meta",
    "changelog": "Served with vLLM 0.6 on L40S.",
    "metrics": [{"type": "mmlu_5shot", "value": 0.694, "dataset": "mmlu"}],
    "endpoint": {
        "name": "prod",
        "environment": "production",
        "protocol": "openai-v1",
        "url": "https://llm-gateway.example.internal",
        "route_prefix": "/v1",
        "model_id": "meta-llama/Llama-3.1-8B-Instruct",
        "model_version": "",
        "auth_type": "bearer",
        "token_env": "LLM_GATEWAY_TOKEN",
        "capabilities": ["chat", "completions", "streaming", "tools"],
    },
    "request_defaults": {"temperature": 0.2, "max_tokens": 512},
    "signature": {
        "inputs": [],
        "outputs": [],
        "params": [
            {"name": "temperature", "type": "double", "default": 0.2},
            {"name": "max_tokens", "type": "long", "default": 512},
        ],
        "example": {},
    },
    "context_length": 131072,
    "backstage": {
        "resource": "resource:default/meta-llama-llama-3.1-8b-instruct",
        "api": "api:default/meta-llama-llama-3.1-8b-instruct-2.1.0-prod",
    },
}

OLLAMA_MODEL: dict[str, Any] = {
    "name": "meta-llama/llama-3.2-3b-instruct",
    "version": "1.0.0",
    "display_name": "Llama 3.2 3B Instruct (Ollama)",
    "description": "Small local model for laptops.",
    "model_type": "generative",
    "tasks": ["text-generation"],
    "license": "llama3.2",
    "license_link": "",
    "lifecycle": "production",
    "owner": "group:default/genai-platform",
    "provider": "",
    "changelog": "",
    "metrics": [],
    "endpoint": {
        "name": "local",
        "environment": "development",
        "protocol": "ollama",
        "url": "http://localhost:11434",
        "route_prefix": "",
        "model_id": "llama3.2:3b",
        "model_version": "",
        "auth_type": "none",
        "token_env": "",
        "capabilities": ["chat", "completions", "streaming", "tools"],
    },
    "request_defaults": {"temperature": 0.7},
    "signature": {},
    "context_length": 0,
    "backstage": {
        "resource": "resource:default/meta-llama-llama-3.2-3b-instruct",
        "api": "api:default/meta-llama-llama-3.2-3b-instruct-1.0.0-local",
    },
}

MODELS = {"openai": OPENAI_MODEL, "ollama": OLLAMA_MODEL}
CASES = [(m, ci) for m in MODELS for ci in ("github", "gitlab")]
# Backstage checks metadata.name in code, not in its schemas.
BACKSTAGE_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")


@dataclass(frozen=True)
class Rendered:
    path: Path
    model: dict[str, Any]
    ci: str
    answers: dict[str, Any]

    @property
    def package(self) -> str:
        return str(self.answers["project_name"]).replace("-", "_")


def answers_for(model: dict[str, Any], ci: str, project_name: str) -> dict[str, Any]:
    """What `idp new` passes (docs/templates.md)."""
    ref = f"{model['name']}@{model['version']}"
    return {
        "project_name": project_name,
        "description": f'Chat service bound to {model["display_name"]} ({ref}): "fast" & local',
        "owner": "group:default/app-team",
        "ci": ci,
        "model_ref": ref,
        "catalog_source": "https://git.example.internal/platform/model-catalog.git",
        "catalog_commit": "0123456789abcdef0123456789abcdef01234567",
        "model": model,
    }


def render(dst: Path, data: dict[str, Any] | None = None, *, defaults: bool = True) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CopierWarning)
        copier.run_copy(
            str(TEMPLATE), dst, data=data or {}, defaults=defaults, unsafe=False, quiet=True
        )
    if (dst / ".copier-answers.yml").is_file():
        render_parts("chat-service", dst, data or {})


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    run_module(args, cwd, env)


def hostile_env() -> dict[str, str]:
    return {**offline_env(SECRET), "LLM_GATEWAY_TOKEN": SECRET}


@pytest.fixture(scope="module", params=CASES, ids=[f"{m}-{ci}" for m, ci in CASES])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    name, ci = request.param
    data = answers_for(MODELS[name], ci, f"{name}-chat")
    dst = tmp_path_factory.mktemp(f"{name}-{ci}") / "project"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LLM_GATEWAY_TOKEN", SECRET)
        env.setenv("MODEL_ENDPOINT_BEARER", SECRET)
        render(dst, data)
    return Rendered(dst, MODELS[name], ci, data)


def rendered_files(root: Path) -> Iterator[Path]:
    return (p for p in sorted(root.rglob("*")) if p.is_file())


def test_layout(project: Rendered) -> None:
    root, pkg = project.path, project.package
    for relpath in (
        "pyproject.toml",
        "README.md",
        "Containerfile",
        "catalog-info.yaml",
        ".copier-answers.yml",
        ".gitignore",
        f"src/{pkg}/__init__.py",
        f"src/{pkg}/__main__.py",
        f"src/{pkg}/app.py",
        # what every service shares (the service-runner part)
        f"src/{pkg}/observability.py",
        f"src/{pkg}/serving.py",
        "tests/test_serving.py",
        "tests/test_probes.py",
        # the chat client, a part of the app's binding (the chat-client template)
        ".copier-answers.app-client.yml",
        f"src/{pkg}/model_client/config.py",
        f"src/{pkg}/model_client/base.py",
        f"src/{pkg}/model_client/client.py",
        f"src/{pkg}/model_client/binding.json",
        "tests/model_client/fake_model_server.py",
        # how it is deployed (the deploy part; tests/templates/test_deploy.py checks it)
        ".copier-answers.app-deploy.yml",
        "deploy/base/kustomization.yaml",
        "deploy/README.md",
    ):
        assert (root / relpath).is_file(), relpath
    chosen, _ = CI_FILES[project.ci]
    other, _ = CI_FILES["gitlab" if project.ci == "github" else "github"]
    assert (root / chosen).is_file()
    assert not (root / other).exists()
    assert not (root / ".github").exists() or project.ci == "github"
    assert not list(root.rglob("*.jinja"))

    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["name"] == project.answers["project_name"]
    assert pyproject["project"]["description"] == project.answers["description"]
    deps = " ".join(pyproject["project"]["dependencies"])
    for dep in ("fastapi", "uvicorn", "httpx", "pydantic"):
        assert dep in deps
    assert ("openai" in deps) == (project.model["endpoint"]["protocol"] == "openai-v1")
    assert pyproject["tool"]["pytest"]["ini_options"]["pythonpath"] == ["src"]

    containerfile = (root / "Containerfile").read_text(encoding="utf-8")
    # the base image is a build argument (a digest can pin it), used by both stages
    assert "\nARG PYTHON_IMAGE=docker.io/library/python:3.12-slim\n" in containerfile
    assert containerfile.count("\nFROM ${PYTHON_IMAGE}") == 2
    assert re.search(r"^USER (?!root|0\b)", containerfile, re.MULTILINE)

    readme = (root / "README.md").read_text(encoding="utf-8")
    model = project.model
    for expected in (
        project.answers["model_ref"],
        model["license"],
        model["lifecycle"],
        model["endpoint"]["url"],
        model["endpoint"]["model_id"],
        "MODEL_ENDPOINT",
        "MODEL_NAME",
        "MODEL_ENDPOINT_BEARER",
    ):
        assert expected in readme
    for metric in model["metrics"]:
        assert metric["type"] in readme
        assert str(metric["value"]) in readme

    binding = json.loads(
        (root / f"src/{pkg}/model_client/binding.json").read_text(encoding="utf-8")
    )
    assert binding["binding_name"] == "model"
    assert binding["model_ref"] == project.answers["model_ref"]
    assert binding["endpoint"]["url"] == model["endpoint"]["url"]
    assert binding["endpoint"]["model_id"] == model["endpoint"]["model_id"]


@pytest.mark.slow
def test_generated_project_lints(project: Rendered) -> None:
    run(["ruff", "check", "--no-cache", "."], project.path)
    run(["ruff", "format", "--check", "--no-cache", "."], project.path)


@pytest.mark.slow
def test_generated_project_tests_pass(project: Rendered) -> None:
    run(["pytest", "-q", "-p", "no:cacheprovider"], project.path, env=hostile_env())


@pytest.mark.slow
def test_ci_config_validates(project: Rendered) -> None:
    relpath, schema = CI_FILES[project.ci]
    run(["check_jsonschema", "--builtin-schema", schema, relpath], project.path)
    text = (project.path / relpath).read_text(encoding="utf-8")
    for step in ("ruff check", "ruff format --check", "pytest", "Containerfile"):
        assert step in text


def test_catalog_info_is_a_backstage_component(project: Rendered) -> None:
    entity = yaml.safe_load((project.path / "catalog-info.yaml").read_text(encoding="utf-8"))
    validate_backstage(entity, "ComponentV1alpha1")

    model, answers = project.model, project.answers
    assert entity["kind"] == "Component"
    assert BACKSTAGE_NAME.match(entity["metadata"]["name"])
    assert entity["metadata"]["name"] == answers["project_name"]
    assert entity["metadata"]["description"] == answers["description"]
    annotations = entity["metadata"]["annotations"]
    assert annotations["idp.example.internal/model-ref"] == answers["model_ref"]
    assert not any(key.startswith("backstage.io/source-template") for key in annotations)
    spec = entity["spec"]
    assert spec["type"] == "service"
    assert spec["owner"] == answers["owner"]
    # the app's own lifecycle, whatever the model's
    assert spec["lifecycle"] == answers.get("lifecycle", "experimental")
    assert spec["dependsOn"] == [model["backstage"]["resource"]]
    assert spec["consumesApis"] == [model["backstage"]["api"]]


def test_answers_file_records_the_binding(project: Rendered) -> None:
    recorded = yaml.safe_load((project.path / ".copier-answers.yml").read_text(encoding="utf-8"))
    for key, value in project.answers.items():
        assert recorded[key] == value, key
    assert recorded["_src_path"] == str(TEMPLATE)
    assert "package_name" not in recorded


def test_no_secret_in_rendered_files(project: Rendered) -> None:
    for path in rendered_files(project.path):
        assert SECRET not in path.read_text(encoding="utf-8", errors="replace"), path


@pytest.mark.parametrize("model_lifecycle", ["experimental", "production", "deprecated"])
@pytest.mark.parametrize("app_lifecycle", [None, "production"])
def test_the_app_lifecycle_is_its_own(
    tmp_path: Path, model_lifecycle: str, app_lifecycle: str | None
) -> None:
    model = {**OLLAMA_MODEL, "lifecycle": model_lifecycle}
    answers = answers_for(model, "github", "life")
    if app_lifecycle:
        answers["lifecycle"] = app_lifecycle
    render(tmp_path / "p", answers)
    entity = yaml.safe_load((tmp_path / "p" / "catalog-info.yaml").read_text(encoding="utf-8"))
    assert entity["spec"]["lifecycle"] == (app_lifecycle or "experimental")


def test_defaults_render_a_placeholder_openai_project(tmp_path: Path) -> None:
    render(tmp_path / "p")
    recorded = yaml.safe_load((tmp_path / "p" / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert recorded["ci"] == "github"
    assert recorded["model"]["endpoint"]["protocol"] == "openai-v1"
    assert (tmp_path / "p" / ".github" / "workflows" / "ci.yml").is_file()
    assert (tmp_path / "p" / "src" / recorded["project_name"].replace("-", "_")).is_dir()


@pytest.mark.parametrize(
    "data",
    [
        {"project_name": "Chat"},
        {"project_name": "9chat"},
        {"project_name": "chat-"},
        {"project_name": "../escape"},
        {"project_name": "class"},
        {"project_name": "json"},
        {"project_name": "x" * 64},
        {"project_name": "ok", "package_name": "../../escape"},
        {"ci": "Jenkins CI"},  # any well-formed name may be a plug-in's system: not this one
        {"description": "two\nlines"},
        {"model_ref": "no-version"},
        {"model": {**OPENAI_MODEL, "endpoint": {**OPENAI_MODEL["endpoint"], "protocol": "oip-v2"}}},
        {"model": {**OPENAI_MODEL, "endpoint": {**OPENAI_MODEL["endpoint"], "url": "ftp://x"}}},
        {"model": "just a string"},
    ],
)
def test_bad_answers_are_refused(tmp_path: Path, data: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        render(tmp_path / "p", data)
    assert not (tmp_path / "p").exists() or not any((tmp_path / "p").iterdir())
    assert not (tmp_path / "escape").exists()
