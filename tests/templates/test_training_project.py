"""The training-project template: `idp new` binds it to a catalog model *name* (`_idp.binds:
name`), in the catalog already or new; the generated project's own suite (train, evaluate,
register against a local MLflow store) and ruff pass; its CI files pass actionlint, zizmor and
the CI systems' schemas, and install the idp release that generated it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from idp_cli import __version__
from idp_cli.templates import snapshots
from tests.helpers import Invoke, write_catalog
from tests.templates.contract import run_module
from tests.templates.predictive_helpers import idp, isolated
from tests.templates.test_ci_workflows import _lint

TEMPLATE = "training-project"
CHURN = "acme/churn-classifier"
GITHUB_TRAIN = ".github/workflows/train.yml"
GITLAB_CI = ".gitlab-ci.yml"
PINNED = f"{snapshots.PACKAGE}=={__version__}"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The churn model's training project for each CI system, and a new model's."""
    root = tmp_path_factory.mktemp("training")
    made = {}
    with isolated(root / "home"):
        for key, model, ci in (
            ("github", CHURN, "github"),
            ("gitlab", CHURN, "gitlab"),
            ("new", "acme/upsell-propensity", "github"),
        ):
            dest = root / key / "trainer"
            result = idp("new", dest, "-t", TEMPLATE, "-m", model, "--ci", ci, "--defaults")
            assert result.exit_code == 0, result.output
            made[key] = dest
    return made


def _answers(project: Path) -> dict[str, Any]:
    found: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return found


def test_an_existing_model_seeds_the_project(generated: dict[str, Path]) -> None:
    answers = _answers(generated["github"])
    assert answers["model_name"] == CHURN
    assert "model_ref" not in answers, "bound to the name, not to a version"
    model = answers["model"]
    assert model["exists"] is True
    assert model["baseline"]["version"] == "4.0.0"
    assert {"type": "roc_auc", "value": 0.913, "dataset": "holdout-2026q1"} in model["baseline"][
        "metrics"
    ]
    assert model["labels"] == {"domain": "customer", "pii": "pseudonymised"}
    assert answers["registered_model"] == "acme.churn-classifier"
    signature = json.loads((generated["github"] / "src/trainer/signature.json").read_text())
    assert [c["name"] for c in signature["outputs"]] == ["churn_probability", "churn_label"]
    baseline = json.loads((generated["github"] / "baseline.json").read_text())
    assert baseline["version"] == "4.0.0"


def test_a_new_name_gets_the_placeholder_model(generated: dict[str, Path]) -> None:
    answers = _answers(generated["new"])
    assert answers["model_name"] == "acme/upsell-propensity"
    assert answers["model"]["exists"] is False
    assert answers["model"]["name"] == "acme/upsell-propensity"
    assert answers["model"]["baseline"] == {"version": "", "metrics": []}
    card = json.loads((generated["new"] / "catalog-model.json").read_text())
    assert card["name"] == "acme/upsell-propensity"
    assert card["modelType"] == "predictive" and card["tasks"] == ["tabular-classification"]


@pytest.mark.slow
@pytest.mark.parametrize("key", ["github", "new"])
def test_the_generated_project_passes_its_suite_and_ruff(
    generated: dict[str, Path], key: str
) -> None:
    project = generated[key]
    run_module(["ruff", "check", "--no-cache", "."], project)
    run_module(["ruff", "format", "--check", "--no-cache", "."], project)
    run_module(["pytest", "-q", "-p", "no:cacheprovider"], project)


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ("Acme/Churn", "is not a valid catalog model name"),
        ("acme/churn-classifier@4.0.0", "names a model version"),
        ("acme/claim-cost-regressor", "cannot train acme/claim-cost-regressor"),
    ],
)
def test_a_name_that_cannot_be_trained_is_refused(
    invoke: Invoke, tmp_path: Path, model: str, message: str
) -> None:
    result = invoke("new", tmp_path / "t", "-t", TEMPLATE, "-m", model, "--defaults")
    assert result.exit_code == 1
    assert message in " ".join(result.stderr.split())
    assert not (tmp_path / "t").exists(), "nothing written"


def test_a_model_without_a_string_enum_output_is_refused(invoke: Invoke, tmp_path: Path) -> None:
    catalog = write_catalog(
        tmp_path / "catalog",
        """\
apiVersion: idp/v1alpha1
kind: ModelCatalog
models:
  - name: acme/free-text
    description: Classifies into free text.
    owner: group:default/ds
    modelType: predictive
    tasks: [tabular-classification]
    license: proprietary
    versions:
      - version: "1.0.0"
        lifecycle: production
        signature:
          inputs: [{name: amount, type: double}]
          outputs: [{name: reason, type: string}]
""",
    )
    args = ("-m", "acme/free-text", "--catalog", catalog, "--defaults")
    result = invoke("new", tmp_path / "t", "-t", TEMPLATE, *args)
    assert result.exit_code == 1
    assert "string without an enum" in " ".join(result.stderr.split())


