"""Where an existing Python project keeps its package, and which dependencies it declares:
read from the files alone (no import, no install), for `idp add`.

A package is found in a src/ layout (`src/NAME/`) or a flat one (`NAME/`), named by
`--package`, else by `[project].name` in `pyproject.toml`, else by being the only package
there is.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idp_cli.errors import IdpError

# folders that hold Python files but are not the application's package
_NOT_PACKAGES = {"tests", "test", "docs", "scripts", "build", "dist", "examples", "benchmarks"}
_IMPORT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")


@dataclass(frozen=True)
class Package:
    import_name: str  # myapp, or myapp.services
    folder: str  # relative to the project, with `/`: src/myapp or myapp


def _pyproject(project: Path) -> dict[str, Any]:
    path = project / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise IdpError(
            f"{path}: cannot read it: {exc}", hint="Fix pyproject.toml, or pass --package PKG."
        ) from None


def _located(project: Path, import_name: str) -> Package | None:
    relative = import_name.replace(".", "/")
    for folder in (f"src/{relative}", relative):
        if (project / folder).is_dir():
            return Package(import_name, folder)
    return None


def _candidates(project: Path) -> list[Package]:
    found: list[Package] = []
    for base in (project / "src", project):
        if not base.is_dir():
            continue
        for init in sorted(base.glob("*/__init__.py")):
            name = init.parent.name
            if name in _NOT_PACKAGES or name.startswith(".") or not name.isidentifier():
                continue
            found.append(Package(name, init.parent.relative_to(project).as_posix()))
    return found


def find_package(project: Path, given: str | None) -> Package:
    """The package the client goes into: `given` (an import name), else the project's."""
    if given is not None:
        if not _IMPORT_NAME.match(given):
            raise IdpError(
                f"--package {given!r} is not a Python import name",
                hint="Give the package's import name, e.g. --package myapp.",
            )
        located = _located(project, given)
        if located is None:
            raise IdpError(
                f"{project} has no package {given} (looked for src/{given.replace('.', '/')} "
                f"and {given.replace('.', '/')})",
                hint="Create the package's folder first, or name another with --package.",
            )
        return located
    name = str((_pyproject(project).get("project") or {}).get("name") or "")
    if name:
        located = _located(project, re.sub(r"[-.]+", "_", name).lower())
        if located is not None:
            return located
    candidates = _candidates(project)
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        raise IdpError(
            f"{project} has several packages ({', '.join(c.import_name for c in candidates)}); "
            "which one gets the client?",
            hint="Name it with --package PKG.",
        )
    raise IdpError(
        f"found no Python package in {project} (a folder with __init__.py, in src/ or at the top)",
        hint="Create the package first, or name its folder with --package PKG.",
    )


def _requirement_name(spec: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else ""


def missing_dependencies(project: Path, names: list[str]) -> list[str]:
    """Those of `names` (distribution names) that `pyproject.toml` does not declare in
    `[project].dependencies` (all of them without a pyproject.toml)."""
    declared = (_pyproject(project).get("project") or {}).get("dependencies") or []
    have = {_requirement_name(str(spec)) for spec in declared}
    return [name for name in names if _requirement_name(name) not in have]
