"""Helpers for the tests of the predictive templates (prediction-service, batch-scoring):
rendering with `idp new` or plain Copier in an isolated environment, running a generated
project's own tools, and the generated-project contract checks (PRODUCT.md)."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml
from copier.errors import CopierWarning
from jinja2.sandbox import SandboxedEnvironment
from typer.testing import CliRunner, Result

from idp_cli.cli.app import app
from idp_cli.codegen import predictive
from idp_cli.output import console
from tests.templates import contract
from tests.templates.contract import validate_backstage

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates"
PREDICTIVE = ("prediction-service", "batch-scoring")

# A value that must never reach a rendered file, although it is in the environment while
# rendering, under every variable name a generated project reads.
SECRET = "sk-predictive-test-4f1c9a7e-never-write-me"

CI_FILES = contract.CI_FILES

# What `idp templates show` lists for both templates with the bundled catalog: every
# predictive model's default version with a signature and a predictive protocol.
BUNDLED_MODELS = {
    "acme/churn-classifier@4.0.0": "oip-v2",
    "acme/claim-cost-regressor@2.0.0": "mlflow-invocations",
    "acme/delivery-eta-regressor@1.3.0": "kserve-v1",
    "acme/demand-forecaster@3.0.0": "oip-v2",
    "acme/pcb-defect-detector@2.0.0": "oip-v2",
    "acme/product-image-classifier@2.0.0": "kserve-v1",
    "openai/whisper-small@1.0.0": "kserve-v1",
    "acme/fraud-detector@3.0.0": "oip-v2",
}
TOKEN_ENVS = (
    "CHURN_API_TOKEN",
    "CLAIM_COST_API_KEY",
    "DELIVERY_ETA_TOKEN",
    "DEMAND_FORECAST_TOKEN",
    "DEFECT_DETECTOR_TOKEN",
    "PRODUCT_IMAGE_TOKEN",
    "ASR_TOKEN",
    "FRAUD_API_TOKEN",
    "ODD_KEY",
)

# The questions both templates ask alike (the model client's own are in predictive-client).
SHARED_QUESTIONS = (
    "package_name",
    "owner",
    "ci",
    "idp_version",
    "model_ref",
    "catalog_source",
    "catalog_commit",
    "model",
    "oip_layout",
    "mlflow_format",
)
SHARED_SETTINGS = (
    "_min_copier_version",
    "_subdirectory",
    "_templates_suffix",
    "_answers_file",
    "_exclude",
)

# A binding with awkward names and values: spaces, keywords, leading underscores and digits,
# quotes and backslashes, non-ASCII, one-value and integer enums, names that only differ
# after conversion to Python, a very long name, every column type, params without defaults.
ODD_MODEL: dict[str, Any] = {
    "name": "acme/odd-model",
    "version": "1.0.0",
    "display_name": 'Odd | model "x"',
    "description": "A model whose signature tries the code generator.",
    "model_type": "predictive",
    "tasks": ["tabular-classification"],
    "license": "proprietary",
    "license_link": "",
    "lifecycle": "staging",
    "owner": "group:default/test",
    "provider": "",
    "changelog": "",
    "metrics": [{"type": "f1", "value": 0.5, "dataset": ""}],
    "endpoint": {
        "name": "prod",
        "environment": "production",
        "protocol": "oip-v2",
        "url": "https://odd.example.internal",
        "route_prefix": "/serving",
        "model_id": "odd",
        "model_version": "2",
        "auth_type": "api-key",
        "token_env": "ODD_KEY",
        "capabilities": ["predict"],
    },
    "request_defaults": {"threshold value": 0.25},
    "signature": {
        "inputs": [
            {
                "name": "Sepal Length (cm)",
                "type": "double",
                "required": True,
                "description": 'It\'s "long" \\ really',
            },
            {"name": "class", "type": "string", "required": True, "enum": ["a", 'it\'s "x"', "ü"]},
            {"name": "sepal_length_cm_", "type": "float", "required": False},
            {"name": "_id", "type": "integer", "required": True, "enum": [1, 2, 3]},
            {"name": "3d", "type": "boolean", "required": False},
            {"name": "modelYear", "type": "long", "required": True},
            {"name": "params", "type": "datetime", "required": False},
            {"name": "blob", "type": "binary", "required": False},
            {"name": "x", "type": "string", "required": True, "enum": ["only"]},
            {
                "name": "a_very_long_column_name_that_goes_on_and_on_and_on_for_quite_a_while",
                "type": "string",
                "required": False,
                "enum": ["one", "two"],
            },
        ],
        "outputs": [
            {"name": "class", "type": "string", "required": True, "enum": ["p", "q"]},
            {"name": "when", "type": "datetime", "required": True},
            {"name": "blob out", "type": "binary", "required": False},
            {"name": "n", "type": "integer", "required": True},
        ],
        "params": [
            {"name": "threshold value", "type": "double", "default": 0.25},
            {"name": "mode", "type": "string", "default": 'a "quoted" default'},
            {"name": "flag", "type": "boolean"},
        ],
        "example": {
            "Sepal Length (cm)": 5.5,
            "class": "a",
            "_id": 2,
            "modelYear": 2020,
            "x": "only",
            "params": "2026-01-02T03:04:05",
        },
    },
    "context_length": 0,
    "backstage": {"resource": "resource:default/acme-odd-model", "api": ""},
}


def odd_model(protocol: str) -> dict[str, Any]:
    """ODD_MODEL served through `protocol`, with the plan of its typed code as idp computes
    it for a binding (plain Copier cannot compute it)."""
    model = copy.deepcopy(ODD_MODEL)
    model["endpoint"]["protocol"] = protocol
    if protocol == "mlflow-invocations":
        model["endpoint"]["model_id"] = ""
    return with_plan(model)


def with_plan(model: dict[str, Any]) -> dict[str, Any]:
    """The binding with its `codegen` computed again from its signature and protocol."""
    signature, protocol = model["signature"], model["endpoint"]["protocol"]
    return {**model, "codegen": predictive.plan(signature, protocol)}


@contextmanager
def isolated(home: Path) -> Iterator[pytest.MonkeyPatch]:
    """The environment tests/conftest.py gives each test, for module-scoped fixtures (which
    are set up before it applies), plus the secret under every token variable."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HOME", str(home))
        env.setenv("IDP_CONFIG_FILE", str(home / "config" / "idp" / "config.toml"))
        env.setenv("IDP_CACHE_DIR", str(home / "cache" / "idp"))
        env.setenv("XDG_CONFIG_HOME", str(home / "config"))
        env.setenv("XDG_CACHE_HOME", str(home / "cache"))
        for name in ("IDP_CATALOG", "IDP_CATALOG_REF", "IDP_DEBUG", "IDP_NO_CACHE"):
            env.delenv(name, raising=False)
        env.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
        env.setenv("GIT_CONFIG_NOSYSTEM", "1")
        env.setenv("NO_COLOR", "1")
        env.setenv("COLUMNS", "200")
        env.setenv("MODEL_ENDPOINT_BEARER", SECRET)
        for name in TOKEN_ENVS:
            env.setenv(name, SECRET)
        console.reset()
        try:
            yield env
        finally:
            console.reset()


