"""A base for classes that would be dataclasses but for what creating one costs: every
`idp models list` imports the catalog's views, sources and loader, and creating a dataclass
costs more than the rest of such a module. This module imports nothing, so that path stays
light."""

from __future__ import annotations


class PlainRecord:
    """Compared and shown as a dataclass would be: equal to a record of the same class whose
    fields are equal, shown as `ClassName(field=value, ...)`.

    A subclass names its fields, in order, in `_fields`, and those left out of its repr in
    `_unshown` (a dataclass's `field(repr=False)`)."""

    __slots__ = ()  # a subclass with __slots__ stays without a __dict__
    _fields: tuple[str, ...] = ()
    _unshown: tuple[str, ...] = ()

    # Records that are equal must hash alike, and their fields hold dicts and lists, which
    # cannot be hashed and may change: like a dataclass that is compared but not frozen, a
    # record cannot be a set member or a dict key.
    __hash__ = None  # type: ignore[assignment]

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented  # as a dataclass: the other side may know (mock.ANY does)
        assert isinstance(other, PlainRecord)
        return self._values() == other._values()

    def __repr__(self) -> str:
        shown = (
            f"{name}={getattr(self, name)!r}" for name in self._fields if name not in self._unshown
        )
        return f"{type(self).__name__}({', '.join(shown)})"
