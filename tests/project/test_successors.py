"""`idp check` and `idp update --latest` against successors the project's template may not be
able to serve, and successors that break the generated code's callers: a predictive template
and a catalog in real git repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import Invoke, commit_all
from tests.project.fleet import (
    PREDICTIVE_COPIER_YML,
    PREDICTIVE_HEAD,
    V1,
    answers,
    catalog_repo,
    generate,
    head,
    publish,
    release,
    snapshot,
)
from tests.project.fleet import template_repo as _template_repo

INPUTS = "{name: tenure_months, type: long}"


def version(number: str, *, lifecycle: str = "production", capabilities: str = "[predict]",
            inputs: str = INPUTS, extra: str = "") -> str:  # fmt: skip
    return f"""\
      - version: "{number}"
        lifecycle: {lifecycle}
{extra}        signature:
          inputs: [{inputs}]
          outputs: [{{name: churn_probability, type: double}}]
        serving:
          endpoints:
            - {{name: prod, protocol: oip-v2, url: https://churn.example.internal, modelId: churn, capabilities: {capabilities}}}
"""


BOUND = version("4.2.0")
UNSERVABLE = "[]"  # an endpoint that declares no capability, as `publish --endpoint` wrote them
REGION = INPUTS + ", {name: region, type: string}"


def template_repo(path: Path) -> Path:
    template = _template_repo(path)
    release(template, {**V1, "copier.yml": PREDICTIVE_COPIER_YML}, "v1.1")
    return template


@pytest.fixture
def world(invoke: Invoke, tmp_path: Path) -> tuple[Path, Path]:
    template = template_repo(tmp_path / "template")
    catalog = catalog_repo(tmp_path / "catalog", PREDICTIVE_HEAD + BOUND)
    project = generate(invoke, template, catalog, tmp_path / "app", "acme/churn@4.2.0")
    return catalog, project


def check(invoke: Invoke, project: Path) -> tuple[int, dict[str, object]]:
    result = invoke("check", project, "-o", "json")
    assert result.exit_code in (0, 5), result.stderr
    return result.exit_code, json.loads(result.stdout)


def test_an_unservable_successor_is_named_and_latest_refuses(
    invoke: Invoke, world: tuple[Path, Path]
) -> None:
    catalog, project = world
    publish(catalog, PREDICTIVE_HEAD + version("4.3.0", capabilities=UNSERVABLE) + BOUND)

    code, report = check(invoke, project)
    assert code == 5
    model = report["model"]
    assert isinstance(model, dict)
    assert model["latest"] == "acme/churn@4.2.0"  # nothing `--latest` could bind
    unservable = model["unservable_successor"]
    assert unservable["ref"] == "acme/churn@4.3.0"
    assert "no endpoint speaks oip-v2 with predict" in unservable["reason"]
    reasons = report["reasons"]
    assert isinstance(reasons, list)
    assert any("acme/churn@4.3.0 cannot be bound" in r for r in reasons)
    table = invoke("check", project)
    assert table.exit_code == 5
    assert "acme/churn@4.3.0 cannot be bound" in table.stdout
    assert "binds acme/churn@4.3.0" not in table.stdout

    before, commit = snapshot(project), head(project)
    result = invoke("update", project, "--latest", "--defaults")
    assert result.exit_code == 1
    assert "acme/churn@4.3.0" in result.stderr and "no endpoint speaks oip-v2" in result.stderr
    assert snapshot(project) == before and head(project) == commit


def test_a_retired_binding_with_an_unservable_successor_is_not_rebound(
    invoke: Invoke, world: tuple[Path, Path]
) -> None:
    catalog, project = world
    deprecated = version(
        "4.2.0",
        lifecycle="deprecated",
        extra='        deprecation: {successor: "acme/churn@4.3.0"}\n',
    )
    publish(catalog, PREDICTIVE_HEAD + version("4.3.0", capabilities=UNSERVABLE) + deprecated)
    code, report = check(invoke, project)
    assert code == 5
    assert report["model"]["unservable_successor"]["ref"] == "acme/churn@4.3.0"  # type: ignore[index]
    assert report["model"]["latest"] == "acme/churn@4.2.0"  # type: ignore[index]
    result = invoke("update", project, "--latest", "--defaults")
    assert result.exit_code == 1
    assert "cannot serve acme/churn@4.3.0" in result.stderr


def test_latest_takes_the_newest_servable_successor_and_names_the_newer_one(
    invoke: Invoke, world: tuple[Path, Path], tmp_path: Path
) -> None:
    catalog, project = world
    publish(
        catalog,
        PREDICTIVE_HEAD + version("4.4.0", capabilities=UNSERVABLE) + version("4.3.0") + BOUND,
    )
    code, report = check(invoke, project)
    assert code == 5
    model = report["model"]
    assert isinstance(model, dict)
    assert model["latest"] == "acme/churn@4.3.0"
    assert model["unservable_successor"]["ref"] == "acme/churn@4.4.0"

    summary = tmp_path / "summary.md"
    result = invoke(
        "update", project, "--latest", "--defaults", "--summary-file", summary, "-o", "json"
    )
    assert result.exit_code == 0, result.stderr
    assert answers(project)["model_ref"] == "acme/churn@4.3.0"
    assert "acme/churn@4.4.0" in result.stderr  # a warning: the newest could not be bound
    done = json.loads(result.stdout)
    assert done["model"]["to"] == "acme/churn@4.3.0"
    assert done["unservable_successor"]["ref"] == "acme/churn@4.4.0"
    assert "`acme/churn@4.4.0` cannot be bound" in summary.read_text()

    commit_all(project, "Re-bind")
    code, report = check(invoke, project)
    assert code == 5  # 4.4.0 is still newer, and still cannot be bound
    assert report["model"]["latest"] == "acme/churn@4.3.0"  # type: ignore[index]


def test_a_successor_that_adds_a_required_input_is_named_breaking(
    invoke: Invoke, world: tuple[Path, Path], tmp_path: Path
) -> None:
    catalog, project = world
    publish(catalog, PREDICTIVE_HEAD + version("4.3.0", inputs=REGION) + BOUND)

    code, report = check(invoke, project)
    assert code == 5
    model = report["model"]
    assert isinstance(model, dict)
    assert model["latest"] == "acme/churn@4.3.0"
    assert model["unservable_successor"] is None
    assert [(c["kind"], c["subject"], c["severity"]) for c in model["changes"]] == [
        ("input-added", "inputs.region", "breaking")
    ]
    reasons = report["reasons"]
    assert isinstance(reasons, list)
    assert any("breaking" in r and "acme/churn@4.3.0" in r for r in reasons)
    table = invoke("check", project).stdout
    assert "breaking: required input region (string) added" in table

    summary = tmp_path / "summary.md"
    result = invoke("update", project, "--latest", "--defaults", "--summary-file", summary)
    assert result.exit_code == 0, result.stderr
    assert "breaking: required input region (string) added" in result.stdout
    markdown = summary.read_text()
    sections = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert sections[0] == "## Breaking changes"
    assert "- required input region (string) added" in markdown
    assert markdown.index("## Breaking changes") < markdown.index("| | before | after |")


def test_a_compatible_successor_has_no_breaking_section_entries(
    invoke: Invoke, world: tuple[Path, Path], tmp_path: Path
) -> None:
    catalog, project = world
    optional = INPUTS + ", {name: region, type: string, required: false}"
    publish(catalog, PREDICTIVE_HEAD + version("4.3.0", inputs=optional) + BOUND)
    code, report = check(invoke, project)
    assert code == 5
    changes = report["model"]["changes"]  # type: ignore[index]
    assert [(c["subject"], c["severity"]) for c in changes] == [("inputs.region", "compatible")]
    summary = tmp_path / "summary.md"
    result = invoke("update", project, "--latest", "--defaults", "--summary-file", summary)
    assert result.exit_code == 0, result.stderr
    markdown = summary.read_text()
    assert "## Breaking changes\n\nNone." in markdown
    assert "- compatible: optional input region (string) added" in markdown


def test_a_version_published_with_endpoint_flags_can_be_bound(
    invoke: Invoke, world: tuple[Path, Path], tmp_path: Path
) -> None:
    """The flag names no capabilities; the protocol's default lets the template serve it."""
    catalog, project = world
    signature = tmp_path / "signature.yaml"
    signature.write_text(
        f"inputs: [{INPUTS}]\noutputs: [{{name: churn_probability, type: double}}]\n"
    )
    published = invoke(
        "models", "publish", "--catalog", catalog, "--model", "acme/churn",
        "--version", "4.3.0", "--lifecycle", "production", "--signature-file", signature,
        "--endpoint", "protocol=oip-v2,url=https://churn.example.internal,model-id=churn,name=prod",
        "--no-commit",
    )  # fmt: skip
    assert published.exit_code == 0, published.stderr
    commit_all(catalog, "publish 4.3.0")
    code, report = check(invoke, project)
    assert code == 5
    assert report["model"]["latest"] == "acme/churn@4.3.0"  # type: ignore[index]
    assert report["model"]["unservable_successor"] is None  # type: ignore[index]
    result = invoke("update", project, "--latest", "--defaults")
    assert result.exit_code == 0, result.stderr
    assert answers(project)["model_ref"] == "acme/churn@4.3.0"
