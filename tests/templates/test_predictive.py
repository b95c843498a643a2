"""The bundled predictive templates, `prediction-service` and `batch-scoring`.

Both are generated with the real `idp new` for every bundled predictive model they can serve
(every predictive protocol) with one CI system, and for one model with the other; plus the
protocol options (the oip-v2 tensor layout, the mlflow request formats) and a signature with
awkward names, rendered with plain Copier. Each project must keep the generated-project
contract (PRODUCT.md): its own ruff and pytest pass offline with this interpreter's packages,
its CI file validates against the CI system's schema, its catalog-info.yaml against
Backstage's, its answers file records the binding, and no secret is written.

The typed code the templates share is kept byte-identical between them, and idp refuses, with
the field named, a predictive version without a signature or with a type they cannot map.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from idp_cli.templates import snapshots
from tests.templates.contract import check_ci_config, run_module
from tests.templates.predictive_helpers import (
    BUNDLED_MODELS,
    CI_FILES,
    PREDICTIVE,
    SECRET,
    SHARED_QUESTIONS,
    SHARED_SETTINGS,
    TEMPLATES,
    idp,
    isolated,
    odd_model,
    offline_env,
    read_yaml,
    render_with_copier,
    validate_component,
)


@dataclass(frozen=True)
class Case:
    template: str
    ci: str = "github"
    model: str | None = None
    """A bundled model to bind with `idp new`; None: plain Copier with ``model``."""
    data: dict[str, str] = field(default_factory=dict)
    copier_model: dict[str, Any] | None = None
    """The binding given to plain Copier (None: the template's placeholder)."""

    @property
    def id(self) -> str:
        bound = (self.model or "copier").split("/")[-1].split("@")[0]
        if self.copier_model is not None:
            bound = "odd-" + self.copier_model["endpoint"]["protocol"]
        options = "".join(f"-{value}" for value in self.data.values())
        return f"{self.template}-{bound}{options}-{self.ci}"


CASES = [
    *(Case(template, model=ref) for template in PREDICTIVE for ref in BUNDLED_MODELS),
    *(Case(t, ci="gitlab", model="acme/churn-classifier@4.0.0") for t in PREDICTIVE),
    *(Case(t, ci="tekton", model="acme/churn-classifier@4.0.0") for t in PREDICTIVE),
    Case(
        "prediction-service",
        model="acme/claim-cost-regressor@2.0.0",
        data={"mlflow_format": "dataframe_records"},
    ),
    Case(
        "batch-scoring", model="acme/claim-cost-regressor@2.0.0", data={"mlflow_format": "inputs"}
    ),
    # The placeholder binding is an all-numeric oip-v2 model: the one-tensor layout.
    *(Case(template, ci="gitlab", data={"oip_layout": "tensor"}) for template in PREDICTIVE),
    Case("prediction-service", copier_model=odd_model("oip-v2")),
    Case("batch-scoring", copier_model=odd_model("mlflow-invocations")),
]


@dataclass(frozen=True)
class Project:
    case: Case
    path: Path
    answers: dict[str, Any]
    """What the answers file recorded."""

    @property
    def model(self) -> dict[str, Any]:
        model: dict[str, Any] = self.answers["model"]
        return model

    @property
    def package(self) -> str:
        return str(self.answers["project_name"]).replace("-", "_")

    def text(self, relpath: str) -> str:
        return (self.path / relpath).read_text(encoding="utf-8")


# The batch job's modules and its own tests (the Spark entry point's among them).
BATCH_MODULES = ("batch", "scoring", "sources", "sinks", "metrics", "spark")
BATCH_TESTS = (
    "batch_helpers",
    "test_batch",
    "test_batch_safety",
    "test_batch_formats",
    "test_spark",
)

# The fast checks of the contract run on one project per template without `-m slow`.
FAST = {CASES[0].id, CASES[len(BUNDLED_MODELS)].id}


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(case, id=case.id, marks=() if case.id in FAST else pytest.mark.slow)
        for case in CASES
    ],
)
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Project:
    case: Case = request.param
    root = tmp_path_factory.mktemp(case.id)
    dest = root / ("svc" if case.template == "prediction-service" else "job")
    with isolated(root / "home"):
        if case.model is not None:
            args: list[str | Path] = ["new", dest, "-t", case.template, "-m", case.model]
            args += ["--ci", case.ci]
            args += [f"--data={key}={value}" for key, value in case.data.items()]
            result = idp(*args, "--defaults", "-o", "json")
            assert result.exit_code == 0, result.output
            assert json.loads(result.stdout)["model"] == case.model
        else:
            data: dict[str, Any] = {"project_name": "svc-" + case.ci, "ci": case.ci, **case.data}
            if case.copier_model is not None:
                data["model"] = case.copier_model
                data["model_ref"] = "acme/odd-model@1.0.0"
            render_with_copier(case.template, dest, data)
    answers = read_yaml(dest / ".copier-answers.yml")
    return Project(case, dest, answers)


