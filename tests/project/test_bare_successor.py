"""A successor named without a version (`successor: acme/new`) stands for that model's
default version everywhere: the catalog's rules, `idp update --latest` and `catalog diff`'s
impact on projects."""

from __future__ import annotations

from typing import Any

from idp_cli.catalog.model import Catalog
from idp_cli.history.successor_impact import successor_impact
from idp_cli.project.successors import successor_chain


def _version(number: str, lifecycle: str, inputs: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "version": number,
        "lifecycle": lifecycle,
        "signature": {
            "inputs": [{"name": name, "type": "long"} for name in inputs],
            "outputs": [{"name": "score", "type": "double"}],
        },
        **extra,
    }


OLD = {
    "name": "acme/old",
    "versions": [
        _version("1", "deprecated", ["a"], deprecation={"successor": "acme/new"}),
    ],
}
NEW = {
    "name": "acme/new",
    "versions": [
        _version("1", "production", ["a"]),
        _version("2", "production", ["a", "b"]),  # the newest production: the default
        _version("3", "staging", ["a"]),
    ],
}


def test_update_latest_follows_a_bare_successor_to_its_default_version() -> None:
    catalog = Catalog({"models": [OLD, NEW]}, [])
    old = catalog.get("acme/old")
    assert old is not None
    assert [v.ref for v in successor_chain(catalog, old.versions[0])] == ["acme/new@2"]
    declared = {**NEW, "defaultVersion": "1"}
    catalog = Catalog({"models": [OLD, declared]}, [])
    old = catalog.get("acme/old")
    assert old is not None
    assert [v.ref for v in successor_chain(catalog, old.versions[0])] == ["acme/new@1"]


def test_catalog_diff_names_a_bare_successor_that_breaks_callers() -> None:
    before = {"acme/old": {**OLD, "versions": [_version("1", "production", ["a"])]}}
    after = {"acme/old": OLD, "acme/new": NEW}
    impact = successor_impact(before, after)
    assert [(i.ref, i.successor) for i in impact] == [("acme/old@1", "acme/new@2")]
    assert impact[0].message.endswith(
        "required input b (long) added: requests without it are rejected"
    )


def test_catalog_diff_names_the_move_when_a_bare_successors_default_moves() -> None:
    """The successor's text is the same on both sides; the version it stands for is not."""
    gentle = {**NEW, "defaultVersion": "1"}
    before = {"acme/old": OLD, "acme/new": gentle}
    after = {"acme/old": OLD, "acme/new": NEW}  # the default is now 2, which adds input b
    assert [(i.ref, i.successor) for i in successor_impact(before, after)] == [
        ("acme/old@1", "acme/new@2")
    ]
    assert successor_impact(after, after) == []  # nothing moved, nothing named
