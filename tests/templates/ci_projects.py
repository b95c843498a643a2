"""Every bundled template generated with the real `idp new` for each CI system, once per test
session: the CI files they hold are what tests/templates/test_update_jobs.py and
test_ci_workflows.py check."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from idp_cli.ci import CI_SYSTEMS as CI_CHOICES
from tests.templates.predictive_helpers import idp, isolated

TEMPLATE_NAMES = ("chat-service", "prediction-service", "batch-scoring")
CI_SYSTEMS = tuple(CI_CHOICES)
GITHUB_WORKFLOW = ".github/workflows/idp-update.yml"
GITHUB_CI = ".github/workflows/ci.yml"
GITLAB_CI = ".gitlab-ci.yml"
TEKTON_DIR = ".tekton"
TEKTON_SCHEDULE = "tekton/idp-update-schedule.yaml"
# The update job's files, in the app-base part that every app template renders.
JOB_SOURCES = (
    "template/{% if ci == 'github' %}.github{% endif %}/workflows/idp-update.yml.jinja",
    "template/{% if ci == 'gitlab' %}.gitlab-ci.yml{% endif %}.jinja",
    "template/{% if ci == 'tekton' %}.tekton{% endif %}/idp-update-task.yaml.jinja",
)


@dataclass(frozen=True)
class Project:
    template: str
    ci: str
    path: Path

    def text(self, relpath: str) -> str:
        return (self.path / relpath).read_text(encoding="utf-8")

    def yaml(self, relpath: str) -> Any:
        return yaml.safe_load(self.text(relpath))


def _chat_model() -> str:
    result = idp("templates", "show", "chat-service", "-o", "json")
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["compatible"][0]["ref"])


def generate_all(root: Path) -> dict[tuple[str, str], Project]:
    """Each template with each CI system, generated with the real `idp new` under `root`."""
    generated: dict[tuple[str, str], Project] = {}
    with isolated(root / "home"):
        models = {
            "chat-service": _chat_model(),
            "prediction-service": "acme/churn-classifier@4.0.0",
            "batch-scoring": "acme/churn-classifier@4.0.0",
        }
        for template in TEMPLATE_NAMES:
            for ci in CI_SYSTEMS:
                dest = root / f"{template}-{ci}"
                args: list[str | Path] = ["new", dest, "-t", template, "-m", models[template]]
                result = idp(*args, "--ci", ci, "--defaults", "-o", "json")
                assert result.exit_code == 0, result.output
                generated[template, ci] = Project(template, ci, dest)
    return generated


# Reading the generated jobs.


def workflow_triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as true.
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict)
    return triggers


def github_steps(project: Project) -> list[dict[str, Any]]:
    workflow = project.yaml(GITHUB_WORKFLOW)
    (job,) = workflow["jobs"].values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def github_snippet(project: Project) -> tuple[dict[str, Any], dict[str, Any]]:
    """The step that runs idp, and the step that opens the pull request."""
    steps = github_steps(project)
    (run,) = [s for s in steps if "idp check" in s.get("run", "")]
    (pr,) = [s for s in steps if str(s.get("uses", "")).startswith("peter-evans/create-pull")]
    return run, pr


def tekton_objects(project: Project) -> dict[str, dict[str, Any]]:
    """The Tekton objects of `.tekton/`, by `kind/name`."""
    objects: dict[str, dict[str, Any]] = {}
    for path in sorted((project.path / TEKTON_DIR).glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            key = f"{document['kind']}/{document['metadata']['name']}"
            assert key not in objects, f"{key} twice"
            objects[key] = document
    return objects


def tekton_step(project: Project, task_suffix: str, step: str) -> dict[str, Any]:
    """One step of the Task named `<app>-<task_suffix>`, the Task's stepTemplate under it."""
    (task,) = [
        o
        for key, o in tekton_objects(project).items()
        if key.startswith("Task/") and key.endswith(f"-{task_suffix}")
    ]
    template = task["spec"].get("stepTemplate", {})
    (found,) = [s for s in task["spec"]["steps"] if s["name"] == step]
    env = {e["name"]: e.get("value") for e in [*template.get("env", []), *found.get("env", [])]}
    return {**template, **found, "env": env}


def gitlab_script(project: Project) -> str:
    job = project.yaml(GITLAB_CI)["idp-update"]
    return "\n".join(job["script"])
