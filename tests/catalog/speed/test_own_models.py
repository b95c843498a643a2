"""A catalog file that holds many models of its own has them read and checked in parts, in
worker processes, like include files: with exactly the result of one process, and anything
unusual leaves the file to one process, which counts its own fallbacks once."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from idp_cli.catalog.model import summarize_model
from idp_cli.catalog.read import load
from idp_cli.catalog.speed import fallbacks, parallel
from idp_cli.errors import Problem
from tests.catalog.speed.sharing import Sharing
from tests.helpers import HEADER, edit, model_yaml, source_for, write_catalog

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="workers are forked on Linux only"
)


def _item(text: str) -> str:
    return "  - " + text.replace("\n", "\n    ").rstrip() + "\n"


def _write(folder: Path, *extra: str, at: int = 6) -> None:
    """12 models, and `extra` items before the one at `at`: 0 puts them in this process's
    part, 6 and 12 in a worker's."""
    items = [_item(model_yaml(f"acme/m{i:02}")) for i in range(12)]
    write_catalog(folder, HEADER + "models:\n" + "".join(items[:at] + list(extra) + items[at:]))


def _alone(folder: Path, *, summary: bool = False) -> Any:
    saved = parallel.MIN_PART_BYTES
    parallel.MIN_PART_BYTES = 1 << 40
    try:
        return load(source_for(folder), use_cache=False, summary=summary)
    finally:
        parallel.MIN_PART_BYTES = saved


@pytest.mark.parametrize("summary", [False, True])
def test_a_valid_catalog_file_read_in_parts_equals_one_read_alone(
    tmp_path: Path, sharing: Sharing, summary: bool
) -> None:
    _write(tmp_path)
    alone = _alone(tmp_path)
    assert alone.problems == [] and alone.catalog is not None
    expected = alone.catalog.data
    if summary:
        expected = {**expected, "models": [summarize_model(m) for m in expected["models"]]}
    cold = load(source_for(tmp_path), summary=summary)
    assert sharing.forks == [12, 12]  # two workers, which took their chunks of the 12 items
    assert sharing.from_workers > 0
    assert cold.problems == [] and not cold.cached
    assert cold.catalog is not None and cold.catalog.data == expected
    warm = load(source_for(tmp_path), summary=summary)
    assert warm.cached and warm.catalog is not None and warm.catalog.data == expected
    whole = load(source_for(tmp_path))
    assert whole.cached and whole.catalog is not None
    assert whole.catalog.data == alone.catalog.data


def _rendered(problems: list[Problem]) -> list[dict[str, Any]]:
    return [problem.to_dict() for problem in problems]


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (edit(model_yaml("acme/bad"), "lifecycle: production", "lifecycle: beta"), "'beta'"),
        (model_yaml("acme/leaky") + "labels: {note: 'sk-abcdefghijklmnopqrstuvwxyz0123'}", "key"),
        (model_yaml("acme/m03"), "duplicate model name"),
    ],
)
@pytest.mark.parametrize("at", [0, 6, 12])
@pytest.mark.parametrize("summary", [False, True])  # True: as `idp catalog validate` reads
def test_a_problem_in_a_part_is_placed_as_one_process_places_it(
    tmp_path: Path, sharing: Sharing, extra: str, needle: str, at: int, summary: bool
) -> None:
    # with summaries, the clean parts send the cache's chunks instead of their models: this
    # process decodes them to check the file again with every message
    _write(tmp_path, _item(extra), at=at)
    alone = _alone(tmp_path, summary=summary).problems
    assert needle in " ".join(problem.render() for problem in alone)
    shared = load(source_for(tmp_path), use_cache=False, summary=summary).problems
    assert len(sharing.forks) == 2 and sharing.from_workers > 0
    assert _rendered(shared) == _rendered(alone)


@pytest.mark.parametrize("use_cache", [True, False])
def test_a_listing_gets_summaries_from_the_workers_not_their_models(
    tmp_path: Path, sharing: Sharing, monkeypatch: pytest.MonkeyPatch, use_cache: bool
) -> None:
    from idp_cli.catalog.speed import own_models

    _write(tmp_path)
    alone = _alone(tmp_path).catalog.data
    sent: list[set[str]] = []
    summarized = own_models._summarized

    def spy(data: Any, results: list[dict[str, Any]]) -> Any:
        sent.extend(set(result) for result in results)
        return summarized(data, results)

    monkeypatch.setattr(own_models, "_summarized", spy)
    listed = load(source_for(tmp_path), use_cache=use_cache, summary=True)
    assert listed.catalog is not None and not listed.cached
    assert listed.catalog.data == {**alone, "models": [summarize_model(m) for m in alone["models"]]}
    # the runs this process took kept their models; each run a worker took came as its
    # chunks and its summaries
    worker = {"clean", "fast", "full", "runs", "suspect", "summary"}
    here = [result for result in sent if "models" in result]
    from_workers = [result for result in sent if "models" not in result]
    assert here and from_workers and all(result == worker for result in from_workers)
    if use_cache:  # the full entry holds the parts' chunks, and the models read back alike
        assert all(result == worker | {"models", "summaries", "json"} for result in here)
        whole = load(source_for(tmp_path))
        assert whole.cached and whole.catalog is not None and whole.catalog.data == alone


