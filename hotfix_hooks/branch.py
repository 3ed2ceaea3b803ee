"""Hotfix branch names: ``<prefix><digits>`` or ``<prefix><digits>-<slug>``."""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_PREFIX = "hotfix/"
_TAIL = re.compile(r"([0-9]+)(?:-(.+))?", re.ASCII | re.DOTALL)
_SLUG_CHUNK = re.compile(r"[^a-z0-9]+")
MAX_SLUG = 40


@dataclass(frozen=True)
class HotfixBranch:
    name: str
    number: str
    slug: str

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
    match = _TAIL.fullmatch(name[len(prefix) :])
    if match is None:
        return None
    slug = match.group(2) or ""
    if match.group(2) is not None and not slug.strip("-"):
        return None
    return HotfixBranch(name=name, number=format_number(match.group(1)), slug=slug)


def title_from_slug(slug: str) -> str:
    words = [w for w in re.split(r"[-_/.\s]+", slug) if w]
    return " ".join(w[:1].upper() + w[1:] for w in words)


def slugify(title: str, limit: int = MAX_SLUG) -> str:
    """Lowercase ASCII, runs of anything else become one ``-``, trimmed."""
    import unicodedata

    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = _SLUG_CHUNK.sub("-", ascii_title.lower()).strip("-")
    return slug[:limit].rstrip("-")
