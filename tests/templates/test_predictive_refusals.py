"""What the predictive templates refuse: idp names, with the field, a model they cannot serve
(generative, no signature, a column type they cannot map, a tensor layout for strings), and
plain Copier refuses a `model` answer its code generator cannot handle."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from idp_cli.binding import fit
from idp_cli.catalog.model import Catalog
from idp_cli.codegen import predictive
from idp_cli.templates.discovery import find
from tests.templates.predictive_helpers import (
    BUNDLED_MODELS,
    PREDICTIVE,
    TEMPLATES,
    catalog_version,
    catalog_yaml,
    idp,
    read_yaml,
    render_with_copier,
    with_plan,
)

# --- idp knows which models the templates can serve ---------------------------------------


@pytest.mark.parametrize("template", PREDICTIVE)
def test_templates_show_lists_every_predictive_model_with_a_signature(template: str) -> None:
    result = idp("templates", "show", template, "-o", "json")

    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert [entry["ref"] for entry in shown["compatible"]] == list(BUNDLED_MODELS)
    assert set(shown["protocols"]) == {"oip-v2", "kserve-v1", "mlflow-invocations"}
    assert shown["modelTypes"] == ["predictive"]
    names = [q["name"] for q in shown["questions"]]
    for name in ("project_name", "model", "oip_layout", "mlflow_format", "ci", "catalog_commit"):
        assert name in names


@pytest.mark.parametrize("template", PREDICTIVE)
def test_a_generative_model_is_refused(template: str, tmp_path: Path) -> None:
    result = idp("new", tmp_path / "p", "-t", template, "-m", "meta-llama/llama-3.1-8b-instruct")

    assert result.exit_code != 0
    assert "generative model" in result.output
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize("template", PREDICTIVE)
def test_a_version_without_a_signature_is_refused(template: str, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(catalog_yaml(catalog_version(None)), encoding="utf-8")

    result = idp(
        "new", tmp_path / "p", "--catalog", catalog, "-t", template, "-m", "acme/test-model"
    )

    assert result.exit_code != 0
    assert "models[0].versions[0]" in result.output
    assert "needs signature.inputs" in result.output
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize("template", PREDICTIVE)
def test_a_column_type_outside_the_format_is_refused(template: str, tmp_path: Path) -> None:
    signature = {
        "inputs": [{"name": "pixels", "type": "tensor"}],
        "outputs": [{"name": "score", "type": "double"}],
    }
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(catalog_yaml(catalog_version(signature)), encoding="utf-8")

    result = idp(
        "new", tmp_path / "p", "--catalog", catalog, "-t", template, "-m", "acme/test-model"
    )

    assert result.exit_code != 0
    assert "signature.inputs[0].type" in result.output
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize("template", PREDICTIVE)
def test_a_column_type_the_template_cannot_map_is_refused(template: str, tmp_path: Path) -> None:
    """The catalog format's types are all mapped by the bundled templates; a template that
    maps fewer (here: no binary) refuses the models using the others, naming the field."""
    narrowed = tmp_path / template
    shutil.copytree(TEMPLATES / template, narrowed)
    config = narrowed / "copier.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("string, binary, datetime]", "string, datetime]"), "utf-8")
    assert "binary" not in find(str(narrowed)).supports("columnTypes")

    result = idp("new", tmp_path / "p", "-t", narrowed, "-m", "acme/pcb-defect-detector")

    assert result.exit_code != 0
    assert "signature.inputs[0] (image) has type 'binary'" in result.output
    assert not (tmp_path / "p").exists()
    shown = json.loads(idp("templates", "show", narrowed, "-o", "json").stdout)
    compatible = {entry["ref"] for entry in shown["compatible"]}
    assert "acme/pcb-defect-detector@2.0.0" not in compatible
    assert "acme/churn-classifier@4.0.0" in compatible


@pytest.mark.parametrize("template", PREDICTIVE)
def test_the_template_metadata_requires_a_signature(template: str) -> None:
    """idp's own check, for a version that reaches it without a signature (the catalog
    validation refuses those first)."""
    raw = {
        "name": "acme/unsigned",
        "modelType": "predictive",
        "tasks": ["tabular-classification"],
        "versions": [{**catalog_version(None), "signature": {}}],
    }
    version = Catalog({"models": [raw]}, []).models[0].versions[0]

    result = fit(find(template), version)

    assert not result.ok
    assert any("signature.inputs" in reason for reason in result.reasons)


@pytest.mark.parametrize("template", PREDICTIVE)
def test_the_tensor_layout_is_refused_for_string_inputs(template: str, tmp_path: Path) -> None:
    result = idp(
        "new",
        tmp_path / "p",
        "-t",
        template,
        "-m",
        "acme/churn-classifier",
        "--data",
        "oip_layout=tensor",
        "--defaults",
    )

    assert result.exit_code != 0
    assert "contract_type" in result.output
    assert not (tmp_path / "p").exists()


# --- plain Copier refuses what the code generator cannot handle ---------------------------


def _placeholder() -> dict[str, Any]:
    model: dict[str, Any] = read_yaml(TEMPLATES / "prediction-service" / "copier.yml")["model"][
        "default"
    ]
    return model


def _with_signature(**changes: Any) -> dict[str, Any]:
    """The placeholder with another signature, planned as idp plans it where it can be (so
    that what is refused is the signature, not a stale plan)."""
    model = _placeholder()
    model["signature"] = {**model["signature"], **changes}
    return with_plan(model) if predictive.can_plan(model["signature"]) else model


def _without_plan() -> dict[str, Any]:
    return {key: value for key, value in _placeholder().items() if key != "codegen"}


def _with_stale_plan() -> dict[str, Any]:
    """Another signature beside the placeholder's plan, as a hand-edited answer would be."""
    model = _placeholder()
    model["signature"] = {**model["signature"], "inputs": [{"name": "word", "type": "string"}]}
    return model


