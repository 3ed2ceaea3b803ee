"""Option parsing that several commands share."""

from __future__ import annotations

import sys

from hotfix_hooks.core.branch import format_number
from hotfix_hooks.core.errors import UsageError


def number_option(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if not text.isdigit() or not text.isascii():
        raise UsageError(f"--number {value!r}: expected a hotfix number such as 42 or 042")
    return format_number(text)


def interactive() -> bool:
    return sys.stdin.isatty()