# --- the generated-project contract ------------------------------------------------------


def test_layout(project: Project) -> None:
    root, pkg = project.path, project.package
    service = project.case.template == "prediction-service"
    expected = [
        "pyproject.toml",
        "README.md",
        "Containerfile",
        "catalog-info.yaml",
        ".copier-answers.yml",
        ".gitignore",
        ".dockerignore",
        f"src/{pkg}/__init__.py",
        f"src/{pkg}/__main__.py",
        *(
            [f"src/{pkg}/app.py", "tests/test_app.py"]
            if service
            else [
                *(f"src/{pkg}/{name}.py" for name in BATCH_MODULES),
                *(f"tests/{name}.py" for name in BATCH_TESTS),
            ]
        ),
        # the model client, a part of the app's binding (the predictive-client template)
        ".copier-answers.app-client.yml",
        f"src/{pkg}/model_client/__init__.py",
        f"src/{pkg}/model_client/README.md",
        f"src/{pkg}/model_client/binding.json",
        f"src/{pkg}/model_client/config.py",
        f"src/{pkg}/model_client/signature.py",
        f"src/{pkg}/model_client/protocol.py",
        f"src/{pkg}/model_client/client.py",
        f"src/{pkg}/model_client/errors.py",
        "tests/model_client/__init__.py",
        "tests/model_client/conftest.py",
        "tests/model_client/fake_model_server.py",
        "tests/model_client/test_signature.py",
        "tests/model_client/test_protocol.py",
        "tests/model_client/test_client.py",
        "tests/model_client/test_config.py",
        # how it is deployed (the deploy part; tests/templates/test_deploy.py checks it)
        ".copier-answers.app-deploy.yml",
        "deploy/base/kustomization.yaml",
        "deploy/README.md",
        "tests/model_client/test_async_client.py",
    ]
    if service:  # what every service shares (the service-runner part), and its probes
        expected += [
            f"src/{pkg}/observability.py",
            f"src/{pkg}/serving.py",
            "tests/test_serving.py",
            "tests/test_probes.py",
        ]
    for relpath in expected:
        assert (root / relpath).is_file(), relpath
    chosen, _ = CI_FILES[project.case.ci]
    assert (root / chosen).exists()
    for ci, (relpath, _) in CI_FILES.items():
        if ci != project.case.ci:
            assert not (root / relpath).exists()
            assert not (root / relpath.split("/")[0]).exists()
    assert not list(root.rglob("*.jinja"))
    assert not (root / "includes").exists()

    pyproject = tomllib.loads(project.text("pyproject.toml"))
    deps = " ".join(pyproject["project"]["dependencies"])
    for dep in ("httpx", "pydantic"):
        assert dep in deps
    assert ("fastapi" in deps) == service
    if not service:  # Spark is an extra; the Spark tests have their own marker
        extras = pyproject["project"]["optional-dependencies"]
        assert any(dep.startswith("pyspark") for dep in extras["spark"])
        assert "pyarrow" in deps
        markers = pyproject["tool"]["pytest"]["ini_options"]["markers"]
        assert any(marker.startswith("spark:") for marker in markers)
    assert pyproject["tool"]["pytest"]["ini_options"]["pythonpath"] == ["src"]
    assert pyproject["project"]["name"] == project.answers["project_name"]

    containerfile = project.text("Containerfile")
    # the base image is a build argument (a digest can pin it), used by both stages
    assert "\nARG PYTHON_IMAGE=docker.io/library/python:3.12-slim\n" in containerfile
    assert containerfile.count("\nFROM ${PYTHON_IMAGE}") == 2
    assert re.search(r"^USER (?!root|0\b)", containerfile, re.MULTILINE)

    binding = json.loads(project.text(f"src/{pkg}/model_client/binding.json"))
    model = project.model
    assert binding["model_ref"] == project.answers["model_ref"]
    assert binding["endpoint"]["protocol"] == model["endpoint"]["protocol"]
    assert binding["endpoint"]["url"] == model["endpoint"]["url"]
    assert binding["signature"]["inputs"] == model["signature"]["inputs"]
    assert binding["signature"]["outputs"] == model["signature"]["outputs"]


