"""Command groups that import a command's module only when that command runs.

Importing every command module costs more than importing Typer itself, and an invocation
runs one command. A group names its lazy commands in a static table, with the first paragraph
of each one's help, so that `--help` and the shell's completion of command names import none
of them; the table's help is kept equal to the commands' own by tests/cli/test_lazy_commands.py.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any, NamedTuple

import typer
import typer.main

# Typer 0.28 vendors Click; TyperGroup's methods take and return its types.
from typer import _click
from typer._click.shell_completion import CompletionItem
from typer.core import TyperCommand, TyperGroup


# A NamedTuple rather than a dataclass: creating a dataclass costs more than the rest of this
# module, on every start.
class LazyCommand(NamedTuple):
    name: str
    # `package.module:attribute`: a command function, or a `typer.Typer` for a sub-group
    target: str
    # The first paragraph of the command's help, line breaks included (Rich keeps them in the
    # commands panel)
    help: str

    @property
    def one_line(self) -> str:
        # Rich's commands panel keeps a help's line breaks (Typer joins them only outside its
        # "rich" markup mode), which breaks the sentences at the source's width, not the
        # terminal's: the panel gets the paragraph as one line and wraps it itself.
        return " ".join(self.help.split())

    def summary(self) -> _click.Command:
        """Enough of the command for a help listing or a completion candidate."""
        return TyperCommand(self.name, help=self.help, short_help=self.one_line)


class LazyCommands(MutableMapping[str, _click.Command]):
    """A group's commands, the lazy ones imported and built on first access by name.

    Typer reads `group.commands` in places besides `get_command` (the "Did you mean" of an
    unknown command lists its keys); as a mapping whose keys are known up front, the lazy
    commands are complete there without being imported.
    """

    def __init__(
        self,
        built: MutableMapping[str, _click.Command],
        lazy: tuple[LazyCommand, ...],
        build: Callable[[LazyCommand], _click.Command],
    ) -> None:
        self._built = dict(built)
        self._lazy = {entry.name: entry for entry in lazy if entry.name not in built}
        self._build = build

    def pending(self, name: str) -> LazyCommand | None:
        """The table entry of a lazy command not imported yet."""
        return None if name in self._built else self._lazy.get(name)

    def __getitem__(self, name: str) -> _click.Command:
        if name not in self._built:
            self._built[name] = self._build(self._lazy[name])
        return self._built[name]

    def __setitem__(self, name: str, command: _click.Command) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._built.pop(name, None)
        self._lazy.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._built or name in self._lazy

    def __iter__(self) -> Iterator[str]:
        # The group's own commands first, then the table's order, whether built yet or not.
        yield from (name for name in self._built if name not in self._lazy)
        yield from self._lazy

    def __len__(self) -> int:
        return len(self._built.keys() | self._lazy.keys())


class LazyGroup(TyperGroup):
    """A TyperGroup whose `lazy_commands` are imported when run, listed without importing."""

    lazy_commands: tuple[LazyCommand, ...] = ()
    # the root group also offers the commands of plug-ins (`commands` hook, see plugins.py),
    # imported only to list them or to run one
    with_plugins: bool = False

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._table = LazyCommands(self.commands, self.lazy_commands, self._build)
        self.commands = self._table
        self._listing = False
        self._from_plugins: dict[str, _click.Command] | None = None

    def list_commands(self, ctx: _click.Context) -> list[str]:
        # TyperGroup's version iterates over the commands' values, which would import them all.
        return list(self.commands) + sorted(self._plugin_commands())

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        entry = self._table.pending(cmd_name)
        if entry is not None and self._listing:
            return entry.summary()
        found = self._table.get(cmd_name)
        if found is None and cmd_name not in self._table:
            found = self._plugin_commands().get(cmd_name)
        if found is not None and found.short_help is None and found.help:
            # a group's own commands and plug-ins' are listed as the lazy ones are (one_line)
            found.short_help = " ".join(inspect.cleandoc(found.help).split("\n\n")[0].split())
        return found

    def _plugin_commands(self) -> dict[str, _click.Command]:
        if not self.with_plugins:
            return {}
        if self._from_plugins is None:
            from idp_cli import plugins, warning_sink

            self._from_plugins = {}
            for plugin, command in plugins.commands():
                if isinstance(command, typer.Typer):
                    command = typer.main.get_command(command)
                if not isinstance(command, _click.Command) or not command.name:
                    warning_sink.warn(f"plug-in {plugin.label}: {command!r} is not a command")
                elif command.name in self._table or command.name in self._from_plugins:
                    warning_sink.warn(
                        f"plug-in {plugin.label}: a command named {command.name!r} exists; "
                        "the plug-in's is left out"
                    )
                else:
                    self._from_plugins[command.name] = command
        return self._from_plugins

    # Both list the commands through get_command: let them see the summaries.
    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        with self._listing_only():
            super().format_help(ctx, formatter)

    def shell_complete(self, ctx: _click.Context, incomplete: str) -> list[CompletionItem]:
        # Here it is the command names that are completed: a command whose own options or
        # arguments are being completed is resolved (and imported) by resolve_command.
        with self._listing_only():
            return super().shell_complete(ctx, incomplete)

    @contextlib.contextmanager
    def _listing_only(self) -> Iterator[None]:
        self._listing = True
        try:
            yield
        finally:
            self._listing = False

    def _build(self, entry: LazyCommand) -> _click.Command:
        """The command as `app.command(name)(function)` or `app.add_typer(sub_app, name=name)`
        on this group's app would have built it."""
        module, _, attribute = entry.target.partition(":")
        target = getattr(importlib.import_module(module), attribute)
        parent = typer.Typer(
            rich_markup_mode=self.rich_markup_mode, suggest_commands=self.suggest_commands
        )
        if isinstance(target, typer.Typer):
            parent.add_typer(target, name=entry.name)
        elif callable(target):
            parent.command(entry.name)(target)
        else:
            raise TypeError(f"{entry.target} is neither a command function nor a typer.Typer")
        return typer.main.get_group(parent).commands[entry.name]


def lazy_group(*commands: LazyCommand, plugins: bool = False) -> type[LazyGroup]:
    """A group class for `typer.Typer(cls=...)` with these lazy commands after its own (and,
    with `plugins`, those of installed plug-ins)."""

    class Group(LazyGroup):
        lazy_commands = commands
        with_plugins = plugins

    return Group
