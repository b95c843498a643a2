"""No file under templates/ is a copy of another template's file (issue 16, "templates composed
by construction"): what two templates need alike lives in one template (a component) that idp
renders into the project, never in two files kept equal by a test.

Two rules, both over every regular file of every template, compared across templates:

- byte-identical: two non-empty files with the same bytes (an empty file holds nothing to
  share: a package's empty `__init__.py`);
- a renamed copy: two files that are the same text once at most `RENAMES` identifiers are
  renamed consistently. Precisely: each file is split into identifier tokens
  (`[A-Za-z_][A-Za-z0-9_]*`) and the text between them; the texts between identifiers are
  equal, the files have the same number of identifiers, and the pairs (identifier in one file,
  identifier at the same position in the other) that differ are at most `RENAMES` distinct
  pairs. `{{ package_name }}.client` against `{{ client_module }}` is one such pair.

One file is exempt: `template/{{ _copier_conf.answers_file }}.jinja`, the answers file's
template, which Copier needs in every template it renders (without it Copier records no
answers, so the project could not be updated); it holds one line of YAML dumping and a comment.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import defaultdict
from pathlib import Path

from tests.templates.predictive_helpers import TEMPLATES

RENAMES = 3
_IDENTIFIER = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)")
_IGNORED = {"__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"}
# Copier's answers file, which every template must render itself (see above)
ANSWERS_TEMPLATE = "{{ _copier_conf.answers_file }}.jinja"


def _files() -> dict[str, bytes]:
    """Every regular file of every template, by its path under templates/."""
    return {
        str(path.relative_to(TEMPLATES)): path.read_bytes()
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file()
        and not _IGNORED.intersection(path.relative_to(TEMPLATES).parts)
        and path.relative_to(TEMPLATES).parts[1:] != ("template", ANSWERS_TEMPLATE)
    }


def _template(relpath: str) -> str:
    return Path(relpath).parts[0]


def byte_identical(files: dict[str, bytes]) -> list[list[str]]:
    by_digest: dict[str, list[str]] = defaultdict(list)
    for relpath, data in files.items():
        if data.strip():
            by_digest[hashlib.sha256(data).hexdigest()].append(relpath)
    return [paths for paths in by_digest.values() if len({_template(p) for p in paths}) > 1]


def _split(data: bytes) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    try:
        parts = _IDENTIFIER.split(data.decode("utf-8"))
    except UnicodeDecodeError:
        return None
    return tuple(parts[0::2]), tuple(parts[1::2])


def renamed(a: bytes, b: bytes, renames: int = RENAMES) -> bool:
    """True when `b` is `a` with at most `renames` identifiers renamed consistently (and not
    the same bytes: that is the other rule)."""
    if a == b:
        return False
    split_a, split_b = _split(a), _split(b)
    if split_a is None or split_b is None:
        return False
    (text_a, names_a), (text_b, names_b) = split_a, split_b
    if text_a != text_b or len(names_a) != len(names_b):
        return False
    pairs = {(x, y) for x, y in zip(names_a, names_b, strict=True) if x != y}
    return len(pairs) <= renames


def renamed_copies(files: dict[str, bytes]) -> list[tuple[str, str]]:
    return [
        (a, b)
        for a, b in itertools.combinations(files, 2)
        if _template(a) != _template(b) and renamed(files[a], files[b])
    ]


def test_the_rules_find_what_they_describe() -> None:
    assert renamed(b"from app.client import X\n", b"from shop.client import X\n")
    assert renamed(b"PREFIX = ''\nx = PREFIX\n", b"NAME = ''\nx = NAME\n")
    assert not renamed(b"a b c d\n", b"e f g h\n")  # four renames: a different file
    assert not renamed(b"x = 1\n", b"x = 2\n")  # not an identifier
    assert not renamed(b"same\n", b"same\n")  # byte-identical: the other rule
    files = {"t1/a": b"x\n", "t2/a": b"x\n", "t1/b": b"x\n", "t1/e": b"", "t2/e": b""}
    assert byte_identical(files) == [["t1/a", "t2/a", "t1/b"]]


def test_every_template_renders_its_own_answers_file() -> None:
    """The exemption covers only the answers file each template needs, the same in each."""
    answers = {p.read_bytes() for p in TEMPLATES.glob(f"*/template/{ANSWERS_TEMPLATE}")}
    assert len(answers) == 1
    assert len(answers.pop().splitlines()) <= 5


def test_no_template_file_is_byte_identical_to_another_templates() -> None:
    found = byte_identical(_files())
    assert not found, "byte-identical files in several templates:\n" + "\n".join(
        "  " + " = ".join(paths) for paths in found
    )


def test_no_template_file_is_a_renamed_copy_of_another_templates() -> None:
    found = renamed_copies(_files())
    assert not found, (
        f"files that differ only by at most {RENAMES} renamed identifiers:\n"
        + "\n".join(f"  {a} ~ {b}" for a, b in found)
    )
