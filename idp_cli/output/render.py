"""One data object per command, printed as JSON or YAML for machines or handed to a
table-drawing function for people."""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Callable
from typing import Any


class Format(enum.StrEnum):
    table = "table"
    json = "json"
    yaml = "yaml"


def dump_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def dump_yaml(data: Any) -> str:
    import yaml

    text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return text


def emit(data: Any, fmt: Format, table: Callable[[], None]) -> None:
    if fmt is Format.json:
        sys.stdout.write(dump_json(data) + "\n")
    elif fmt is Format.yaml:
        sys.stdout.write(dump_yaml(data))
    else:
        table()
