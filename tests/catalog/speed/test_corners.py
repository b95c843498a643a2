"""The fast path's corners of YAML (catalog/speed/corners.py): its copy of PyYAML's resolvers
is the catalog loader's own, and across thousands of number-like, word-like and character
corner cases in every position a value or key can take, the fast path reads each document as
PyYAML does or declines it."""

from __future__ import annotations

import itertools
import math
import re
from typing import Any

import pytest

from idp_cli.catalog import safe_yaml
from idp_cli.catalog.pyyaml_reader import _CatalogLoader
from idp_cli.catalog.speed import corners, fastyaml


def test_the_resolvers_are_the_loaders() -> None:
    loaders = {
        (tag, rx.pattern, rx.flags & (re.X | re.I | re.M))
        for resolvers in _CatalogLoader.yaml_implicit_resolvers.values()
        for tag, rx in resolvers
        if tag != "tag:yaml.org,2002:timestamp"  # a string to the loader, as to rapidyaml
    }
    ours = {(pattern, flags) for pattern, flags in corners._NOT_STRINGS.values()}
    assert {(pattern, flags) for _, pattern, flags in loaders} == ours
    # every first character the loader tries them on (but the empty scalar's, and the
    # timestamps') is one the screen tries them on too
    firsts = {
        first
        for first, resolvers in _CatalogLoader.yaml_implicit_resolvers.items()
        if first and any(tag != "tag:yaml.org,2002:timestamp" for tag, _ in resolvers)
    }
    assert firsts == set(corners._FIRST)
    # one pattern for all: those written without re.X read the same under it
    for pattern, flags in corners._NOT_STRINGS.values():
        if not flags & re.X:
            assert re.compile(pattern, re.X).pattern == pattern and " " not in pattern


def _scalars() -> list[str]:
    signs = ["", "-", "+"]
    ints = ["", "0", "00", "1", "01", "10", "1_0", "007", "9" * 20]
    dots = ["", ".", ".0", ".5", "._5", ".5_", ".0_1"]
    exps = ["", "e5", "E5", "e+5", "e-5", "e05", "e", "e_5", "e1_0"]
    found = {"".join(parts) for parts in itertools.product(signs, ints, dots, exps)}
    found |= {
        "0x1F", "0X1F", "0x_1F", "0o17", "0b101", "0b1_0", "0b2", "0x", "0x1.5",
        ".inf", ".Inf", "-.INF", "inf", ".nan", ".NaN", "nan",
        "1:30", "1:30.5", "-1:30", "190:20:30", "1:60", "01:30", "1:3_0", "1_0:30", "1:30.5_",
        "1..", "1.2.3", "-", "+", ".", "-.", "..", "_", "_1", "1_", "1e999", "-1e999",
        "123456789012345678901234567890", "1" * 400, "0.30000000000000004", "1.0e+16",
        "yes", "No", "ON", "off", "y", "n", "~", "null", "Null", "true", "True", "FALSE", "=",
        "2001-12-14", "12:30:45", "x", "1.0.0", "v1",
    }  # fmt: skip
    found.discard("")
    return sorted(found)


POSITIONS = {
    "block": "a: {}\n",
    "sequence": "a:\n  - {}\n  - x\n",
    "flow": "a: [x, {}]\n",
    "flow mapping": "a: {{b: {}}}\n",
    "key": "{}: 1\n",
    "models item": "apiVersion: v1\nmodels:\n  - name: m\n    v: {}\n  - name: m2\n",
}


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b)
        )
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@pytest.mark.parametrize("position", POSITIONS)
def test_every_number_like_scalar_reads_as_pyyaml_reads_it(position: str) -> None:
    wrong = []
    fast_count = 0
    for scalar in _scalars():
        for quoted in (scalar, f"'{scalar}'"):
            text = POSITIONS[position].format(quoted)
            fast, data = fastyaml.load(text)
            if not fast:
                continue
            fast_count += 1
            try:
                reference = safe_yaml.load_yaml(text, "x.yaml")
            except safe_yaml.YamlError as exc:
                wrong.append((quoted, data, exc.detail))
                continue
            if not _same(data, reference):
                wrong.append((quoted, data, reference))
    assert wrong == []
    assert fast_count > len(_scalars())  # most of them still take the fast path


@pytest.mark.parametrize(
    "text",
    [
        'a: "\x85"',  # NEL: a line break to PyYAML
        'a: "x\\\n\n  y"',  # an escaped line break before a blank line
        "a: x\ry",
        "a: b\u2028c",
        "a: b\x7f",
        "a: b\x01",
        'a: "\\ud800"',
        'a: "\\U0000DC00"',
        "a:\n\ufeff b: 1\n",  # libyaml skips a BOM that starts a line
        "a: b\n\ufeffc: d\n",
        # a `:` against a flow indicator: a key to YAML 1.2, an error to PyYAML
        "a: [b:]",
        "a: {b:}",
        "a: [b:,c]",
        "a: [b :]",
        "a: [{b:}]",
        "a: [:b]",
    ],
)
def test_characters_pyyaml_refuses_or_breaks_at_are_declined(text: str) -> None:
    assert fastyaml.load(text) == (False, None)
    try:
        reference = safe_yaml.load_yaml(text, "x.yaml")
    except safe_yaml.YamlError:
        return
    assert reference is not None  # read, but not as rapidyaml reads it: declined all the same


@pytest.mark.parametrize(
    "text",
    [
        "\ufeffa: b\n",
        "a: caf\u00e9\n",
        'a: "ok\\n"\n',
        "a: \ufeffb\n",
        "a: [b: c]\n",
        "a: {b: c, d: [e, f]}\n",
    ],
)
def test_ordinary_text_still_takes_the_fast_path(text: str) -> None:
    fast, data = fastyaml.load(text)
    assert fast
    assert data == safe_yaml.load_yaml(text, "x.yaml")
