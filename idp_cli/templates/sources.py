"""Where templates come from besides those bundled with idp: the config file's
`[templates] sources` and plug-ins' `template_sources` hook.

A source is a folder holding template folders (each with a copier.yml), a folder that is one
template, or a git URL of one template (mirrored in the cache like a git catalog, and used
from there with a warning when the remote cannot be reached). A source that cannot be read is
a warning naming it, never the end of the command. A name that a bundled template already has
keeps the bundled one (with a warning): names are how projects and commands refer to them.
"""

from __future__ import annotations

import functools
from pathlib import Path

from idp_cli import warning_sink
from idp_cli.errors import IdpError, NotFound
from idp_cli.suggest import did_you_mean
from idp_cli.templates.discovery import (
    URL,
    Template,
    bare_name,
    bundled,
    from_git,
    is_bundled,
    read_config,
)
from idp_cli.templates.discovery import find as discovery_find

_CONFIG_NAMES = ("copier.yml", "copier.yaml")


def configured() -> list[tuple[str, str]]:
    """(source, where it is named) from the config file's `[templates] sources`."""
    from idp_cli import paths
    from idp_cli.config import read_config as read_idp_config

    section = read_idp_config().get("templates", {})
    where = str(paths.config_file())
    if not isinstance(section, dict):
        raise IdpError(f"{where}: `templates` must be a table ([templates])")
    unknown = sorted(set(section) - {"sources"})
    if unknown:
        raise IdpError(
            f"{where}: unknown key {unknown[0]!r} in [templates]",
            hint="[templates] takes `sources`, a list of template folders and git URLs.",
        )
    sources = section.get("sources", [])
    if not (isinstance(sources, list) and all(isinstance(s, str) and s for s in sources)):
        raise IdpError(f"{where}: [templates] sources must be a list of folders and git URLs")
    return [(s, f"config file {where}") for s in sources]


def every_source() -> list[tuple[str, str]]:
    """Each template source besides the bundled templates, with where it is named."""
    from idp_cli import plugins

    return configured() + plugins.template_sources()


def _read(source: str, origin: str, plugin: tuple[str, str | None] | None) -> list[Template]:
    """The templates of one source; a plug-in's folders are marked with its (distribution,
    version), so that projects record them under a portable name (plugin_templates.py)."""
    if URL.match(source):
        return [from_git(source.removeprefix("git+"), None)]
    folder = Path(source).expanduser()
    if not folder.is_dir():
        raise IdpError(f"{source}: no such folder")
    if any((folder / n).is_file() for n in _CONFIG_NAMES):
        folders = [folder]
    else:
        folders = sorted(
            f for f in folder.iterdir() if any((f / n).is_file() for n in _CONFIG_NAMES)
        )
    return [
        Template(
            name=f.name,
            src=str(f.resolve()),
            ref=None,
            bundled=False,
            config=read_config(f, str(f)),
            plugin=plugin,
        )
        for f in folders
    ]


@functools.cache
def sourced() -> tuple[Template, ...]:
    """Every template the configured and plug-in sources hold (read once per run)."""
    from idp_cli import plugins

    taken = {t.name for t in bundled(kind=None)}
    found: list[Template] = []
    owned = [(s, o, None) for s, o in configured()] + [
        (s, f"plug-in {p.name}", (p.distribution, p.version) if p.distribution else None)
        for p, s in plugins.owned_template_sources()
    ]
    for source, origin, plugin in owned:
        try:
            templates = _read(source, origin, plugin)
        except IdpError as exc:
            warning_sink.warn(f"template source {source} ({origin}) left out: {exc.message}")
            continue
        for template in templates:
            if template.name in taken:
                warning_sink.warn(
                    f"template {template.name} from {source} ({origin}) has the name of "
                    "another template, which is kept; rename one of them"
                )
                continue
            taken.add(template.name)
            found.append(template)
    return tuple(found)


def available(kind: str | None = "app") -> list[Template]:
    """The bundled templates, then those of the other sources, of one kind (None: all)."""
    return bundled(kind) + [t for t in sourced() if kind is None or t.kind == kind]


def find(spec: str) -> Template:
    """`discovery.find`, where a bare name may also be a template of the configured or
    plug-in sources: a bundled template's name first, then theirs, and only then a folder
    of that name (`./NAME` is the folder)."""
    if bare_name(spec) and not is_bundled(spec):
        found = next((t for t in sourced() if t.name == spec), None)
        if found is not None:
            return found
    try:
        return discovery_find(spec)
    except NotFound as missing:
        if not bare_name(spec):
            raise
        names = [t.name for t in available(kind=None) if t.kind != "part"]
        raise NotFound(
            missing.message,
            hint=did_you_mean(
                spec,
                names,
                f"Templates: {', '.join(names) or 'none'}; or pass a path or git URL.",
            ),
        ) from None
