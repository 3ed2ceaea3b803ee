"""What the installed hook scripts run: one table from hook name to module.

Kept import-light: a hook on a non-hotfix branch must cost little more than
starting Python.
"""

from __future__ import annotations

import importlib
import os
import sys

from hotfix_hooks.errors import USAGE
from hotfix_hooks.hook_names import LOCAL_SUFFIX

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


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


if __name__ == "__main__":
    raise SystemExit(run_installed())
