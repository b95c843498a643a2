"""Load a catalog text written into tmp_path and return what the reader found wrong with it:
the helpers of the test_read_*.py modules."""

from __future__ import annotations

from pathlib import Path

from idp_cli.errors import Problem
from tests.helpers import CATALOG, edit, load_spec, model_yaml, write_catalog


def check(tmp_path: Path, text: str) -> tuple[Path, list[Problem]]:
    path = write_catalog(tmp_path / "c", text)
    loaded = load_spec(path, use_cache=False)
    assert (loaded.catalog is None) == bool(loaded.problems)
    return path, loaded.problems


def only_problem(tmp_path: Path, text: str) -> tuple[Path, Problem]:
    path, problems = check(tmp_path, text)
    assert len(problems) == 1, [p.render() for p in problems]
    return path, problems[0]


def problem_for(tmp_path: Path, old: str, new: str) -> tuple[str, Problem]:
    """The only problem of the test catalog with `old` replaced by `new`, and that text."""
    text = edit(CATALOG, old, new)
    _, problem = only_problem(tmp_path, text)
    return text, problem


def models_block(*names: str) -> str:
    """A `models:` list body holding the named small models."""
    return "".join(
        ("  - " if i == 0 else "    ") + line + "\n"
        for name in names
        for i, line in enumerate(model_yaml(name).splitlines())
    )
