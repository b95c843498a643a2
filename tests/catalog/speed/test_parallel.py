"""Per-file work spread over worker processes gives exactly what one process gives, and any
failure of a worker only costs time. Reading a catalog through them reports the same
problems, in the same places, as reading it in one process."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from idp_cli import paths
from idp_cli.catalog.model import summarize_model
from idp_cli.catalog.read import load
from idp_cli.catalog.speed import fallbacks, parallel, parts
from idp_cli.errors import Problem
from tests.catalog.speed.sharing import Sharing
from tests.helpers import HEADER, edit, load_spec, model_yaml, source_for, write_catalog

needs_fork = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="workers are forked on Linux only"
)


def _catalog_with_many_includes(folder: Path) -> None:
    write_catalog(folder, HEADER + "include: [models/*.yaml, more/*.yaml]\n")
    for i in range(12):
        write_catalog(folder / "models", model_yaml(f"acme/m{i:02}"), name=f"m{i:02}.yaml")
    # one of each kind of trouble, in files the workers read
    write_catalog(
        folder / "models",
        edit(model_yaml("acme/bad-lifecycle"), "lifecycle: production", "lifecycle: beta"),
        name="x-lifecycle.yaml",
    )
    write_catalog(folder / "models", "name: [unclosed\n", name="x-yaml.yaml")
    write_catalog(
        folder / "models",
        model_yaml("acme/leaky") + "labels: {note: 'sk-abcdefghijklmnopqrstuvwxyz012345'}\n",
        name="x-leak.yaml",
    )
    write_catalog(folder / "models", model_yaml("acme/m03"), name="x-duplicate.yaml")
    write_catalog(
        folder / "models",
        model_yaml("acme/no-default") + "defaultVersion: nope\n",
        name="x-default.yaml",
    )
    # fine on its own (a worker vouches for it), dangling in the catalog
    write_catalog(
        folder / "models",
        edit(
            model_yaml("acme/old"),
            "lifecycle: production",
            "lifecycle: deprecated\n    deprecation: {successor: acme/gone@1}",
        ),
        name="x-successor.yaml",
    )
    write_catalog(folder / "more", "models:\n  - name: [1]\nextra: 1\n", name="y.yaml")


def _problems(folder: Path) -> list[Problem]:
    loaded = load_spec(folder, use_cache=False)
    assert loaded.catalog is None
    return loaded.problems


@needs_fork
@pytest.mark.parametrize("summary", [False, True])
def test_workers_find_the_same_problems_in_the_same_places(
    tmp_path: Path, request: pytest.FixtureRequest, summary: bool
) -> None:
    """Also when only summaries are asked for (`models list`, through the cache)."""
    _catalog_with_many_includes(tmp_path)
    alone = _problems(tmp_path)
    sharing: Sharing = request.getfixturevalue("sharing")  # after the read alone
    if summary:
        listed = load(source_for(tmp_path), summary=True)
        assert listed.catalog is None
        assert not list((paths.cache_dir() / "catalogs").glob("*"))  # nothing invalid kept
        shared = listed.problems
    else:
        shared = _problems(tmp_path)
    assert len(sharing.forks) == 2 and sharing.from_workers > 0
    assert [p.to_dict() for p in shared] == [p.to_dict() for p in alone]
    messages = " ".join(p.render() for p in alone)
    for needle in (
        "'beta'",
        "invalid YAML",
        "API key",
        "duplicate model name",
        "'nope' is neither a version nor an alias",
        "no model named 'acme/gone'",
        "extra",
    ):
        assert needle in messages


@needs_fork
def test_a_valid_catalog_read_by_workers_equals_one_read_alone(
    tmp_path: Path, sharing: Sharing, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_catalog(tmp_path, HEADER + "include: [models/*.yaml]\n")
    for i in range(12):
        write_catalog(tmp_path / "models", model_yaml(f"acme/m{i:02}"), name=f"m{i:02}.yaml")
    shared = load_spec(tmp_path, use_cache=False)
    assert sharing.forks and sharing.from_workers > 0
    assert shared.problems == []
    assert shared.catalog is not None
    monkeypatch.setattr(parallel, "MIN_PART_BYTES", 1 << 40)
    alone = load_spec(tmp_path, use_cache=False)
    assert alone.catalog is not None
    assert shared.catalog.data == alone.catalog.data
    assert shared.files == alone.files


def _mixed_catalog(folder: Path) -> None:
    """Every layout of an include file, inline models, a successor across files, and a valid
    file that the credential prefilter cannot clear (so its part sends full models)."""
    write_catalog(
        folder,
        HEADER
        + "include: [models/*.yaml]\nmodels:\n  - "
        + (model_yaml("acme/inline").replace("\n", "\n    ").rstrip() + "\n"),
    )
    for i in range(10):
        write_catalog(folder / "models", model_yaml(f"acme/m{i:02}"), name=f"m{i:02}.yaml")
    listed = "models:\n" + "".join(
        "  - " + model_yaml(f"acme/pair-{n}").replace("\n", "\n    ").rstrip() + "\n"
        for n in ("a", "b")
    )
    write_catalog(folder / "models", listed, name="p-pair.yaml")
    as_list = "- " + model_yaml("acme/listed").replace("\n", "\n  ").rstrip() + "\n"
    write_catalog(folder / "models", as_list, name="q-list.yaml")
    write_catalog(
        folder / "models",
        model_yaml("acme/quoted") + 'displayName: "Back\\\\slash token: none"\n',
        name="r-quoted.yaml",
    )
    write_catalog(
        folder / "models",
        edit(
            model_yaml("acme/old"),
            "lifecycle: production",
            "lifecycle: deprecated\n    deprecation: {successor: acme/m03@1.0.0}",
        ),
        name="s-old.yaml",
    )


@pytest.mark.parametrize("summary", [False, True])
@pytest.mark.parametrize("workers", ["none", "two", "failing"])
def test_every_way_of_reading_gives_the_same_catalog_and_cache(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    summary: bool,
    workers: str,
) -> None:
    if workers != "none" and not sys.platform.startswith("linux"):
        pytest.skip("workers are forked on Linux only")
    folder = tmp_path / "catalog"
    _mixed_catalog(folder)
    reference = load_spec(folder, use_cache=False)
    assert reference.problems == [], [p.render() for p in reference.problems]
    assert reference.catalog is not None
    expected = reference.catalog.data
    expected_summary = {
        **expected,
        "models": [summarize_model(m) for m in expected["models"]],
    }
    assert len(expected["models"]) == 16
    sharing: Sharing | None = None
    if workers != "none":
        sharing = request.getfixturevalue("sharing")
    here: list[int] = []  # the chunks read in this process
    if workers == "failing":  # every worker dies after its work: this process redoes it
        check_part = parts.check_part

        def dying(*args: Any) -> Any:
            result = check_part(*args)
            if args[-1]:
                os._exit(3)
            here.append(len(args[-2]))
            return result

        monkeypatch.setattr(parts, "check_part", dying)
    before = fallbacks.snapshot()
    cold = load(source_for(folder), summary=summary)
    if sharing is not None:
        assert len(sharing.forks) == 2
        assert (sharing.from_workers > 0) == (workers == "two")
    if workers == "failing":
        # the catalog file, then the include files: its own chunks and the workers' again
        assert here[0] == 1 and sum(here[1:]) == 14
        assert fallbacks.since(before)[fallbacks.WORKER_FAILED] >= 1
    assert not cold.cached
    assert cold.catalog is not None
    assert cold.catalog.data == (expected_summary if summary else expected)
    assert cold.files == reference.files
    for kind, data in ((False, expected), (True, expected_summary)):
        warm = load(source_for(folder), summary=kind)
        assert warm.cached
        assert warm.catalog is not None
        assert warm.catalog.data == data
        assert warm.files == reference.files
