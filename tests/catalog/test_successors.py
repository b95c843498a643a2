"""A successor's selector picks the version `ModelView.find` would: a version by its name
first, else the first version holding the alias; without a selector, the default version."""

from __future__ import annotations

from typing import Any

from idp_cli.catalog.model import Model
from idp_cli.catalog.successors import Targets


def _model(*versions: tuple[str, list[str], str]) -> dict[str, Any]:
    return {
        "name": "acme/m",
        "versions": [
            {"version": v, "aliases": aliases, "lifecycle": lifecycle}
            for v, aliases, lifecycle in versions
        ],
    }


def test_selectors_choose_as_find_does() -> None:
    raw = _model(
        ("1", ["stable", "2"], "production"),  # alias "2" is also a version's name
        ("2", ["stable", "latest"], "production"),  # "stable" again: the first holder wins
        ("1", ["old"], "deprecated"),  # a repeated name: the first version wins
    )
    targets = Targets({"acme/m": raw})
    table = targets.selectors("acme/m")
    view = Model(raw)
    for selector in ("1", "2", "stable", "latest", "old", "nope"):
        found = view.find(selector)
        assert table.get(selector) == (None if found is None else found.version), selector
    assert table == {"1": "1", "2": "2", "stable": "1", "latest": "2", "old": "1"}


def test_resolve_without_a_selector_is_the_default_version() -> None:
    raw = _model(("1", [], "production"), ("3", [], "production"), ("4", [], "staging"))
    targets = Targets({"acme/m": raw})
    assert targets.resolve("acme/m", None) == "3"  # the newest production version
    raw["defaultVersion"] = "1"
    assert Targets({"acme/m": raw}).resolve("acme/m", None) == "1"
    assert targets.resolve("acme/gone", "1") is None
    assert targets.resolve("acme/m", "9") is None
