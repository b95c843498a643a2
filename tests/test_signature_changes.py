"""The classifier of what moving a project from one model version to another changes for the
callers of its generated code: one row per kind of change, breaking or compatible."""

from __future__ import annotations

from typing import Any

import pytest

from idp_cli.signature_changes import Interface, compare

BASE_INPUTS: list[dict[str, Any]] = [
    {"name": "tenure_months", "type": "long"},
    {"name": "contract_type", "type": "string", "enum": ["monthly", "annual"]},
    {"name": "coupon", "type": "string", "required": False},
]
BASE_OUTPUTS: list[dict[str, Any]] = [
    {"name": "churn_probability", "type": "double"},
    {"name": "segment", "type": "string", "enum": ["low", "high"]},
]
BASE_PARAMS: list[dict[str, Any]] = [{"name": "threshold", "type": "double", "default": 0.5}]


def _interface(
    inputs: list[dict[str, Any]] | None = None,
    outputs: list[dict[str, Any]] | None = None,
    params: list[dict[str, Any]] | None = None,
    protocol: str = "oip-v2",
    model_id: str = "churn",
) -> Interface:
    return Interface(
        signature={
            "inputs": BASE_INPUTS if inputs is None else inputs,
            "outputs": BASE_OUTPUTS if outputs is None else outputs,
            "params": BASE_PARAMS if params is None else params,
        },
        protocol=protocol,
        model_id=model_id,
    )


def _with(columns: list[dict[str, Any]], which: str, /, **changes: Any) -> list[dict[str, Any]]:
    out = []
    for column in columns:
        if column["name"] == which:
            column = {**column, **changes}
            column = {k: v for k, v in column.items() if v is not None}
        out.append(column)
    return out


