"""Running git: the one way, over :func:`~hotfix_hooks.git.lean.run_git` (which spawns it
cheaply): ``run_bytes`` (exit code and both outputs), ``run`` (stdout as text), ``ok``."""

from __future__ import annotations

import os

from hotfix_hooks.core.errors import GitError
from hotfix_hooks.git import lean


class GitResult:
    """What one git run gave back."""

    __slots__ = ("returncode", "stderr", "stdout")

    def __init__(self, returncode: int, stdout: bytes, stderr: bytes) -> None:
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def run_bytes(
    *args: str,
    cwd: str | os.PathLike[str] | None = None,
    input: bytes | None = None,
    check: bool = True,
) -> GitResult:
    code, out, err = lean.run_git(*args, cwd=None if cwd is None else os.fspath(cwd), input=input)
    if check and code != 0:
        raise GitError(args, code, err.decode("utf-8", "replace"))
    return GitResult(code, out, err)


def run(*args: str, cwd: str | os.PathLike[str] | None = None, check: bool = True) -> str:
    out = run_bytes(*args, cwd=cwd, check=check).stdout
    return out.decode("utf-8", "surrogateescape").rstrip("\n")


def ok(*args: str, cwd: str | os.PathLike[str] | None = None) -> bool:
    return run_bytes(*args, cwd=cwd, check=False).returncode == 0
