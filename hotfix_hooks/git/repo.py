"""The repository: plain ``git`` runs for hooks, a GitPython-backed object for commands.

Hooks construct :class:`Repo` from what ``lean.locate`` found and run git through
``lean.run_git`` (GitPython costs ~150 ms to import: never on a hook's path).
Commands get a :class:`Repository` from :func:`require_repo`: GitPython discovers
it, resolves revisions, answers ancestry and dates, and runs ``repo.git.*`` with
``GitCommandError`` mapped to :class:`GitError`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from hotfix_hooks.errors import NotARepositoryError, UsageError
from hotfix_hooks.git import lean

if TYPE_CHECKING:
    import git as gitpython

ZERO_SHAS = frozenset({"0" * 40, "0" * 64})


class GitError(Exception):
    def __init__(self, args: Sequence[str], returncode: int, stderr: str) -> None:
        super().__init__(f"git {' '.join(args)} failed ({returncode}): {stderr.strip()}")
        self.returncode = returncode
        self.stderr = stderr


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


class Repository(Repo):
    """The repository a command works on, through GitPython."""

    def __init__(self, handle: gitpython.Repo) -> None:
        super().__init__(Path(handle.working_tree_dir or handle.git_dir), Path(handle.git_dir))
        self.handle = handle

    def git(self, *args: str, check: bool = True) -> str:
        status, out, err = self.handle.git.execute(
            ["git", *args],
            with_extended_output=True,
            with_exceptions=False,
            strip_newline_in_stdout=False,
            stdout_as_string=False,
        )
        if check and status != 0:
            raise GitError(args, int(status), str(err))
        return bytes(out).decode("utf-8", "surrogateescape").rstrip("\n")

    def resolve(self, rev: str) -> str | None:
        from git.exc import BadName, BadObject

        try:
            return str(self.handle.commit(rev).hexsha)
        except (BadName, BadObject, ValueError):
            return None

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        handle = self.handle
        return bool(handle.is_ancestor(handle.commit(ancestor), handle.commit(descendant)))

    def merge_base(self, a: str, b: str) -> str | None:
        from git.exc import GitCommandError

        try:
            bases = self.handle.merge_base(a, b)
        except GitCommandError:
            return None
        return str(bases[0].hexsha) if bases else None

    def commit_time(self, rev: str) -> datetime:
        """When ``rev`` was committed, with its committer's UTC offset."""
        moment: datetime = self.handle.commit(rev).committed_datetime
        return moment


def _open(cwd: str | os.PathLike[str] | None) -> gitpython.Repo | None:
    import git as gitpython
    from git.exc import InvalidGitRepositoryError, NoSuchPathError

    try:
        return gitpython.Repo(
            os.fspath(cwd) if cwd is not None else Path.cwd(), search_parent_directories=True
        )
    except (InvalidGitRepositoryError, NoSuchPathError):
        return None


def find_repo(
    cwd: str | os.PathLike[str] | None = None, *, required: bool = True
) -> Repository | None:
    handle = _open(cwd)
    if handle is None:
        if required:
            raise NotARepositoryError()
        return None
    if handle.bare:
        if required:
            raise UsageError(
                "this is a bare repository: this command needs a working tree "
                "(in a bare server repository, use `hotfix-hooks install --server` "
                "or `hotfix-hooks server-config`)"
            )
        return None
    return Repository(handle)


def require_repo(cwd: str | os.PathLike[str] | None = None) -> Repository:
    repo = find_repo(cwd, required=True)
    assert repo is not None
    return repo


def require_repo_or_bare(cwd: str | os.PathLike[str] | None = None) -> Path:
    """The current directory, if it is inside a repository (bare or not)."""
    if _open(cwd) is None:
        raise NotARepositoryError()
    return Path(cwd) if cwd is not None else Path.cwd()
