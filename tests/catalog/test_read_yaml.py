"""Loading a catalog that is not good YAML: malformed, duplicated, unsafe or oversized
documents, and files that cannot be read at all."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from idp_cli.catalog.safe_yaml import load_yaml
from idp_cli.errors import CatalogError
from tests.catalog.read_problems import check, models_block, only_problem
from tests.helpers import (
    CATALOG,
    HEADER,
    edit,
    load_spec,
    model_yaml,
    position,
    same_file,
    write_catalog,
)

# --- YAML itself ---------------------------------------------------------------------------
# A file that is not YAML is a problem like the others (validate exits 3 and annotates it);
# it hides only what was in that file.


def test_malformed_yaml_names_file_line_and_column(tmp_path: Path) -> None:
    text = edit(CATALOG, "tags: [llm, chat]", "tags: [llm, chat")
    path, problem = only_problem(tmp_path, text)
    assert same_file(problem.file, path)
    assert problem.path == ""
    assert problem.message.startswith("invalid YAML: ")
    # libyaml notices after the unclosed bracket, on a later line
    assert problem.line > position(text, "tags: [llm, chat")[0]
    assert problem.column >= 1
    assert problem.render() == f"{problem.file}:{problem.line}:{problem.column}: {problem.message}"


def test_a_tab_indented_file_is_malformed_yaml(tmp_path: Path) -> None:
    _, problem = only_problem(tmp_path, HEADER + "models:\n\t- name: x\n")
    assert (problem.line, problem.column) == (4, 1)
    assert problem.message.startswith("invalid YAML: ")


def test_duplicate_keys_are_refused_with_their_position(tmp_path: Path) -> None:
    text = edit(CATALOG, "    license: apache-2.0\n", "    license: apache-2.0\n    license: mit\n")
    _, problem = only_problem(tmp_path, text)
    assert (problem.line, problem.column) == position(text, "license: mit")
    assert problem.message == "duplicate key 'license'"


def test_a_broken_include_file_is_reported_with_the_other_problems(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    main = write_catalog(
        folder,
        HEADER + "include: [models/*.yaml]\nmodels:\n" + models_block("acme/a", "acme/b"),
    )
    broken = write_catalog(folder / "models", "name: [x\n", name="broken.yaml")
    write_catalog(
        folder / "models",
        edit(model_yaml("acme/c"), "license: mit", "licence: mit"),
        name="c.yaml",
    )
    loaded = load_spec(folder)
    assert loaded.catalog is None
    found = sorted((Path(p.file).name, p.path) for p in loaded.problems)
    assert found == [
        ("broken.yaml", ""),
        ("c.yaml", "models[2].licence"),
        ("c.yaml", "models[2].license"),
    ]
    assert {Path(p.file).resolve() for p in loaded.problems} == {
        broken.resolve(),
        (folder / "models" / "c.yaml").resolve(),
    }
    assert main.exists()


def test_only_safe_yaml_is_loaded(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = HEADER + f"models: !!python/object/apply:os.system ['touch {marker}']\n"
    _, problem = only_problem(tmp_path, text)
    assert "invalid YAML" in problem.message
    assert not marker.exists()


def test_a_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    # 9 levels of 9 aliases: 9**9 (387 million) nodes once expanded, a few hundred bytes written
    lines = ['  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"  {name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
        previous = name
    text = HEADER + "source: {id: x}\nlabels:\n" + "\n".join(lines) + "\nmodels: []\n"
    path = write_catalog(tmp_path / "c", text)
    started = time.perf_counter()
    loaded = load_spec(path)
    # expanding 387 million nodes would take far longer than this on any machine, however
    # loaded; the refusal itself takes milliseconds
    assert time.perf_counter() - started < 120
    assert [p.message for p in loaded.problems] == [
        "aliases expand the document past 5,000,000 nodes"
    ]
    with pytest.raises(CatalogError, match="alias"):
        load_yaml(text, "bomb.yaml")


def test_a_modest_use_of_aliases_is_fine(tmp_path: Path) -> None:
    text = edit(
        CATALOG,
        "          outputs: [{name: churn_probability, type: double}]\n          example",
        "          outputs: &out [{name: churn_probability, type: double}]\n          example",
    )
    text = edit(
        text,
        "          inputs: [{name: tenure_months, type: long}]\n"
        "          outputs: [{name: churn_probability, type: double}]\n"
        '      - version: "2.0.0"',
        "          inputs: [{name: tenure_months, type: long}]\n"
        "          outputs: *out\n"
        '      - version: "2.0.0"',
    )
    _, problems = check(tmp_path, text)
    assert problems == []


def test_a_deeply_nested_document_is_refused(tmp_path: Path) -> None:
    text = HEADER + "models: " + "[" * 5000 + "]" * 5000 + "\n"
    _, problem = only_problem(tmp_path, text)
    assert problem.line == 3
    assert "invalid YAML" in problem.message
    assert "nesting depth" in problem.message


def test_a_missing_file_is_a_catalog_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no such file or folder"):
        load_spec(tmp_path / "nowhere.yaml")


def test_a_folder_without_catalog_yaml_is_a_catalog_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"no catalog\.yaml in this folder"):
        load_spec(tmp_path)


def test_a_file_that_is_not_utf8_is_a_catalog_error(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_bytes(b"apiVersion: \xff\xfe\n")
    with pytest.raises(CatalogError, match="not UTF-8"):
        load_spec(path)
