"""The shortcuts of reading a large catalog decide exactly as the full checks do: the
instance-free shape check accepts what the pydantic models accept, and the text prefilter
for credentials lets through every key that names one."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any
from unittest.mock import ANY

import pytest
from pydantic import TypeAdapter, ValidationError

from idp_cli import paths
from idp_cli.catalog import format as schema
from idp_cli.catalog import shape as checkers
from idp_cli.catalog.rules import check_models, may_hold_credentials, model_findings
from idp_cli.catalog.speed import fastyaml
from idp_cli.catalog.speed.checks import Vouched
from idp_cli.catalog.speed.parts import vouch
from tests.helpers import CATALOG, model_yaml

_VALUES: list[Any] = [None, 1, 1.5, True, "", "x", "2026-13-01", [], {}, ["x"], {"a": 1}]


def _models() -> list[Any]:
    found = []
    for text in (CATALOG, paths.bundled_catalog().read_text(encoding="utf-8")):
        fast, data = fastyaml.load(text)
        assert fast
        found.extend(data["models"])
    return found


def _paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*path, key)
            yield from _paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield (*path, index)
            yield from _paths(value, (*path, index))


def _mutations() -> Iterator[Any]:
    """Every model of the test and bundled catalogs, and versions of them with one field
    replaced by a value of another type, removed, or written under its Python name."""
    for model in _models():
        yield model
        for path in list(_paths(model))[::5]:
            for how in ("value", "remove", "snake", "extra"):
                changed = copy.deepcopy(model)
                parent = changed
                for part in path[:-1]:
                    parent = parent[part]
                key = path[-1]
                if how == "value":
                    parent[key] = _VALUES[len(path) % len(_VALUES)]
                elif how == "remove":
                    del parent[key]
                elif how == "snake" and isinstance(key, str) and key != key.lower():
                    parent["".join(f"_{c.lower()}" if c.isupper() else c for c in key)] = (
                        parent.pop(key)
                    )
                elif how == "extra" and isinstance(parent, dict):
                    parent["unknownKey"] = 1
                yield changed


def _accepts(check: Any, data: Any) -> bool:
    try:
        check(data)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("origin", ["checked-in", "built"])
def test_the_shape_check_accepts_exactly_what_the_model_accepts(origin: str) -> None:
    if origin == "checked-in":
        assert checkers._checked_in() is not None, "run `make docs`"
        checker = checkers.checkers()["model"]
    else:
        checker = checkers._built()["model"]
    assert not isinstance(getattr(checker, "__self__", None), TypeAdapter)  # the fast one
    adapter = TypeAdapter(schema.Model)
    verdicts = [
        (_accepts(adapter.validate_python, data), _accepts(checker, data)) for data in _mutations()
    ]
    assert len(verdicts) > 500
    assert {by_model for by_model, _ in verdicts} == {True, False}
    assert [by_model for by_model, _ in verdicts] == [by_checker for _, by_checker in verdicts]


def test_the_header_check_accepts_exactly_what_the_model_accepts() -> None:
    checker = checkers.checkers()["header"]
    header = {"apiVersion": "idp/v1alpha1", "kind": "ModelCatalog", "models": []}
    cases: list[Any] = [
        header,
        {**header, "include": ["models/*.yaml"], "source": {"id": "acme"}},
        {**header, "kind": "Other"},
        {**header, "include": [""]},
        {**header, "source": {"id": "Not Valid"}},
        {**header, "unknown": 1},
        {"kind": "ModelCatalog"},
        [],
    ]
    verdicts = [
        (_accepts(schema.CatalogHeader.model_validate, data), _accepts(checker, data))
        for data in cases
    ]
    assert verdicts == [(True, True)] * 2 + [(False, False)] * 6


def test_vouch_only_for_clean_files() -> None:
    one = model_yaml("acme/a")
    whole = vouch(one, False)
    assert whole is not None
    assert (whole.data, whole.clean) == (fastyaml.load(one)[1], True)
    assert isinstance(whole.json, bytes) and json.loads(whole.json) == whole.data  # one piece
    listed = "models:\n" + "".join(
        ("  - " if i == 0 else "    ") + line for i, line in enumerate(one.splitlines(True))
    )
    # read item by item: the JSON text of each item, a list of one model
    by_item = vouch(listed, False)
    assert by_item is not None
    assert (by_item.data, by_item.clean) == ({"models": [fastyaml.load(one)[1]]}, True)
    assert isinstance(by_item.json, list)
    assert [json.loads(item) for item in by_item.json] == [[fastyaml.load(one)[1]]]
    for unclean in (
        one.replace("license: mit", "license: 1"),  # the shape
        one + "token: abc\n",  # a credential, maybe
        one + "defaultVersion: nope\n",  # a rule about the model alone
    ):
        checked = vouch(unclean, False)
        assert checked is not None
        assert checked.clean is False
    broken = vouch("models: 1\n", False)
    assert broken is not None
    assert (broken.data, broken.clean) == ({"models": 1}, False)
    assert vouch("a: [\n", False) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("apiToken: x", True),
        ("api_key : x", True),
        ("'password': x", True),
        ('"secrets": x', True),
        ("x:\n  Credential:", True),
        ("ACCESS-KEYS:", True),
        ("tokenEnv: X", False),
        ("token_env: X", False),
        ("a: token", False),
        ("password_hint: 1", False),
    ],
)
def test_the_credential_prefilter_finds_every_key_word(text: str, expected: bool) -> None:
    assert may_hold_credentials(text) is expected


def test_rules_spanning_models_still_run_for_models_checked_alone() -> None:
    models = [
        fastyaml.load(model_yaml("acme/a"))[1],
        fastyaml.load(model_yaml("acme/a") + "defaultVersion: nope\n")[1],
    ]
    models[0]["versions"][0]["deprecation"] = {"successor": "acme/gone@1"}
    every = [(i, f.message) for i, f in check_models(models)]
    assert [i for i, _ in every] == [1, 0, 1]  # duplicate name, dangling successor, default
    spanning = [(i, f.message) for i, f in check_models(models, alone_done=[True, True])]
    assert spanning == every[:2]
    assert [f.message for f in model_findings(models[1])] == [every[2][1]]


def test_a_credential_is_flagged_in_every_file_that_holds_it() -> None:
    secret = "sk-" + "a1B2" * 6
    one = model_yaml("acme/a") + f"displayName: {secret}\n"
    again = model_yaml("acme/b") + f"displayName: {secret}\n"
    escaped = model_yaml("acme/c") + 'displayName: "\\x73k-' + "a1B2" * 6 + '"\n'
    for text in (one, again, escaped, one):
        checked = vouch(text, False)
        assert checked is not None
        assert checked.clean is False, text
    assert vouch(model_yaml("acme/d"), False) == Vouched(
        fastyaml.load(model_yaml("acme/d"))[1], True, ANY
    )