def test_readme_shows_the_model_card_and_the_signature(project: Project) -> None:
    # the app's README, then its model client's (model card, signature, wire format)
    readme = project.text("README.md") + project.text(
        f"src/{project.package}/model_client/README.md"
    )
    model = project.model
    for expected in (
        project.answers["model_ref"],
        model["license"],
        model["lifecycle"],
        model["endpoint"]["url"],
        model["endpoint"]["protocol"],
        "MODEL_ENDPOINT",
        "MODEL_NAME",
        "MODEL_ENDPOINT_BEARER",
        "### Signature",
        ".predict(",
    ):
        assert expected in readme, expected
    for metric in model["metrics"]:
        assert f"| {metric['type']} | {metric['value']} |" in readme
    for column in model["signature"]["inputs"] + model["signature"]["outputs"]:
        assert f"`{column['name']}`" in readme.replace("\\|", "|"), column["name"]
    # The example record is shown on the wire.
    body = re.search(r"```json\n(.*?)\n```", readme, re.DOTALL)
    assert body is not None
    wire = json.loads(body.group(1))
    protocol = model["endpoint"]["protocol"]
    keys = {"oip-v2": {"inputs"}, "kserve-v1": {"instances"}}
    fmt = project.answers.get("mlflow_format", "dataframe_split")
    assert set(wire) - {"parameters", "params"} == keys.get(protocol, {fmt})


def test_catalog_info_is_a_backstage_component(project: Project) -> None:
    entity = read_yaml(project.path / "catalog-info.yaml")
    validate_component(entity)
    answers, model = project.answers, project.model
    assert entity["metadata"]["name"] == answers["project_name"]
    assert entity["metadata"]["description"] == answers["description"]
    annotations = entity["metadata"]["annotations"]
    assert annotations["idp.example.internal/model-ref"] == answers["model_ref"]
    assert annotations["idp.example.internal/model-protocol"] == model["endpoint"]["protocol"]
    spec = entity["spec"]
    assert spec["type"] == ("service" if project.case.template == "prediction-service" else "job")
    assert spec["owner"] == answers["owner"]
    # the app's own lifecycle, whatever the model's
    assert spec["lifecycle"] == answers.get("lifecycle", "experimental")
    if model["backstage"]["resource"]:
        assert spec["dependsOn"] == [model["backstage"]["resource"]]
    if model["backstage"]["api"]:
        assert spec["consumesApis"] == [model["backstage"]["api"]]


