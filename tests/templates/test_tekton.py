"""The Tekton files every bundled template generates with `--ci tekton` (issue 17): each
object of `.tekton/` validates against the tekton.dev/v1 schema and fits the others it
names; the CronJob of `tekton/` validates against the Kubernetes schemas; the runs start on
the events Pipelines as Code sends; images never float on `latest`; credentials only ever
come from Secrets. The steps' scripts are run in test_tekton_steps_run.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import ValidationError  # type: ignore[import-untyped, unused-ignore]

from tests.templates.ci_projects import (
    GITHUB_WORKFLOW,
    GITLAB_CI,
    TEKTON_DIR,
    TEKTON_SCHEDULE,
    Project,
    tekton_objects,
    tekton_step,
)
from tests.templates.predictive_helpers import render_with_copier
from tests.templates.tekton_checks import (
    check_references,
    check_tekton,
    images,
    validate_kubernetes,
    validate_tekton,
)

PAC = "pipelinesascode.tekton.dev/"


def _app(project: Project) -> str:
    return str(project.yaml(".copier-answers.yml")["project_name"]).replace("_", "-")


def test_every_tekton_object_validates_and_fits_the_others(tekton_project: Project) -> None:
    objects = tekton_objects(tekton_project)
    for document in objects.values():
        validate_tekton(document)
    check_references(objects)
    app = _app(tekton_project)
    kinds = sorted(objects)
    assert kinds == sorted(
        [
            f"Pipeline/{app}-ci",
            f"Pipeline/{app}-idp-update",
            f"PipelineRun/{app}-idp-update",
            f"PipelineRun/{app}-pull-request",
            f"PipelineRun/{app}-push",
            f"Task/{app}-build-image",
            f"Task/{app}-fetch",
            f"Task/{app}-idp-update",
            f"Task/{app}-lint-test",
        ]
    )
    assert not (tekton_project.path / GITLAB_CI).exists()
    assert not (tekton_project.path / GITHUB_WORKFLOW).exists()


def test_the_schema_refuses_what_tekton_refuses(tekton_project: Project) -> None:
    """The check has teeth: a misspelt field, a param without a name, a step without one."""
    objects = tekton_objects(tekton_project)
    app = _app(tekton_project)
    task = objects[f"Task/{app}-lint-test"]
    broken: list[dict[str, Any]] = [
        {**task, "spec": {**task["spec"], "step": task["spec"]["steps"]}},
        {**task, "spec": {**task["spec"], "params": [{"type": "string"}]}},
        {**task, "spec": {**task["spec"], "steps": [{"image": "x", "script": "true"}]}},
        {**objects[f"PipelineRun/{app}-push"], "apiVersion": "tekton.dev/v1beta1"},
    ]
    for document in broken:
        with pytest.raises(ValidationError):
            validate_tekton(document)


def test_the_cronjob_validates_against_the_kubernetes_schemas(tekton_project: Project) -> None:
    assert validate_kubernetes(tekton_project.path / TEKTON_SCHEDULE) == ["CronJob"]
    cronjob = tekton_project.yaml(TEKTON_SCHEDULE)
    fields = cronjob["spec"]["schedule"].split()
    assert len(fields) == 5 and fields[4] != "*", "weekly"
    assert cronjob["spec"]["timeZone"] == "Etc/UTC"
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    pod = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    app = _app(tekton_project)
    # It asks for the run the incoming webhook starts, for the Repository named after the app.
    assert env["PAC_PIPELINERUN"] == f"{app}-idp-update"
    assert env["PAC_REPOSITORY"] == app
    assert pod["volumes"] == [
        {"name": "incoming-secret", "secret": {"secretName": f"{app}-idp-update-incoming"}}
    ]


def test_the_runs_start_on_their_events(tekton_project: Project) -> None:
    objects = tekton_objects(tekton_project)
    app = _app(tekton_project)
    events = {
        key: (o["metadata"]["annotations"][f"{PAC}on-event"], o["spec"]["params"])
        for key, o in objects.items()
        if o["kind"] == "PipelineRun"
    }
    pull, pull_params = events[f"PipelineRun/{app}-pull-request"]
    push, push_params = events[f"PipelineRun/{app}-push"]
    update, _ = events[f"PipelineRun/{app}-idp-update"]
    assert (pull, push, update) == ("[pull_request]", "[push]", "[incoming]")
    for o in objects.values():
        if o["kind"] == "PipelineRun":
            assert o["metadata"]["annotations"][f"{PAC}on-target-branch"] == "[main]"
            # Pipelines as Code's variables, not Jinja's: they survive the rendering.
            values = {p["name"]: p["value"] for p in o["spec"]["params"]}
            assert values["repo-url"] == "{{ repo_url }}"
            assert values["revision"] == "{{ revision }}"
    # Pipelines as Code fills in {{ ... }} everywhere: only the runs may use it.
    for path in (tekton_project.path / TEKTON_DIR).glob("*.yaml"):
        if "kind: PipelineRun" not in path.read_text(encoding="utf-8"):
            assert "{{" not in path.read_text(encoding="utf-8"), path
    assert {p["name"]: p["value"] for p in pull_params}["push"] == "false"
    assert {p["name"]: p["value"] for p in push_params}["push"] == "true"


def test_images_are_named_by_version_never_latest(tekton_project: Project) -> None:
    found = images(tekton_objects(tekton_project), tekton_project.yaml(TEKTON_SCHEDULE))
    assert found == {
        "docker.io/library/python:3.12-slim",
        "quay.io/buildah/stable:v1.42.2",
        "docker.io/curlimages/curl:8.11.1",
    }
    for image in found:
        name, _, tag = image.rpartition(":")
        assert "/" in name and re.fullmatch(r"v?\d+(\.\d+)+(-slim)?", tag), image


def test_credentials_come_from_secrets_only(tekton_project: Project) -> None:
    """No token or password as a value anywhere: registry and git credentials are
    workspaces bound to Secrets, the update's tokens the keys of a Secret."""
    objects = tekton_objects(tekton_project)
    app = _app(tekton_project)
    for key, document in objects.items():
        if document["kind"] != "Task":
            continue
        for step in [document["spec"].get("stepTemplate", {}), *document["spec"]["steps"]]:
            for variable in step.get("env", []):
                assert not re.search("TOKEN|PASSWORD|SECRET", variable["name"]), (key, variable)
    update = objects[f"Task/{app}-idp-update"]["spec"]["steps"][0]
    assert update["envFrom"] == [{"secretRef": {"name": f"{app}-idp-update", "optional": True}}]
    push = objects[f"PipelineRun/{app}-push"]["spec"]["workspaces"]
    secrets = {w["name"]: w.get("secret", {}).get("secretName") for w in push}
    assert secrets["registry-auth"] == f"{app}-registry-auth"
    assert secrets["git-auth"] == "{{ git_auth_secret }}"
    # git is handed the tokens by a credential helper that reads the environment
    for path in (tekton_project.path / TEKTON_DIR).glob("*.yaml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "password=" in line:
                assert re.search(r'password=\\\$(IDP_BOT_TOKEN|IDP_CATALOG_TOKEN)\\"', line), line


def test_plain_copier_records_no_idp_release(tmp_path: Path) -> None:
    """Rendered without idp, the project records no idp release: the update step then asks
    for IDP_PIP_SPEC (test_tekton_steps_run.py) rather than install an unpinned idp."""
    render_with_copier("chat-service", tmp_path / "chat", {"ci": "tekton"})
    project = Project("chat-service", "tekton", tmp_path / "chat")
    check_tekton(project.path)
    step = tekton_step(project, "idp-update", "update")
    assert step["env"]["IDP_RECORDED_PIP_SPEC"] == ""
