"""The plan of the predictive templates' typed code, computed from a signature."""

from __future__ import annotations

from typing import Any

import pytest

from idp_cli.codegen import predictive

SIGNATURE: dict[str, Any] = {
    "inputs": [
        {"name": "class", "type": "string", "required": True, "enum": ["a", "b"]},
        {"name": "modelYear", "type": "long", "required": True},
        {"name": "model_year", "type": "integer", "required": False},
        {"name": "3d", "type": "boolean", "required": False},
        {"name": "image", "type": "binary", "required": False, "description": 'It\'s "raw"'},
    ],
    "outputs": [{"name": "class", "type": "string", "required": True, "enum": ["x"]}],
    "params": [
        {"name": "threshold", "type": "double", "default": 0.5},
        {"name": "mode", "type": "string"},
    ],
    "example": {"class": "b", "modelYear": 2020, "image": "Zm9v" * 30},
}


def test_python_names_avoid_keywords_and_each_other() -> None:
    plan = predictive.plan(SIGNATURE, "oip-v2")

    names = [(c["name"], c["py"], c["alias"]) for c in plan["inputs"]]
    assert names == [
        ("class", "class_", '"class"'),
        ("modelYear", "model_year", '"modelYear"'),
        ("model_year", "model_year_2", '"model_year"'),
        ("3d", "f_3d", '"3d"'),
        ("image", "image", ""),
    ]
    assert [c["py"] for c in plan["params"]] == ["threshold", "mode"]
    assert predictive.pyname("params") == "params_"  # the client's own keyword
    assert len(predictive.pyname("x" * 80)) == predictive.NAME_LENGTH


def test_enums_become_literal_aliases_that_shadow_nothing() -> None:
    plan = predictive.plan(SIGNATURE, "oip-v2")

    assert plan["enums"] == [
        {"alias": "Class", "values": ['"a"', '"b"']},
        {"alias": "ClassOutput", "values": ['"x"']},
    ]
    assert plan["inputs"][0]["annotation"] == "Class"
    assert plan["uses"] == {"literal": True, "datetime": False, "binary": True}
    assert predictive.camel("id") == "Id"
    assert predictive.camel("f_3d") == "F3d"
    assert predictive.camel("ab") == "Ab"
    assert predictive.camel("x") == "X" + "Values"  # all capitals would sort as a constant


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("plain", '"plain"'),
        ('say "hi"', "'say \"hi\"'"),
        ("it's", '"it\'s"'),
        ("ü", '"ü"'),
        (True, "True"),
        (None, "None"),
        (1e-05, "1e-05"),
        (3, "3"),
    ],
)
def test_literals_are_quoted_as_ruff_format_quotes_them(value: object, literal: str) -> None:
    assert predictive.pylit(value) == literal


def test_params_defaults_and_descriptions_are_python_source() -> None:
    plan = predictive.plan(SIGNATURE, "oip-v2")

    assert [p["default"] for p in plan["params"]] == ["0.5", "None"]
    assert plan["inputs"][4]["doc"] == "'It\\'s \"raw\"'"
    assert plan["inputs"][1]["doc"] == ""


def test_example_arguments_are_python_source_split_to_fit_the_line() -> None:
    plan = predictive.plan(SIGNATURE, "oip-v2")

    arguments = [c["argument"] for c in plan["inputs"]]
    assert arguments[:4] == ['class_="b",', "model_year=2020,", "model_year_2=1,", "f_3d=False,"]
    assert arguments[4] == f'image=base64.b64decode(\n    "{"Zm9v" * 30}"\n),'
    assert [c["in_example"] for c in plan["inputs"]] == [True, True, False, False, True]


@pytest.mark.parametrize(
    ("types", "datatype"),
    [
        (["boolean"], "BOOL"),
        (["boolean", "integer"], "INT32"),
        (["integer", "long"], "INT64"),
        (["float", "boolean"], "FP32"),
        (["float", "double"], "FP64"),
        (["string"], "FP64"),
    ],
)
def test_the_tensor_datatype_is_the_narrowest_that_holds_every_input(
    types: list[str], datatype: str
) -> None:
    inputs = [{"name": f"c{i}", "type": t} for i, t in enumerate(types)]
    assert predictive.tensor_datatype(inputs) == datatype


def test_the_tensor_layout_is_planned_beside_columns_for_numeric_oip_inputs() -> None:
    signature = {
        "inputs": [
            {"name": "a", "type": "long", "required": True},
            {"name": "b", "type": "double", "required": False},
        ],
        "outputs": [{"name": "y", "type": "double", "required": True}],
        "params": [{"name": "t", "type": "double", "default": 0.5}],
        "example": {"a": 3},
    }

    plan = predictive.plan(signature, "oip-v2")

    # every input is required in a tensor, so the example is completed with a filler
    assert plan["examples"] == {"columns": {"a": 3}, "tensor": {"a": 3, "b": 1.5}}
    assert plan["request_bodies"]["tensor"] == {
        "inputs": [{"name": "input-0", "shape": [1, 2], "datatype": "FP64", "data": [3.0, 1.5]}],
        "parameters": {"t": 0.5},
    }
    assert plan["request_bodies"]["columns"]["inputs"] == [
        {"name": "a", "shape": [1], "datatype": "INT64", "data": [3]}
    ]
    assert set(predictive.plan(SIGNATURE, "oip-v2")["examples"]) == {"columns"}


def test_request_bodies_cover_the_protocol_s_formats() -> None:
    mlflow = predictive.plan(SIGNATURE, "mlflow-invocations")["request_bodies"]
    kserve = predictive.plan(SIGNATURE, "kserve-v1")["request_bodies"]

    assert list(mlflow) == ["dataframe_split", "dataframe_records", "inputs"]
    assert mlflow["dataframe_split"]["dataframe_split"]["columns"] == [
        "class",
        "modelYear",
        "image",
    ]
    assert mlflow["inputs"]["params"] == {"threshold": 0.5}
    assert kserve["instances"]["instances"][0]["image"] == {"b64": "Zm9v" * 30}
    assert kserve["instances"]["parameters"] == {"threshold": 0.5}


def test_only_signatures_of_mapped_types_are_planned() -> None:
    assert predictive.can_plan(SIGNATURE)
    assert not predictive.can_plan({})
    tensor = {"inputs": [{"name": "pixels", "type": "tensor"}], "outputs": []}
    assert not predictive.can_plan(tensor)


@pytest.mark.parametrize(
    ("inputs", "problem"),
    [
        ([{"name": "a", "type": "double"}, {"name": "a", "type": "long"}], "appears twice"),
        ([{"name": "c", "type": "string", "enum": []}], "non-empty list"),
        ([{"name": "c", "type": "string", "enum": [None]}], "non-empty list"),
        ([{"name": "c", "type": "string", "default": [1]}], "single value"),
        ([{"name": "p", "type": "tensor"}], "no Python type"),
    ],
)
def test_what_cannot_be_planned_says_why(inputs: list[dict[str, Any]], problem: str) -> None:
    signature = {"inputs": inputs, "outputs": [{"name": "y", "type": "double"}]}
    [found] = predictive.problems(signature)
    assert problem in found and found.startswith("inputs[")
    assert not predictive.can_plan(signature)
