"""Checks of a generated project's Tekton files: every object of `.tekton/` against the
tekton.dev/v1 schema (tests/data/tekton-schemas, see the NOTICE there) and against the other
objects it names; the Kubernetes objects of `tekton/` against the Kubernetes JSON schemas of
a pinned version (`kubernetes-validate`, offline)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped, unused-ignore]
import yaml
from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]

REPO = Path(__file__).resolve().parents[2]
TEKTON_SCHEMA = REPO / "tests" / "data" / "tekton-schemas" / "tekton.dev-v1.schema.json"
# The Kubernetes version the CronJob is checked against: the oldest still supported upstream
# that has everything the file uses (CronJob.spec.timeZone is stable since 1.27).
KUBERNETES_VERSION = "1.33.0"
REFERENCE = re.compile(r"\$\((params|workspaces)\.([\w-]+)(?:\.(\w+))?\)")


@cache
def _tekton_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(TEKTON_SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


def validate_tekton(document: dict[str, Any]) -> None:
    """One object against the schema of its kind (the error names the field)."""
    schema = _tekton_schema()
    kind = document.get("kind")
    assert kind in ("Pipeline", "PipelineRun", "Task"), f"not a Tekton kind: {kind}"
    Draft202012Validator({**schema, "$ref": f"#/$defs/{kind}"}).validate(document)


def validate_kubernetes(path: Path) -> list[str]:
    """Every object of a YAML file against the pinned Kubernetes version's schemas, strictly
    (an unknown field is an error); returns their kinds."""
    kinds = []
    for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
        kinds.append(document["kind"])
    return kinds


def check_tekton(project: Path) -> None:
    """Every Tekton object of `.tekton/` and the CronJob of `tekton/`, with the schemas and
    against each other."""
    objects: dict[str, dict[str, Any]] = {}
    for path in sorted((project / ".tekton").glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            validate_tekton(document)
            objects[f"{document['kind']}/{document['metadata']['name']}"] = document
    assert objects, f"no Tekton objects in {project / '.tekton'}"
    check_references(objects)
    assert validate_kubernetes(project / "tekton" / "idp-update-schedule.yaml") == ["CronJob"]


def _references(node: Any) -> set[tuple[str, str, str | None]]:
    text = json.dumps(node)
    return {(m[1], m[2], m[3]) for m in REFERENCE.finditer(text)}


def check_references(objects: dict[str, dict[str, Any]]) -> None:
    """What Tekton checks when it runs them: each taskRef and pipelineRef names an object
    here, each param a Task or Pipeline uses is declared, each param passed is declared by
    the callee and each one it requires is passed, each workspace bound is declared."""
    for key, document in objects.items():
        spec = document["spec"]
        kind = document["kind"]
        declared_params = {p["name"]: p for p in spec.get("params", [])}
        declared_workspaces = {w["name"]: w for w in spec.get("workspaces", [])}
        if kind in ("Task", "Pipeline"):
            for source, name, _ in _references(spec):
                table = declared_params if source == "params" else declared_workspaces
                assert name in table, f"{key}: $({source}.{name}) is not declared"
        if kind == "Pipeline":
            for task in spec["tasks"]:
                callee = objects[f"Task/{task['taskRef']['name']}"]["spec"]
                _check_call(f"{key} task {task['name']}", task, callee, declared_workspaces)
                for before in task.get("runAfter", []):
                    assert before in {t["name"] for t in spec["tasks"]}, before
        if kind == "PipelineRun":
            callee = objects[f"Pipeline/{spec['pipelineRef']['name']}"]["spec"]
            _check_call(key, spec, callee, None)


def _check_call(
    where: str, call: dict[str, Any], callee: dict[str, Any], offered: dict[str, Any] | None
) -> None:
    passed = {p["name"] for p in call.get("params", [])}
    params = {p["name"]: p for p in callee.get("params", [])}
    assert passed <= set(params), f"{where}: passes undeclared {passed - set(params)}"
    required = {name for name, p in params.items() if "default" not in p}
    assert required <= passed, f"{where}: does not pass {required - passed}"
    bound = {w["name"]: w for w in call.get("workspaces", [])}
    workspaces = {w["name"]: w for w in callee.get("workspaces", [])}
    assert set(bound) <= set(workspaces), (
        f"{where}: binds undeclared {set(bound) - set(workspaces)}"
    )
    needed = {name for name, w in workspaces.items() if not w.get("optional")}
    assert needed <= set(bound), f"{where}: does not bind {needed - set(bound)}"
    if offered is not None:
        for binding in bound.values():
            assert binding["workspace"] in offered, f"{where}: {binding['workspace']}"


def images(objects: dict[str, dict[str, Any]], schedule: dict[str, Any]) -> set[str]:
    """Every image the pipelines and the CronJob can run: the steps' (after the defaults of
    the params they name) and the CronJob's containers'."""
    found: set[str] = set()
    defaults = {
        p["name"]: p["default"]
        for o in objects.values()
        for p in o["spec"].get("params", [])
        if "default" in p and p["name"].endswith("-image")
    }
    for document in objects.values():
        if document["kind"] != "Task":
            continue
        spec = document["spec"]
        for step in [spec.get("stepTemplate", {}), *spec["steps"]]:
            if "image" in step:
                match = re.fullmatch(r"\$\(params\.([\w-]+)\)", step["image"])
                found.add(defaults[match[1]] if match else step["image"])
    for container in schedule["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]:
        found.add(container["image"])
    return found
