"""One naming scheme for the environment variables, each read through env_vars and described in
docs/environment.md."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from idp_cli import env_vars, paths
from idp_cli.catalog.sources import resolve_source
from idp_cli.config import choose_catalog
from idp_cli.errors import CatalogError

ROOT = Path(__file__).resolve().parents[1]


def _environment_reads(tree: ast.AST) -> list[tuple[int, str]]:
    """`os.environ.get("X")`, `os.environ["X"]`, `os.getenv("X")` and `"X" in os.environ`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        key: ast.expr | None = None
        if isinstance(node, ast.Call) and node.args:
            name = ast.unparse(node.func)
            if name in ("os.environ.get", "os.getenv", "environ.get", "getenv"):
                key = node.args[0]
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) in (
            "os.environ",
            "environ",
        ):
            key = node.slice
        elif isinstance(node, ast.Compare) and any(
            ast.unparse(c) in ("os.environ", "environ") for c in node.comparators
        ):
            key = node.left
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            found.append((key.lineno, key.value))
    return found


def test_no_module_reads_an_idp_variable_but_env_vars() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line} {name}"
        for path in (ROOT / "idp_cli").rglob("*.py")
        if path.name != "env_vars.py"
        for line, name in _environment_reads(ast.parse(path.read_text()))
        if name.startswith("IDP_")
    ]
    assert offenders == []


def test_the_check_above_finds_reads() -> None:
    tree = ast.parse(
        "import os\nos.environ.get('IDP_A')\nos.environ['IDP_B']\nos.getenv('IDP_C')\n"
        "'IDP_D' in os.environ\n"
    )
    assert [n for _, n in _environment_reads(tree)] == ["IDP_A", "IDP_B", "IDP_C", "IDP_D"]


def test_names_follow_the_scheme() -> None:
    for v in env_vars.VARIABLES:
        assert v.name.startswith("IDP_")
        if "file" in v.meaning.lower().split(".")[0] and "config" in v.name.lower():
            assert v.name.endswith("_FILE")
        if v.name.endswith("_DIR"):
            assert "folder" in v.meaning


def test_docs_table_is_current() -> None:
    checked_in = (ROOT / "docs" / "environment.md").read_text()
    assert checked_in == env_vars.markdown_table(), (
        "docs/environment.md is stale: run `make docs` and commit it"
    )


def test_old_config_name_still_read_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from idp_cli import warning_sink

    seen: list[str] = []
    warning_sink.set_sink(seen.append)
    env_vars._warned.clear()
    monkeypatch.delenv("IDP_CONFIG_FILE")
    monkeypatch.setenv("IDP_CONFIG", str(tmp_path / "old.toml"))
    assert paths.config_file() == tmp_path / "old.toml"
    assert seen == ["IDP_CONFIG is the old name of IDP_CONFIG_FILE; rename it"]


@pytest.mark.parametrize(
    ("flag", "env", "named"),
    [("missing", None, "--catalog"), (None, "missing", "IDP_CATALOG")],
)
def test_a_bad_catalog_path_is_named_where_it_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flag: str | None, env: str | None, named: str
) -> None:
    if env:
        monkeypatch.setenv("IDP_CATALOG", str(tmp_path / env))
    choice = choose_catalog(str(tmp_path / flag) if flag else None)
    with pytest.raises(CatalogError) as raised:
        resolve_source(choice)
    assert f"(named by {named})" in raised.value.message
    assert raised.value.hint is not None and raised.value.hint.startswith(f"Check {named}:")


def test_config_file_catalog_is_named_with_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'catalog = "{tmp_path / "gone"}"\n')
    monkeypatch.setenv("IDP_CONFIG_FILE", str(config))
    with pytest.raises(CatalogError) as raised:
        resolve_source(choose_catalog())
    assert f"`catalog` in {config}" in raised.value.message


@pytest.mark.parametrize("kind", ["config", "cache"])
def test_default_folders_are_what_platformdirs_answers(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    finder = platformdirs.user_config_path if kind == "config" else platformdirs.user_cache_path
    monkeypatch.setenv("HOME", str(tmp_path))
    for xdg in (None, str(tmp_path / "xdg"), "relative/ignored"):
        if xdg is None:
            monkeypatch.delenv(f"XDG_{kind.upper()}_HOME", raising=False)
        else:
            monkeypatch.setenv(f"XDG_{kind.upper()}_HOME", xdg)
        assert paths._user_folder(kind) == finder("idp", appauthor=False), xdg
