"""The scheduled update job each bundled template generates for its CI system: the files.

Every template is generated with `idp new` for each CI system (GitHub Actions, GitLab CI,
Tekton: its schema checks are in test_tekton.py). The job must
validate against the CI system's schema, run on a schedule, run `idp check` and, on drift,
`idp update --latest --defaults --summary-file`, and propose the change with the summary as
the pull or merge request's description, without any secret in the file; the project's normal
CI keeps its behaviour. Its shell logic is run in test_update_job_runs.py.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from idp_cli import __version__
from idp_cli.templates import snapshots
from tests.templates.ci_projects import (
    CI_SYSTEMS,
    GITHUB_CI,
    GITHUB_WORKFLOW,
    GITLAB_CI,
    JOB_SOURCES,
    TEKTON_DIR,
    TEKTON_SCHEDULE,
    TEMPLATE_NAMES,
    Project,
    github_snippet,
    github_steps,
    gitlab_script,
    tekton_objects,
    tekton_step,
    workflow_triggers,
)
from tests.templates.contract import run_module
from tests.templates.predictive_helpers import SECRET, TEMPLATES
from tests.templates.tekton_checks import validate_kubernetes, validate_tekton

UPDATE_CALL = "idp update --latest --defaults --summary-file"
# Token shapes that must never appear in a generated CI file.
TOKEN_LITERALS = re.compile(
    r"gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|glpat-[\w-]{20,}|sk-[\w-]{16,}"
)
# What the job installs when no CI variable says otherwise: the idp that generated it.
PINNED = f"{snapshots.PACKAGE}=={__version__}"

CASES = [pytest.param((t, ci), id=f"{t}-{ci}") for t in TEMPLATE_NAMES for ci in CI_SYSTEMS]


@pytest.fixture(params=CASES)
def project(request: pytest.FixtureRequest, projects: dict[tuple[str, str], Project]) -> Project:
    template, ci = request.param
    return projects[template, ci]


# --- the files ---------------------------------------------------------------------------


@pytest.mark.parametrize("relpath", JOB_SOURCES)
def test_the_update_job_is_one_file_every_app_template_renders(relpath: str) -> None:
    """The job is in the app-base part alone; each app template renders it (`_idp.parts`)."""
    assert (TEMPLATES / "app-base" / relpath).is_file()
    for name in TEMPLATE_NAMES:
        assert not (TEMPLATES / name / relpath).exists(), name
        config = yaml.safe_load((TEMPLATES / name / "copier.yml").read_text(encoding="utf-8"))
        assert "app-base" in [part["template"] for part in config["_idp"]["parts"]], name


def _tekton_update(project: Project) -> dict[str, Any]:
    return tekton_step(project, "idp-update", "update")


def _ci_files(project: Project) -> list[str]:
    if project.ci == "github":
        return [GITHUB_WORKFLOW, GITHUB_CI]
    if project.ci == "tekton":
        return [
            TEKTON_SCHEDULE,
            *(f"{TEKTON_DIR}/{p.name}" for p in project.path.glob(".tekton/*")),
        ]
    return [GITLAB_CI]


def test_ci_files_validate_against_the_ci_schema(project: Project) -> None:
    if project.ci == "tekton":
        for document in tekton_objects(project).values():
            validate_tekton(document)
        assert validate_kubernetes(project.path / TEKTON_SCHEDULE) == ["CronJob"]
        assert not (project.path / GITLAB_CI).exists()
        assert not (project.path / ".github").exists()
        return
    if project.ci == "github":
        files = [
            (GITHUB_WORKFLOW, "vendor.github-workflows"),
            (GITHUB_CI, "vendor.github-workflows"),
        ]
        assert not (project.path / GITLAB_CI).exists()
    else:
        files = [(GITLAB_CI, "vendor.gitlab-ci")]
        assert not (project.path / ".github").exists()
    for relpath, schema in files:
        run_module(["check_jsonschema", "--builtin-schema", schema, relpath], project.path)


def test_the_job_runs_on_a_schedule(project: Project) -> None:
    if project.ci == "github":
        workflow = project.yaml(GITHUB_WORKFLOW)
        triggers = workflow_triggers(workflow)
        assert set(triggers) == {"schedule", "workflow_dispatch"}
        (cron,) = triggers["schedule"]
        fields = cron["cron"].split()
        assert len(fields) == 5 and fields[4] != "*", "weekly"
        assert workflow["permissions"] == {}, "only the job gets write access"
        (job,) = workflow["jobs"].values()
        assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    elif project.ci == "tekton":
        # The CronJob calls Pipelines as Code's incoming webhook, which starts the run.
        fields = project.yaml(TEKTON_SCHEDULE)["spec"]["schedule"].split()
        assert len(fields) == 5 and fields[4] != "*", "weekly"
        runs = [o for o in tekton_objects(project).values() if o["kind"] == "PipelineRun"]
        (update,) = [
            o
            for o in runs
            if o["metadata"]["annotations"]["pipelinesascode.tekton.dev/on-event"] == "[incoming]"
        ]
        assert update["metadata"]["name"].endswith("-idp-update")
    else:
        config = project.yaml(GITLAB_CI)
        job = config["idp-update"]
        assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
        assert job["stage"] in config["stages"]


def test_the_job_checks_then_updates(project: Project) -> None:
    if project.ci == "github":
        run, _ = github_snippet(project)
        script = run["run"]
    elif project.ci == "tekton":
        script = _tekton_update(project)["script"]
    else:
        script = gitlab_script(project)
    check = script.index("idp check")
    assert script.index(UPDATE_CALL) > check
    assert "exit" in script[check:]


def test_the_request_uses_the_summary_file(project: Project) -> None:
    if project.ci == "github":
        run, pr = github_snippet(project)
        assert '--summary-file "$IDP_SUMMARY_FILE"' in run["run"]
        assert pr["with"]["body-path"] == run["env"]["IDP_SUMMARY_FILE"]
        assert pr["with"]["branch"] == "idp/update"
        assert pr["if"] == (
            "steps.idp.outputs.result == 'updated' || steps.idp.outputs.result == 'conflicts'"
        )
        assert run["id"] == "idp"
        assert pr["with"]["token"] == "${{ secrets.IDP_BOT_TOKEN || github.token }}"
    elif project.ci == "tekton":
        step = _tekton_update(project)
        assert '--summary-file "$IDP_SUMMARY_FILE"' in step["script"]
        assert 'open(env["IDP_SUMMARY_FILE"]' in step["script"], "the request's description"
        # Outside the project, so that it is neither committed nor a change idp update refuses.
        assert step["env"]["IDP_SUMMARY_FILE"].startswith("/tmp/")
        assert step["env"]["IDP_UPDATE_BRANCH"] == "idp/update"
    else:
        script = gitlab_script(project)
        variables = project.yaml(GITLAB_CI)["idp-update"]["variables"]
        assert '--summary-file "$IDP_SUMMARY_FILE"' in script
        assert '"description@$IDP_SUMMARY_FILE"' in script
        # Outside the project, so that it is neither committed nor a change idp update refuses.
        assert variables["IDP_SUMMARY_FILE"].startswith("/tmp/")
        assert variables["PIP_CACHE_DIR"].startswith("/tmp/")


def test_idp_is_installed_as_recorded_unless_a_ci_variable_says_otherwise(
    project: Project,
) -> None:
    assert project.yaml(".copier-answers.yml")["idp_version"] == __version__
    if project.ci == "github":
        (install,) = [s for s in github_steps(project) if "pip install" in s.get("run", "")]
        assert install["env"]["IDP_PIP_SPEC"] == f"${{{{ vars.IDP_PIP_SPEC || '{PINNED}' }}}}"
        assert 'python -m pip install "$IDP_PIP_SPEC"' in install["run"]
    elif project.ci == "tekton":
        step = _tekton_update(project)
        # IDP_PIP_SPEC, a key of the Secret the step reads (envFrom), overrides it.
        assert step["env"]["IDP_RECORDED_PIP_SPEC"] == PINNED
        assert "IDP_PIP_SPEC=${IDP_PIP_SPEC:-$IDP_RECORDED_PIP_SPEC}" in step["script"]
        assert 'python -m pip install --quiet "$IDP_PIP_SPEC"' in step["script"]
    else:
        job = project.yaml(GITLAB_CI)["idp-update"]
        # A job variable: project, group and schedule variables of the same name override it.
        assert job["variables"]["IDP_PIP_SPEC"] == PINNED
        assert 'python -m pip install "$IDP_PIP_SPEC"' in job["before_script"]


def test_no_secret_literal_in_the_ci_files(project: Project) -> None:
    for relpath in _ci_files(project):
        text = project.text(relpath)
        assert SECRET not in text
        assert not TOKEN_LITERALS.search(text), relpath
    if project.ci == "github":
        # Every value that carries a token is an expression over secrets or the job's token.
        for step in github_steps(project):
            for key, value in {**step.get("env", {}), **step.get("with", {})}.items():
                if "TOKEN" in key.upper():
                    assert re.fullmatch(
                        r"\$\{\{ (secrets\.\w+|github\.token)( \|\| [^}]+)? \}\}", value
                    ), key
    elif project.ci == "tekton":
        # test_tekton.py: the tokens are the keys of a Secret, never a value
        assert "IDP_BOT_TOKEN" in project.text(f"{TEKTON_DIR}/README.md")
    else:
        config = project.yaml(GITLAB_CI)
        for name, job in config.items():
            if isinstance(job, dict):
                for key in job.get("variables", {}) or {}:
                    assert "TOKEN" not in key.upper(), f"{name}: tokens are CI/CD variables"
        assert "IDP_BOT_TOKEN" in project.text(GITLAB_CI).split("idp-update:")[0], "documented"


def test_the_readme_explains_how_to_stay_current(project: Project) -> None:
    readme = project.text("README.md")
    section = readme.split("## Staying current", 1)[1]
    for expected in (
        "idp check",
        "idp update --latest --defaults",
        "IDP_PIP_SPEC",
        PINNED,
        "PIP_INDEX_URL",
        "IDP_CATALOG_TOKEN",
    ):
        assert expected in section, expected
    if project.ci == "github":
        assert GITHUB_WORKFLOW in section and "pull request" in section
    elif project.ci == "tekton":
        assert "IDP_BOT_TOKEN" in section and ".tekton/README.md" in section
        assert TEKTON_SCHEDULE in section
    else:
        assert "IDP_BOT_TOKEN" in section and "Pipeline schedules" in section


# --- the normal CI keeps its behaviour ---------------------------------------------------


def test_the_github_ci_workflow_is_unchanged(github_project: Project) -> None:
    project = github_project
    workflow = project.yaml(GITHUB_CI)
    triggers = workflow_triggers(workflow)
    assert set(triggers) == {"push", "pull_request", "workflow_dispatch"}
    assert set(workflow["jobs"]) == {"test", "container"}
    assert "idp" not in project.text(GITHUB_CI)


def _resolved(config: dict[str, Any], name: str) -> dict[str, Any]:
    """A job with its `extends` applied (enough of GitLab's merge for these files)."""
    job = dict(config[name])
    parents = job.pop("extends", [])
    merged: dict[str, Any] = {}
    for parent in [parents] if isinstance(parents, str) else parents:
        merged.update(_resolved(config, parent))
    merged.update(job)
    return merged


def _runs_in(job: dict[str, Any], source: str) -> bool:
    """Whether a job runs in a pipeline of this source (GitLab's rules, for these files)."""
    if "rules" not in job:
        # No rules: branch and tag pipelines only, which includes scheduled ones.
        return source != "merge_request_event"
    for rule in job["rules"]:
        condition = rule.get("if")
        if condition is not None:
            match = re.fullmatch(r'\$CI_PIPELINE_SOURCE == "(\w+)"', condition)
            assert match, condition
            if match.group(1) != source:
                continue
        return bool(rule.get("when", "on_success") != "never")
    return False


def test_the_gitlab_jobs_keep_their_pipelines(gitlab_project: Project) -> None:
    config = gitlab_project.yaml(GITLAB_CI)
    assert config["stages"][:3] == ["lint", "test", "build"]
    sources = ("push", "web", "api", "trigger", "merge_request_event", "schedule")
    for name in ("lint", "test", "build"):
        job = _resolved(config, name)
        assert job["script"], name
        for source in sources:
            # As before, except that scheduled pipelines only run the update job.
            expected = source not in ("merge_request_event", "schedule")
            assert _runs_in(job, source) == expected, (name, source)
    update = _resolved(config, "idp-update")
    assert [s for s in sources if _runs_in(update, s)] == ["schedule"]
    keywords = {"default", "include", "stages", "variables", "workflow"}
    jobs = [k for k in config if not k.startswith(".") and k not in keywords]
    assert sorted(jobs) == ["build", "idp-update", "lint", "test"]


# --- the recipe in the docs is the job the templates generate ----------------------------

_DOC_BLOCK = re.compile(r"<!-- schema: ([\w.-]+) -->\n```yaml\n(.*?)\n```", re.DOTALL)


def test_the_ci_recipe_is_the_generated_job(projects: dict[tuple[str, str], Project]) -> None:
    text = (TEMPLATES.parent / "docs" / "ci-recipes.md").read_text(encoding="utf-8")
    fleet = text[text.index("## Regenerating a fleet") :]
    blocks = _DOC_BLOCK.findall(fleet)
    github = [b for schema, b in blocks if schema == "vendor.github-workflows"]
    gitlab = [b for schema, b in blocks if schema == "vendor.gitlab-ci"]
    # The docs show the version a project records as X.Y.Z.
    shown = f"{snapshots.PACKAGE}==X.Y.Z"
    workflow = projects["chat-service", "github"].text(GITHUB_WORKFLOW)
    assert github[0] + "\n" == workflow.replace(PINNED, shown)
    generated = projects["chat-service", "gitlab"].yaml(GITLAB_CI)["idp-update"]
    generated["variables"]["IDP_PIP_SPEC"] = shown
    (recipe,) = gitlab
    assert yaml.safe_load(recipe + "\n")["idp-update"] == generated
    assert "idp check" in fleet and "-o json" in fleet
    assert UPDATE_CALL.replace("--summary-file", '"$dir" --latest') not in fleet
    assert 'idp update "$dir" --latest --defaults --summary-file "$summary"' in fleet
    assert "Planned" not in fleet
