"""Loading a catalog from files: the valid shape, `include:`, and every kind of bad input
reported with its file, line, column and field path."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from idp_cli.catalog.model import Catalog
from idp_cli.catalog.read import Loaded
from idp_cli.catalog.safe_yaml import load_yaml
from idp_cli.catalog.sources import FolderReader
from idp_cli.errors import CatalogError, Problem
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


def check(tmp_path: Path, text: str) -> tuple[Path, list[Problem]]:
    path = write_catalog(tmp_path / "c", text)
    loaded = load_spec(path, use_cache=False)
    assert (loaded.catalog is None) == bool(loaded.problems)
    return path, loaded.problems


def only_problem(tmp_path: Path, text: str) -> tuple[Path, Problem]:
    path, problems = check(tmp_path, text)
    assert len(problems) == 1, [p.render() for p in problems]
    return path, problems[0]


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


# --- include: ------------------------------------------------------------------------------


def _models_block(*names: str) -> str:
    """A `models:` list body holding the named small models."""
    return "".join(
        ("  - " if i == 0 else "    ") + line + "\n"
        for name in names
        for i, line in enumerate(model_yaml(name).splitlines())
    )


def test_include_one_file_per_model_and_models_lists(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    write_catalog(
        folder,
        HEADER
        + "include: [models/*.yaml, teams/**/*.yaml]\nmodels:\n"
        + _models_block("acme/main"),
    )
    write_catalog(folder / "models", model_yaml("acme/one-file"), name="one.yaml")
    write_catalog(
        folder / "teams" / "retail",
        "models:\n" + _models_block("acme/listed-a", "acme/listed-b"),
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
    write_catalog(folder, HEADER + "include: [models/*.yaml]\nmodels:\n" + _models_block("acme/a"))
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
    text = HEADER + "include: [models/*.yaml, extra/*.yml]\nmodels:\n" + _models_block("acme/a")
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
    text = HEADER + "include: [../outside.yaml]\nmodels:\n" + _models_block("acme/a")
    _, problem = only_problem(tmp_path, text)
    assert problem.path == "include[0]"
    assert "inside the catalog's folder" in problem.message


def test_an_included_file_holds_only_models(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    write_catalog(folder, HEADER + "include: [models/*.yaml]\nmodels: []\n")
    write_catalog(folder / "models", HEADER + "models:\n" + _models_block("acme/a"), name="a.yaml")
    loaded = load_spec(folder, use_cache=False)
    assert [p.path for p in loaded.problems] == ["apiVersion"]
    assert "holds only `models:`" in loaded.problems[0].message


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
        HEADER + "include: [models/*.yaml]\nmodels:\n" + _models_block("acme/a", "acme/b"),
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


# --- cross-reference rules -----------------------------------------------------------------


def _problem_for(tmp_path: Path, old: str, new: str) -> tuple[str, Problem]:
    text = edit(CATALOG, old, new)
    _, problem = only_problem(tmp_path, text)
    return text, problem


def test_a_successor_naming_an_unknown_model(tmp_path: Path) -> None:
    text, problem = _problem_for(
        tmp_path, 'successor: "acme/churn-classifier@4.0.0"', "successor: acme/churn-v5@1.0.0"
    )
    assert problem.path == "models[0].versions[1].deprecation.successor"
    assert (problem.line, problem.column) == position(text, "successor: acme/churn-v5")
    assert "no model named 'acme/churn-v5'" in problem.message


def test_a_successor_naming_an_unknown_version(tmp_path: Path) -> None:
    _, problem = _problem_for(
        tmp_path, 'successor: "acme/churn-classifier@4.0.0"', 'successor: "acme/churn-classifier@5"'
    )
    assert problem.path == "models[0].versions[1].deprecation.successor"
    assert "has no version or alias '5'" in problem.message


def test_a_version_cannot_succeed_itself(tmp_path: Path) -> None:
    _, problem = _problem_for(
        tmp_path,
        'successor: "acme/churn-classifier@4.0.0"',
        'successor: "acme/churn-classifier@3.2.1"',
    )
    assert "its own successor" in problem.message


def test_a_deprecated_version_needs_a_successor(tmp_path: Path) -> None:
    text, problem = _problem_for(
        tmp_path,
        '        deprecation: {successor: "acme/churn-classifier@4.0.0", sunsetDate: "2026-12-31"}\n',
        "",
    )
    assert problem.path == "models[0].versions[1].lifecycle"
    assert (problem.line, problem.column) == position(text, "lifecycle: deprecated")
    assert "needs deprecation.successor" in problem.message


def test_a_successor_to_a_model_with_shape_problems_is_not_reported_as_dangling(
    tmp_path: Path,
) -> None:
    # acme/legacy-scorer's successor is acme/churn-classifier, which has an unknown key: one
    # problem (the key), not a second one claiming the successor does not exist.
    text = edit(CATALOG, "    displayName: Customer churn classifier\n", "    displayNam: x\n")
    _, problem = only_problem(tmp_path, text)
    assert problem.path == "models[0].displayNam"


def test_duplicate_versions(tmp_path: Path) -> None:
    text, problem = _problem_for(tmp_path, 'version: "2.0.0"', 'version: "3.2.1"')
    assert problem.path == "models[0].versions[2].version"
    assert (problem.line, problem.column) == position(text, 'version: "3.2.1"', 2)
    assert "duplicate version '3.2.1' (also versions[1])" in problem.message


def test_duplicate_aliases(tmp_path: Path) -> None:
    _, problem = _problem_for(
        tmp_path,
        "        lifecycle: deprecated\n",
        "        aliases: [champion]\n        lifecycle: deprecated\n",
    )
    assert problem.path == "models[0].versions[1].aliases[0]"
    assert "alias 'champion' is already used by version '4.0.0'" in problem.message


def test_an_alias_may_not_shadow_a_version(tmp_path: Path) -> None:
    _, problem = _problem_for(tmp_path, "aliases: [champion]", "aliases: [champion, 3.2.1]")
    assert "alias '3.2.1' is also the name of a version" in problem.message


def test_duplicate_model_names(tmp_path: Path) -> None:
    _, problem = _problem_for(tmp_path, "name: acme/sales-forecast", "name: acme/chat-assistant")
    assert problem.path == "models[2].name"
    assert "duplicate model name 'acme/chat-assistant'" in problem.message


def test_a_default_version_that_does_not_resolve(tmp_path: Path) -> None:
    text, problem = _problem_for(tmp_path, "defaultVersion: champion", "defaultVersion: winner")
    assert problem.path == "models[0].defaultVersion"
    assert (problem.line, problem.column) == position(text, "defaultVersion")
    assert "'winner' is neither a version nor an alias" in problem.message


def test_a_predictive_version_needs_a_signature(tmp_path: Path) -> None:
    text = edit(
        CATALOG,
        "        signature:\n          inputs: [{name: store_id, type: string}]\n"
        "          outputs: [{name: forecast, type: double}]\n",
        "",
    )
    _, problems = check(tmp_path, text)
    assert [p.path for p in problems] == ["models[2].versions[0]", "models[2].versions[0]"]
    assert {p.message for p in problems} == {
        "a predictive model version needs signature.inputs",
        "a predictive model version needs signature.outputs",
    }


def test_a_predictive_signature_needs_outputs(tmp_path: Path) -> None:
    _, problem = _problem_for(
        tmp_path, "          outputs: [{name: forecast, type: double}]\n", "          outputs: []\n"
    )
    assert problem.path == "models[2].versions[0].signature.outputs"


def test_the_example_must_match_the_signature(tmp_path: Path) -> None:
    _, problems = check(
        tmp_path,
        edit(
            CATALOG,
            "example: {tenure_months: 14, contract_type: monthly}",
            "example: {tenure: 14, contract_type: weekly}",
        ),
    )
    assert {p.path: p.message for p in problems} == {
        "models[0].versions[0].signature.example.tenure": (
            "'tenure' is not an input of the signature (tenure_months, contract_type)"
        ),
        "models[0].versions[0].signature.example.contract_type": (
            "'weekly' is not one of ['monthly', 'annual']"
        ),
        "models[0].versions[0].signature.example": (
            "the example lacks the required input 'tenure_months'"
        ),
    }


def test_an_openai_endpoint_needs_a_model_id(tmp_path: Path) -> None:
    text, problem = _problem_for(tmp_path, "              modelId: chat-assistant\n", "")
    assert problem.path == "models[1].versions[0].serving.endpoints[0].modelId"
    # placed at the endpoint, since the field is not there to point at
    assert (problem.line, problem.column) == position(text, "name: gateway")
    assert "needs modelId" in problem.message


def test_an_mlflow_endpoint_needs_no_model_id(catalog_dir: Path) -> None:
    loaded = load_spec(catalog_dir)
    assert loaded.problems == []
    assert loaded.catalog is not None
    forecast = loaded.catalog.get("acme/sales-forecast")
    assert forecast is not None
    (endpoint,) = forecast.versions[0].endpoints
    assert (endpoint.protocol, endpoint.model_id) == ("mlflow-invocations", "")


def test_bearer_auth_needs_a_token_env(tmp_path: Path) -> None:
    _, problem = _problem_for(
        tmp_path, "auth: {type: bearer, tokenEnv: LLM_TOKEN}", "auth: {type: bearer}"
    )
    assert problem.path == "models[1].versions[0].serving.endpoints[0].auth.tokenEnv"
    assert "needs tokenEnv" in problem.message


def test_token_env_must_name_an_environment_variable(tmp_path: Path) -> None:
    _, problem = _problem_for(tmp_path, "tokenEnv: LLM_TOKEN", 'tokenEnv: "not a variable"')
    assert problem.path == "models[1].versions[0].serving.endpoints[0].auth.tokenEnv"


# --- credentials ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        (
            "    tags: [llm, chat]\n",
            "    tags: [llm, chat]\n    customProperties: {token: sk-live-0123456789abcdef}\n",
            "models[1].customProperties.token",
        ),
        (
            "    tags: [llm, chat]\n",
            "    tags: [llm, chat]\n"
            "    customProperties: {note: sk-proj-abcdefghijklmnopqrstuvwxyz012345}\n",
            "models[1].customProperties.note",
        ),
        (
            "    tags: [llm, chat]\n",
            "    tags: [llm, chat]\n"
            "    links: [{title: Repo, url: 'https://deploy:hunter22@git.example.internal/x'}]\n",
            "models[1].links[0].url",
        ),
        (
            "    tags: [llm, chat]\n",
            "    tags: [llm, chat]\n    customProperties: {apiKey: abc123}\n",
            "models[1].customProperties.apiKey",
        ),
        (
            "    tags: [retail]\n",
            "    tags: [retail]\n    labels: {gatewayToken: xyz}\n",
            "models[2].labels.gatewayToken",
        ),
        (
            "        lifecycle: experimental\n",
            "        lifecycle: experimental\n"
            "        changelog: 'Tested with ghp_0123456789abcdefghijklmnopqrstuvwxyzAB'\n",
            "models[1].versions[1].changelog",
        ),
    ],
)
def test_literal_credentials_are_errors(tmp_path: Path, old: str, new: str, path: str) -> None:
    _, problem = _problem_for(tmp_path, old, new)
    assert problem.path == path
    assert "credential" in problem.message


def test_a_credential_in_the_header_is_an_error(tmp_path: Path) -> None:
    text = edit(
        CATALOG,
        "source: {id: test-ds, name: Test Data Science}",
        "source: {id: test-ds, name: 'AKIAABCDEFGHIJKLMNOP'}",
    )
    _, problem = only_problem(tmp_path, text)
    assert problem.path == "source.name"
    assert "AWS access key" in problem.message


def test_a_token_inside_auth_is_unknown_and_a_credential(tmp_path: Path) -> None:
    text = edit(
        CATALOG,
        "auth: {type: bearer, tokenEnv: LLM_TOKEN}",
        "auth: {type: bearer, tokenEnv: LLM_TOKEN, token: abc}",
    )
    _, problems = check(tmp_path, text)
    assert {p.path for p in problems} == {"models[1].versions[0].serving.endpoints[0].auth.token"}
    assert any("credential" in p.message for p in problems)
    assert any("unknown key 'token'" in p.message for p in problems)


def test_token_env_names_are_not_mistaken_for_credentials(catalog_dir: Path) -> None:
    loaded: Loaded[Catalog] = load_spec(catalog_dir)
    assert "tokenEnv: CHURN_API_TOKEN" in CATALOG
    assert loaded.problems == []


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


@pytest.mark.parametrize("written", ['"2026-13-45"', '"2026-02-30"', "2026-02-29"])
def test_dates_that_do_not_exist_are_refused(tmp_path: Path, written: str) -> None:
    text = edit(CATALOG, 'releasedAt: "2026-06-01"', f"releasedAt: {written}")
    _, problem = only_problem(tmp_path, text)
    assert problem.path == "models[0].versions[0].releasedAt"
    assert "is not a date that exists" in problem.message


def _cycles(tmp_path: Path, text: str) -> list[Problem]:
    _, problems = check(tmp_path, text)
    return [p for p in problems if "successor cycle" in p.message]


def test_a_successor_cycle_of_two_versions(tmp_path: Path) -> None:
    text = edit(
        CATALOG,
        "        aliases: [champion]\n        lifecycle: production\n",
        "        aliases: [champion]\n        lifecycle: deprecated\n"
        '        deprecation: {successor: "acme/churn-classifier@3.2.1"}\n',
    )
    (problem,) = _cycles(tmp_path, text)
    assert problem.path == "models[0].versions[0].deprecation.successor"
    assert "acme/churn-classifier@4.0.0 → acme/churn-classifier@3.2.1 → " in problem.message
    assert problem.message.count("→") == 2


def test_a_successor_cycle_across_models_through_an_alias(tmp_path: Path) -> None:
    # churn@4.0.0 -> legacy-scorer@1.0.0 -> churn (its default, the champion 4.0.0)
    text = edit(
        CATALOG,
        "        aliases: [champion]\n        lifecycle: production\n",
        "        aliases: [champion]\n        lifecycle: deprecated\n"
        '        deprecation: {successor: "acme/legacy-scorer@1.0.0"}\n',
    )
    (problem,) = _cycles(tmp_path, text)
    assert problem.path == "models[0].versions[0].deprecation.successor"
    assert problem.message.startswith(
        "successor cycle: acme/churn-classifier@4.0.0 → acme/legacy-scorer@1.0.0 → "
        "acme/churn-classifier@4.0.0;"
    )


def test_chains_that_end_at_a_live_version_are_no_cycle(tmp_path: Path) -> None:
    # 2.0.0 -> champion (4.0.0) and 3.2.1 -> 4.0.0 and legacy -> churn: all end at 4.0.0
    _, problems = check(tmp_path, CATALOG)
    assert problems == []
