"""`idp catalog import mlflow` (no URI) against a real `mlflow server` over its REST API: the
plan (--pretend writes nothing), the one branch a real run commits with a valid catalog, and
a second run that proposes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_publish import _show, _split_repo, _state
from tests.contract import processes
from tests.helpers import Invoke, commit_all, edit, git
from tests.importers.bulk import (
    CHURN,
    FRAUD,
    MAPS,
    by_model,
    catalog_repo,
    run_import,
    statuses,
)
from tests.importers.conftest import Registry


@pytest.mark.slow
def test_pretend_plans_and_writes_nothing(
    tmp_path: Path, invoke: Invoke, mlflow_registry: Registry
) -> None:
    repo = catalog_repo(tmp_path)
    before = _state(repo)
    result = run_import(invoke, repo, mlflow_registry.server, *MAPS, "--pretend", "-o", "json")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["pretend"] is True and plan["branch"] is None and plan["commit"] is None
    assert plan["files"] == ["catalog.yaml"]
    models = by_model(plan)
    # a role alias gives the lifecycle (champion: production); others take --lifecycle's default
    assert statuses(models["churn"]) == {
        "1": ("new", "experimental", ["baseline"]),
        "2": ("new", "production", ["champion"]),
    }
    assert statuses(models["fraud"]) == {
        "1": ("new", "experimental", []),
        "2": ("new", "production", ["champion"]),
        "3": ("skipped", None, ["challenger"]),
    }
    [unsigned] = [v for v in models["fraud"]["versions"] if v["status"] == "skipped"]
    assert unsigned["reason"].startswith("the model was logged without a signature")
    assert models["unsigned"]["model"] is None
    assert "no catalog model named 'unsigned'" in models["unsigned"]["reason"]
    assert models["churn"]["aliasMoves"] == [
        {"alias": "baseline", "from": None, "to": "1", "default": False},
        {"alias": "champion", "from": "4.0.0", "to": "2", "default": True},
    ]
    assert _state(repo) == before
    table = run_import(invoke, repo, mlflow_registry.server, *MAPS, "--pretend")
    assert table.exit_code == 0, table.stderr
    assert "fraud/2     acme/fraud-detector    2        production" in table.stdout
    assert (
        "Moved alias champion (the default version) from acme/churn-classifier@4.0.0 to "
        "acme/churn-classifier@2"
    ) in table.stdout
    assert "Skipped models:/fraud/3: the model was logged without a signature" in table.stdout
    assert "4 new versions, 3 skipped, 0 already in the catalog" in table.stdout
    assert "Nothing written (--pretend)." in table.stdout
    assert _state(repo) == before


@pytest.mark.slow
def test_run_commits_one_branch_then_proposes_nothing(
    tmp_path: Path, invoke: Invoke, mlflow_registry: Registry
) -> None:
    repo = catalog_repo(tmp_path)
    result = run_import(invoke, repo, mlflow_registry.server, *MAPS)
    assert result.exit_code == 0, result.stderr
    branch = git(repo, "branch", "--show-current")
    assert branch.startswith("import/mlflow-")
    assert f"on the new branch {branch}, now checked out (was main)" in result.stdout
    assert git(repo, "rev-list", "--count", "main..HEAD") == "1"
    assert git(repo, "log", "-1", "--format=%B") == (
        "feat(catalog): import 4 versions from mlflow\n\n"
        f"- {CHURN}@1 (experimental) from models:/churn/1\n"
        f"- {CHURN}@2 (production) from models:/churn/2\n"
        f"- {FRAUD}@1 (experimental) from models:/fraud/1\n"
        f"- {FRAUD}@2 (production) from models:/fraud/2\n"
        f"- Set alias baseline on {CHURN}@1\n"
        f"- Moved alias champion (the default version) from {CHURN}@4.0.0 to {CHURN}@2\n"
        f"- Set alias champion on {FRAUD}@2"
    )
    assert git(repo, "status", "--porcelain") == ""
    validated = invoke("catalog", "validate", repo)
    assert validated.exit_code == 0, validated.stdout + validated.stderr
    default = _show(invoke, CHURN, repo)["version"]  # defaultVersion: champion
    assert isinstance(default, dict)
    assert default["version"] == "2" and default["lifecycle"] == "production"
    assert default["artifact"]["uri"].startswith("mlflow-artifacts:/")
    assert [c["name"] for c in default["signature"]["inputs"]] == [
        "tenure_months", "monthly_charges", "contract_type"
    ]  # fmt: skip
    old = _show(invoke, f"{CHURN}@4.0.0", repo)["version"]
    assert isinstance(old, dict) and "aliases" not in old
    fraud = _show(invoke, f"{FRAUD}@champion", repo)["version"]
    assert isinstance(fraud, dict) and fraud["version"] == "2"
    assert "serving" not in fraud  # not inherited unless asked (--from-default-version)
    assert invoke("models", "show", f"{FRAUD}@3", "--catalog", repo).exit_code != 0
    text = (repo / "catalog.yaml").read_text()
    assert "  - name: acme/fraud-detector   # served by the risk team\n" in text

    branches = git(repo, "branch", "--list")
    again = run_import(invoke, repo, mlflow_registry.server, *MAPS, "-o", "json")
    assert again.exit_code == 0, again.stderr
    plan = json.loads(again.stdout)
    assert plan["branch"] is None and plan["files"] == []
    assert {v["status"] for m in plan["models"] for v in m["versions"]} == {"present", "skipped"}
    assert all(m["aliasMoves"] == [] for m in plan["models"])
    assert git(repo, "branch", "--list") == branches
    table = run_import(invoke, repo, mlflow_registry.server, *MAPS)
    assert "0 new versions, 3 skipped, 4 already in the catalog" in table.stdout
    assert "Nothing to import" in table.stdout
    # from main, before the proposal is merged: the same changes, the same branch, refused
    git(repo, "checkout", "--quiet", "main")
    before = _state(repo)
    twice = run_import(invoke, repo, mlflow_registry.server, *MAPS)
    assert twice.exit_code == 1
    assert f"branch {branch} already exists" in twice.stderr
    assert _state(repo) == before


@pytest.mark.slow
def test_a_split_catalog_keeps_each_model_in_its_file(
    tmp_path: Path, invoke: Invoke, mlflow_registry: Registry
) -> None:
    repo = _split_repo(tmp_path)  # churn in models/churn.yaml, no fraud
    before = (repo / "models" / "churn.yaml").read_text()
    result = run_import(
        invoke, repo, mlflow_registry.server, "--map", f"churn={CHURN}", "-o", "json"
    )
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["files"] == ["models/churn.yaml"]
    assert "no catalog model named 'fraud'" in by_model(plan)["fraud"]["reason"]
    after = (repo / "models" / "churn.yaml").read_text()
    assert after.startswith("# The churn model lives in its own file.\n")
    assert after.endswith(before[before.index('  - version: "4.0.0"') :])
    assert git(repo, "show", "--name-only", "--format=", "HEAD") == "models/churn.yaml"


def test_a_catalog_with_problems_is_refused_first(tmp_path: Path, invoke: Invoke) -> None:
    repo = catalog_repo(tmp_path)
    (repo / "catalog.yaml").write_text(
        edit((repo / "catalog.yaml").read_text(), "    tags: [llm, chat]\n", "    tags: llm\n")
    )
    commit_all(repo, "broken")
    before = _state(repo)
    [port] = processes.free_ports(1)  # never asked: the catalog is checked first
    result = run_import(invoke, repo, f"http://127.0.0.1:{port}")
    assert result.exit_code == 1
    assert "has problems already; fix them before importing" in result.stderr
    assert "catalog.yaml:52:5: models[1].tags: Input should be a valid list" in result.stderr
    assert _state(repo) == before


def test_unreachable_server(tmp_path: Path, invoke: Invoke) -> None:
    repo = catalog_repo(tmp_path)
    before = _state(repo)
    [port] = processes.free_ports(1)  # nothing listens there
    result = run_import(invoke, repo, f"http://127.0.0.1:{port}", "--pretend")
    assert result.exit_code == 1
    assert f"cannot reach the MLflow tracking server at http://127.0.0.1:{port}" in result.stderr
    assert _state(repo) == before


def test_flags_that_need_no_uri(tmp_path: Path, invoke: Invoke) -> None:
    repo = catalog_repo(tmp_path)
    cases = {
        ("models:/churn/1", "--pretend"): "--pretend",
        ("models:/churn/1", "--filter", "c*"): "--filter",
        ("models:/churn/1", "--lifecycle", "staging"): "--lifecycle",
    }
    for args, flag in cases.items():
        result = run_import(invoke, repo, "http://127.0.0.1:9", *args)
        assert result.exit_code == 2, result.stderr
        assert flag in result.stderr and "only without a URI" in result.stderr
    bad = {
        ("--map", "churn"): "'churn' is not REGISTERED=CATALOG",
        ("--lifecycle", "live"): "'live' is none of experimental, staging, production",
        ("--json",): "only with a URI; use -o json",
    }
    for args, message in bad.items():
        result = run_import(invoke, repo, "http://127.0.0.1:9", *args)
        assert result.exit_code == 2, result.stderr
        assert message in " ".join(result.stderr.split()), result.stderr


def test_no_tracking_uri(tmp_path: Path, invoke: Invoke) -> None:
    repo = catalog_repo(tmp_path)
    result = invoke("catalog", "import", "mlflow", "--catalog", repo, "--pretend")
    assert result.exit_code == 1
    assert "which MLflow tracking server holds the registry? pass --tracking-uri" in result.stderr
    assert "MLFLOW_TRACKING_URI" in result.stderr
