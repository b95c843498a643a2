"""A command's module is imported only when that command runs; listing the commands (help,
completion of their names) reads the groups' tables of lazy commands, which must describe each
command exactly as the command describes itself."""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import typer
import typer.main
from typer.core import TyperGroup

from idp_cli.cli.app import app
from idp_cli.cli.lazy import LazyGroup
from tests.helpers import Invoke

COMMAND_MODULES = {
    "idp_cli.cli.new",
    "idp_cli.cli.check",
    "idp_cli.cli.update",
    "idp_cli.cli.models",
    "idp_cli.cli.catalog",
    "idp_cli.cli.templates",
    "idp_cli.cli.history",
    "idp_cli.cli.publish",
    "idp_cli.cli.add",
    "idp_cli.cli.bindings",
    "idp_cli.cli.remove",
}
# The heavy dependencies of generating and updating projects.
PROJECT_MODULES = {"copier", "git", "idp_cli.templates", "idp_cli.binding"}

# The modules are listed before the probe imports json to report them.
PROBE = """
import sys
sys.argv = ["idp", *sys.argv[1:]]
from idp_cli.cli.app import main
code = 0
try:
    main()
except SystemExit as exit:
    code = exit.code
modules = sorted(sys.modules)
import json
print(json.dumps({"exit": code, "modules": modules}), file=sys.stderr)
"""


