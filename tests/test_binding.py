"""The binding is a pure function of the model version, the template and the overrides."""

from __future__ import annotations

from typing import Any

import yaml

from idp_cli.binding import AppAnswers, CatalogFit, answers, fit, fit_catalog, model_mapping
from idp_cli.catalog.model import Catalog
from idp_cli.catalog.query import resolve
from idp_cli.catalog.read import load
from idp_cli.catalog.sources import resolve_source
from idp_cli.codegen import predictive
from idp_cli.config import CatalogChoice
from idp_cli.templates.discovery import Template, find
from tests.cli.new_projects import CHAT_CATALOG


def _catalog() -> Catalog:
    return Catalog(yaml.safe_load(CHAT_CATALOG), ["catalog.yaml"])


def _template(meta: dict[str, Any]) -> Template:
    return Template(
        name="t",
        src="/t",
        ref=None,
        bundled=False,
        config={"_idp": meta, "model": {"type": "yaml"}},
    )


def test_fit_prefers_production_and_explains_refusals() -> None:
    catalog = _catalog()
    chat = find("chat-service")
    result = fit(chat, resolve(catalog, "acme/assistant@2.0.0"))
    assert result.ok
    assert result.endpoint is not None
    assert result.endpoint.name == "prod"
    staging = fit(chat, resolve(catalog, "acme/assistant@2.0.0"), "staging")
    assert staging.endpoint is not None
    assert staging.endpoint.name == "staging"
    missing = fit(chat, resolve(catalog, "acme/assistant@2.0.0"), "development")
    assert not missing.ok
    assert "no development endpoint" in missing.reasons[0]
    embedder = fit(chat, resolve(catalog, "acme/embedder"))
    assert not embedder.ok
    assert any("feature-extraction" in r for r in embedder.reasons)
    assert any("chat" in r for r in embedder.reasons)  # capability missing


def test_fit_catalog_names_what_a_template_serves_and_why_not_the_rest() -> None:
    catalog = _catalog()
    chat = find("chat-service")
    served = fit_catalog(chat, catalog)
    assert [v.ref for v in served.fitting] == ["acme/assistant@2.0.0"]
    assert [m.version.ref for m in served.misfits] == ["acme/embedder@1.0.0"]
    assert served.misfits[0].reasons == fit(chat, served.misfits[0].version).reasons
    # the environment narrows the endpoints, as `idp new --environment` does
    assert fit_catalog(chat, catalog, "development").fitting == []
    # a template without `_idp` metadata binds no model: nothing fits, nothing is refused
    plain = Template(name="p", src="/p", ref=None, bundled=False, config={"x": 1})
    assert fit_catalog(plain, catalog) == CatalogFit([], [])


def test_fit_checks_signature_requirements() -> None:
    version = resolve(_catalog(), "acme/assistant@2.0.0")
    predictive_only = _template({"modelTypes": ["predictive"], "requiresSignature": True})
    reasons = fit(predictive_only, version).reasons
    assert any("generative model" in r for r in reasons)
    assert any("signature.inputs" in r for r in reasons)


def test_answers_carry_the_binding_and_overrides_win() -> None:
    catalog = _catalog()
    chat = find("chat-service")
    version = resolve(catalog, "acme/assistant")
    endpoint = fit(chat, version).endpoint
    assert endpoint is not None
    app = AppAnswers(
        project_name="svc",
        ci="gitlab",
        catalog_source="/cat",
        catalog_ref="",
        catalog_commit="abc",
        overrides={"owner": "group:default/other"},
    )
    data = answers(chat, version, endpoint, app)
    assert data["model_ref"] == "acme/assistant@2.0.0"
    assert data["owner"] == "group:default/other"
    assert data["ci"] == "gitlab"
    assert data["catalog_commit"] == "abc"
    model = data["model"]
    assert model["endpoint"] == {
        "name": "prod",
        "environment": "production",
        "protocol": "openai-v1",
        "url": "https://llm.example.internal",
        "route_prefix": "/v1",
        "model_id": "assistant-2",
        "model_version": "",
        "auth_type": "bearer",
        "token_env": "LLM_TOKEN",
        "capabilities": ["chat", "streaming"],
    }
    assert model["request_defaults"] == {"temperature": 0.2, "max_tokens": 256}
    assert model["backstage"] == {
        "resource": "resource:default/acme-assistant",
        "api": "api:default/acme-assistant-2.0.0-prod",
    }
    # the same inputs give the same answers: nothing depends on time or the machine
    again = answers(chat, version, endpoint, app)
    assert again == data


def test_answers_only_for_questions_the_template_asks() -> None:
    version = resolve(_catalog(), "acme/assistant")
    template = _template({"modelTypes": ["generative"]})
    endpoint = fit(template, version).endpoint
    assert endpoint is not None
    data = answers(
        template,
        version,
        endpoint,
        AppAnswers(
            project_name="x",
            ci="github",
            catalog_source="",
            catalog_ref="",
            catalog_commit="",
            overrides={},
        ),
    )
    assert set(data) == {"model"}


def test_a_signature_s_code_generation_plan_is_part_of_the_binding() -> None:
    loaded = load(resolve_source(CatalogChoice(None, None, "bundled")), use_cache=False)
    assert loaded.catalog is not None
    version = resolve(loaded.catalog, "acme/churn-classifier@4.0.0")
    endpoint = fit(find("prediction-service"), version).endpoint
    assert endpoint is not None

    model = model_mapping(version, endpoint)

    assert list(model)[-1] == "codegen"  # after what people read in the answers file
    assert model["codegen"] == predictive.plan(model["signature"], endpoint.protocol)
    chat = resolve(_catalog(), "acme/assistant")
    chat_endpoint = fit(find("chat-service"), chat).endpoint
    assert chat_endpoint is not None
    assert "codegen" not in model_mapping(chat, chat_endpoint)  # no signature, no plan
