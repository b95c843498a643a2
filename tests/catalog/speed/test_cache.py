"""The parsed-catalog cache: served on repeat loads, invalidated by any change to the files it
was built from, and never trusted when it cannot be read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from idp_cli import paths
from tests.helpers import CATALOG, HEADER, edit, load_spec, model_yaml, write_catalog


def entries() -> list[Path]:
    return sorted((paths.cache_dir() / "catalogs").glob("*.full"))


def names(spec: Path) -> tuple[bool, list[str]]:
    loaded = load_spec(spec)
    assert loaded.problems == [], [p.render() for p in loaded.problems]
    assert loaded.catalog is not None
    return loaded.cached, [m.name for m in loaded.catalog.models]


def test_the_second_load_is_served_from_the_cache(catalog_dir: Path) -> None:
    first = load_spec(catalog_dir)
    second = load_spec(catalog_dir)
    assert (first.cached, second.cached) == (False, True)
    assert second.catalog is not None and first.catalog is not None
    assert second.catalog.data == first.catalog.data
    assert second.files == first.files
    assert len(entries()) == 1


def test_editing_the_file_invalidates_the_cache(catalog_dir: Path) -> None:
    names(catalog_dir)
    path = catalog_dir / "catalog.yaml"
    path.write_text(edit(CATALOG, "name: acme/sales-forecast", "name: acme/store-forecast"))
    assert names(catalog_dir) == (
        False,
        [
            "acme/churn-classifier",
            "acme/chat-assistant",
            "acme/store-forecast",
            "acme/legacy-scorer",
        ],
    )
    assert names(catalog_dir)[0] is True


def test_an_edit_that_breaks_the_catalog_is_reported_not_served_stale(catalog_dir: Path) -> None:
    names(catalog_dir)
    (catalog_dir / "catalog.yaml").write_text(edit(CATALOG, "lifecycle: staging", "lifecycle: x"))
    for _ in range(2):  # an invalid catalog is never cached
        loaded = load_spec(catalog_dir)
        assert [p.path for p in loaded.problems] == ["models[2].versions[0].lifecycle"]
        assert not loaded.cached


def _split_catalog(folder: Path) -> None:
    write_catalog(folder, HEADER + "include: [models/*.yaml]\n")
    write_catalog(folder / "models", model_yaml("acme/a"), name="a.yaml")


def test_adding_an_include_file_invalidates_the_cache(tmp_path: Path) -> None:
    _split_catalog(tmp_path)
    assert names(tmp_path) == (False, ["acme/a"])
    assert names(tmp_path) == (True, ["acme/a"])
    write_catalog(tmp_path / "models", model_yaml("acme/b"), name="b.yaml")
    assert names(tmp_path) == (False, ["acme/a", "acme/b"])


def test_removing_or_editing_an_include_file_invalidates_the_cache(tmp_path: Path) -> None:
    _split_catalog(tmp_path)
    write_catalog(tmp_path / "models", model_yaml("acme/b"), name="b.yaml")
    assert names(tmp_path) == (False, ["acme/a", "acme/b"])
    (tmp_path / "models" / "b.yaml").unlink()
    assert names(tmp_path) == (False, ["acme/a"])
    write_catalog(tmp_path / "models", model_yaml("acme/a", version="1.0.1"), name="a.yaml")
    cached, _ = names(tmp_path)
    assert not cached
    loaded = load_spec(tmp_path)
    assert loaded.catalog is not None
    assert loaded.catalog.models[0].versions[0].version == "1.0.1"


@pytest.mark.parametrize(
    "garbage",
    [b"{not json", b"", b"[]", b'{"format": 1}', b"\xff\xfe"],
    ids=["truncated", "empty", "list", "incomplete", "binary"],
)
def test_a_corrupt_cache_entry_is_ignored_and_rebuilt(catalog_dir: Path, garbage: bytes) -> None:
    names(catalog_dir)
    (entry,) = entries()
    entry.write_bytes(garbage)
    cached, models = names(catalog_dir)
    assert not cached
    assert len(models) == 4
    assert names(catalog_dir)[0] is True


def test_an_entry_from_another_idp_version_is_ignored(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names(catalog_dir)
    from idp_cli.catalog.speed import cache

    monkeypatch.setattr(cache, "__version__", "0.0.0-other")
    assert names(catalog_dir)[0] is False


def test_idp_no_cache_disables_the_cache(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IDP_NO_CACHE", "1")
    assert names(catalog_dir)[0] is False
    assert names(catalog_dir)[0] is False
    assert entries() == []


def test_an_unwritable_cache_folder_costs_only_speed(
    catalog_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("IDP_CACHE_DIR", str(blocker))
    assert names(catalog_dir)[0] is False
    assert names(catalog_dir)[0] is False


def test_use_cache_false_reads_the_files(catalog_dir: Path) -> None:
    names(catalog_dir)
    assert not load_spec(catalog_dir, use_cache=False).cached
    assert os.listdir(paths.cache_dir() / "catalogs")


def test_validation_without_the_cache_writes_no_entry(catalog_dir: Path) -> None:
    loaded = load_spec(catalog_dir, use_cache=False)
    assert loaded.problems == []
    assert entries() == []
    assert names(catalog_dir)[0] is False  # and a normal load still builds one
    assert len(entries()) == 1
