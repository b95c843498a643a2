"""Who owns a generated app, as a Backstage entity reference: the app's own question, never
the model's owner (the data-science team that owns a model does not own every app that calls
it). Without an answer: `owner` in idp's config file, else the git user as `user:default/NAME`.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from idp_cli import config, paths
from idp_cli.errors import IdpError

# Backstage's entity name rule: 1-63 of [A-Za-z0-9], single separators [-_.] between them.
_NAME_PART = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Owner:
    ref: str
    origin: str  # "config file <path>" or "git user <email or name>"


def _git(key: str, cwd: Path) -> str:
    try:
        result = subprocess.run(
            ["git", "config", "--get", key],
            cwd=cwd if cwd.is_dir() else None,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:  # git missing: no identity to take
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def user_ref(identity: str) -> str | None:
    """`user:default/NAME` from an email's local part or a name; None when nothing is left."""
    local = identity.split("@", 1)[0].lower()
    name = _NAME_PART.sub("-", local).strip("-")[:63].rstrip("-")
    return f"user:default/{name}" if name else None


def default(cwd: Path) -> Owner | None:
    """The owner `--defaults` takes; None leaves the template's own default."""
    configured = config.read_config().get("owner")
    if configured is not None:
        if not isinstance(configured, str) or not configured.strip() or " " in configured:
            raise IdpError(
                f"{paths.config_file()}: `owner` must be a Backstage entity reference "
                'without spaces, e.g. "group:default/payments"'
            )
        return Owner(configured, f"config file {paths.config_file()}")
    # the identity git commits with: its environment variables first, then its config
    for variable, key in (("GIT_AUTHOR_EMAIL", "user.email"), ("GIT_AUTHOR_NAME", "user.name")):
        identity = os.environ.get(variable, "").strip()
        where = variable
        if not identity:
            identity, where = _git(key, cwd), f"git {key}"
        ref = user_ref(identity) if identity else None
        if ref:
            return Owner(ref, f"{where} {identity}")
    return None
