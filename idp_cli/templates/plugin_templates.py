"""Templates that installed plug-ins contribute as folders (a CI system's part, the templates of
a plug-in's template source), recorded in a project under a name that holds no path of the
machine that made it.

A plug-in's template lives wherever pip installed the plug-in (a site-packages folder of one
machine's venv), which a project must not record: a CI runner installs the plug-in elsewhere.
As with the bundled templates (snapshots.py), the folder is committed into a repository in the
cache, `~/.cache/idp/plugin-templates/DIST/NAME`, tagged with the plug-in's version, and the
project records `git+idp://plugin-templates/DIST/NAME` at that tag. `idp check` and `idp
update` find DIST among the installed plug-ins again, commit its template the same way, and
git is told that the recorded name means this machine's cache (`snapshots.git_env`).
"""

from __future__ import annotations

import re
from pathlib import Path

from idp_cli.errors import NotFound
from idp_cli.templates import snapshots

# a distribution's name as its metadata spells it, and a template folder's name
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z")
_CONFIG = ("copier.yml", "copier.yaml")


def recorded_location(distribution: str, name: str) -> str:
    return f"git+{snapshots.PLUGIN_SCHEME}{distribution}/{name}"


def tag(version: str | None) -> str:
    return f"v{version or '0'}"


def named(src_path: str) -> tuple[str, str] | None:
    """(distribution, template name) that a recorded `_src_path` names, else None."""
    stable = src_path.removeprefix("git+")
    if not stable.startswith(snapshots.PLUGIN_SCHEME):
        return None
    distribution, _, name = stable.removeprefix(snapshots.PLUGIN_SCHEME).partition("/")
    if _NAME.match(distribution) and _NAME.match(name):
        return distribution, name
    return None


def ensure(distribution: str, version: str | None, folder: Path) -> Path:
    """The cache repository holding the plug-in's template `folder` at `tag(version)`."""
    repo = snapshots.plugin_root() / distribution / folder.name
    message = f"{folder.name} as {distribution} {version or ''} installs it"
    return snapshots.commit_snapshot(repo, folder, tag(version), message.strip())


def _installed_folder(distribution: str, name: str) -> tuple[Path, str | None] | None:
    """The installed plug-in's template folder `name` (a CI system's part, or a template of
    its template sources), and the plug-in's version."""
    from idp_cli import plugins

    for plugin, system in plugins.ci_systems():
        folder = Path(system.template).expanduser()
        if plugin.distribution == distribution and folder.name == name and folder.is_dir():
            return folder, plugin.version
    # a template source is a folder of template folders, or one template (sources.py)
    for plugin, source in plugins.owned_template_sources():
        folder = Path(source).expanduser()
        if plugin.distribution != distribution or not folder.is_dir():
            continue
        for candidate in (folder / name, folder):
            if candidate.name == name and any((candidate / n).is_file() for n in _CONFIG):
                return candidate, plugin.version
    return None


def restore_release(src_path: str, wanted: str) -> bool:
    """Tag `wanted` (`v0.1.0`) in the cache repository of the plug-in template a project
    records, from the wheel of that release of the plug-in (pip, from the configured package
    index), at the path the installed release keeps the template at. A runner that installs
    only a newer plug-in can then rebuild the project as the older one made it. False when
    it cannot be fetched (or the installed plug-in is not installed from a wheel's layout)."""
    from importlib import metadata

    found = named(src_path)
    installed = _installed_folder(*found) if found else None
    if found is None or installed is None:
        return False
    distribution, name = found
    folder, _ = installed
    try:
        root = Path(str(metadata.distribution(distribution).locate_file(""))).resolve()
        inside = folder.resolve().relative_to(root).as_posix()
    except (metadata.PackageNotFoundError, ValueError):  # an editable install, say
        return False
    version = wanted.removeprefix("v")
    return snapshots.restore_from_wheel(
        installed_repository(src_path),
        f"{distribution}=={version}",
        f"{inside}/",
        wanted,
        f"{name} as {distribution} {version} installs it",
    )


def installed_repository(src_path: str) -> Path:
    """The cache repository for the plug-in template a project records, made from the plug-in
    installed here; a clear error naming the distribution to install when it is not."""
    found = named(src_path)
    if found is None:
        raise NotFound(f"{src_path} names no plug-in template")
    distribution, name = found
    from idp_cli import plugins

    template = _installed_folder(distribution, name)
    if template is not None:
        return ensure(distribution, template[1], template[0])
    installed = [p for p in plugins.installed() if p.distribution == distribution]
    if installed:
        raise NotFound(
            f"the project's template {name} comes from the idp plug-in {distribution}, whose "
            f"installed version ({installed[0].version}) no longer contributes it",
            hint=f"Install the {distribution} release the project was made with "
            f"(`pip install {distribution}==VERSION`, VERSION as `_commit` records it).",
        )
    raise NotFound(
        f"the project's template {name} comes from the idp plug-in {distribution}, which is "
        "not installed here",
        hint=f"Install it beside idp (`pip install {distribution}`), then run the command again.",
    )
