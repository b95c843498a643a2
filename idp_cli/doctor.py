"""`idp doctor`'s findings: which idp, Python, catalog, config file, cache, templates, git and
Copier are in use and why, and whether a folder is a bound project. Each finding that is wrong
is a problem with a hint; the command exits non-zero when there is one.

Every look is guarded on its own: a broken catalog is a finding, not a crash, and the rest is
still reported.
"""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from idp_cli import __version__, env_vars, paths
from idp_cli.errors import IdpError

DISTRIBUTION = "idp-ai-platform"


@dataclass
class Problem:
    area: str  # the section of the report it belongs to
    message: str
    hint: str | None = None


@dataclass
class Diagnosis:
    idp: dict[str, Any]
    python: dict[str, Any]
    catalog: dict[str, Any]
    config_file: dict[str, Any]
    cache: dict[str, Any]
    templates: dict[str, Any]
    tools: dict[str, Any]
    environment: dict[str, str]
    project: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": not self.problems,
            "idp": self.idp,
            "python": self.python,
            "catalog": self.catalog,
            "config_file": self.config_file,
            "cache": self.cache,
            "templates": self.templates,
            "tools": self.tools,
            "environment": self.environment,
            "project": self.project,
            "problems": [
                {"area": p.area, "message": p.message, "hint": p.hint} for p in self.problems
            ],
        }


def diagnose(
    folder: Path, catalog: str | None, catalog_ref: str | None, *, check_project: bool = True
) -> Diagnosis:
    problems: list[Problem] = []
    return Diagnosis(
        idp=_idp(),
        python={"version": platform.python_version(), "executable": sys.executable},
        catalog=_catalog(catalog, catalog_ref, problems),
        config_file=_config_file(problems),
        cache=_cache(),
        templates=_templates(problems),
        tools=_tools(problems),
        environment={
            v.name: os.environ.get(v.name) or os.environ.get(v.replaces or "", "")
            for v in env_vars.VARIABLES
            if env_vars.is_set(v.name)
        },
        project=_project(folder, catalog, catalog_ref, problems, check_project),
        problems=problems,
    )


def _idp() -> dict[str, Any]:
    try:
        dist = metadata.distribution(DISTRIBUTION)
        location = str(dist.locate_file(""))
        distribution = f"{DISTRIBUTION} {dist.version}"
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        location, distribution = None, None
    package = Path(__file__).resolve().parent
    return {
        "version": __version__,
        "distribution": distribution,
        "installed_at": location,
        "package": str(package),
        "editable": not package.is_relative_to(Path(location)) if location else None,
    }


# the bundled catalog is not named anywhere: say why it is the one read
_BUNDLED_WHY = "nothing names another (no --catalog, IDP_CATALOG or config `catalog`)"


def _catalog(flag: str | None, ref: str | None, problems: list[Problem]) -> dict[str, Any]:
    from idp_cli.catalog.read import open_summary
    from idp_cli.catalog.sources import resolve_source
    from idp_cli.config import choose_catalog

    found: dict[str, Any] = {}
    try:
        choice = choose_catalog(flag, ref)
        found.update(
            spec=choice.spec or str(paths.bundled_catalog()),
            ref=choice.ref,
            why=_BUNDLED_WHY if choice.spec is None else f"named by {choice.named_by}",
        )
        source = resolve_source(choice)
        commit, dirty = source.revision()
        found.update(
            source=source.display,
            kind=source.kind,
            revision=commit or (f"idp {__version__}" if source.kind == "bundled" else None),
            uncommitted_changes=dirty,
        )
        summary = open_summary(source)
        found["models"] = len(summary.models)
        found["valid"] = True
    except IdpError as exc:
        found["valid"] = False
        found["error"] = exc.message
        problems.append(Problem("catalog", exc.message, exc.hint))
    return found


def _config_file(problems: list[Problem]) -> dict[str, Any]:
    from idp_cli.config import read_config

    path = paths.config_file()
    found: dict[str, Any] = {"path": str(path), "exists": path.is_file()}
    try:
        found["keys"] = sorted(read_config())
    except IdpError as exc:
        found["error"] = exc.message
        problems.append(Problem("config file", exc.message, exc.hint))
    return found


def _cache() -> dict[str, Any]:
    folder = paths.cache_dir()
    size = files = 0
    for root, _dirs, names in os.walk(folder):
        for name in names:
            try:
                size += os.lstat(os.path.join(root, name)).st_size
            except OSError:  # removed while walking (another idp pruning it)
                continue
            files += 1
    return {"path": str(folder), "exists": folder.is_dir(), "files": files, "bytes": size}


def _templates(problems: list[Problem]) -> dict[str, Any]:
    from idp_cli.templates import sources

    found: dict[str, Any] = {"sources": [f"bundled: {paths.bundled_templates()}"]}
    try:
        found["sources"] += [f"{source} ({origin})" for source, origin in sources.every_source()]
        found["apps"] = [t.name for t in sources.available(kind="app")]
        found["components"] = [t.name for t in sources.available(kind="component")]
    except IdpError as exc:
        problems.append(Problem("templates", exc.message, exc.hint))
    return found


def _tools(problems: list[Problem]) -> dict[str, Any]:
    import subprocess

    found: dict[str, Any] = {}
    try:
        found["copier"] = metadata.version("copier")
    except metadata.PackageNotFoundError:
        found["copier"] = None
        problems.append(
            Problem(
                "tools", "Copier is not installed", f"Reinstall idp: pip install {DISTRIBUTION}"
            )
        )
    try:
        done = subprocess.run(["git", "--version"], capture_output=True, text=True, check=True)
        found["git"] = done.stdout.strip().removeprefix("git version ")
    except (OSError, subprocess.CalledProcessError):
        found["git"] = None
        problems.append(
            Problem(
                "tools",
                "git is not on PATH",
                "Install git: idp reads catalogs, templates and projects through it.",
            )
        )
    return found


def _project(
    folder: Path,
    catalog: str | None,
    catalog_ref: str | None,
    problems: list[Problem],
    check: bool,
) -> dict[str, Any]:
    from idp_cli.project import bindings
    from idp_cli.project.answers import ANSWERS_FILE
    from idp_cli.project.check import check_binding

    found: dict[str, Any] = {"path": str(folder.resolve()), "bound": False, "bindings": []}
    if not folder.is_dir():
        return found
    if not any(folder.glob(".copier-answers*.yml")):
        return found
    found["bound"] = True
    try:
        found_bindings = bindings.find(folder)
    except IdpError as exc:
        problems.append(Problem("project", exc.message, exc.hint))
        return found
    for b in found_bindings:
        entry: dict[str, Any] = {
            "name": b.name,
            "answers_file": b.answers_file,
            "template": bindings.template_name(b.answers.src_path),
            "template_version": b.answers.commit or None,
            "model_ref": b.answers.model_ref,
            "parts": [
                {
                    "name": bindings.part_name(part.path.name),
                    "answers_file": part.path.name,
                    "template": bindings.template_name(part.src_path),
                    "template_version": part.commit or None,
                }
                for part in b.parts
            ],
        }
        if check:
            try:
                report = check_binding(b, catalog, catalog_ref)
                entry["outdated"] = report.outdated
                entry["reasons"] = report.reasons()
            except IdpError as exc:
                entry["error"] = exc.message
                problems.append(Problem("project", f"{b.name}: {exc.message}", exc.hint))
        found["bindings"].append(entry)
    found["app_answers_file"] = ANSWERS_FILE if (folder / ANSWERS_FILE).is_file() else None
    return found
