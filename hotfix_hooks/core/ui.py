"""Terminal output: colour only on a terminal and never with NO_COLOR."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
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


# Control characters shown, not obeyed: text from hotfix.md, tasks.md, a commit message or a
# branch may hold a terminal escape (clear the screen, retitle the window, conceal text).
# Tab and line feed pass; an escape passes only as one of our own colours (``paint``).
_CONTROLS = {c: f"^{chr(c + 64)}" for c in range(32) if c not in (9, 10, 27)}
_CONTROLS[0x7F] = "^?"
_CONTROLS.update({c: f"\\x{c:02x}" for c in range(0x80, 0xA0)})
_OWN_COLOURS = tuple(f"[{code}m" for code in (*_CODES.values(), "0"))


def shown(text: str) -> str:
    """``text`` as it may reach a terminal or a CI log: control characters made visible
    (``^[``, ``^M``, ``\\x9b``), our colours kept; under GitHub Actions, ``##[`` (the old
    form of a workflow command, obeyed anywhere in a line) broken with a word joiner."""
    text = text.translate(_CONTROLS)
    if "\x1b" in text:
        first, *rest = text.split("\x1b")
        text = first + "".join(
            ("\x1b" if part.startswith(_OWN_COLOURS) else "^[") + part for part in rest
        )
    if "##[" in text and os.environ.get("GITHUB_ACTIONS") == "true":
        text = text.replace("##[", "##\u2060[")
    return text


def emit(text: str, stream: TextIO | None = None) -> None:
    """Write a line, replacing what the stream's encoding cannot show, and showing
    control characters rather than sending them (``shown``)."""
    out = stream or sys.stdout
    if out is None:  # started with that descriptor closed: nothing can be shown
        return
    encoding = getattr(out, "encoding", None) or "utf-8"
    safe = shown(text).encode(encoding, "replace").decode(encoding, "replace")
    out.write(safe + "\n")
    out.flush()


def error(text: str) -> None:
    emit(paint("hotfix-hooks: ", "red", sys.stderr) + text, sys.stderr)


def warn(text: str) -> None:
    emit(paint("hotfix-hooks: warning: ", "yellow", sys.stderr) + text, sys.stderr)


def command(argv: Sequence[str]) -> str:
    """The command line that runs ``argv`` when pasted into a POSIX shell: every word quoted
    as the shell needs (``shlex.quote``), so a branch named ``hotfix/002-x$(touch${IFS}x)``
    (a valid ref name) or a path with a space stays one word and never runs anything. Every
    command we print is built here (``commands`` for ``A && B``)."""
    import shlex  # imports re: only where advice is printed, never on a hook's fast path

    return shlex.join(argv)


def commands(*argvs: Sequence[str]) -> str:
    """``A && B && ...``, each built by :func:`command`."""
    return " && ".join(command(argv) for argv in argvs)
