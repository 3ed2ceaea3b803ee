"""Terminal output: colour only on a terminal and never with NO_COLOR."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

_CODES = {"red": "31", "green": "32", "yellow": "33", "blue": "34", "bold": "1", "dim": "2"}


def use_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def paint(text: str, style: str, stream: TextIO | None = None) -> str:
    if not use_colour(stream or sys.stderr):
        return text
    return f"\033[{_CODES[style]}m{text}\033[0m"


def emit(text: str, stream: TextIO | None = None) -> None:
    """Write a line, replacing what the stream's encoding cannot show."""
    out = stream or sys.stdout
    encoding = getattr(out, "encoding", None) or "utf-8"
    safe = text.encode(encoding, "replace").decode(encoding, "replace")
    out.write(safe + "\n")
    out.flush()


def error(text: str) -> None:
    emit(paint("hotfix-hooks: ", "red", sys.stderr) + text, sys.stderr)


def warn(text: str) -> None:
    emit(paint("hotfix-hooks: warning: ", "yellow", sys.stderr) + text, sys.stderr)
