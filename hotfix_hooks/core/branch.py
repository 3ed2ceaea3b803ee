"""Hotfix names: branches (``<prefix><digits>`` or ``<prefix><digits>-<slug>``) and the
tags of finished hotfixes."""

from __future__ import annotations

DEFAULT_PREFIX = "hotfix/"
MAX_SLUG = 40
_DIGITS = "0123456789"


class HotfixBranch:
    """A parsed hotfix branch (a plain class: dataclasses cost hooks start-up time)."""

    __slots__ = ("name", "number", "slug")

    def __init__(self, name: str, number: str, slug: str) -> None:
        self.name = name
        self.number = number
        self.slug = slug

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HotfixBranch):
            return NotImplemented
        return (self.name, self.number, self.slug) == (other.name, other.number, other.slug)

    def __hash__(self) -> int:
        return hash((self.name, self.number, self.slug))

    def __repr__(self) -> str:
        return f"HotfixBranch(name={self.name!r}, number={self.number!r}, slug={self.slug!r})"

    @property
    def title(self) -> str:
        return title_from_slug(self.slug)


def format_number(value: int | str) -> str:
    """Decimal digits, zero-padded to 3; string input avoids int() length limits."""
    digits = str(value).lstrip("0") or "0"
    return digits.zfill(3)


def parse_branch(name: str | None, prefix: str = DEFAULT_PREFIX) -> HotfixBranch | None:
    """The hotfix a branch belongs to, or None.

    The number is decimal (``0042`` is 42, never octal) and written with at
    least three digits; longer numbers are kept whole.
    """
    if not name or not prefix or not name.startswith(prefix):
        return None
    # <digits>[-<slug>], scanned by hand: `re` would cost a hook more start-up time than
    # the rest of its imports (the regex it stands for: ([0-9]+)(?:-(.+))?, ASCII, DOTALL)
    tail = name[len(prefix) :]
    digits = len(tail) - len(tail.lstrip(_DIGITS))
    if digits == 0:
        return None
    rest = tail[digits:]
    if rest and (rest[0] != "-" or not rest[1:].strip("-")):
        return None
    return HotfixBranch(name=name, number=format_number(tail[:digits]), slug=rest[1:])


def tag_name(tag_format: str, number: str) -> str:
    """The tag of a finished hotfix: ``tag_format`` with ``{number}`` filled in (replaced,
    never ``str.format``: the setting is read from a committed file)."""
    return tag_format.replace("{number}", number)


def tag_number(tag_format: str, tag: str) -> str | None:
    """The hotfix number a tag ``tag_format`` names (``hotfix-042`` -> ``042``); None for
    any other tag."""
    head, _, tail = tag_format.partition("{number}")
    if len(tag) <= len(head) + len(tail) or not tag.startswith(head) or not tag.endswith(tail):
        return None
    middle = tag[len(head) : len(tag) - len(tail)]
    return format_number(middle) if middle.isdigit() and middle.isascii() else None


def title_from_slug(slug: str) -> str:
    import re

    words = [w for w in re.split(r"[-_/.\s]+", slug) if w]
    return " ".join(w[:1].upper() + w[1:] for w in words)


def slugify(title: str, limit: int = MAX_SLUG) -> str:
    """Lowercase ASCII, runs of anything else become one ``-``, trimmed."""
    import re
    import unicodedata

    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:limit].rstrip("-")
