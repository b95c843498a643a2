"""Plug-ins: installed distributions that extend idp through the entry-point group `idp.plugins`.

An entry point names an object (usually a module) with any of the hook functions below; idp
calls a hook only when it needs what the hook gives, and imports a plug-in only then, so a
command that needs none (`idp models list`) never pays for them. A plug-in that fails to
import, or whose hook raises or returns the wrong kind of thing, is reported by name (a
warning naming the plug-in, its distribution and the hook) and left out; the other plug-ins
and every command go on.

Plain entry points rather than pluggy: four hooks that each return data idp merges need no
hook wrappers, call ordering or hook-spec machinery, and no dependency. The hooks:

- `template_sources() -> Iterable[str]`: folders holding template folders (each with a
  copier.yml), or git URLs of templates; offered by `idp templates list` and `idp new`.
- `ci_systems() -> Iterable[CiSystem]`: `--ci NAME` values and the Copier template (a part)
  that writes the CI files for them.
- `catalog_importers() -> Mapping[str, Callable]`: `idp catalog import KIND` dispatches to them.
- `commands() -> Iterable[click.Command | typer.Typer]`: extra commands under `idp`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from idp_cli import warning_sink

GROUP = "idp.plugins"
HOOKS = ("template_sources", "ci_systems", "catalog_importers", "commands")


@dataclass(frozen=True)
class CiSystem:
    """A CI system a plug-in adds: `--ci NAME`, and the part template writing its files."""

    name: str
    title: str
    template: str  # a folder or git URL of a Copier template (`_idp.kind: part`)


@dataclass
class Plugin:
    name: str  # the entry point's name
    value: str  # `module` or `module:object`
    distribution: str | None
    version: str | None
    _loaded: Any = field(default=None, repr=False)
    error: str | None = None

    def load(self) -> Any:
        """The plug-in's object, imported once; None (with `error` set) when it fails."""
        if self._loaded is None and self.error is None:
            try:
                self._loaded = metadata.EntryPoint(self.name, self.value, GROUP).load()
            except Exception as exc:  # a plug-in's bug must not break idp
                self.error = f"{type(exc).__name__}: {exc}"
                _report(self, "import", self.error)
        return self._loaded

    def hooks(self) -> list[str]:
        loaded = self.load()
        return [h for h in HOOKS if callable(getattr(loaded, h, None))] if loaded else []

    @property
    def label(self) -> str:
        dist = f" ({self.distribution} {self.version})" if self.distribution else ""
        return f"{self.name}{dist}"


def _report(plugin: Plugin, hook: str, error: str) -> None:
    warning_sink.warn(f"plug-in {plugin.label} failed in {hook}: {error}; left out")


@functools.cache
def installed() -> tuple[Plugin, ...]:
    """The plug-ins installed, from the distributions' metadata (nothing imported)."""
    found = []
    for entry in sorted(metadata.entry_points(group=GROUP), key=lambda e: e.name):
        dist = getattr(entry, "dist", None)
        found.append(
            Plugin(
                name=entry.name,
                value=entry.value,
                distribution=dist.metadata["Name"] if dist is not None else None,
                version=dist.version if dist is not None else None,
            )
        )
    return tuple(found)


def call(hook: str, check: Callable[[Any], bool] = lambda _: True) -> list[tuple[Plugin, Any]]:
    """Each plug-in's answer to `hook` (skipping those without it); an answer `check` refuses,
    or a hook that raises, is reported and left out."""
    assert hook in HOOKS, hook
    answers = []
    for plugin in installed():
        loaded = plugin.load()
        function = getattr(loaded, hook, None) if loaded is not None else None
        if not callable(function):
            continue
        try:
            answer = function()
            items = list(answer) if not isinstance(answer, dict) else [answer]
        except Exception as exc:  # a plug-in's bug must not break idp
            _report(plugin, hook, f"{type(exc).__name__}: {exc}")
            continue
        for item in items:
            if check(item):
                answers.append((plugin, item))
            else:
                _report(plugin, hook, f"returned {item!r}, which is not what {hook} gives")
    return answers


def template_sources() -> list[tuple[str, str]]:
    """(source, where it comes from) for every template source a plug-in names."""
    return [(source, f"plug-in {plugin.name}") for plugin, source in owned_template_sources()]


@functools.cache
def owned_template_sources() -> tuple[tuple[Plugin, str], ...]:
    """Each template source a plug-in names, with the plug-in (whose distribution and version
    a project made from one of its folders records, templates/plugin_templates.py). Asked
    once a run, as ci_systems: a failing hook is reported once."""
    return tuple(
        (plugin, str(item))
        for plugin, item in call("template_sources", lambda s: isinstance(s, str) or _is_path(s))
    )


@functools.cache
def ci_systems() -> tuple[tuple[Plugin, CiSystem], ...]:
    return tuple(call("ci_systems", lambda c: isinstance(c, CiSystem)))


def catalog_importers() -> dict[str, tuple[Plugin, Callable[..., Any]]]:
    found: dict[str, tuple[Plugin, Callable[..., Any]]] = {}
    for plugin, mapping in call("catalog_importers", lambda m: isinstance(m, dict)):
        for kind, importer in mapping.items():
            if callable(importer):
                found.setdefault(str(kind), (plugin, importer))
            else:
                _report(plugin, "catalog_importers", f"{kind!r} is not callable")
    return found


def commands() -> list[tuple[Plugin, Any]]:
    return call("commands")


def _is_path(item: Any) -> bool:
    from pathlib import PurePath

    return isinstance(item, PurePath)


def describe() -> list[dict[str, Any]]:
    """`idp plugins`: each plug-in, its distribution and its hooks (importing each)."""
    rows = []
    for plugin in installed():
        hooks = plugin.hooks()
        rows.append(
            {
                "name": plugin.name,
                "distribution": plugin.distribution,
                "version": plugin.version,
                "entry_point": plugin.value,
                "hooks": hooks,
                "error": plugin.error,
            }
        )
    return rows
