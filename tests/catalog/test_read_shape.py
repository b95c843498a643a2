"""Loading a catalog from files: the valid shape, and every shape problem reported with its
file, line, column and field path."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.catalog.read_problems import check, only_problem
from tests.helpers import CATALOG, HEADER, edit, load_spec, position, same_file, write_catalog

# --- the valid shape ---------------------------------------------------------------------


def test_valid_catalog_loads_from_its_folder_and_from_the_file(catalog_dir: Path) -> None:
    by_folder = load_spec(catalog_dir, use_cache=False)
    by_file = load_spec(catalog_dir / "catalog.yaml", use_cache=False)
    for loaded in (by_folder, by_file):
        assert loaded.problems == []
        assert loaded.catalog is not None
        assert [m.name for m in loaded.catalog.models] == [
            "acme/churn-classifier",
            "acme/chat-assistant",
            "acme/sales-forecast",
            "acme/legacy-scorer",
        ]
        assert len(loaded.files) == 1
        assert same_file(loaded.files[0], catalog_dir / "catalog.yaml")
    assert by_folder.catalog is not None
    assert by_folder.catalog.source_id == "test-ds"


def test_unquoted_dates_stay_strings(tmp_path: Path) -> None:
    # PyYAML's safe loader would make a datetime.date of this; the catalog keeps what was written.
    text = edit(CATALOG, 'releasedAt: "2026-06-01"', "releasedAt: 2026-06-01")
    text = edit(text, 'sunsetDate: "2026-12-31"', "sunsetDate: 2026-12-31")
    path = write_catalog(tmp_path / "c", text)
    loaded = load_spec(path)
    assert loaded.problems == []
    assert loaded.catalog is not None
    model = loaded.catalog.models[0]
    assert model.versions[0].raw["releasedAt"] == "2026-06-01"
    assert model.versions[1].raw["deprecation"]["sunsetDate"] == "2026-12-31"


@pytest.mark.parametrize("written", ["2026-06-01T10:00:00", '"June 1st"', '"2026-6-1"'])
def test_dates_are_checked_for_their_format(tmp_path: Path, written: str) -> None:
    text = edit(CATALOG, 'releasedAt: "2026-06-01"', f"releasedAt: {written}")
    _, problem = only_problem(tmp_path, text)
    assert problem.path == "models[0].versions[0].releasedAt"
    assert "YYYY-MM-DD" in problem.message
    assert (problem.line, problem.column) == position(text, "releasedAt")


def test_unknown_keys_are_allowed_only_under_labels_and_custom_properties(tmp_path: Path) -> None:
    text = edit(
        CATALOG,
        "    tags: [churn, tabular]\n",
        "    tags: [churn, tabular]\n"
        "    labels: {anything-goes: yes-really}\n"
        "    customProperties: {nested: {free: [form, 1, 2.5]}}\n",
    )
    _, problems = check(tmp_path, text)
    assert problems == []


@pytest.mark.parametrize("written", ['"2026-13-45"', '"2026-02-30"', "2026-02-29"])
def test_dates_that_do_not_exist_are_refused(tmp_path: Path, written: str) -> None:
    text = edit(CATALOG, 'releasedAt: "2026-06-01"', f"releasedAt: {written}")
    _, problem = only_problem(tmp_path, text)
    assert problem.path == "models[0].versions[0].releasedAt"
    assert "is not a date that exists" in problem.message


# --- every problem, placed ---------------------------------------------------------------


def test_every_problem_is_reported_at_once_with_file_line_column_and_path(
    tmp_path: Path,
) -> None:
    text = HEADER + (
        "models:\n"
        "  - name: acme/first\n"
        "    description: First.\n"
        "    ownr: group:default/a\n"
        "    modelType: generative\n"
        "    tasks: text-generation\n"
        "    license: mit\n"
        "    versions:\n"
        '      - version: "1.0.0"\n'
        "        lifecycle: production\n"
        "  - name: acme/second\n"
        "    description: Second.\n"
        "    owner: group:default/b\n"
        "    modelType: generative\n"
        "    tasks: [text-generation]\n"
        "    license: mit\n"
        "    defaultVersion: champion\n"
        "    versions:\n"
        '      - version: "2.0.0"\n'
        "        lifecycle: retired\n"
        "  - name: acme/third\n"
        "    description: Third.\n"
        "    owner: group:default/c\n"
        "    modelType: generative\n"
        "    tasks: [text-generation]\n"
        "    license: mit\n"
        "    versions:\n"
        '      - version: "3.0.0"\n'
        "        lifecycle: deprecated\n"
        "        deprecation: {successor: acme/nowhere@1.0.0}\n"
        '      - version: "3.0.0"\n'
        "        lifecycle: production\n"
    )
    path, problems = check(tmp_path, text)
    found = {(p.line, p.column, p.path) for p in problems}
    assert found == {
        (*position(text, "ownr"), "models[0].ownr"),
        # `owner` is missing: placed at the model that lacks it
        (*position(text, "name: acme/first"), "models[0].owner"),
        (*position(text, "tasks: text-generation"), "models[0].tasks"),
        (*position(text, "lifecycle: retired"), "models[1].versions[0].lifecycle"),
        (*position(text, "successor: acme/nowhere"), "models[2].versions[0].deprecation.successor"),
        (*position(text, 'version: "3.0.0"', 2), "models[2].versions[1].version"),
    }
    assert all(same_file(p.file, path) for p in problems)
    by_path = {p.path: p.message for p in problems}
    assert by_path["models[0].ownr"] == "unknown key 'ownr'; did you mean 'owner'?"
    assert by_path["models[0].owner"] == "required field is missing"
    assert "valid list" in by_path["models[0].tasks"]
    assert "acme/nowhere" in by_path["models[2].versions[0].deprecation.successor"]
    assert "duplicate version '3.0.0'" in by_path["models[2].versions[1].version"]
    # sorted by place, so a reader goes through the file once
    assert [(p.line, p.column) for p in problems] == sorted((p.line, p.column) for p in problems)


def test_problem_render_is_file_line_column_path_message(tmp_path: Path) -> None:
    text = edit(CATALOG, "lifecycle: deprecated", "lifecycle: retired")
    path, problem = only_problem(tmp_path, text)
    line, column = position(text, "lifecycle: retired")
    assert problem.render() == (
        f"{problem.file}:{line}:{column}: models[0].versions[1].lifecycle: "
        f"'retired': {problem.message.split(': ', 1)[1]}"
    )
    assert same_file(problem.file, path)


def test_unknown_key_suggests_the_closest_known_key(tmp_path: Path) -> None:
    text = edit(CATALOG, "              modelId: churn-classifier\n", "              modelID: x\n")
    _, problems = check(tmp_path, text)
    paths = {p.path: p for p in problems}
    unknown = paths["models[0].versions[0].serving.endpoints[0].modelID"]
    assert unknown.message == "unknown key 'modelID'; did you mean 'modelId'?"
    assert (unknown.line, unknown.column) == position(text, "modelID")


def test_unknown_key_without_a_close_match_lists_the_known_keys(tmp_path: Path) -> None:
    text = edit(CATALOG, 'releasedAt: "2026-06-01"', "zzz: 1")
    _, problem = only_problem(tmp_path, text)
    assert problem.path == "models[0].versions[0].zzz"
    assert problem.message.startswith("unknown key 'zzz'; known keys: version, aliases, lifecycle")


@pytest.mark.parametrize(
    ("old", "new", "path", "needle"),
    [
        ("tasks: [time-series-forecasting]", "tasks: {a: b}", "models[2].tasks", "tasks: {a"),
        ("value: 0.913", "value: high", "models[0].versions[0].metrics[0].value", "value: high"),
        (
            "capabilities: [predict]",
            "capabilities: [fly]",
            "models[0].versions[0].serving.endpoints[0].capabilities[0]",
            "fly",
        ),
        (
            "protocol: oip-v2",
            "protocol: grpc",
            "models[0].versions[0].serving.endpoints[0].protocol",
            "protocol: grpc",
        ),
        ("modelType: generative", "modelType: llm", "models[1].modelType", "modelType: llm"),
        ("name: acme/sales-forecast", "name: Acme/Sales", "models[2].name", "name: Acme/Sales"),
        (
            "url: https://churn.models.example.internal",
            "url: churn.internal",
            "models[0].versions[0].serving.endpoints[0].url",
            "url: churn.internal",
        ),
    ],
)
def test_wrong_types_and_values(tmp_path: Path, old: str, new: str, path: str, needle: str) -> None:
    text = edit(CATALOG, old, new)
    _, problem = only_problem(tmp_path, text)
    assert problem.path == path
    assert (problem.line, problem.column) == position(text, needle)


@pytest.mark.parametrize(
    ("written", "shown"),
    # what was written, not what YAML made of it (4.10 is the float 4.1)
    [("4.0", "4.0"), ("4", "4"), ("4.10", "4.10"), ("017", "017")],
)
def test_an_unquoted_number_version_says_to_quote_it(
    tmp_path: Path, written: str, shown: str
) -> None:
    text = edit(CATALOG, 'version: "0.1.0"', f"version: {written}")
    _, problem = only_problem(tmp_path, text)
    assert problem.path == "models[2].versions[0].version"
    assert problem.message == f'must be a string; write it in quotes: "{shown}"'


def test_the_document_must_be_a_mapping(tmp_path: Path) -> None:
    _, problem = only_problem(tmp_path, "- just\n- a list\n")
    assert "must be a mapping" in problem.message


def test_an_empty_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    _, problem = only_problem(tmp_path, "# nothing yet\n")
    assert "must be a mapping" in problem.message


def test_the_header_is_checked(tmp_path: Path) -> None:
    text = edit(CATALOG, "apiVersion: idp/v1alpha1", "apiVersion: idp/v2")
    _, problem = only_problem(tmp_path, text)
    assert problem.path == "apiVersion"
    assert (problem.line, problem.column) == (1, 1)
