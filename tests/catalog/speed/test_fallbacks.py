"""The fast path never hands a document to PyYAML silently: every fallback is counted, shown
with IDP_DEBUG=1 (and a worker process's trouble apart, in its own words), and an unexpected
error in it is raised there instead of hidden."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from idp_cli.catalog.read import load
from idp_cli.catalog.speed import fallbacks, fastyaml, parallel
from tests.helpers import HEADER, model_yaml, source_for, write_catalog


def test_each_fallback_is_counted_by_reason() -> None:
    before = fallbacks.snapshot()
    assert fastyaml.load("a: 1\n") == (True, {"a": 1})
    assert fastyaml.load("a: yes\n") == (False, None)
    assert fastyaml.load("a: [\n") == (False, None)
    assert fallbacks.since(before) == {
        "YAML the fast path does not read alike": 1,
        "not YAML to rapidyaml": 1,
    }


def test_an_unexpected_error_is_counted_and_raised_with_idp_debug(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(fastyaml, "_parse", broken)
    before = fallbacks.snapshot()
    assert fastyaml.load("a: 1\n") == (False, None)
    assert fallbacks.since(before) == {"fast path error KeyError": 1}
    monkeypatch.setenv("IDP_DEBUG", "1")
    with pytest.raises(KeyError):
        fastyaml.load("a: 1\n")


def test_idp_debug_shows_the_fallbacks_of_a_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_catalog(tmp_path, HEADER + "include: [models/*.yaml]\n")
    write_catalog(tmp_path / "models", model_yaml("acme/a"), name="a.yaml")
    write_catalog(tmp_path / "models", model_yaml("acme/b") + "tags: [yes]\n", name="b.yaml")
    load(source_for(tmp_path), use_cache=False)
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("IDP_DEBUG", "1")
    load(source_for(tmp_path), use_cache=False)
    assert capsys.readouterr().err == (
        "idp: 1 of 2 files read by PyYAML instead of the fast path "
        "(YAML the fast path does not read alike: 1)\n"
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers: Linux only")
def test_idp_debug_names_worker_trouble_apart_from_files_that_fell_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A worker that could not start costs time, not a file's way through PyYAML."""
    write_catalog(tmp_path, HEADER + "include: [models/*.yaml]\n")
    for i in range(4):
        write_catalog(tmp_path / "models", model_yaml(f"acme/m{i}"), name=f"m{i}.yaml")
    monkeypatch.setattr(parallel, "MIN_PART_BYTES", 1)
    monkeypatch.setattr(parallel, "_cores", lambda: 3)

    def no_fork() -> int:
        raise OSError("no more processes")

    monkeypatch.setattr(os, "fork", no_fork)
    monkeypatch.setenv("IDP_DEBUG", "1")
    loaded = load(source_for(tmp_path), use_cache=False)
    assert loaded.catalog is not None and loaded.problems == []
    assert capsys.readouterr().err == (
        "idp: work done in this process instead of a worker "
        "(worker processes that could not start: 2)\n"
    )
