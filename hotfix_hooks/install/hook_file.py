"""A hook file and whether it is ours: as ``install`` wrote it, edited since (its checksum
line no longer matches), someone else's, or absent; and why an installed hook of ours
would not do its job. What ``status`` asks on every run: nothing here writes a file."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from hotfix_hooks.core.safe_files import UnreadableFile, read_regular
from hotfix_hooks.install.names import LOCAL_SUFFIX

MARKER = "# hotfix-hooks: managed hook"
CHECKSUM = "# hotfix-hooks: sha256 "  # of every line above it: an edit shows
CLIENT_HOOKS = ("post-checkout", "commit-msg", "pre-push")
SERVER_HOOKS = ("pre-receive", "update")  # pre-receive, or update with --per-ref

# What a hook path holds (``hook_state``)
ABSENT, FOREIGN, OURS, EDITED = "absent", "foreign", "ours", "edited"
FAIL_CODE = {"post-checkout": 0}  # what a hook does when its interpreter is gone


def legacy_head(hook: str) -> list[str]:
    """The first lines hotfix-hooks 0.1 wrote (its interpreter check), for recognising
    its unedited scripts."""
    fail = FAIL_CODE.get(hook, 1)
    return [
        "#!/bin/sh",
        f"{MARKER} ({hook}, hotfix-hooks 0.1).",
        "# Written by `hotfix-hooks install`; `hotfix-hooks uninstall` removes it and puts back",
        f"# any hook that was here before, which meanwhile runs first as {hook}{LOCAL_SUFFIX}.",
        "PY=",
        'if [ ! -x "$PY" ]; then',
        '    echo "hotfix-hooks: $PY no longer exists;" \\',
        "        \"run 'hotfix-hooks install' again, or 'hotfix-hooks uninstall'\" >&2",
        f"    exit {fail}",
        "fi",
    ]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_ours(path: Path) -> bool:
    """Written by us (edited since or not): it carries our marker."""
    return hook_state(path) in (OURS, EDITED)


def hook_state(path: Path) -> str:
    """ABSENT, FOREIGN (not ours), OURS (as we wrote it, whatever its mode), or EDITED
    (ours, changed since: the checksum line no longer matches what is above it)."""
    if not (path.is_symlink() or path.exists()):
        return ABSENT
    try:  # a symlink, FIFO or device, or more than a script of ours: not ours
        data = read_regular(path)
    except UnreadableFile:
        return FOREIGN
    if data is None:
        return ABSENT
    if MARKER.encode() not in data[:512]:
        return FOREIGN
    body, sep, tail = data.rpartition(CHECKSUM.encode())
    if not sep:
        return OURS if _unedited_legacy(data, path.name) else EDITED
    if tail.strip() != digest(body).encode() or tail.count(b"\n") > 1:
        return EDITED
    return OURS


# Lines of a script that differ between installs: the version, the interpreter, the
# package's location.
_VARYING = (MARKER, "PY=", "exec ")


def _unedited_legacy(data: bytes, hook: str) -> bool:
    """A script from before the checksum line (0.1: our interpreter check, then one
    ``exec`` line): unedited when it is line for line that template, but for the lines
    that vary between installs."""
    template = [*legacy_head(hook), "exec "]  # 0.1's one interpreter line, by its prefix
    have = data.decode("utf-8", "replace").splitlines()
    return len(have) == len(template) and all(
        a == b or any(a.startswith(v) and b.startswith(v) for v in _VARYING)
        for a, b in zip(have, template, strict=False)
    )


def is_executable(path: Path) -> bool:
    return os.access(path, os.X_OK)


def hook_problems(directory: Path, *, bare: bool = False) -> list[str]:
    """Why installed hooks of ours in ``directory`` (a repository's hooks directory) would
    not do their job: git ignores a hook it cannot execute; an edited one is left alone by
    install."""
    names = SERVER_HOOKS if bare else CLIENT_HOOKS
    problems = []
    for name in names:
        path = directory / name
        state = hook_state(path)
        if state in (OURS, EDITED) and not is_executable(path):
            problems.append(
                f"{path} is not executable: git ignores it. Fix: hotfix-hooks install"
                + (" --force" if state == EDITED else "")
            )
        elif state == EDITED:
            problems.append(
                f"{path} was edited since hotfix-hooks installed it: install and uninstall "
                f"leave it alone (--force keeps your edit as {name}{LOCAL_SUFFIX})"
            )
    return problems