def _without(columns: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [c for c in columns if c["name"] != name]


CASES: list[tuple[str, Interface, list[tuple[str, str, str, str]]]] = [
    ("nothing changed", _interface(), []),
    (
        "required input added",
        _interface(inputs=[*BASE_INPUTS, {"name": "region", "type": "string"}]),
        [("input-added", "inputs.region", "breaking", "required input region (string) added")],
    ),
    (
        "optional input added",
        _interface(inputs=[*BASE_INPUTS, {"name": "region", "type": "string", "required": False}]),
        [("input-added", "inputs.region", "compatible", "optional input region (string) added")],
    ),
    (
        "input removed",
        _interface(inputs=_without(BASE_INPUTS, "coupon")),
        [("input-removed", "inputs.coupon", "breaking", "input coupon removed")],
    ),
    (
        "input renamed in place, same type",
        _interface(inputs=_with(BASE_INPUTS, "tenure_months", name="tenure")),
        [("input-renamed", "inputs.tenure_months", "breaking", "input tenure_months renamed")],
    ),
    (
        "input type widened",
        _interface(inputs=_with(BASE_INPUTS, "tenure_months", type="double")),
        [("type-changed", "inputs.tenure_months", "compatible", "long -> double")],
    ),
    (
        "input type narrowed",
        _interface(inputs=_with(BASE_INPUTS, "tenure_months", type="integer")),
        [("type-changed", "inputs.tenure_months", "breaking", "long -> integer")],
    ),
    (
        "input type changed to another kind",
        _interface(inputs=_with(BASE_INPUTS, "tenure_months", type="string")),
        [("type-changed", "inputs.tenure_months", "breaking", "long -> string")],
    ),
    (
        "optional input made required",
        _interface(inputs=_with(BASE_INPUTS, "coupon", required=True)),
        [("required-changed", "inputs.coupon", "breaking", "input coupon is now required")],
    ),
    (
        "required input made optional",
        _interface(inputs=_with(BASE_INPUTS, "tenure_months", required=False)),
        [("required-changed", "inputs.tenure_months", "compatible", "now optional")],
    ),
    (
        "input enum value removed",
        _interface(inputs=_with(BASE_INPUTS, "contract_type", enum=["monthly"])),
        [("enum-values-removed", "inputs.contract_type", "breaking", "annual")],
    ),
    (
        "input enum value added",
        _interface(inputs=_with(BASE_INPUTS, "contract_type", enum=["monthly", "annual", "2y"])),
        [("enum-values-added", "inputs.contract_type", "compatible", "2y")],
    ),
    (
        "input restricted to an enum",
        _interface(inputs=_with(BASE_INPUTS, "coupon", enum=["A", "B"])),
        [("enum-values-removed", "inputs.coupon", "breaking", "only A, B")],
    ),
    (
        "input enum dropped",
        _interface(inputs=_with(BASE_INPUTS, "contract_type", enum=None)),
        [("enum-values-added", "inputs.contract_type", "compatible", "any value")],
    ),
    (
        "output added",
        _interface(outputs=[*BASE_OUTPUTS, {"name": "reason", "type": "string"}]),
        [("output-added", "outputs.reason", "compatible", "output reason (string) added")],
    ),
    (
        "output removed",
        _interface(outputs=_without(BASE_OUTPUTS, "segment")),
        [("output-removed", "outputs.segment", "breaking", "output segment removed")],
    ),
    (
        "output renamed",
        _interface(outputs=_with(BASE_OUTPUTS, "churn_probability", name="probability")),
        [("output-renamed", "outputs.churn_probability", "breaking", "probability")],
    ),
    (
        "output type narrowed",
        _interface(outputs=_with(BASE_OUTPUTS, "churn_probability", type="float")),
        [("type-changed", "outputs.churn_probability", "compatible", "double -> float")],
    ),
    (
        "output type widened",
        _interface(outputs=_with(BASE_OUTPUTS, "churn_probability", type="string")),
        [("type-changed", "outputs.churn_probability", "breaking", "double -> string")],
    ),
    (
        "output made optional",
        _interface(outputs=_with(BASE_OUTPUTS, "segment", required=False)),
        [("required-changed", "outputs.segment", "breaking", "may be missing")],
    ),
    (
        "output enum value removed",
        _interface(outputs=_with(BASE_OUTPUTS, "segment", enum=["low"])),
        [("enum-values-removed", "outputs.segment", "compatible", "high")],
    ),
    (
        "output enum value added",
        _interface(outputs=_with(BASE_OUTPUTS, "segment", enum=["low", "high", "mid"])),
        [("enum-values-added", "outputs.segment", "breaking", "mid")],
    ),
    (
        "param removed",
        _interface(params=[]),
        [("param-removed", "params.threshold", "breaking", "parameter threshold removed")],
    ),
    (
        "param added",
        _interface(params=[*BASE_PARAMS, {"name": "top_k", "type": "long", "default": 3}]),
        [("param-added", "params.top_k", "compatible", "parameter top_k (long) added")],
    ),
    (
        "param type changed",
        _interface(params=[{"name": "threshold", "type": "string"}]),
        [("type-changed", "params.threshold", "breaking", "double -> string")],
    ),
    (
        "protocol changed",
        _interface(protocol="kserve-v1"),
        [("protocol-changed", "endpoint.protocol", "breaking", "oip-v2 -> kserve-v1")],
    ),
    (
        "model id changed",
        _interface(model_id="churn-4"),
        [("model-id-changed", "endpoint.modelId", "compatible", "churn -> churn-4")],
    ),
]


@pytest.mark.parametrize(("new", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_kind_of_change_is_classified(
    new: Interface, expected: list[tuple[str, str, str, str]]
) -> None:
    changes = compare(_interface(), new)
    assert [(c.kind, c.subject, c.severity) for c in changes] == [e[:3] for e in expected]
    for change, (*_, needle) in zip(changes, expected, strict=True):
        assert needle in change.description
        assert "\n" not in change.description


def test_several_changes_are_all_reported_breaking_first() -> None:
    new = _interface(
        inputs=[*_without(BASE_INPUTS, "coupon"), {"name": "region", "type": "string"}],
        outputs=[*BASE_OUTPUTS, {"name": "reason", "type": "string"}],
        protocol="mlflow-invocations",
    )
    changes = compare(_interface(), new)
    assert [(c.subject, c.severity) for c in changes] == [
        ("inputs.region", "breaking"),
        ("inputs.coupon", "breaking"),
        ("endpoint.protocol", "breaking"),
        ("outputs.reason", "compatible"),
    ]


def test_a_binding_without_a_signature_compares_only_the_endpoint() -> None:
    """Chat templates generate nothing from a signature: one appearing is no change for
    their callers."""
    old = Interface(signature={}, protocol="openai-v1", model_id="a")
    new = Interface(
        signature={"inputs": [{"name": "x", "type": "string"}]},
        protocol="openai-v1",
        model_id="b",
    )
    assert [c.kind for c in compare(old, new)] == ["model-id-changed"]


def test_interfaces_from_a_catalog_version_and_from_a_recorded_binding_agree() -> None:
    version = {
        "version": "4.2.0",
        "signature": {"inputs": BASE_INPUTS, "outputs": BASE_OUTPUTS},
        "serving": {
            "endpoints": [
                {"name": "staging", "environment": "staging", "protocol": "kserve-v1",
                 "url": "https://s", "modelId": "s"},
                {"name": "prod", "protocol": "oip-v2", "url": "https://p", "modelId": "churn"},
            ]
        },
    }  # fmt: skip
    recorded = {
        "signature": {"inputs": BASE_INPUTS, "outputs": BASE_OUTPUTS},
        "endpoint": {"name": "prod", "protocol": "oip-v2", "model_id": "churn"},
    }
    # a version's interface is that of its production endpoint unless one is named
    assert compare(Interface.of_binding(recorded), Interface.of_version(version)) == []
    staging = Interface.of_version(version, "staging")
    assert [c.kind for c in compare(Interface.of_binding(recorded), staging)] == [
        "protocol-changed",
        "model-id-changed",
    ]


def test_changes_serialise_as_plain_data() -> None:
    change = compare(_interface(), _interface(protocol="kserve-v1"))[0]
    assert change.to_dict() == {
        "kind": "protocol-changed",
        "subject": "endpoint.protocol",
        "severity": "breaking",
        "description": change.description,
    }
    assert change.breaking
