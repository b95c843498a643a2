"""Resolving references and filtering the catalog: pure questions over a loaded catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from idp_cli.catalog.model import Catalog
from idp_cli.catalog.query import Filters, resolve, select
from idp_cli.errors import NotFound
from tests.helpers import HEADER, load_spec, write_catalog


@pytest.fixture
def catalog(catalog_dir: Path) -> Catalog:
    loaded = load_spec(catalog_dir)
    assert loaded.catalog is not None, [p.render() for p in loaded.problems]
    return loaded.catalog


def refs(catalog: Catalog, **filters: object) -> list[str]:
    return [v.ref for v in select(catalog, Filters(**filters))]  # type: ignore[arg-type]


# --- resolve -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("acme/churn-classifier@3.2.1", "acme/churn-classifier@3.2.1"),
        ("acme/churn-classifier@champion", "acme/churn-classifier@4.0.0"),
        # bare name: defaultVersion (an alias here)
        ("acme/churn-classifier", "acme/churn-classifier@4.0.0"),
        # bare name without defaultVersion: the newest production version, not the newest
        ("acme/chat-assistant", "acme/chat-assistant@1.0.0"),
        ("acme/chat-assistant@1.1.0", "acme/chat-assistant@1.1.0"),
        ("  acme/churn-classifier@2.0.0 ", "acme/churn-classifier@2.0.0"),
    ],
)
def test_resolve(catalog: Catalog, ref: str, expected: str) -> None:
    assert resolve(catalog, ref).ref == expected


def test_a_bare_name_with_neither_default_nor_production_version(catalog: Catalog) -> None:
    with pytest.raises(NotFound) as caught:
        resolve(catalog, "acme/sales-forecast")
    assert "no default version and no production version" in caught.value.message
    assert caught.value.hint == "Name one: acme/sales-forecast@0.1.0"


def test_an_unknown_version_lists_the_known_ones(catalog: Catalog) -> None:
    with pytest.raises(NotFound) as caught:
        resolve(catalog, "acme/churn-classifier@9.9.9")
    assert caught.value.message == "model 'acme/churn-classifier' has no version or alias '9.9.9'"
    assert caught.value.hint == "Known: 4.0.0, 3.2.1, 2.0.0, champion"


@pytest.mark.parametrize(
    ("typo", "suggested"),
    [
        ("acme/churn-clasifier", "acme/churn-classifier"),
        ("acme/chat-asistant@1.0.0", "acme/chat-assistant"),
        ("forecast", "acme/sales-forecast"),
    ],
)
def test_an_unknown_name_suggests_the_closest_names(
    catalog: Catalog, typo: str, suggested: str
) -> None:
    with pytest.raises(NotFound) as caught:
        resolve(catalog, typo)
    assert f"no model named {typo.split('@')[0]!r}" in caught.value.message
    assert caught.value.hint is not None
    assert caught.value.hint.startswith("Did you mean")
    assert suggested in caught.value.hint


def test_a_name_like_nothing_points_to_the_list(catalog: Catalog) -> None:
    with pytest.raises(NotFound) as caught:
        resolve(catalog, "zzzzzz")
    assert caught.value.hint == "List the models with `idp models list`."


def test_newest_production_version_is_chosen_in_natural_order(tmp_path: Path) -> None:
    versions = "".join(
        f'      - version: "{v}"\n        lifecycle: {lifecycle}\n'
        for v, lifecycle in [
            ("1.9.0", "production"),
            ("1.10.0", "production"),
            ("1.2.0", "production"),
            ("2.0.0", "staging"),
        ]
    )
    text = HEADER + (
        "models:\n"
        "  - name: acme/m\n"
        "    description: M.\n"
        "    owner: group:default/x\n"
        "    modelType: generative\n"
        "    tasks: [text-generation]\n"
        "    license: mit\n"
        "    versions:\n" + versions
    )
    loaded = load_spec(write_catalog(tmp_path, text))
    assert loaded.catalog is not None
    assert resolve(loaded.catalog, "acme/m").version == "1.10.0"
    # the one-row listing shows the default, not the newer staging version
    assert refs(loaded.catalog) == ["acme/m@1.10.0"]
    assert refs(loaded.catalog, all_versions=True) == [
        "acme/m@2.0.0",
        "acme/m@1.10.0",
        "acme/m@1.9.0",
        "acme/m@1.2.0",
    ]


# --- select --------------------------------------------------------------------------------


def test_one_row_per_model_and_archived_models_hidden(catalog: Catalog) -> None:
    assert refs(catalog) == [
        "acme/churn-classifier@4.0.0",
        "acme/chat-assistant@1.0.0",
        # no default and no production version: its newest live version
        "acme/sales-forecast@0.1.0",
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"task": "tabular-classification"}, ["acme/churn-classifier@4.0.0"]),
        ({"task": "text-generation"}, ["acme/chat-assistant@1.0.0"]),
        ({"task": "nothing"}, []),
        (
            {"model_type": "predictive"},
            ["acme/churn-classifier@4.0.0", "acme/sales-forecast@0.1.0"],
        ),
        ({"model_type": "generative"}, ["acme/chat-assistant@1.0.0"]),
        ({"lifecycle": "deprecated"}, ["acme/churn-classifier@3.2.1"]),
        ({"lifecycle": "experimental"}, ["acme/chat-assistant@1.1.0"]),
        ({"lifecycle": "staging"}, ["acme/sales-forecast@0.1.0"]),
        (
            {"lifecycle": "archived"},
            ["acme/churn-classifier@2.0.0", "acme/legacy-scorer@1.0.0"],
        ),
        ({"protocol": "oip-v2"}, ["acme/churn-classifier@4.0.0"]),
        ({"protocol": "openai-v1"}, ["acme/chat-assistant@1.0.0"]),
        # the shown version is not served by Ollama; the version that is, is listed instead
        ({"protocol": "ollama"}, ["acme/chat-assistant@1.1.0"]),
        ({"protocol": "mlflow-invocations"}, ["acme/sales-forecast@0.1.0"]),
        ({"protocol": "kserve-v1"}, []),
        ({"tag": "chat"}, ["acme/chat-assistant@1.0.0"]),
        ({"tag": "cha"}, []),
        # text searches name, description, tags and tasks, ignoring case
        ({"text": "FORECAST"}, ["acme/sales-forecast@0.1.0"]),
        ({"text": "llm gateway"}, ["acme/chat-assistant@1.0.0"]),
        ({"text": "tabular"}, ["acme/churn-classifier@4.0.0"]),
        ({"text": "no such words"}, []),
        ({"task": "tabular-classification", "model_type": "generative"}, []),
    ],
)
def test_filters(catalog: Catalog, filters: dict[str, object], expected: list[str]) -> None:
    assert refs(catalog, **filters) == expected


def test_all_versions_lists_every_live_version_newest_first(catalog: Catalog) -> None:
    assert refs(catalog, all_versions=True) == [
        "acme/churn-classifier@4.0.0",
        "acme/churn-classifier@3.2.1",
        "acme/chat-assistant@1.1.0",
        "acme/chat-assistant@1.0.0",
        "acme/sales-forecast@0.1.0",
    ]


def test_all_versions_shows_archived_ones_only_when_asked_for(catalog: Catalog) -> None:
    assert refs(catalog, all_versions=True, lifecycle="archived") == [
        "acme/churn-classifier@2.0.0",
        "acme/legacy-scorer@1.0.0",
    ]
    assert refs(catalog, all_versions=True, model_type="predictive", protocol="oip-v2") == [
        "acme/churn-classifier@4.0.0"
    ]


def test_versions_know_whether_they_are_the_default(catalog: Catalog) -> None:
    churn = catalog.get("acme/churn-classifier")
    assert churn is not None
    assert [(v.version, v.is_default) for v in churn.versions] == [
        ("4.0.0", True),
        ("3.2.1", False),
        ("2.0.0", False),
    ]
    assert churn.versions[1].successor == "acme/churn-classifier@4.0.0"
    assert churn.versions[0].protocols == ["oip-v2"]