# `yes` is declined once parsed (PyYAML reads a boolean); an anchor by the screen of the text
@pytest.mark.parametrize(("odd", "paths"), [("yes", ["tags[0]"]), ("&t gpu", [])])
@pytest.mark.parametrize("at", [0, 6, 12])
@pytest.mark.parametrize("summary", [False, True])
def test_a_part_the_fast_path_declines_leaves_the_file_to_one_process(
    tmp_path: Path,
    sharing: Sharing,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    odd: str,
    paths: list[str],
    at: int,
    summary: bool,
) -> None:
    _write(tmp_path, _item(model_yaml("acme/odd") + f"tags: [{odd}]"), at=at)
    monkeypatch.setenv("IDP_DEBUG", "1")
    before = fallbacks.snapshot()
    loaded = load(source_for(tmp_path), use_cache=False, summary=summary)
    assert sharing.forks  # tried in parts first, then read again in this process
    assert fallbacks.since(before) == {"YAML the fast path does not read alike": 1}
    assert capsys.readouterr().err == (
        "idp: 1 of 1 files read by PyYAML instead of the fast path "
        "(YAML the fast path does not read alike: 1)\n"
    )
    alone = _alone(tmp_path, summary=summary)
    assert _rendered(loaded.problems) == _rendered(alone.problems)
    assert [problem.path for problem in loaded.problems] == [f"models[{at}].{p}" for p in paths]
    if not paths:
        assert loaded.catalog is not None and alone.catalog is not None
        assert loaded.catalog.data == alone.catalog.data


@pytest.mark.parametrize(("summary", "use_cache"), [(False, False), (True, False), (True, True)])
def test_a_failing_worker_costs_only_time(
    tmp_path: Path,
    sharing: Sharing,
    monkeypatch: pytest.MonkeyPatch,
    summary: bool,
    use_cache: bool,
) -> None:
    _write(tmp_path)
    expected = _alone(tmp_path, summary=summary).catalog.data
    from idp_cli.catalog.speed import own_models

    check_runs = own_models._check_runs

    def dying(text: str, indent: str, wanted: Any, runs: Any, in_worker: bool) -> Any:
        result = check_runs(text, indent, wanted, runs, in_worker)
        if in_worker:
            os._exit(3)
        return result

    monkeypatch.setattr(own_models, "_check_runs", dying)
    before = fallbacks.snapshot()
    loaded = load(source_for(tmp_path), use_cache=use_cache, summary=summary)
    assert sharing.forks and sharing.from_workers == 0
    assert fallbacks.since(before)[fallbacks.WORKER_FAILED] >= 1
    assert loaded.catalog is not None and loaded.catalog.data == expected
    if use_cache:  # what this process read in the worker's place is kept alike
        whole = load(source_for(tmp_path))
        assert whole.cached and whole.catalog is not None
        assert whole.catalog.data == _alone(tmp_path).catalog.data


def test_a_clean_file_is_read_once_and_a_header_problem_is_still_placed(
    tmp_path: Path, sharing: Sharing, monkeypatch: pytest.MonkeyPatch
) -> None:
    from idp_cli.catalog.sources import FolderReader

    reads: list[str] = []
    read_text = FolderReader.read_text

    def counted(self: FolderReader, rel: str) -> str:
        reads.append(rel)
        return read_text(self, rel)

    monkeypatch.setattr(FolderReader, "read_text", counted)
    _write(tmp_path)
    listed = load(source_for(tmp_path), use_cache=False, summary=True)
    assert listed.problems == [] and reads == ["catalog.yaml"]  # positions never asked for
    text = (tmp_path / "catalog.yaml").read_text()
    write_catalog(tmp_path, text.replace("kind: ModelCatalog\n", "kind: ModelCatalog\nextra: 1\n"))
    reads.clear()
    problems = load(source_for(tmp_path), use_cache=False, summary=True).problems
    assert sharing.forks and reads == ["catalog.yaml", "catalog.yaml"]  # read again to place it
    assert [(p.line, p.column, p.path) for p in problems] == [(3, 1, "extra")]