def test_the_binding_answers_are_idps(invoke: Invoke, tmp_path: Path) -> None:
    args = ("-m", CHURN, "--data", "model_name=other/name", "--defaults")
    result = invoke("new", tmp_path / "t", "-t", TEMPLATE, *args)
    assert result.exit_code == 1
    assert "model_name: use --model" in " ".join(result.stderr.split())


def test_without_a_name_the_hint_lists_the_models_that_fit(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("new", tmp_path / "t", "-t", TEMPLATE, "--defaults")
    assert result.exit_code == 1
    hint = " ".join(result.stderr.split())
    assert "no model name given" in hint and CHURN in hint
    assert "acme/claim-cost-regressor" not in hint


def test_templates_show_lists_the_models_it_can_train(invoke: Invoke) -> None:
    result = invoke("templates", "show", TEMPLATE, "-o", "json")
    assert result.exit_code == 0, result.stderr
    refs = [m["ref"] for m in json.loads(result.stdout)["compatible"]]
    assert f"{CHURN}@4.0.0" in refs


# --- CI files ------------------------------------------------------------------------------


def test_the_github_workflow_passes_actionlint_and_zizmor(
    generated: dict[str, Path], tmp_path: Path
) -> None:
    from tests.templates.ci_projects import Project

    project = Project(TEMPLATE, "github", generated["github"])
    _lint(project, tmp_path, workflows=(GITHUB_TRAIN,))


def test_the_ci_files_validate_against_their_schemas(generated: dict[str, Path]) -> None:
    github, gitlab = generated["github"], generated["gitlab"]
    run_module(
        ["check_jsonschema", "--builtin-schema", "vendor.github-workflows", GITHUB_TRAIN], github
    )
    run_module(["check_jsonschema", "--builtin-schema", "vendor.gitlab-ci", GITLAB_CI], gitlab)
    assert not (github / GITLAB_CI).exists() and not (gitlab / ".github").exists()


def test_ci_trains_on_requests_and_registers_on_main(generated: dict[str, Path]) -> None:
    workflow = yaml.safe_load((generated["github"] / GITHUB_TRAIN).read_text())
    triggers = workflow.get("on", workflow.get(True))
    assert set(triggers) == {"push", "pull_request", "workflow_dispatch"}
    assert workflow["permissions"] == {"contents": "read"}, "the catalog token pushes elsewhere"
    steps = {s.get("name"): s for s in workflow["jobs"]["train"]["steps"]}
    main = "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert "if" not in steps["Train"] and "if" not in steps["Evaluate (the gate)"]
    assert steps["Register in MLflow"]["if"] == main
    assert steps["Propose the version to the catalog"]["if"] == main
    assert steps["Install idp"]["env"]["IDP_PIP_SPEC"] == (
        "${{ vars.IDP_PIP_SPEC || '" + PINNED + "' }}"
    )
    job = yaml.safe_load((generated["gitlab"] / GITLAB_CI).read_text())["train"]
    assert job["variables"]["IDP_PIP_SPEC"] == PINNED
    assert job["rules"] == [
        {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'},
        {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"},
    ]
    script = "\n".join(job["script"])
    assert script.index("trainer train") < script.index("trainer evaluate")
    assert script.index("trainer register") < script.index("sh ci/propose.sh")


# --- keeping it current ---------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("ci", ["github", "tekton"])
def test_an_untouched_project_checks_current_and_updates_to_a_new_template_cleanly(
    invoke: Invoke, tmp_path: Path, ci: str
) -> None:
    from tests.project.fleet import release
    from tests.project.test_bundled_updates import (
        assert_merged_cleanly,
        new_committed,
        template_repo_from_bundled,
    )

    repo = template_repo_from_bundled(tmp_path / "template", TEMPLATE)
    project = new_committed(invoke, tmp_path / "app", f"file://{repo}", CHURN, "--ci", ci)
    checked = invoke("check", project, "-o", "json")
    assert checked.exit_code == 0, checked.stdout + checked.stderr
    readme = repo / "template" / "README.md.jinja"
    added = "\nA paragraph added in v2.\n"
    release(repo, {"template/README.md.jinja": readme.read_text(encoding="utf-8") + added}, "v2")
    assert invoke("check", project).exit_code == 5, "the new template version is drift"
    # no --latest: the project has a model name, no version to move to another
    updated = invoke("update", project, "--defaults", "-o", "json")
    assert updated.exit_code == 0, updated.stdout + updated.stderr
    done = json.loads(updated.stdout)
    assert done["conflicts"] == []
    assert_merged_cleanly(project)
    assert {k: v for k, v in done["template"].items() if k != "src"} == {"from": "v1", "to": "v2"}
    assert (project / "README.md").read_text(encoding="utf-8").endswith(added)
    assert _answers(project)["model_name"] == CHURN
