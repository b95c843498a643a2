"""Every test runs isolated from the machine: its own config path, cache folder and git
identity, no inherited IDP_* settings, no colour and a wide terminal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from idp_cli import ci
from idp_cli.output import console
from idp_cli.templates import sources
from tests.helpers import CATALOG, Invoke, write_catalog


@pytest.fixture(autouse=True)
def isolated(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    # A path that does not exist: no user config unless a test writes one there.
    monkeypatch.setenv("IDP_CONFIG_FILE", str(home / "config" / "idp" / "config.toml"))
    monkeypatch.setenv("IDP_CACHE_DIR", str(home / "cache" / "idp"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    for name in ("IDP_CATALOG", "IDP_CATALOG_REF", "IDP_DEBUG", "IDP_NO_CACHE"):
        monkeypatch.delenv(name, raising=False)
    # Commits need an identity; neither the user's nor the system's git config may leak in.
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "author@example.invalid")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Committer")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "committer@example.invalid")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_TERMINAL_PROMPT", "0")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    # Rich consoles are cached per process and bound to the sys.stdout of their first use.
    console.reset()
    # The CI systems and the configured or plug-in templates are asked once a run
    # (`ci.systems`, `sources.sourced`); each test is a run of its own, and one that patches
    # the plug-ins or the config file must not find the list an earlier test made.
    ci.systems.cache_clear()
    sources.sourced.cache_clear()
    yield home
    console.reset()
    ci.systems.cache_clear()
    sources.sourced.cache_clear()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner: CliRunner) -> Invoke:
    from idp_cli.cli.app import app

    def run(*args: str | Path, input: str | None = None) -> Result:
        return runner.invoke(app, [str(a) for a in args], input=input)

    return run


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """A folder holding the small valid test catalog as catalog.yaml."""
    folder = tmp_path / "catalog"
    write_catalog(folder, CATALOG)
    return folder
