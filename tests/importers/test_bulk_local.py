"""`idp catalog import mlflow` (no URI) from a local MLflow store (sqlite) read through the
mlflow package: --filter, --from-default-version, the registry's aliases followed on versions
imported before, and the refusals that leave the catalog repository as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_publish import _show, _state
from tests.helpers import Invoke, git
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
def test_filter_and_inheriting_the_default_version(
    tmp_path: Path, invoke: Invoke, mlflow_registry: Registry
) -> None:
    repo = catalog_repo(tmp_path)
    result = run_import(
        invoke, repo, mlflow_registry.store, *MAPS, "--filter", "fr*",
        "--from-default-version", "--lifecycle", "staging", "--branch", "fraud-from-mlflow",
        "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert list(by_model(plan)) == ["fraud"]  # churn and unsigned filtered out
    fraud = by_model(plan)["fraud"]
    assert statuses(fraud) == {
        "1": ("new", "staging", []),
        "2": ("new", "production", ["champion"]),
        "3": ("skipped", None, ["challenger"]),
    }
    # fraud's default version (its newest production one, 0.9.0) serves and sizes the new ones
    assert [v["inherited"] for v in fraud["versions"][:2]] == [["resources", "serving"]] * 2
    assert plan["branch"] == "fraud-from-mlflow"
    assert git(repo, "branch", "--show-current") == "fraud-from-mlflow"
    new = _show(invoke, f"{FRAUD}@2", repo)["version"]
    assert isinstance(new, dict)
    assert new["serving"]["endpoints"][0]["url"] == "https://fraud.models.example.internal"
    assert new["resources"] == {"cpu": "1", "memory": "1Gi"}
    assert [c["name"] for c in new["signature"]["inputs"]] == ["monthly_charges"]  # MLflow's
    assert Path(new["artifact"]["uri"], "MLmodel").is_file()
    untouched = _show(invoke, CHURN, repo)["version"]
    assert isinstance(untouched, dict) and untouched["version"] == "4.0.0"


@pytest.mark.slow
def test_aliases_follow_the_registry(
    tmp_path: Path, invoke: Invoke, mlflow_registry: Registry
) -> None:
    repo = catalog_repo(tmp_path)
    store = mlflow_registry.store
    first = run_import(invoke, repo, store, *MAPS, "--no-commit")
    assert first.exit_code == 0, first.stderr
    assert "Not committed (--no-commit)" in first.stdout
    git(repo, "commit", "--quiet", "--all", "--message", "import")
    # someone moves fraud's champion in the catalog by hand; the registry still says 2
    moved = invoke("models", "alias", "set", f"{FRAUD}@1", "champion", "--catalog", repo)
    assert moved.exit_code == 0, moved.stderr
    result = run_import(invoke, repo, store, *MAPS, "-o", "json")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert by_model(plan)["fraud"]["aliasMoves"] == [
        {"alias": "champion", "from": "1", "to": "2", "default": False}
    ]
    assert all(v["status"] != "new" for m in plan["models"] for v in m["versions"])
    assert git(repo, "log", "-1", "--format=%s") == "feat(catalog): follow mlflow's aliases"
    champion = _show(invoke, f"{FRAUD}@champion", repo)["version"]
    assert isinstance(champion, dict) and champion["version"] == "2"


@pytest.mark.slow
def test_refusals_write_nothing(tmp_path: Path, invoke: Invoke, mlflow_registry: Registry) -> None:
    repo = catalog_repo(tmp_path)
    before = _state(repo)
    store = mlflow_registry.store
    cases = {
        ("--filter", "frud*"): "--filter 'frud*' matches none of the 4 registered models",
        ("--map", "fruad=acme/fraud-detector"): "--map fruad=...: the mlflow registry at "
        f"{store} has no registered model 'fruad'",
        ("--map", "fraud=acme/fraud"): "--map fraud=acme/fraud: no model named 'acme/fraud' in "
        "the catalog",
        ("--map", f"churn={FRAUD}", "--map", f"fraud={FRAUD}"): "registered models churn and "
        f"fraud both map onto {FRAUD}",
    }
    hints = {
        "frud*": "Did you mean fraud?",
        "fruad=": "Did you mean fraud?",
        "=acme/fraud ": f"Did you mean {FRAUD}? Catalog models: {CHURN}, acme/chat-assistant",
    }
    for args, message in cases.items():
        result = run_import(invoke, repo, store, *args)
        assert result.exit_code == 1, (args, result.stderr)
        stderr = " ".join(result.stderr.split())
        assert message in stderr, stderr
        for given, hint in hints.items():
            if given in " ".join(args) + " ":
                assert hint in stderr, stderr
    assert _state(repo) == before


@pytest.mark.slow
def test_a_version_the_catalog_refuses_is_skipped(
    tmp_path: Path, invoke: Invoke, mlflow_registry: Registry
) -> None:
    repo = catalog_repo(tmp_path)
    before = _state(repo)
    store = mlflow_registry.store
    args = ("--filter", "tagged", "--map", f"tagged={FRAUD}")
    result = run_import(invoke, repo, store, *args, "-o", "json")
    assert result.exit_code == 0, result.stderr
    [version] = by_model(json.loads(result.stdout))["tagged"]["versions"]
    assert version["status"] == "skipped"
    assert version["reason"] == (
        f"the catalog would refuse it: {repo}/catalog.yaml:119:34: models[4].versions[0]."
        "signature.inputs[1].type: 'array': input should be 'boolean', 'integer', 'long', "
        "'float', 'double', 'string', 'binary' or 'datetime'"
    )
    table = run_import(invoke, repo, store, *args)
    assert "Skipped models:/tagged/1: the catalog would refuse it:" in table.stdout
    assert "Nothing to import" in table.stdout
    assert _state(repo) == before


@pytest.mark.slow
def test_a_refused_commit_leaves_everything_as_it_was(
    tmp_path: Path, invoke: Invoke, mlflow_registry: Registry
) -> None:
    repo = catalog_repo(tmp_path)
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'catalog owners must review this' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = _state(repo)
    result = run_import(invoke, repo, mlflow_registry.store, *MAPS)
    assert result.exit_code == 1
    assert "git could not commit" in result.stderr
    assert "catalog owners must review this" in result.stderr
    assert _state(repo) == before
    assert git(repo, "branch", "--list") == "* main"


@pytest.mark.slow
def test_empty_registry(tmp_path: Path, invoke: Invoke) -> None:
    repo = catalog_repo(tmp_path)
    before = _state(repo)
    result = run_import(invoke, repo, f"sqlite:///{tmp_path}/empty.db")
    assert result.exit_code == 1
    assert "holds no registered models" in result.stderr
    assert _state(repo) == before


@pytest.mark.slow
def test_one_version_as_json(tmp_path: Path, invoke: Invoke, mlflow_registry: Registry) -> None:
    result = invoke(
        "catalog", "import", "mlflow", "models:/fraud/2", "--tracking-uri",
        mlflow_registry.store, "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    entry = json.loads(result.stdout)
    assert entry["version"] == "2" and entry["aliases"] == ["champion"]
    assert entry["signature"]["inputs"] == [{"name": "monthly_charges", "type": "double"}]


@pytest.mark.slow
def test_pages_of_one(
    tmp_path: Path, invoke: Invoke, mlflow_registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = catalog_repo(tmp_path)
    plans: dict[tuple[int, str], dict[str, dict[str, tuple[str, str | None, list[str]]]]] = {}
    for page in (1000, 1):  # one page each, then every model and version on a page of its own
        monkeypatch.setattr("idp_cli.importers.mlflow.listing.PAGE", page)
        for tracking in (mlflow_registry.store, mlflow_registry.server):
            result = run_import(invoke, repo, tracking, *MAPS, "--pretend", "-o", "json")
            assert result.exit_code == 0, result.stderr
            plan = by_model(json.loads(result.stdout))
            plans[page, tracking] = {name: statuses(model) for name, model in plan.items()}
    store, server = plans[1000, mlflow_registry.store], plans[1000, mlflow_registry.server]
    assert plans[1, mlflow_registry.store] == store
    assert plans[1, mlflow_registry.server] == server
    assert server["fraud"]["3"] == ("skipped", None, ["challenger"])
    # churn 2 was logged through the server, which alone serves its artifacts
    assert store["churn"]["2"] == ("skipped", None, ["champion"])


def test_a_registration_not_finished_is_not_ready() -> None:
    from idp_cli.importers.mlflow.listing import _unready

    assert _unready({"status": "READY"}) is None
    assert _unready({}) is None
    assert _unready({"status": "PENDING_REGISTRATION"}) == "its registration is not finished"
    assert _unready({"status": "FAILED_REGISTRATION", "status_message": "copy failed"}) == (
        "its registration failed (copy failed)"
    )
