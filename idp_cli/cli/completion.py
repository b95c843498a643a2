"""Shell completion of catalog and template names (Typer's `autocompletion=` callbacks).

Completion runs on every TAB press, so each callback reads the catalog the command would use
(its own `--catalog`, else `idp --catalog`, else $IDP_CATALOG / the config file / the bundled
catalog) from the cache, and never prints: on any failure it offers no candidates.
"""

# No `from __future__ import annotations` in this module: Typer reads each completion
# callback's annotations when it builds the command that names it, evaluating them (twice)
# when they are strings; evaluated once at import they cost every command less.

import contextlib
import io
import re
from collections.abc import Callable, Iterator
from typing import Any

import typer

from idp_cli.catalog.model import CatalogSummary

Candidates = list[tuple[str, str]]

_PART = re.compile(r"^\s+kind:\s*part\s*$", re.MULTILINE)


def _given(ctx: typer.Context | None, name: str) -> str | None:
    """An option's value from the command line typed so far, innermost command first.

    During completion Click parses the words without running callbacks, so the root callback
    has not stored the global options in `ctx.obj`; each context's `params` has them.
    """
    node: Any = ctx  # the parents are plain Click contexts
    while node is not None:
        value = node.params.get(name)
        if isinstance(value, str) and value:
            return value
        node = node.parent
    return None


@contextlib.contextmanager
def _silenced() -> Iterator[None]:
    """Nothing may reach the terminal while the shell is completing a word."""
    from idp_cli import warning_sink

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        warning_sink.set_sink(lambda message: None)
        yield


def _catalog(ctx: typer.Context | None) -> CatalogSummary:
    from idp_cli.catalog.read import open_summary
    from idp_cli.catalog.sources import resolve_source
    from idp_cli.config import choose_catalog

    choice = choose_catalog(_given(ctx, "catalog"), _given(ctx, "catalog_ref"))
    return open_summary(resolve_source(choice))


def _safely(produce: Callable[[], Candidates]) -> Candidates:
    try:
        with _silenced():
            return produce()
    except BaseException:  # completion must never fail visibly, not even on SystemExit
        return []


def _short(text: str, limit: int = 70) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _served_by_template(ctx: typer.Context | None) -> set[str] | None:
    """The models the `--template` already on the line can serve (the same rule as `idp new`),
    or None when no template is given yet."""
    spec = _given(ctx, "template")
    if spec is None:
        return None
    from idp_cli.binding import fit_catalog
    from idp_cli.catalog.read import open_catalog
    from idp_cli.catalog.sources import resolve_source
    from idp_cli.config import choose_catalog
    from idp_cli.templates.sources import find  # as `idp new` finds it

    choice = choose_catalog(_given(ctx, "catalog"), _given(ctx, "catalog_ref"))
    full = open_catalog(resolve_source(choice))
    return {v.model.name for v in fit_catalog(find(spec), full).fitting}


def model_refs(ctx: typer.Context, incomplete: str) -> Candidates:
    """Model names (after `--template T`, only those T can serve); after `name@`, that model's
    versions and aliases as full references."""

    def produce() -> Candidates:
        catalog = _catalog(ctx)
        if "@" not in incomplete:
            served = _served_by_template(ctx)
            names = [
                (m.name, _short(m.description or m.display_name))
                for m in catalog.models
                if m.name.startswith(incomplete) and (served is None or m.name in served)
            ]
            if len(names) == 1:
                # A lone candidate is inserted with a space after it, and `@version` could not
                # follow; a second one that only adds "@" makes every shell (bash, zsh, fish)
                # insert the common prefix, the name, and stop there.
                names.append((f"{names[0][0]}@", "then a version or alias"))
            return names
        name = incomplete.partition("@")[0]
        model = catalog.get(name)
        if model is None:
            return []
        out: Candidates = []
        for version in model.versions:
            default = ", default" if version.is_default else ""
            out.append((f"{name}@{version.version}", f"{version.lifecycle}{default}"))
        for version in model.versions:
            out.extend(
                (f"{name}@{alias}", f"alias of {version.version}") for alias in version.aliases
            )
        return [c for c in out if c[0].startswith(incomplete)]

    return _safely(produce)


