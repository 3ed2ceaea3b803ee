from __future__ import annotations

import sys


def read_ref_lines(hook: str) -> bytes | None:
    """What git writes on the hook's stdin; None (after saying why) on a terminal,
    where nothing would ever arrive."""
    if sys.stdin is None:
        return b""
    if sys.stdin.isatty():
        sys.stderr.write(
            f"hotfix-hooks: {hook} reads git's ref lines on stdin; it runs from `git push`, "
            "or pipe the lines in\n"
        )
        return None
    return sys.stdin.buffer.read()
