"""`idp bindings`: every binding of a project, as a table and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_completion import bash
from tests.helpers import Invoke
from tests.project.fleet import publish
from tests.project.test_bundled_updates import CHURN_OLD
from tests.project.two_bindings import CATALOG_SUMMARIZER_DEPRECATED

World = tuple[Path, Path, Path, Path]


def test_each_binding_with_its_model_and_lifecycle(invoke: Invoke, two_bindings: World) -> None:
    _, _, catalog, project = two_bindings
    publish(catalog, CATALOG_SUMMARIZER_DEPRECATED)
    result = invoke("bindings", project, "-o", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["bindings"]
    assert [
        (r["name"], r["template"], r["template_version"], r["model_ref"], r["lifecycle"],
         r["recorded_lifecycle"], r["answers_file"], r["app"])
        for r in rows
    ] == [
        ("template", "template", "v1", "acme/assistant@1.0.0", "production", "production",
         ".copier-answers.yml", True),
        ("summarizer", "client", "v1", "acme/summarizer@1.0.0", "deprecated", "production",
         ".copier-answers.summarizer.yml", False),
    ]  # fmt: skip

    table = invoke("bindings", project)
    assert table.exit_code == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == [
        "BINDING",
        "TEMPLATE",
        "VERSION",
        "MODEL",
        "LIFECYCLE",
        "ANSWERS",
        "FILE",
    ]
    assert lines[2].split() == [
        "summarizer", "client", "v1", "acme/summarizer@1.0.0", "deprecated",
        ".copier-answers.summarizer.yml",
    ]  # fmt: skip


def test_a_composed_app_lists_its_parts_under_its_binding(invoke: Invoke, tmp_path: Path) -> None:
    project = tmp_path / "svc"
    made = invoke("new", project, "-t", "prediction-service", "-m", CHURN_OLD, "--defaults",
                  "--allow-deprecated")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    result = invoke("bindings", project, "-o", "json")
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)["bindings"]
    assert (row["name"], row["bundled"], row["model_ref"]) == (
        "prediction-service",
        True,
        CHURN_OLD,
    )
    assert row["lifecycle"] == "deprecated"
    assert [(p["name"], p["template"], p["answers_file"]) for p in row["parts"]] == [
        ("base", "app-base", ".copier-answers.app-base.yml"),
        ("client", "predictive-client", ".copier-answers.app-client.yml"),
        ("deploy", "deploy", ".copier-answers.app-deploy.yml"),
        ("runner", "service-runner", ".copier-answers.app-runner.yml"),
    ]
    table = invoke("bindings", project).stdout.splitlines()
    assert [line.split()[:3] for line in table[2:]] == [
        ["part", "base", "app-base"], ["part", "client", "predictive-client"],
        ["part", "deploy", "deploy"], ["part", "runner", "service-runner"],
    ]  # fmt: skip


def test_not_a_project(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("bindings", tmp_path)
    assert result.exit_code == 1
    assert "not a generated project" in result.stderr


def test_binding_names_are_completed(two_bindings: World) -> None:
    *_, project = two_bindings
    assert bash("idp check --binding ", project) == ["template", "summarizer"]
    assert bash("idp update --binding s", project) == ["summarizer"]
    # `idp remove` takes the bindings `idp add` made only
    assert bash("idp remove -b ", project) == ["summarizer"]
    assert bash("idp check --binding ", project.parent) == []  # not a project: nothing
