"""One data object per command, printed as JSON or YAML for machines or handed to a
table-drawing function for people."""

from __future__ import annotations

import enum
import sys
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any


class Format(enum.StrEnum):
    table = "table"
    wide = "wide"  # the table with every column, whatever the terminal's width
    json = "json"
    yaml = "yaml"

    @property
    def for_people(self) -> bool:
        return self in (Format.table, Format.wide)


# set while a `-o wide` table prints (console.width, plain.print_table read it)
WIDE: ContextVar[bool] = ContextVar("WIDE", default=False)


def dump_json(data: Any) -> str:
    import json  # not at the top: a table (most commands' default) needs no JSON

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
    elif fmt is Format.wide:
        token = WIDE.set(True)
        try:
            table()
        finally:
            WIDE.reset(token)
    else:
        table()
