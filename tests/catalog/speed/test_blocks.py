"""A catalog file read in parts is cut into runs of whole items (blocks.py) and screened piece
by piece (fastyaml.cut_models, load_runs): the items are those a whole read cuts, and the
pieces decline exactly the texts the screen of the whole text declines."""

from __future__ import annotations

import pytest

from idp_cli.catalog.speed import blocks, corners, fastyaml

BASE = """\
apiVersion: idp/v1alpha1
# a comment
kind: ModelCatalog
models:   # the models
{items}\
# after the last item
include: [x.yaml]
"""


def _catalog(indent: str, count: int = 6) -> str:
    items = ""
    for i in range(count):
        items += f"{indent}- name: acme/m{i}\n{indent}  tags: [a, b]\n"
        if i == 2:
            items += f"{indent}  # a comment inside\n\n"
    return BASE.format(items=items)


SIZES = [1, 30, 90, 10**9]


@pytest.mark.parametrize("indent", ["", "  ", "    "])
@pytest.mark.parametrize("size", SIZES)
def test_runs_hold_the_items_a_whole_read_cuts(indent: str, size: int) -> None:
    text = _catalog(indent)
    whole = fastyaml._split_models(text)
    cut = fastyaml.cut_models(text, size)
    assert whole is not None and cut is not None
    head, found_indent, runs = cut
    assert (head, found_indent) == (whole[0], indent)
    assert [item for a, b in runs for item in blocks.items(text, a, b, indent)] == whole[1]
    assert runs[0][0] == text.index(f"{indent}- name: acme/m0")
    assert all(text[a - 1] == "\n" for a, _ in runs)  # every run starts at a line start
    assert len(runs) == (1 if size == 10**9 else 6 if size == 1 else len(runs))


ODD = ["\t", "%", "---", "...", "<<: x", "&a", "*a", "!t", "@x", "`x", "? ", "?", "x?"]


def _variants(text: str) -> list[str]:
    """`text` with something the screen may decline at every line start, in the middle of
    every line and at the very end."""
    out = []
    lines = text.splitlines(keepends=True)
    for odd in ODD:
        out.append(text + odd)
        for index, line in enumerate(lines):
            middle = line.find(": ") + 2 if ": " in line else len(line) - 1
            for changed in (odd + line, line[:middle] + odd + line[middle:]):
                out.append("".join([*lines[:index], changed, *lines[index + 1 :]]))
    return out


@pytest.mark.parametrize("indent", ["", "  "])
def test_the_pieces_decline_exactly_what_the_whole_text_declines(indent: str) -> None:
    mismatches = []
    for text in _variants(_catalog(indent)):
        if blocks.find_block(text) is None:
            continue  # read whole, as before
        whole = corners.declined_by_text(text)
        for size in SIZES:
            cut = fastyaml.cut_models(text, size)
            pieces = cut is None or (
                corners.declined_by_text(cut[0])
                or any(fastyaml._declined_run(text, a, b) for a, b in cut[2])
            )
            if pieces != whole:
                mismatches.append((text, size, whole))
    assert mismatches == []
