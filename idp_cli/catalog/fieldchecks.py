"""Checks on single field values that the schema's validators call: kept out of schema.py so
that the checked-in validators (see checkers.py) can call them without building the models."""

from __future__ import annotations

import re

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_date(value: str | None) -> str | None:
    import datetime

    if value is not None and not DATE_PATTERN.match(value):
        raise ValueError("must be a date written as YYYY-MM-DD")
    if value is not None:
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value} is not a date that exists (YYYY-MM-DD)") from None
    return value
