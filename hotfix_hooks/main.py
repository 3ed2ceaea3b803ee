"""The ``hotfix-hooks`` console script.

Hook managers (pre-commit, prek, lefthook, husky) run ``hotfix-hooks hook <type> ...`` on
every checkout, commit and push. That argv goes straight to the hook table in
:mod:`hotfix_hooks.hooks.entry`, without importing click or any command module; everything
else (``--help`` included) is the click command line in :mod:`hotfix_hooks.cli`.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

CLIENT_HOOKS = ("post-checkout", "commit-msg", "pre-push")  # the rest run in a bare repository
_CLICK_ONLY = ("-h", "--help", "--")


def _in_repository(hook: str) -> bool:
    """Cheaply: is this a repository the hook can run in? When unsure, False (click decides,
    and says "not a git repository" with exit 2 where that is the case)."""
    from hotfix_hooks.git import lean

    if hook not in CLIENT_HOOKS:  # server hooks: git runs them inside the bare repository
        return os.path.isfile("HEAD") and os.path.isdir("objects") and os.path.isdir("refs")
    return lean.locate() is not None


def lean_hook(argv: Sequence[str]) -> int | None:
    """Run ``hook <type> ARGS`` without click; None when argv is not that (or needs click)."""
    if len(argv) < 2 or argv[0] != "hook":
        return None
    from hotfix_hooks.hooks.entry import HOOKS

    if argv[1] not in HOOKS:
        return None
    if any(arg in _CLICK_ONLY for arg in argv[2:]) or not _in_repository(argv[1]):
        return None
    if os.environ.get("PRE_COMMIT"):
        return _captured(argv[1], argv[2:])
    return _run(argv[1], argv[2:])


def _captured(hook: str, args: Sequence[str]) -> int:
    """pre-commit and prek (both set ``PRE_COMMIT=1``) show a hook's output only when it
    fails (they run it on a pipe, or on a pty of their own for colours). A passing hook that
    has something to say (the scaffold banner, a rollback trigger warning) says it on the
    terminal (``/dev/tty``) instead, where there is one."""
    import io

    out, err = sys.stdout, sys.stderr
    raw = io.BytesIO()
    buffer = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", write_through=True)
    sys.stdout = sys.stderr = buffer
    try:
        code = _run(hook, args)
    finally:
        sys.stdout, sys.stderr = out, err
    buffer.flush()
    text = raw.getvalue().decode("utf-8", "replace")
    if text and code == 0:
        try:
            with open("/dev/tty", "w", encoding="utf-8", errors="replace") as tty:
                tty.write("\n" + text)  # pre-commit has written "name....." already
            return code
        except OSError:
            pass  # no terminal (CI): the manager keeps it, as it keeps any passing output
    err.write(text)
    err.flush()
    return code


def _run(hook: str, args: Sequence[str]) -> int:
    from hotfix_hooks.core.errors import guarded
    from hotfix_hooks.hooks.entry import dispatch

    return guarded(lambda: dispatch(hook, args))


# What runs without click: the command an on-call engineer runs most, exactly as written
# here (any other argv, ``status --help`` included, is click's; tests/test_cli.py checks
# that both answer alike).
LEAN_COMMANDS = {("status",): False, ("status", "--json"): True}


def lean_status(argv: Sequence[str]) -> int | None:
    """``status`` or ``status --json`` without click; None for any other argv."""
    as_json = LEAN_COMMANDS.get(tuple(argv))
    if as_json is None:
        return None
    from hotfix_hooks.commands.standing import show
    from hotfix_hooks.core.errors import guarded

    def call() -> int:
        show(as_json)
        return 0

    return guarded(call)


def run_hook() -> None:
    """``python -I -c "from hotfix_hooks.main import run_hook; run_hook()" <type> ARGS``: the
    manifest's entry for pre-commit and prek. The same as ``hotfix-hooks hook <type> ARGS``,
    without the console-script wrapper, whose ``import re`` alone costs more than the rest of
    a hook on a non-hotfix branch. ``-I`` keeps the repository's root off ``sys.path``.
    The process is the hook's own: it ends without the interpreter's teardown (``leave``)."""
    from hotfix_hooks.hooks.entry import leave, short_lived

    short_lived()
    leave(main(["hook", *sys.argv[1:]]))


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):  # what click's version option prints, without click
        from hotfix_hooks.install.version import version_text

        sys.stdout.write(f"{version_text()}\n")
        return 0
    code = lean_hook(args)
    if code is None:
        code = lean_status(args)
    if code is not None:
        return code
    from hotfix_hooks import cli

    return cli.main(args)


if __name__ == "__main__":
    raise SystemExit(main())
