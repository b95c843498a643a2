"""Loading a catalog spread over files with `include:`: what is included, where its problems
are placed, what an include may not do, and the glob that finds the files."""

from __future__ import annotations

from pathlib import Path

import pytest

from idp_cli.catalog.sources import FolderReader
from tests.catalog.read_problems import models_block, only_problem
from tests.helpers import HEADER, edit, load_spec, model_yaml, position, same_file, write_catalog


def test_include_one_file_per_model_and_models_lists(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    write_catalog(
        folder,
        HEADER + "include: [models/*.yaml, teams/**/*.yaml]\nmodels:\n" + models_block("acme/main"),
    )
    write_catalog(folder / "models", model_yaml("acme/one-file"), name="one.yaml")
    write_catalog(
        folder / "teams" / "retail",
        "models:\n" + models_block("acme/listed-a", "acme/listed-b"),
        name="two.yaml",
    )
    # not matched by `models/*.yaml`: a glob's `*` stays inside one folder
    write_catalog(folder / "models" / "drafts", model_yaml("acme/draft"), name="draft.yaml")
    loaded = load_spec(folder, use_cache=False)
    assert loaded.problems == []
    assert loaded.catalog is not None
    assert sorted(m.name for m in loaded.catalog.models) == [
        "acme/listed-a",
        "acme/listed-b",
        "acme/main",
        "acme/one-file",
    ]
    assert len(loaded.files) == 3


def test_problems_in_an_included_file_name_that_file_and_the_global_path(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "c"
    write_catalog(folder, HEADER + "include: [models/*.yaml]\nmodels:\n" + models_block("acme/a"))
    included = edit(model_yaml("acme/b"), "lifecycle: production", "lifecycle: retired")
    include_path = write_catalog(folder / "models", included, name="b.yaml")
    loaded = load_spec(folder, use_cache=False)
    assert len(loaded.problems) == 1
    problem = loaded.problems[0]
    assert same_file(problem.file, include_path)
    assert problem.path == "models[1].versions[0].lifecycle"
    assert (problem.line, problem.column) == position(included, "lifecycle")
    assert "'retired'" in problem.message


def test_an_include_matching_nothing_is_a_problem(tmp_path: Path) -> None:
    text = HEADER + "include: [models/*.yaml, extra/*.yml]\nmodels:\n" + models_block("acme/a")
    folder = tmp_path / "c"
    write_catalog(folder, text)
    write_catalog(folder / "models", model_yaml("acme/b"), name="b.yaml")
    loaded = load_spec(folder, use_cache=False)
    assert [(p.path, p.line, p.column) for p in loaded.problems] == [
        ("include[1]", *position(text, "extra/*.yml"))
    ]
    assert "'extra/*.yml' matches no file" in loaded.problems[0].message


def test_an_include_may_not_leave_the_catalog_folder(tmp_path: Path) -> None:
    write_catalog(tmp_path, model_yaml("acme/outside"), name="outside.yaml")
    text = HEADER + "include: [../outside.yaml]\nmodels:\n" + models_block("acme/a")
    _, problem = only_problem(tmp_path, text)
    assert problem.path == "include[0]"
    assert "inside the catalog's folder" in problem.message


def test_an_included_file_holds_only_models(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    write_catalog(folder, HEADER + "include: [models/*.yaml]\nmodels: []\n")
    write_catalog(folder / "models", HEADER + "models:\n" + models_block("acme/a"), name="a.yaml")
    loaded = load_spec(folder, use_cache=False)
    assert [p.path for p in loaded.problems] == ["apiVersion"]
    assert "holds only `models:`" in loaded.problems[0].message


@pytest.mark.parametrize(
    "pattern",
    [
        "models/*.yaml",
        "*.yaml",
        "models/*",
        "models/a*.y?ml",
        "models/[ab]*.yaml",
        "models/**/*.yaml",
        "missing/*.yaml",
        "models/a.yaml",
        "models/sub/*.yaml",
    ],
)
def test_the_folder_glob_finds_what_pathlib_finds(tmp_path: Path, pattern: str) -> None:
    for rel in (
        "catalog.yaml",
        "models/a.yaml",
        "models/b.yaml",
        "models/.hidden.yaml",
        "models/c.yml",
        "models/sub/d.yaml",
        "models/A.yaml",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x: 1\n")
    (tmp_path / "models" / "dir.yaml").mkdir()
    (tmp_path / "models" / "link.yaml").symlink_to(tmp_path / "models" / "a.yaml")
    (tmp_path / "models" / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    expected = sorted(
        p.relative_to(tmp_path).as_posix() for p in tmp_path.glob(pattern) if p.is_file()
    )
    assert FolderReader(tmp_path).glob(pattern) == expected
