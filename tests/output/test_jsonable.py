"""`to_json`: the one conversion from a command's result records to the data `-o json` prints."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from idp_cli.output.jsonable import json_key, to_json


@dataclass(frozen=True)
class Base:
    commit: str
    sunset_date: datetime.date | None


@dataclass(frozen=True)
class Child(Base):
    from_: Any
    model_id: str
    items: tuple[Base, ...]


def test_names_are_camel_case_without_a_trailing_underscore() -> None:
    assert [json_key(n) for n in ("commit", "sunset_date", "from_", "lifecycle_transitions")] == [
        "commit",
        "sunsetDate",
        "from",
        "lifecycleTransitions",
    ]


def test_fields_keep_their_order_inherited_ones_first() -> None:
    day = datetime.date(2027, 1, 31)
    value = Child("abc", day, {"model_id": [1, (2, 3)]}, "m", (Base("x", None),))
    data = to_json(value)
    assert list(data) == ["commit", "sunsetDate", "from", "modelId", "items"]
    # the catalog's own mappings keep their keys; tuples become lists; scalars stay as they are
    assert data["from"] == {"model_id": [1, [2, 3]]}
    assert data["items"] == [{"commit": "x", "sunsetDate": None}]
    assert data["sunsetDate"] is day
    assert json.loads(json.dumps(data, default=str))["sunsetDate"] == "2027-01-31"


def test_plain_data_passes_through() -> None:
    assert to_json([{"a": None}, "b", 1.5, True]) == [{"a": None}, "b", 1.5, True]