def model_names(ctx: typer.Context, incomplete: str) -> Candidates:
    """The catalog's model names (for commands that take a name, not a version)."""

    def produce() -> Candidates:
        return [
            (m.name, _short(m.description or m.display_name))
            for m in _catalog(ctx).models
            if m.name.startswith(incomplete)
        ]

    return _safely(produce)


def tasks(ctx: typer.Context, incomplete: str) -> Candidates:
    """The tasks the catalog's models perform."""

    def produce() -> Candidates:
        found = sorted({t for m in _catalog(ctx).models for t in m.tasks})
        return [(t, "task") for t in found if t.startswith(incomplete)]

    return _safely(produce)


def tags(ctx: typer.Context, incomplete: str) -> Candidates:
    """The tags on the catalog's models."""

    def produce() -> Candidates:
        found = sorted({t for m in _catalog(ctx).models for t in m.tags})
        return [(t, "tag") for t in found if t.startswith(incomplete)]

    return _safely(produce)


def template_names(incomplete: str) -> Candidates:
    """The bundled templates' names (a folder or git URL is completed by the shell itself)."""

    def produce() -> Candidates:
        from idp_cli import paths

        root = paths.bundled_templates()
        found = []
        for folder in sorted(root.iterdir()):
            config = next(
                (folder / n for n in ("copier.yml", "copier.yaml") if (folder / n).is_file()), None
            )
            # a part (`kind: part`) is rendered with its app templates, never named on its own
            if (
                folder.name.startswith(incomplete)
                and config is not None
                and not _PART.search(config.read_text(encoding="utf-8", errors="replace"))
            ):
                found.append((folder.name, "bundled template"))
        return found

    return _safely(produce)


def app_template_names(incomplete: str) -> Candidates:
    """The bundled app templates' names, for `idp new`: a component is added with `idp add`."""

    def produce() -> Candidates:
        from idp_cli.templates.discovery import bundled

        return [(t.name, "bundled template") for t in bundled() if t.name.startswith(incomplete)]

    return _safely(produce)


def ci_systems(incomplete: str) -> Candidates:
    """`--ci`: the bundled CI systems, and those installed plug-ins add (imported only here)."""

    def produce() -> Candidates:
        from idp_cli import ci

        return [(s.name, s.title) for s in ci.systems() if s.name.startswith(incomplete)]

    return _safely(produce)


def one_of(values: tuple[str, ...], what: str) -> Callable[[str], Candidates]:
    """Completion for an option that takes one of a vocabulary's words."""

    def complete(incomplete: str) -> Candidates:
        return [(v, what) for v in values if v.startswith(incomplete)]

    return complete


def _binding_candidates(incomplete: str, *, added_only: bool) -> Candidates:
    def produce() -> Candidates:
        from pathlib import Path

        from idp_cli.project.answers import ANSWERS_FILE
        from idp_cli.project.bindings import find

        # the current folder's: Click does not parse the PATH argument while completing
        return [
            (b.name, f"{b.answers.model_ref or 'no model'} ({b.answers_file})")
            for b in find(Path("."))
            if b.name.startswith(incomplete)
            and not (added_only and b.answers.path.name == ANSWERS_FILE)
        ]

    return _safely(produce)


def binding_names(ctx: typer.Context, incomplete: str) -> Candidates:
    """The bindings of the project in the current folder."""
    return _binding_candidates(incomplete, added_only=False)


def added_binding_names(ctx: typer.Context, incomplete: str) -> Candidates:
    """The bindings `idp add` made (what `idp remove` takes): not the app template's own."""
    return _binding_candidates(incomplete, added_only=True)
