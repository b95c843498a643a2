"""Binding a template to a model name (`_idp.binds: name`) is a pure function of the catalog,
the name and the template: the name's check, the fit, and the seed."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from idp_cli import binding, name_binding
from idp_cli.catalog.model import Catalog
from idp_cli.errors import IdpError
from idp_cli.templates.discovery import Template, find

CATALOG = """\
models:
  - name: acme/churn
    displayName: Churn
    description: Predicts churn.
    owner: group:default/ds
    modelType: predictive
    tasks: [tabular-classification]
    license: proprietary
    labels: {domain: customer}
    versions:
      - version: "2.0.0"
        lifecycle: staging
        signature:
          inputs: [{name: tenure, type: long}, {name: plan, type: string, enum: [a, b]}]
          outputs: [{name: p, type: double}]
      - version: "1.0.0"
        lifecycle: production
        metrics: [{type: roc_auc, value: 0.8}]
        signature:
          inputs: [{name: tenure, type: long}]
          outputs: [{name: p, type: double}]
  - name: acme/cost
    description: Predicts cost.
    owner: group:default/ds
    modelType: predictive
    tasks: [tabular-regression]
    license: proprietary
    versions:
      - version: "1.0.0"
        lifecycle: production
        signature:
          inputs: [{name: x, type: double}]
          outputs: [{name: cost, type: double}]
"""


@pytest.fixture
def catalog() -> Catalog:
    return Catalog(yaml.safe_load(CATALOG), ["catalog.yaml"])


@pytest.fixture
def template() -> Template:
    return find("training-project")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Acme/Churn", "not a valid catalog model name"),
        ("-churn", "not a valid catalog model name"),
        ("acme churn", "not a valid catalog model name"),
        ("acme/churn@1.0.0", "names a model version"),
    ],
)
def test_a_name_the_catalog_refuses_is_refused_with_a_hint(name: str, message: str) -> None:
    with pytest.raises(IdpError, match=message) as raised:
        name_binding.check_name(name)
    assert raised.value.hint


def test_a_valid_name_passes() -> None:
    name_binding.check_name("acme/churn-2.v1_x")


def test_the_fit_needs_no_endpoint_but_the_task(template: Template, catalog: Catalog) -> None:
    churn, cost = catalog.get("acme/churn"), catalog.get("acme/cost")
    assert churn is not None and cost is not None
    assert name_binding.fit(template, churn) == []
    reasons = name_binding.fit(template, cost)
    assert len(reasons) == 1 and "tabular-regression" in reasons[0]
    fitting = binding.fit_catalog(template, catalog).fitting
    assert [v.model.name for v in fitting] == ["acme/churn"]


def test_an_existing_model_seeds_from_its_shown_and_production_versions(
    template: Template, catalog: Catalog
) -> None:
    seed: dict[str, Any] = name_binding.seed(template, catalog, "acme/churn")
    assert seed["exists"] is True
    assert seed["labels"] == {"domain": "customer"}
    # no default: the newest production version is shown, and is the baseline
    assert [c["name"] for c in seed["signature"]["inputs"]] == ["tenure"]
    assert seed["baseline"] == {
        "version": "1.0.0",
        "metrics": [{"type": "roc_auc", "value": 0.8, "dataset": ""}],
    }


def test_a_new_name_gets_the_placeholder_signature_under_its_name(
    template: Template, catalog: Catalog
) -> None:
    seed = name_binding.seed(template, catalog, "acme/upsell")
    assert (seed["name"], seed["exists"], seed["display_name"]) == (
        "acme/upsell",
        False,
        "acme/upsell",
    )
    assert seed["description"] == ""
    assert seed["baseline"] == {"version": "", "metrics": []}
    assert seed["signature"]["inputs"], "the template's placeholder columns"


def test_the_answers_name_the_model_and_keep_the_users_data(
    template: Template, catalog: Catalog
) -> None:
    app = binding.AppAnswers(
        project_name="churn-training",
        ci="gitlab",
        catalog_source="https://git.example/catalog.git",
        catalog_ref="",
        catalog_commit="abc",
        overrides={"gate_metric": "pr_auc"},
    )
    answers = name_binding.answers(template, catalog, "acme/churn", app)
    assert answers["model_name"] == "acme/churn"
    assert "model_ref" not in answers
    assert answers["description"] == "Training project for Churn (acme/churn)."
    assert (answers["ci"], answers["gate_metric"]) == ("gitlab", "pr_auc")
    assert binding.owned_answers(template) == binding.NAME_OWNED
    assert "model_ref" not in binding.NAME_OWNED and "model_name" in binding.NAME_OWNED
