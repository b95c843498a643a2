"""`idp models publish`: the capabilities an `--endpoint` declares, and the warning when a
version deprecated in favour of the new one has callers the new one breaks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from idp_cli.catalog.vocabulary import DEFAULT_CAPABILITIES, PROTOCOLS
from tests.cli.test_publish import CHURN, _repo, _show, _signature
from tests.helpers import Invoke

DOCS = Path(__file__).parents[2] / "docs" / "catalog.md"


def _publish(invoke: Invoke, repo: Path, *args: str | Path) -> None:
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", CHURN, "--version", "5.0.0",
        "--lifecycle", "staging", "--signature-file", _signature(repo.parent), *args,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr


def _capabilities(invoke: Invoke, repo: Path) -> list[list[str]]:
    version = _show(invoke, f"{CHURN}@5.0.0", repo)["version"]
    assert isinstance(version, dict)
    return [e.get("capabilities") for e in version["serving"]["endpoints"]]


@pytest.mark.parametrize(("protocol", "expected"), sorted(DEFAULT_CAPABILITIES.items()))
def test_capabilities_default_from_the_protocol(
    tmp_path: Path, invoke: Invoke, protocol: str, expected: tuple[str, ...]
) -> None:
    repo = _repo(tmp_path)
    spec = f"protocol={protocol},url=https://churn-next.example.internal,model-id=churn"
    _publish(invoke, repo, "--endpoint", spec)
    assert _capabilities(invoke, repo) == [list(expected)]


def test_capabilities_given_replace_the_default(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    spec = "protocol=oip-v2,url=https://x.example,model-id=churn,capabilities=predict|explain"
    _publish(invoke, repo, "--endpoint", spec)
    assert _capabilities(invoke, repo) == [["predict", "explain"]]
    assert "capabilities: [predict, explain]" in (repo / "catalog.yaml").read_text()


def test_an_unknown_capability_is_refused(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", CHURN, "--version", "5.0.0",
        "--lifecycle", "staging", "--signature-file", _signature(tmp_path),
        "--endpoint", "protocol=oip-v2,url=https://x.example,model-id=c,capabilities=predikt",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "would make the catalog invalid" in result.stderr
    assert "predikt" in result.stderr


def test_every_protocol_has_a_default_and_the_docs_show_the_same_table() -> None:
    assert set(DEFAULT_CAPABILITIES) == set(PROTOCOLS)
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| ([^|]+) \|$", DOCS.read_text(), re.MULTILINE)
    documented = {p: tuple(re.findall(r"`([a-z]+)`", caps)) for p, caps in rows}
    assert documented == DEFAULT_CAPABILITIES


SIGNATURE_REGION = """\
inputs:
  - {name: tenure_months, type: long}
  - {name: contract_type, type: string, enum: [monthly, annual]}
  - {name: region, type: string}
outputs: [{name: churn_probability, type: double}]
"""
SIGNATURE_OPTIONAL = SIGNATURE_REGION.replace("type: string}", "type: string, required: false}")


def test_deprecating_for_a_successor_that_breaks_callers_warns(
    tmp_path: Path, invoke: Invoke
) -> None:
    repo = _repo(tmp_path)
    signature = tmp_path / "signature.yaml"
    signature.write_text(SIGNATURE_REGION)
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", CHURN, "--version", "5.0.0",
        "--lifecycle", "production", "--signature-file", signature, "--deprecates", "4.0.0",
        "--endpoint", "protocol=oip-v2,url=https://churn.example.internal,model-id=churn-classifier",
        "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["version"] == "5.0.0"
    assert f"warning: {CHURN}@5.0.0 breaks callers of {CHURN}@4.0.0" in result.stderr
    assert "required input region (string) added" in result.stderr


def test_deprecating_for_a_compatible_successor_does_not_warn(
    tmp_path: Path, invoke: Invoke
) -> None:
    repo = _repo(tmp_path)
    signature = tmp_path / "signature.yaml"
    signature.write_text(SIGNATURE_OPTIONAL)
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", CHURN, "--version", "5.0.0",
        "--lifecycle", "production", "--signature-file", signature, "--deprecates", "4.0.0",
        "--endpoint", "protocol=oip-v2,url=https://churn.example.internal,model-id=churn-classifier",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "breaks callers" not in result.stderr