def probe(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, set[str]]:
    """Run `idp ARGS` in a fresh interpreter: its exit status, its stdout and every module it
    imported."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["exit"], done.stdout, set(report["modules"])


@pytest.mark.parametrize("args", [(), ("--help",), ("-h",), ("--version",)])
def test_help_and_version_import_no_command(args: tuple[str, ...]) -> None:
    code, stdout, modules = probe(*args)
    assert code == (2 if not args else 0)  # no arguments: the help, with Click's usage status
    if "--version" not in args:
        for name in ("new", "check", "update", "models", "catalog", "templates"):
            assert f" {name} " in stdout
    assert modules & (COMMAND_MODULES | PROJECT_MODULES) == set()
    assert "idp_cli.catalog.read" not in modules


def test_models_list_imports_only_its_group() -> None:
    code, stdout, modules = probe("models", "list")
    assert code == 0
    assert "meta-llama/llama-3.1-8b-instruct" in stdout
    assert modules & COMMAND_MODULES == {"idp_cli.cli.models"}
    assert modules & PROJECT_MODULES == set()


# What `idp models list` has no use for when the cache serves the catalog: the machinery that
# reads and checks catalog files, the parsers, Rich, what other output formats or sources need,
# and dataclasses (creating one costs more than most modules on this path).
NOT_FOR_A_CACHED_LIST = {
    "dataclasses",
    "json",
    "yaml",
    "tomllib",
    "hashlib",
    "tempfile",
    "multiprocessing",
    "pydantic",
    "pydantic_core",
    "rich",
    "idp_cli.redaction",
    "idp_cli.gitsource",
    "idp_cli.catalog.files",
    "idp_cli.catalog.rules",
    "idp_cli.catalog.safe_yaml",
    "idp_cli.catalog.shape",
    "idp_cli.catalog.speed.parts",
    "idp_cli.catalog.speed.parallel",
    "idp_cli.catalog.speed.fastyaml",
}


def test_a_cached_models_list_imports_nothing_it_does_not_use() -> None:
    first_code, first, first_modules = probe("models", "list")  # reads the files, fills the cache
    code, stdout, modules = probe("models", "list")
    assert first_code == code == 0
    assert stdout == first
    assert "idp_cli.catalog.speed.parts" in first_modules  # what the cache spares the second
    assert modules & NOT_FOR_A_CACHED_LIST == set()


def test_a_groups_help_lists_commands_from_other_modules_without_them() -> None:
    code, stdout, modules = probe("models", "--help")
    assert code == 0
    assert "history" in stdout and "publish" in stdout
    assert modules & COMMAND_MODULES == {"idp_cli.cli.models"}


def test_completing_command_names_imports_none_of_them() -> None:
    code, stdout, modules = probe(
        env={"_IDP_COMPLETE": "complete_bash", "COMP_WORDS": "idp models ", "COMP_CWORD": "2"}
    )
    assert code == 0
    assert stdout.split() == ["list", "show", "history", "publish", "alias"]
    assert modules & COMMAND_MODULES == {"idp_cli.cli.models"}


def _root() -> LazyGroup:
    root = typer.main.get_command(app)
    assert isinstance(root, LazyGroup)
    return root


def _groups(group: TyperGroup, path: str) -> Iterator[tuple[str, TyperGroup]]:
    yield path, group
    ctx = typer.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, TyperGroup):
            yield from _groups(command, f"{path} {name}")


def test_every_listed_command_resolves_to_itself() -> None:
    seen = []
    for path, group in _groups(_root(), "idp"):
        ctx = typer.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, f"{path} {name}"
            assert command.name == name
            assert command.callback is not None or isinstance(command, TyperGroup)
            seen.append(f"{path} {name}")
    assert "idp models history" in seen and "idp catalog diff" in seen
    assert "idp models publish" in seen and "idp templates show" in seen


def _first_paragraph(command: Any) -> str:
    return inspect.cleandoc(command.help or "").split("\n\n")[0]


def test_the_tables_help_is_each_commands_own() -> None:
    checked = 0
    for path, group in _groups(_root(), "idp"):
        if not isinstance(group, LazyGroup):
            continue
        ctx = typer.Context(group)
        for entry in group.lazy_commands:
            command = group.get_command(ctx, entry.name)
            assert command is not None
            where = f"`{path} {entry.name}` in its group's lazy commands"
            assert entry.help == _first_paragraph(command), f"update the help of {where}"
            # a listing shows the table's entry in place of the command: nothing else may differ
            # short_help is the group's (the paragraph as one line), not the command's own
            assert command.short_help == entry.one_line, where
            assert not command.hidden and not command.deprecated, where
            assert not getattr(command, "rich_help_panel", None), where
            checked += 1
    assert checked == 17  # idp: 12, idp models: 3 (list and show are built in), idp catalog: 2


def _help(group: TyperGroup, prog_name: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        group.main(["--help"], prog_name=prog_name, standalone_mode=False)
    return out.getvalue()


@pytest.mark.parametrize("path", [(), ("models",), ("catalog",)])
def test_help_from_the_table_equals_help_from_the_commands(path: tuple[str, ...]) -> None:
    def group() -> TyperGroup:
        found: Any = _root()
        for name in path:
            found = found.get_command(typer.Context(found), name)
        assert isinstance(found, TyperGroup)
        return found

    prog_name = " ".join(("idp", *path))
    listed = _help(group(), prog_name)
    loaded = group()
    ctx = typer.Context(loaded)
    for name in loaded.list_commands(ctx):
        loaded.get_command(ctx, name)
    assert _help(loaded, prog_name) == listed
    assert "Commands" in listed


@pytest.mark.parametrize(
    ("args", "suggestion"),
    [
        (("modls",), "No such command 'modls'. Did you mean 'models'?"),
        (("models", "histroy"), "No such command 'histroy'. Did you mean 'history'?"),
        (("catalog", "dif"), "No such command 'dif'. Did you mean 'diff'?"),
    ],
)
def test_an_unknown_command_suggests_lazy_ones(
    invoke: Invoke, args: tuple[str, ...], suggestion: str
) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert suggestion in result.stderr


@pytest.mark.parametrize(
    "args", [("check", "-h"), ("models", "history", "-h"), ("catalog", "diff", "--help")]
)
def test_a_lazy_commands_help(invoke: Invoke, args: tuple[str, ...]) -> None:
    result = invoke(*args)
    assert result.exit_code == 0, result.stderr
    assert f"Usage: idp {' '.join(args[:-1])} [OPTIONS]" in result.stdout
