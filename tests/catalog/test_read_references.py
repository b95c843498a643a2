"""Loading a catalog whose fields are each well formed but do not fit together: successors,
versions, aliases, default versions, signatures and endpoints that contradict each other,
and successor cycles."""

from __future__ import annotations

from pathlib import Path

from idp_cli.errors import Problem
from tests.catalog.read_problems import check, only_problem, problem_for
from tests.helpers import CATALOG, edit, load_spec, position


def test_a_successor_naming_an_unknown_model(tmp_path: Path) -> None:
    text, problem = problem_for(
        tmp_path, 'successor: "acme/churn-classifier@4.0.0"', "successor: acme/churn-v5@1.0.0"
    )
    assert problem.path == "models[0].versions[1].deprecation.successor"
    assert (problem.line, problem.column) == position(text, "successor: acme/churn-v5")
    assert "no model named 'acme/churn-v5'" in problem.message


def test_a_successor_naming_an_unknown_version(tmp_path: Path) -> None:
    _, problem = problem_for(
        tmp_path, 'successor: "acme/churn-classifier@4.0.0"', 'successor: "acme/churn-classifier@5"'
    )
    assert problem.path == "models[0].versions[1].deprecation.successor"
    assert "has no version or alias '5'" in problem.message


def test_a_version_cannot_succeed_itself(tmp_path: Path) -> None:
    _, problem = problem_for(
        tmp_path,
        'successor: "acme/churn-classifier@4.0.0"',
        'successor: "acme/churn-classifier@3.2.1"',
    )
    assert "its own successor" in problem.message


def test_a_bare_successor_needs_a_default_version_to_follow(tmp_path: Path) -> None:
    # acme/legacy-scorer's successor is the bare `acme/churn-classifier`: its default version
    text = edit(CATALOG, "    defaultVersion: champion\n", "")
    text = edit(
        text,
        "        aliases: [champion]\n        lifecycle: production\n",
        "        aliases: [champion]\n        lifecycle: staging\n",
    )
    _, problem = only_problem(tmp_path, text)
    assert problem.path.endswith(".deprecation.successor")
    assert "'acme/churn-classifier' has no default version to follow" in problem.message


def test_a_bare_successor_cannot_name_the_version_itself(tmp_path: Path) -> None:
    # the champion, 4.0.0, is the model's default version
    _, problem = problem_for(
        tmp_path,
        "        aliases: [champion]\n        lifecycle: production\n",
        "        aliases: [champion]\n        lifecycle: deprecated\n"
        "        deprecation: {successor: acme/churn-classifier}\n",
    )
    assert problem.path == "models[0].versions[0].deprecation.successor"
    assert "its own successor" in problem.message


def test_a_deprecated_version_needs_a_successor(tmp_path: Path) -> None:
    text, problem = problem_for(
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
    text, problem = problem_for(tmp_path, 'version: "2.0.0"', 'version: "3.2.1"')
    assert problem.path == "models[0].versions[2].version"
    assert (problem.line, problem.column) == position(text, 'version: "3.2.1"', 2)
    assert "duplicate version '3.2.1' (also versions[1])" in problem.message


def test_duplicate_aliases(tmp_path: Path) -> None:
    _, problem = problem_for(
        tmp_path,
        "        lifecycle: deprecated\n",
        "        aliases: [champion]\n        lifecycle: deprecated\n",
    )
    assert problem.path == "models[0].versions[1].aliases[0]"
    assert "alias 'champion' is already used by version '4.0.0'" in problem.message


def test_an_alias_may_not_shadow_a_version(tmp_path: Path) -> None:
    _, problem = problem_for(tmp_path, "aliases: [champion]", "aliases: [champion, 3.2.1]")
    assert "alias '3.2.1' is also the name of a version" in problem.message


def test_duplicate_model_names(tmp_path: Path) -> None:
    _, problem = problem_for(tmp_path, "name: acme/sales-forecast", "name: acme/chat-assistant")
    assert problem.path == "models[2].name"
    assert "duplicate model name 'acme/chat-assistant'" in problem.message


def test_a_default_version_that_does_not_resolve(tmp_path: Path) -> None:
    text, problem = problem_for(tmp_path, "defaultVersion: champion", "defaultVersion: winner")
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
    _, problem = problem_for(
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
    text, problem = problem_for(tmp_path, "              modelId: chat-assistant\n", "")
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
    _, problem = problem_for(
        tmp_path, "auth: {type: bearer, tokenEnv: LLM_TOKEN}", "auth: {type: bearer}"
    )
    assert problem.path == "models[1].versions[0].serving.endpoints[0].auth.tokenEnv"
    assert "needs tokenEnv" in problem.message


def test_token_env_must_name_an_environment_variable(tmp_path: Path) -> None:
    _, problem = problem_for(tmp_path, "tokenEnv: LLM_TOKEN", 'tokenEnv: "not a variable"')
    assert problem.path == "models[1].versions[0].serving.endpoints[0].auth.tokenEnv"


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
