"""The app's own identity in catalog-info.yaml: its owner and lifecycle are the app's, never
taken from the model it is bound to, neither by `idp new` nor by `idp update`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from idp_cli.app_owner import user_ref
from tests.cli.test_new import CHAT_CATALOG
from tests.helpers import Invoke, commit_all, git


def _component(project: Path) -> dict[str, str]:
    spec = yaml.safe_load((project / "catalog-info.yaml").read_text())["spec"]
    return {"owner": spec["owner"], "lifecycle": spec["lifecycle"]}


def _new(invoke: Invoke, tmp_path: Path, *args: str) -> Path:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(CHAT_CATALOG)
    project = tmp_path / "app"
    result = invoke("new", project, "-t", "chat-service", "--catalog", catalog, "--defaults", *args)
    assert result.exit_code == 0, result.stderr
    return project


@pytest.mark.slow
def test_defaults_take_the_git_user_and_start_experimental(invoke: Invoke, tmp_path: Path) -> None:
    # the model is owned by group:default/genai and in production
    project = _new(invoke, tmp_path, "-m", "acme/assistant@2.0.0")
    # conftest's GIT_AUTHOR_EMAIL is author@example.invalid
    assert _component(project) == {"owner": "user:default/author", "lifecycle": "experimental"}


@pytest.mark.slow
def test_the_config_file_owner_wins_over_git(
    invoke: Invoke, tmp_path: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = isolated / "config" / "idp" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('owner = "group:default/payments"\n')
    project = _new(invoke, tmp_path, "-m", "acme/assistant@2.0.0")
    assert _component(project)["owner"] == "group:default/payments"


@pytest.mark.slow
def test_data_wins_over_everything(invoke: Invoke, tmp_path: Path) -> None:
    project = _new(
        invoke,
        tmp_path,
        "-m",
        "acme/assistant",
        "--data",
        "owner=group:default/x",
        "--data",
        "lifecycle=production",
    )
    assert _component(project) == {"owner": "group:default/x", "lifecycle": "production"}


@pytest.mark.slow
def test_an_update_to_a_successor_keeps_the_app_identity(invoke: Invoke, tmp_path: Path) -> None:
    project = _new(invoke, tmp_path, "-m", "acme/assistant@1.0.0", "--allow-deprecated")
    git(project, "init", "-q")
    commit_all(project, "Generate project")
    before = _component(project)
    assert before["lifecycle"] == "experimental"
    for args in ([], ["--latest"]):  # keep the deprecated version, then follow its successor
        result = invoke("update", project, "--defaults", *args)
        assert result.exit_code == 0, result.stderr
        assert _component(project) == before
        git(project, "add", "-A")
        git(project, "commit", "-q", "--allow-empty", "-m", "update")
    assert "acme/assistant@2.0.0" in (project / ".copier-answers.yml").read_text()


def test_a_bad_config_owner_is_named(invoke: Invoke, tmp_path: Path, isolated: Path) -> None:
    config = isolated / "config" / "idp" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('owner = "two words"\n')
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(CHAT_CATALOG)
    result = invoke(
        "new",
        tmp_path / "app",
        "-t",
        "chat-service",
        "-m",
        "acme/assistant",
        "--catalog",
        catalog,
        "--defaults",
    )
    assert result.exit_code == 1
    assert "config.toml: `owner` must be a Backstage entity reference" in result.stderr
    assert not (tmp_path / "app").exists()


@pytest.mark.parametrize(
    ("identity", "expected"),
    [
        ("Jane.Doe@example.com", "user:default/jane-doe"),
        ("Jane Doe", "user:default/jane-doe"),
        ("_x_", "user:default/x"),
        ("@example.com", None),
    ],
)
def test_git_identities_become_backstage_user_refs(identity: str, expected: str | None) -> None:
    assert user_ref(identity) == expected
