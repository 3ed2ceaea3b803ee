"""Plain value classes, for the types on the paths that must start fast (the hooks,
``status``).

``dataclasses`` is the tool for a value class, but importing it pulls in ``inspect`` (about
70 M instructions, more than starting Python), and each class it defines compiles its
methods at start (about 4 M more). A type on a hot path is therefore a ``NamedTuple`` when
it never changes, else a :class:`Value`: ``__slots__``, an ``__init__`` written out, and the
equality and ``repr`` a dataclass would have, by its slots.
"""

from __future__ import annotations


class Value:
    """Equality (same type, equal slots) and a ``repr`` naming each slot's value."""

    __slots__: tuple[str, ...] = ()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass without frozen

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({shown})"
