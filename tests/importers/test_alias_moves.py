"""The registry's aliases moved onto a catalog model's versions by a bulk import write what
moving them one at a time, loading the file again after each move, writes: several moves
are spliced into one load of the file unless a move touches a version an earlier one edited
(two aliases given up by the same version, an alias taken by a version that took one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from idp_cli.publish.aliases import aliases_of, give, versions_of
from idp_cli.publish.catalog_files import CatalogFiles
from idp_cli.publish.registry_import import _move_aliases
from idp_cli.publish.registry_plan import PlannedModel, PlannedVersion

MODEL = "acme/scorer"
CATALOG = """\
apiVersion: idp/v1alpha1
kind: ModelCatalog
models:
  - name: acme/scorer   # kept as written
    description: Scores.
    owner: group:default/ds
    modelType: predictive
    tasks: [tabular-classification]
    license: mit
    defaultVersion: champion
    versions:
      - version: "4"
        lifecycle: staging
      - version: "3"
        aliases: [champion, challenger, shadow]   # all three here
        lifecycle: production
      - version: "2"
        lifecycle: deprecated
        deprecation: {successor: "acme/scorer@3"}
      - version: "1"
        aliases: [candidate]
        lifecycle: archived
"""

# version -> the aliases the registry gives it, in the registry's order
CASES = {
    "each from the one holder": {"4": ["champion", "challenger"], "2": ["shadow"]},
    "two holders, two takers": {"4": ["champion"], "2": ["candidate"]},
    "one taker, many holders": {"2": ["champion", "candidate", "shadow"]},
    "held already": {"3": ["champion"], "4": ["challenger"], "1": ["candidate"]},
    "to a version without aliases, then from it": {"4": ["candidate"], "2": ["candidate"]},
}


def _planned(given: dict[str, list[str]]) -> PlannedModel:
    versions = [
        PlannedVersion(number, f"models:/scorer/{number}", "present", aliases)
        for number, aliases in given.items()
    ]
    return PlannedModel("scorer", MODEL, versions)


def _one_load_per_move(folder: Path, given: dict[str, list[str]]) -> tuple[str, list[str]]:
    """The catalog's text and the moves, each move made on the file loaded again."""
    edited: dict[str, str] = {}
    moves = []
    for number, aliases in given.items():
        for alias in aliases:
            place = CatalogFiles(folder, "catalog.yaml", edited).find(MODEL)
            assert place is not None
            if alias in aliases_of(versions_of(place.model).get(number)):
                continue
            move = give(place.doc, place.model, MODEL, number, alias)
            if move is not None:
                moves.append(move.describe(MODEL))
                edited[place.doc.rel] = place.doc.render()
    return edited.get("catalog.yaml", CATALOG), moves


@pytest.mark.parametrize("given", list(CASES.values()), ids=list(CASES))
def test_moves_write_what_one_load_per_move_writes(
    tmp_path: Path, given: dict[str, list[str]]
) -> None:
    (tmp_path / "catalog.yaml").write_text(CATALOG)
    model = _planned(given)
    edited: dict[str, str] = {}
    _move_aliases(tmp_path, "catalog.yaml", model, edited)
    expected_text, expected_moves = _one_load_per_move(tmp_path, given)
    assert edited.get("catalog.yaml", CATALOG) == expected_text
    assert [m.describe(MODEL) for m in model.alias_moves] == expected_moves
    assert "# kept as written" in edited.get("catalog.yaml", CATALOG)  # comments kept


def test_every_alias_ends_where_the_registry_has_it(tmp_path: Path) -> None:
    (tmp_path / "catalog.yaml").write_text(CATALOG)
    edited: dict[str, str] = {}
    _move_aliases(tmp_path, "catalog.yaml", _planned(CASES["each from the one holder"]), edited)
    place = CatalogFiles(tmp_path, "catalog.yaml", edited).find(MODEL)
    assert place is not None
    held = {n: aliases_of(v) for n, v in versions_of(place.model).items()}
    assert held == {"4": ["champion", "challenger"], "3": [], "2": ["shadow"], "1": ["candidate"]}
