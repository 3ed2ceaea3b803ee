"""Object ids as git writes them: 40 hex digits (SHA-1) or 64 (SHA-256), and the null id
("no such ref") in either format. Import-light: the hooks parse ref lines with it."""

from __future__ import annotations

_HEX = frozenset("0123456789abcdef")
ZERO_OIDS = frozenset({"0" * 40, "0" * 64})
WIDTHS = {"sha1": 40, "sha256": 64}


def is_oid(text: str) -> bool:
    """A full object id, lower-case hex, of either format."""
    return len(text) in (40, 64) and _HEX.issuperset(text)


def is_zero(oid: str) -> bool:
    """The null id: the ref did not exist (an old value) or is deleted (a new value)."""
    return oid in ZERO_OIDS


def zero_like(oid: str) -> str:
    """The null id in the format of ``oid``."""
    return "0" * len(oid)


def zero_for(object_format: str) -> str:
    """The null id of a repository whose ``git rev-parse --show-object-format`` says this."""
    return "0" * WIDTHS.get(object_format, 40)
