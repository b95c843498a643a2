"""Command groups that import a command's module only when that command runs.

Importing every command module costs more than importing Typer itself, and an invocation
runs one command. A group names its lazy commands in a static table, with the first paragraph
of each one's help, so that `--help` and the shell's completion of command names import none
of them; the table's help is kept equal to the commands' own by tests/cli/test_lazy_commands.py.
"""

from __future__ import annotations

import contextlib
import importlib
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

    def summary(self) -> _click.Command:
        """Enough of the command for a help listing or a completion candidate."""
        return TyperCommand(self.name, help=self.help)


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

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._table = LazyCommands(self.commands, self.lazy_commands, self._build)
        self.commands = self._table
        self._listing = False

    def list_commands(self, ctx: _click.Context) -> list[str]:
        # TyperGroup's version iterates over the commands' values, which would import them all.
        return list(self.commands)

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        entry = self._table.pending(cmd_name)
        if entry is not None and self._listing:
            return entry.summary()
        return self._table.get(cmd_name)

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


def lazy_group(*commands: LazyCommand) -> type[LazyGroup]:
    """A group class for `typer.Typer(cls=...)` with these lazy commands after its own."""

    class Group(LazyGroup):
        lazy_commands = commands

    return Group
