"""What the installed hook scripts run: one table from hook name to module.

Kept import-light: a hook on a non-hotfix branch must cost little more than
starting Python.
"""

from __future__ import annotations

import importlib
import os
import sys

from hotfix_hooks.core.errors import USAGE
from hotfix_hooks.install.names import LOCAL_SUFFIX

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import NoReturn


# hook name -> (module, reads stdin)
HOOKS: dict[str, tuple[str, bool]] = {
    "post-checkout": ("hotfix_hooks.hooks.post_checkout", False),
    "commit-msg": ("hotfix_hooks.hooks.commit_msg", False),
    "pre-push": ("hotfix_hooks.hooks.pre_push", True),
    "pre-receive": ("hotfix_hooks.hooks.pre_receive", True),
    "update": ("hotfix_hooks.hooks.update", False),
}


def dispatch(hook: str, args: Sequence[str], stdin: bytes | None = None) -> int:
    """Run one hook; ``stdin`` None lets a hook that reads stdin read it itself."""
    module_name, reads_stdin = HOOKS[hook]
    module = importlib.import_module(module_name)
    if reads_stdin:
        return int(module.main(args, stdin=stdin))
    return int(module.main(args))


def _run_local(script: str, args: Sequence[str], stdin: bytes | None) -> int:
    """The hook that was there before ours, kept as ``<name>.local``: it runs first."""
    local = script + LOCAL_SUFFIX
    if not os.access(local, os.X_OK) or os.path.isdir(local):
        return 0
    import subprocess

    try:
        return subprocess.run((local, *args), input=stdin, check=False).returncode
    except OSError as exc:
        sys.stderr.write(f"hotfix-hooks: cannot run {local}: {exc}\n")
        return 1


def run_installed(argv: Sequence[str] | None = None) -> int:
    """Entry of a script written by ``hotfix-hooks install``: HOOK SCRIPT [ARGS...]."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 2 or argv[0] not in HOOKS:
        sys.stderr.write("hotfix-hooks: usage: hotfix_hooks.hooks.entry HOOK SCRIPT [ARGS...]\n")
        return USAGE
    hook, script, args = argv[0], argv[1], argv[2:]
    if script.endswith(LOCAL_SUFFIX):
        return 0  # an edited script of ours kept by `install --force`: ours runs after it
    stdin = sys.stdin.buffer.read() if HOOKS[hook][1] else None
    local_code = _run_local(script, args, stdin)
    if local_code != 0 and hook != "post-checkout":
        return local_code
    # post-checkout cannot stop anything: scaffold anyway, report the old hook's code.
    ours = dispatch(hook, args, stdin)
    return local_code or ours


def main_installed() -> NoReturn:
    """What an installed hook script calls, in a Python process of its own."""
    short_lived()
    leave(run_installed())


def short_lived() -> None:
    """A hook's process is short and reads bounded input (hotfix.md is refused beyond
    128 KiB): the cyclic garbage collector, which otherwise runs again and again while
    markdown-it-py and the standard library's modules load, is turned off (as Mercurial
    does around its hot paths); reference counting frees the rest."""
    import gc

    gc.disable()


def leave(code: int) -> NoReturn:
    """End a hook's own Python process with ``code``, at once: what it wrote is flushed, and
    the interpreter's teardown (freeing every module loaded, some 10 ms once markdown-it-py
    and what it imports are in) is skipped, as nothing is left for it to do: files are
    written and closed, git processes waited for. Only under coverage.py's subprocess
    measurement (its documented variables), which saves its data at exit, the exit is a
    normal one. Never call this in a process that has more to do."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with that descriptor closed
            continue
        try:  # noqa: SIM105 (contextlib is one more import on every hook's path)
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can reach it
            pass
    if os.environ.get("COVERAGE_PROCESS_START") or os.environ.get("COVERAGE_PROCESS_CONFIG"):
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    main_installed()
