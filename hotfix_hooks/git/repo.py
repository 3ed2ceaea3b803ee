"""Plain ``git`` runs and the repository as hooks see it.

Hooks construct :class:`Repo` from what ``lean.locate`` found and run git through
``lean.run_git``. Commands use ``git.repository.Repository``, its GitPython-backed
subclass (GitPython costs ~150 ms to import: never on a hook's path).
"""

from __future__ import annotations

import os
from pathlib import Path

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


class Repo:
    """A working tree (``root``) and its private git directory, for hooks."""

    def __init__(self, root: Path, git_dir: Path) -> None:
        self.root = root
        self.git_dir = git_dir

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Repo):
            return NotImplemented
        return (self.root, self.git_dir) == (other.root, other.git_dir)

    def __hash__(self) -> int:
        return hash((self.root, self.git_dir))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(root={self.root!r}, git_dir={self.git_dir!r})"

    def in_progress(self) -> str | None:
        """Name of an in-progress rebase/merge/cherry-pick/revert/bisect, if any."""
        return lean.in_progress(str(self.git_dir))

    def head_branch(self) -> str | None:
        """Short name of the checked-out branch; None when detached."""
        return lean.head_branch(str(self.git_dir))

    def git(self, *args: str, check: bool = True) -> str:
        return run(*args, cwd=self.root, check=check)

    def resolve(self, rev: str) -> str | None:
        """The commit ``rev`` names; None when it names none."""
        return self.git("rev-parse", "--verify", "-q", f"{rev}^{{commit}}", check=False) or None

    def object_format(self) -> str:
        """``sha1`` or ``sha256`` (``git rev-parse --show-object-format``)."""
        return self.git("rev-parse", "--show-object-format", check=False) or "sha1"

    def push_command(self) -> str:
        """The push that works from here: ``git push`` with an upstream, else one that
        sets it (``git push`` alone fails on a new branch)."""
        if self.git("rev-parse", "-q", "--verify", "@{upstream}", check=False):
            return "git push"
        remote = self.git("config", "--get", "checkout.defaultRemote", check=False)
        return f"git push -u {remote or 'origin'} HEAD"