@pytest.mark.parametrize("template", PREDICTIVE)
@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"model": _with_signature(inputs=[])}, "model.signature.inputs"),
        ({"model": {**_placeholder(), "signature": {}}}, "model.signature.inputs"),
        ({"model": _with_signature(outputs=[])}, "model.signature.outputs"),
        # a signature the plan was not computed for: what its columns hold (a type the
        # template cannot map, a name twice, an empty enum) is for idp's Python to judge
        # when it computes the plan (tests/codegen, test_a_column_type_*), not the validator
        (
            {"model": _with_signature(inputs=[{"name": "pixels", "type": "tensor"}])},
            "model.codegen.inputs does not name the columns",
        ),
        (
            {
                "model": _with_signature(
                    outputs=[{"name": "a", "type": "double"}, {"name": "a", "type": "long"}]
                )
            },
            "model.codegen.outputs does not name the columns",
        ),
        (
            {"model": _with_signature(inputs=[{"name": "c", "type": "string", "enum": []}])},
            "model.codegen.inputs does not name the columns",
        ),
        (
            {"model": {**_placeholder(), "endpoint": {"protocol": "openai-v1", "url": "http://x"}}},
            "model.endpoint.protocol",
        ),
        (
            {
                "model": _with_signature(inputs=[{"name": "word", "type": "string"}]),
                "oip_layout": "tensor",
            },
            '"word" (string)',
        ),
        ({"model": "not a mapping"}, "mapping"),
        ({"model": _without_plan()}, "model.codegen is missing"),
        ({"model": _with_stale_plan()}, "model.codegen.inputs does not name the columns"),
    ],
    ids=[
        "no-inputs",
        "no-signature",
        "no-outputs",
        "unknown-type",
        "duplicate-column",
        "empty-enum",
        "generative-protocol",
        "tensor-with-strings",
        "not-a-mapping",
        "no-plan",
        "stale-plan",
    ],
)
def test_plain_copier_refuses_a_binding_it_cannot_serve(
    template: str, data: dict[str, Any], named: str, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match=re.escape(named)):
        render_with_copier(template, tmp_path / "p", data)
    assert not (tmp_path / "p").exists() or not any((tmp_path / "p").iterdir())


@pytest.mark.parametrize("template", PREDICTIVE)
def test_plain_copier_defaults_render_the_placeholder(template: str, tmp_path: Path) -> None:
    render_with_copier(template, tmp_path / "p", {})

    answers = read_yaml(tmp_path / "p" / ".copier-answers.yml")
    assert answers["model_ref"] == "example/iris-classifier@1.0.0"
    assert answers["oip_layout"] == "columns"
    assert "mlflow_format" not in answers
    package = str(answers["project_name"]).replace("-", "_")
    signature = (tmp_path / "p" / "src" / package / "model_client" / "signature.py").read_text(
        encoding="utf-8"
    )
    assert "sepal_length: Float64" in signature
    assert yaml.safe_load((tmp_path / "p" / "catalog-info.yaml").read_text(encoding="utf-8"))