def test_answers_file_records_the_binding(project: Project) -> None:
    answers = project.answers
    if project.case.model is None:  # plain Copier from the template folder
        assert answers["_src_path"] == str(TEMPLATES / project.case.template)
    else:  # idp copies bundled templates from their git snapshot, so projects can be updated
        assert snapshots.bundled_name(str(answers["_src_path"])) == project.case.template
        assert answers["_commit"] == snapshots.tag()
    assert answers["ci"] == project.case.ci
    assert "package_name" not in answers
    for key, value in project.case.data.items():
        assert answers[key] == value
    protocol = project.model["endpoint"]["protocol"]
    # The protocol options are recorded only where they mean something.
    assert ("oip_layout" in answers) == (protocol == "oip-v2")
    assert ("mlflow_format" in answers) == (protocol == "mlflow-invocations")
    if project.case.model is not None:
        name, version = project.case.model.split("@")
        assert answers["model_ref"] == project.case.model
        assert (project.model["name"], project.model["version"]) == (name, version)
        assert answers["catalog_source"]
        assert project.model["signature"]["inputs"]
    elif project.case.copier_model is not None:
        assert project.model == project.case.copier_model


def test_no_secret_in_rendered_files(project: Project) -> None:
    for path in project.path.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text(encoding="utf-8", errors="replace"), path


@pytest.mark.slow
def test_generated_project_lints(project: Project) -> None:
    run_module(["ruff", "check", "--no-cache", "."], project.path)
    run_module(["ruff", "format", "--check", "--no-cache", "."], project.path)


@pytest.mark.slow
def test_generated_project_tests_pass(project: Project) -> None:
    args = ["pytest", "-q", "-p", "no:cacheprovider", "-m", "not spark"]
    run_module(
        args if project.case.template == "batch-scoring" else args[:-2],
        project.path,
        env=offline_env(),
    )


@pytest.mark.slow
def test_generated_spark_tests_pass(project: Project) -> None:
    """The batch job's Spark entry point on a local[2] session: its own module of tests, run
    apart (a JVM to start, and Python workers), with time for a busy machine."""
    if project.case.template != "batch-scoring":
        pytest.skip("only batch-scoring has a Spark entry point")
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        pytest.skip("Spark needs Java 17: apt-get install openjdk-17-jre-headless")
    args = ["pytest", "-q", "-p", "no:cacheprovider", "-m", "spark", "-rs", "tests/test_spark.py"]
    result = run_module(args, project.path, env=offline_env(), timeout=900)
    assert "skipped" not in result.stdout, result.stdout


@pytest.mark.slow
def test_ci_config_validates(project: Project) -> None:
    relpath, _ = CI_FILES[project.case.ci]
    check_ci_config(project.path, project.case.ci)
    found = project.path / relpath
    files = sorted(found.glob("*.yaml")) if found.is_dir() else [found]
    text = "".join(path.read_text(encoding="utf-8") for path in files)
    for step in ("ruff check", "ruff format --check", "pytest", "Containerfile"):
        assert step in text


# --- what the two templates share --------------------------------------------------------


def test_shared_questions_are_identical() -> None:
    service, job = (read_yaml(TEMPLATES / template / "copier.yml") for template in PREDICTIVE)
    for key in SHARED_QUESTIONS + SHARED_SETTINGS:
        assert service[key] == job[key], key
    own = ("title", "description", "parts")
    service_meta = {k: v for k, v in service["_idp"].items() if k not in own}
    job_meta = {k: v for k, v in job["_idp"].items() if k not in own}
    assert service_meta == job_meta
    # both are composed with the same model client; their other parts differ (a job has no
    # service runner)
    assert service["_idp"]["parts"][0] == job["_idp"]["parts"][0]
    assert service["_idp"]["parts"][0]["template"] == "predictive-client"
    questions = [key for key in service if not key.startswith("_")]
    assert questions == [key for key in job if not key.startswith("_")]
    for key in ("project_name", "description"):
        assert service[key]["validator"] == job[key]["validator"]


def test_cases_cover_every_model_protocol_and_ci_system() -> None:
    for template in PREDICTIVE:
        github = {c.model for c in CASES if c.template == template and c.ci == "github"}
        assert set(BUNDLED_MODELS) <= github
        for ci in ("gitlab", "tekton"):
            assert any(c.template == template and c.ci == ci and c.model for c in CASES)
    assert set(BUNDLED_MODELS.values()) == {"oip-v2", "kserve-v1", "mlflow-invocations"}
