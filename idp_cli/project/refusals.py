"""What `idp new` (and `idp add`) refuse before anything is written: a project name Python
or Backstage cannot use, a destination that holds something, a retired model version."""

from __future__ import annotations

import re
from pathlib import Path

from idp_cli import warning_sink
from idp_cli.catalog.model import Version
from idp_cli.errors import IdpError

PROJECT_NAME = re.compile(r"^[a-z](?:[a-z0-9_-]{0,61}[a-z0-9])?$")


def check_project_name(name: str) -> None:
    if not PROJECT_NAME.match(name):
        raise IdpError(
            f"{name!r} is not a valid project name",
            hint="Use lowercase letters, digits, '-' and '_', starting with a letter "
            "(rename the folder or pass --data project_name=NAME).",
        )


def check_destination(dest: Path, force: bool) -> None:
    if dest.exists() and not dest.is_dir():
        raise IdpError(f"{dest} exists and is not a folder", hint="Choose another destination.")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise IdpError(
            f"{dest} is not empty; nothing was written",
            hint="Choose an empty or new folder, or pass --force to write the template's files into it.",
        )


def check_lifecycle(version: Version, allow_deprecated: bool) -> None:
    """A retired version is refused unless asked for; a usable but risky one is warned of."""
    if version.retired and not allow_deprecated:
        raise IdpError(
            f"{version.ref} is {version.lifecycle}; its successor is {version.successor}",
            hint=f"Use --model {version.successor}, or pass --allow-deprecated to bind it anyway.",
        )
    if version.retired:
        warning_sink.warn(
            f"{version.ref} is {version.lifecycle}; its successor is {version.successor}"
        )
    elif version.lifecycle == "experimental":
        warning_sink.warn(
            f"{version.ref} is experimental: it may change or disappear without notice"
        )
