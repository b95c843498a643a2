"""PlainRecord compares and shows its subclasses as dataclasses would, from the fields they
name, and leaves them unhashable."""

from __future__ import annotations

from unittest import mock

import pytest

from idp_cli.plain_record import PlainRecord


class Pair(PlainRecord):
    __slots__ = _fields = ("left", "right")

    def __init__(self, left: object, right: object) -> None:
        self.left = left
        self.right = right


class OtherPair(Pair):
    __slots__ = ()


class Hiding(PlainRecord):
    _fields = ("shown", "_hidden")
    _unshown = ("_hidden",)

    def __init__(self, shown: object, hidden: object) -> None:
        self.shown = shown
        self._hidden = hidden


def test_equal_when_the_same_class_holds_equal_fields() -> None:
    assert Pair(1, [2]) == Pair(1, [2])
    assert Pair(1, [2]) != Pair(1, [3])
    assert Pair(1, 2) != OtherPair(1, 2)  # a subclass is another class
    assert Pair(1, 2) != (1, 2)
    assert Pair(1, 2) == mock.ANY  # another class decides, as with a dataclass


def test_a_field_left_out_of_the_repr_still_counts_for_equality() -> None:
    assert Hiding("a", 1) == Hiding("a", 1)
    assert Hiding("a", 1) != Hiding("a", 2)


def test_shown_as_class_name_and_fields_in_order() -> None:
    assert repr(Pair("a", {"b": 1})) == "Pair(left='a', right={'b': 1})"
    assert repr(OtherPair(1, None)) == "OtherPair(left=1, right=None)"
    assert repr(Hiding("a", 1)) == "Hiding(shown='a')"


def test_unhashable() -> None:
    with pytest.raises(TypeError, match="unhashable"):
        hash(Pair(1, 2))
    with pytest.raises(TypeError, match="unhashable"):
        hash(Hiding(1, 2))


def test_slots_stay_slots() -> None:
    assert not hasattr(Pair(1, 2), "__dict__")
    assert not hasattr(OtherPair(1, 2), "__dict__")
