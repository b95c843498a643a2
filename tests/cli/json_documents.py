"""What the tests of the `-o json` documents share: the fixed commit date, the commit fields
of a history record, and the exact text a command prints for a document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import Invoke

DATE = "2025-03-04T05:06:07+00:00"


def by(commit: str, author: str, subject: str) -> dict[str, str]:
    """The commit fields every history record starts with."""
    email = f"{author.lower().replace(' ', '.')}@example.invalid"
    return {"commit": commit, "author": author, "email": email, "date": DATE, "subject": subject}


def stdout(invoke: Invoke, *args: str | Path) -> str:
    result = invoke(*args, "-o", "json")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def document(data: Any) -> str:
    """The text the commands print for `data`: the order of the keys is part of it."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