def idp(*args: str | Path) -> Result:
    """Run the idp command line in-process."""
    return CliRunner().invoke(app, [str(a) for a in args])


def render_with_copier(template: str, dst: Path, data: dict[str, Any]) -> None:
    """`copier copy` alone, as someone without idp would use the template: an app template
    composed of parts (`_idp.parts`) is followed by one `copier copy` per part (render_parts)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CopierWarning)
        copier.run_copy(
            str(TEMPLATES / template), dst, data=data, defaults=True, unsafe=False, quiet=True
        )
    render_parts(template, dst, data)


# the answers that say which model a template is bound to
BOUND_ANSWERS = frozenset({"model", "model_ref", "catalog_source", "catalog_ref", "catalog_commit"})


def render_parts(template: str, dst: Path, data: dict[str, Any]) -> None:
    """After `copier copy` of an app template into `dst`: `copier copy` of each of its parts
    into the same folder, each with its own answers file (`.copier-answers.app-NAME.yml`), the
    same answers and the ones the part's entry names (README: "Templates without idp")."""
    config = yaml.safe_load((TEMPLATES / template / "copier.yml").read_text())
    parts = (config.get("_idp") or {}).get("parts") or []
    if not parts:
        return
    recorded = yaml.safe_load((dst / ".copier-answers.yml").read_text())
    package = str(recorded["project_name"]).replace("-", "_")
    shared = {k: v for k, v in recorded.items() if not k.startswith("_")}
    # an entry's `data` is Jinja over the app's answers, as idp renders it (parts.part_answers)
    jinja = SandboxedEnvironment()
    context = {**shared, "package_name": package}
    for part in parts:
        extra = {
            key: jinja.from_string(value).render(context) if isinstance(value, str) else value
            for key, value in (part.get("data") or {}).items()
        }
        given = {**data, **shared, "package_name": package, **extra}
        answers_file = f".copier-answers.app-{part['name']}.yml"
        if part.get("binding"):
            # a part that binds a model of its own takes the component's placeholder model,
            # not the app's, and is recorded as a binding of its own
            given = {k: v for k, v in given.items() if k not in BOUND_ANSWERS}
            answers_file = f".copier-answers.{part['binding']}.yml"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CopierWarning)
            copier.run_copy(
                str(TEMPLATES / part["template"]),
                dst,
                data=given,
                answers_file=answers_file,
                defaults=True,
                unsafe=False,
                quiet=True,
                overwrite=True,
            )


def offline_env() -> dict[str, str]:
    """The shared offline environment, with more settings a predictive project reads."""
    env = contract.offline_env(SECRET)
    env.update(dict.fromkeys(TOKEN_ENVS, SECRET))
    env.update(MODEL_VERSION="99", MODEL_ROUTE_PREFIX="/nowhere", MODEL_BATCH_SIZE="1")
    return env


def validate_component(entity: dict[str, Any]) -> None:
    validate_backstage(entity, "ComponentV1alpha1")


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def catalog_yaml(version: dict[str, Any], name: str = "acme/test-model") -> str:
    """A one-model catalog around ``version`` (a catalog version entry)."""
    catalog = {
        "apiVersion": "idp/v1alpha1",
        "kind": "ModelCatalog",
        "source": {"id": "test", "name": "Test"},
        "models": [
            {
                "name": name,
                "description": "A predictive model for the template tests.",
                "owner": "group:default/test",
                "modelType": "predictive",
                "tasks": ["tabular-classification"],
                "license": "proprietary",
                "versions": [version],
            }
        ],
    }
    return yaml.safe_dump(catalog, sort_keys=False)


def catalog_version(signature: dict[str, Any] | None) -> dict[str, Any]:
    version: dict[str, Any] = {"version": "1.0.0", "lifecycle": "production"}
    if signature is not None:
        version["signature"] = signature
    version["serving"] = {
        "endpoints": [
            {
                "name": "prod",
                "protocol": "oip-v2",
                "url": "https://test.models.example.internal",
                "modelId": "test-model",
                "capabilities": ["predict"],
            }
        ]
    }
    return version
