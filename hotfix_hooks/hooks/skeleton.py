"""What every hook shares: its input read the same way, one error guard, one set of exit codes.

A hook module's ``main`` does its cheap "nothing to do here" checks, then hands its policy
to :func:`guarded`, which turns our errors into one line and exit 2, anything unexpected
into a short message instead of a traceback (a refusal, to be safe), and keeps
post-checkout at exit 0 whatever happens (it cannot undo a checkout, and failing it breaks
``git rebase -i`` and ``git clone``).
"""

from __future__ import annotations

import sys

from hotfix_hooks.core.errors import OK, POLICY_FAILED, USAGE, exit_for

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["OK", "POLICY_FAILED", "USAGE", "guarded", "read_ref_lines"]


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


def guarded(hook: str, policy: Callable[[], int], *, always_ok: bool = False) -> int:
    """Run ``policy`` and return its exit code, with every error mapped to one line."""
    try:
        code = policy()
    except Exception as exc:  # never a traceback in a hook
        known = exit_for(exc)
        if known is None:  # a bug: refuse, to be safe
            problem = f"internal error ({type(exc).__name__}: {exc}); please report it"
            known = POLICY_FAILED, problem
        code, problem = known
        _say(hook, problem, always_ok)
    return OK if always_ok else code


def _say(hook: str, problem: str, always_ok: bool) -> None:
    from hotfix_hooks.core import ui

    if always_ok:
        ui.error(f"{hook}: nothing done: {problem}")
    elif hook in ("pre-receive", "update"):
        ui.error(f"{hook}: rejected: {problem}")
    else:
        ui.error(f"{hook}: {problem}")
