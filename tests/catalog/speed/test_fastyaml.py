"""The rapidyaml fast path reads every document it accepts exactly as the PyYAML path does,
and declines the rest."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from idp_cli import paths
from idp_cli.catalog import pyyaml_reader, safe_yaml
from idp_cli.catalog.speed import fastyaml
from tests.helpers import CATALOG

SNIPPETS = [
    # rapidyaml writes the number -0.5; PyYAML reads the string
    "a: -.5",
    "a: [-.0, x]",
    # empty keys: PyYAML refuses them, rapidyaml reads the key ''
    ": b",
    "a: {: b}",
    "- : b",
    "a: {x: 1, : b}",
    "a:\n  : b",
    '"": quoted, so PyYAML reads it',
    "a: yes",
    "a: ~",
    "a: null",
    "a:",
    "a: 1e3",
    "a: 0x1F",
    "a: 1_000",
    "a: .inf",
    "a: True",
    "a: 'yes'",
    'a: "1"',
    "a: 2026-06-01",
    "a: -1.5",
    "a: +1",
    "a: 010",
    "a: [1, b, 'c', true]",
    "a: |\n  multi\n  line\n",
    "a: {b: c}",
    "a: 12:30",
    'a: "\\u00e9\\t"',
    "a: 'it''s'",
    "a: x # comment",
    "a: !!str 1",
    "a: &x 1\nb: *x",
    "a: 1\na: 2",
    "- a\n- b",
    "a: NaN",
    "a: 1.0",
    "a: 3.",
    "a: .5",
    "a: -.inf",
    "a: -5",
    "a: 1.5e3",
    "1: a",
    "a: {1: b}",
    "a: >\n  folded\n  text\n\n  para\n",
    "a: plain\n  continued\n",
    "a: -0",
    "a: 0",
    "a: [a, [b, {c: d}]]",
    "key with spaces: v",
    "a: 2026-06-01T10:00:00Z",
    "a: 'multi\n  line'",
    'a: "dq\n  folded"',
    "a: -",
    "a: 'a: b'",
    "a: x: y",
    "a: [1, 2",
    "a: 1.0.0",
    "a: 1e",
    "a: -12",
    "a: 007",
    "a: false",
    "a: FALSE",
    "emptylist: []\nemptymap: {}",
    "a: ''",
    "- - a\n  - b\n- c",
    "a:\n- 1\n- 2",
    "a: @x",
    "a: `x`",
    "q: what?",
    "? complex\n: v",
    "a: [yes]",
    "a: {on: 1}",
    "~: a",
    "true: 1",
    "a: {null: b}",
    "false: [x]",
    "a: R&D",
    "a: 1.5e+3",
    "sha: 3e4abc",
    "models:\n  - name: a\n    v: 1\n  - name: b\ninclude: [x]\n",
    "models:\n- name: a\n  tags: [x]\n- name: b\n  tags: [y]\nsource: {id: s}\n",
    "models:\n  - name: a\n    name: b\n",
]


def _pyyaml(text: str) -> tuple[Any, str | None]:
    loader = pyyaml_reader._CatalogLoader(text)
    try:
        return loader.get_single_data(), None
    except Exception as exc:
        return None, type(exc).__name__
    finally:
        loader.dispose()


@pytest.mark.parametrize("text", SNIPPETS)
def test_fast_path_agrees_with_pyyaml_or_declines(text: str) -> None:
    fast, data = fastyaml.load(text)
    if fast:
        reference, error = _pyyaml(text)
        assert error is None
        assert repr(data) == repr(reference)


def test_plain_catalogs_take_the_fast_path() -> None:
    for text in (CATALOG, paths.bundled_catalog().read_text()):
        fast, data = fastyaml.load(text)
        assert fast
        assert repr(data) == repr(_pyyaml(text)[0])


@pytest.mark.parametrize("text", ["a: 1\na: 2\n", "models:\n  - name: a\n    name: b\n"])
def test_duplicate_keys_are_still_refused(text: str) -> None:
    assert fastyaml.load(text) == (False, None)
    with pytest.raises(safe_yaml.YamlError, match="duplicate key"):
        safe_yaml.load_yaml(text, "x.yaml")


def test_one_tree_serves_every_document_until_one_grows_it() -> None:
    """rapidyaml's tree is kept from one document to the next (its memory is not made again
    for every file of a split catalog), and let go of after a document that grew it; the
    JSON buffer grows for a long document and comes back to its usual size after it."""
    texts = ["a: [1, 2]\n", "b: {c: d}\n", "a: 1\na: 2\n", "not: [valid\n", "e: x\n"]
    for text in texts:  # a refused document or a failed parse leaves the next one unharmed
        fast, data = fastyaml.load(text)
        assert (fast, data) == ((True, _pyyaml(text)[0]) if fast else (False, None))
    assert [fastyaml.load(text)[0] for text in texts] == [True, True, False, False, True]
    tree, emitted = fastyaml._SCRATCH.tree, fastyaml._SCRATCH.emitted
    assert fastyaml.load("f: g\n") == (True, {"f": "g"})
    assert fastyaml._SCRATCH.tree is tree
    long = "x" * (3 * fastyaml._KEPT_BUFFER)  # its JSON does not fit the buffer: it grows
    assert fastyaml.load(f"a: {long}\n") == (True, {"a": long})
    assert fastyaml._SCRATCH.tree is tree and fastyaml._SCRATCH.emitted is emitted
    assert len(emitted) == fastyaml._KEPT_BUFFER
    big = "".join(f"k{i}: [{', '.join(str(n) for n in range(20))}]\n" for i in range(8000))
    assert fastyaml.load(big)[0]
    assert not hasattr(fastyaml._SCRATCH, "tree")  # let go of: the next document makes one
    assert fastyaml.load("f: g\n") == (True, {"f": "g"})


def test_threads_reading_at_once_give_stderr_back() -> None:
    """rapidyaml's parse errors are silenced on descriptor 2, which every thread shares:
    however the threads' silences overlap, stderr is the same file afterwards."""
    before = os.fstat(2)
    texts = ["not: [valid\n", "a: 1\n", "b: {c\n", "d: [e]\n"] * 50

    def read_all() -> list[bool]:
        return [fastyaml.load(text)[0] for text in texts]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: read_all(), range(8)))
    assert results == [[False, True, False, True] * 50] * 8
    after = os.fstat(2)
    assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)
    assert fastyaml._SILENCED == []


def test_a_number_too_long_for_python_is_a_yaml_error_with_its_place() -> None:
    text = "a:\n  b: " + "1" * 5000 + "\n"
    assert fastyaml.load(text) == (False, None)
    with pytest.raises(safe_yaml.YamlError, match=r"x\.yaml:2:6: .*is too long to read"):
        safe_yaml.load_yaml(text, "x.yaml")


@pytest.mark.parametrize("scalar", ["0x_", "0b_", "-0x__"])
def test_an_int_without_digits_is_not_a_number(scalar: str) -> None:
    with pytest.raises(safe_yaml.YamlError, match=rf"x\.yaml:1:4: .*'{scalar}' is not a number"):
        safe_yaml.load_yaml(f"a: {scalar}\n", "x.yaml")
