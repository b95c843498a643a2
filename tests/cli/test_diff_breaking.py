"""`idp catalog diff`'s impact section names the changes a successor makes that break the
callers of projects bound to the version it replaces."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Invoke, commit_all, git, make_repo
from tests.project.fleet import PREDICTIVE_HEAD

REGION = "{name: tenure_months, type: long}, {name: region, type: string}"


def version(number: str, *, inputs: str = "{name: tenure_months, type: long}",
            lifecycle: str = "production", successor: str = "") -> str:  # fmt: skip
    deprecation = f'        deprecation: {{successor: "{successor}"}}\n' if successor else ""
    return f"""\
      - version: "{number}"
        lifecycle: {lifecycle}
{deprecation}        signature:
          inputs: [{inputs}]
          outputs: [{{name: churn_probability, type: double}}]
        serving:
          endpoints:
            - {{name: prod, protocol: oip-v2, url: https://churn.example.internal, modelId: churn, capabilities: [predict]}}
"""


def _repo(tmp_path: Path, *texts: str) -> Path:
    repo = make_repo(tmp_path / "catalog")
    for index, text in enumerate(texts, 1):
        (repo / "catalog.yaml").write_text(text)
        commit_all(repo, f"catalog {index}")
        git(repo, "tag", f"v{index}")
    return repo


def _impact(invoke: Invoke, repo: Path) -> list[dict[str, Any]]:
    result = invoke("catalog", "diff", "v1", "v2", "--catalog", repo, "-o", "json")
    assert result.exit_code == 0, result.stderr
    impact: list[dict[str, Any]] = json.loads(result.stdout)["impact"]
    return impact


def test_a_breaking_successor_is_in_the_impact_section(invoke: Invoke, tmp_path: Path) -> None:
    repo = _repo(
        tmp_path,
        PREDICTIVE_HEAD + version("4.2.0"),
        PREDICTIVE_HEAD
        + version("4.3.0", inputs=REGION)
        + version("4.2.0", lifecycle="deprecated", successor="acme/churn@4.3.0"),
    )
    impact = _impact(invoke, repo)
    assert [i["kind"] for i in impact] == ["deprecated", "breaking-changes"]
    breaking = impact[1]
    assert breaking["ref"] == "acme/churn@4.2.0"
    assert breaking["successor"] == "acme/churn@4.3.0"
    assert [(c["kind"], c["subject"], c["severity"]) for c in breaking["changes"]] == [
        ("input-added", "inputs.region", "breaking")
    ]
    assert "required input region (string) added" in breaking["message"]

    table = invoke("catalog", "diff", "v1", "v2", "--catalog", repo)
    impact_text = table.stdout.split("Impact on generated projects:")[1]
    assert "acme/churn@4.3.0 breaks callers of acme/churn@4.2.0" in impact_text
    markdown = invoke("catalog", "diff", "v1", "v2", "--catalog", repo, "-o", "markdown").stdout
    assert "- **breaking-changes**: acme/churn@4.3.0 breaks callers of" in markdown


def test_a_newer_production_version_that_breaks_callers_is_named(
    invoke: Invoke, tmp_path: Path
) -> None:
    """Projects bound to 4.2.0 move to 4.3.0 with `idp update --latest` though 4.2.0 stays."""
    repo = _repo(
        tmp_path,
        PREDICTIVE_HEAD + version("4.2.0"),
        PREDICTIVE_HEAD + version("4.3.0", inputs=REGION) + version("4.2.0"),
    )
    impact = _impact(invoke, repo)
    assert [(i["kind"], i["ref"], i["successor"]) for i in impact] == [
        ("breaking-changes", "acme/churn@4.2.0", "acme/churn@4.3.0")
    ]


def test_a_compatible_successor_has_no_impact_entry(invoke: Invoke, tmp_path: Path) -> None:
    optional = "{name: tenure_months, type: long}, {name: region, type: string, required: false}"
    repo = _repo(
        tmp_path,
        PREDICTIVE_HEAD + version("4.2.0"),
        PREDICTIVE_HEAD
        + version("4.3.0", inputs=optional)
        + version("4.2.0", lifecycle="deprecated", successor="acme/churn@4.3.0"),
    )
    assert [i["kind"] for i in _impact(invoke, repo)] == ["deprecated"]


SPLIT_HEAD = "apiVersion: idp/v1alpha1\nkind: ModelCatalog\ninclude: [models/*.yaml]\n"


def _model_file(name: str, versions: str, default: str = "") -> str:
    """One model per file, as a catalog split with `include:` holds it."""
    head = PREDICTIVE_HEAD.split("models:\n", 1)[1].replace("acme/churn", name)
    if default:
        head = head.replace("    versions:\n", f'    defaultVersion: "{default}"\n    versions:\n')
    lines = (head + versions).splitlines()
    return "".join(line[4:] + "\n" for line in lines)  # a mapping, not a list item


def _split_repo(tmp_path: Path, *steps: dict[str, str]) -> Path:
    repo = make_repo(tmp_path / "catalog")
    (repo / "models").mkdir()
    (repo / "catalog.yaml").write_text(SPLIT_HEAD)
    for index, files in enumerate(steps, 1):
        for rel, text in files.items():
            (repo / rel).write_text(text)
        commit_all(repo, f"catalog {index}")
        git(repo, "tag", f"v{index}")
    return repo


OLD = version("1", lifecycle="deprecated", successor="acme/new")


# the same successor, its slash written as a YAML escape: the name is not in the file's bytes
@pytest.mark.parametrize("old", [OLD, OLD.replace("acme/new", "acme\\x2fnew")])
def test_a_move_through_a_model_in_a_file_that_did_not_change_is_named(
    invoke: Invoke, tmp_path: Path, old: str
) -> None:
    """acme/old's file is the same on both sides; its bare successor now stands for the
    version of acme/new that breaks its callers."""
    new_versions = version("1") + version("2", inputs=REGION)
    repo = _split_repo(
        tmp_path,
        {
            "models/old.yaml": _model_file("acme/old", old),
            "models/new.yaml": _model_file("acme/new", new_versions, default="1"),
        },
        {"models/new.yaml": _model_file("acme/new", new_versions, default="2")},
    )
    assert invoke("catalog", "validate", "--catalog", repo).exit_code == 0
    breaking = [i for i in _impact(invoke, repo) if i["kind"] == "breaking-changes"]
    assert [(i["ref"], i["successor"]) for i in breaking] == [("acme/old@1", "acme/new@2")]


def test_a_successor_written_as_a_number_is_followed(invoke: Invoke, tmp_path: Path) -> None:
    """A model named `1000` and a successor written `0x3e8`, which YAML reads as the number
    1000 (the catalog is not valid, but its history is read all the same): the unchanged
    file is read although its bytes never say `1000`."""
    old = version("1", lifecycle="deprecated", successor="X").replace('"X"', "0x3e8")
    new_versions = version("1") + version("2", inputs=REGION)

    def named_1000(default: str) -> str:  # the name quoted: a string, as names must be
        text = _model_file("1000", new_versions, default=default)
        return text.replace("name: 1000\n", 'name: "1000"\n', 1)

    repo = _split_repo(
        tmp_path,
        {"models/old.yaml": _model_file("acme/old", old), "models/new.yaml": named_1000("1")},
        {"models/new.yaml": named_1000("2")},
    )
    breaking = [i for i in _impact(invoke, repo) if i["kind"] == "breaking-changes"]
    assert [(i["ref"], i["successor"]) for i in breaking] == [("acme/old@1", "1000@2")]


def test_a_successor_into_a_file_that_did_not_change_is_followed(
    invoke: Invoke, tmp_path: Path
) -> None:
    new_versions = version("1") + version("2", inputs=REGION)
    repo = _split_repo(
        tmp_path,
        {
            "models/old.yaml": _model_file("acme/old", version("1")),
            "models/new.yaml": _model_file("acme/new", new_versions, default="1"),
        },
        {"models/old.yaml": _model_file("acme/old", version("1", lifecycle="deprecated",
                                                             successor="acme/new@2"))},
    )  # fmt: skip
    breaking = [i for i in _impact(invoke, repo) if i["kind"] == "breaking-changes"]
    assert [(i["ref"], i["successor"]) for i in breaking] == [("acme/old@1", "acme/new@2")]


def test_the_same_successor_said_another_way_is_no_move(invoke: Invoke, tmp_path: Path) -> None:
    new_versions = version("1") + version("2", inputs=REGION)
    named = version("1", lifecycle="deprecated", successor="acme/new@2")
    repo = _split_repo(
        tmp_path,
        {
            "models/old.yaml": _model_file("acme/old", named),
            "models/new.yaml": _model_file("acme/new", new_versions, default="2"),
        },
        {
            "models/old.yaml": _model_file("acme/old", OLD),  # bare: the default, 2 again
            "models/new.yaml": _model_file("acme/new", new_versions, default="2") + "# ok\n",
        },
    )
    assert [i for i in _impact(invoke, repo) if i["kind"] == "breaking-changes"] == []
