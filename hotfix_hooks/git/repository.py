"""The repository a command works on, through GitPython.

GitPython discovers it, resolves revisions, answers ancestry and dates, and runs
``repo.git.*``; a failing git command becomes :class:`~hotfix_hooks.git.repo.GitError`.
Never imported by a hook (an import-linter contract says so).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import git as gitpython
from git.exc import BadName, BadObject, InvalidGitRepositoryError, NoSuchPathError

from hotfix_hooks.core.errors import GitError, NotARepositoryError, UsageError
from hotfix_hooks.git.repo import Repo


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
        try:
            return str(self.handle.commit(rev).hexsha)
        except (BadName, BadObject, ValueError):
            return None

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        handle = self.handle
        return bool(handle.is_ancestor(handle.commit(ancestor), handle.commit(descendant)))

    def merge_base(self, a: str, b: str) -> str | None:
        try:
            bases = self.handle.merge_base(a, b)
        except gitpython.GitCommandError:
            return None
        return str(bases[0].hexsha) if bases else None

    def commit_time(self, rev: str) -> datetime:
        """When ``rev`` was committed, with its committer's UTC offset."""
        moment: datetime = self.handle.commit(rev).committed_datetime
        return moment


def _open(cwd: str | os.PathLike[str] | None) -> gitpython.Repo | None:
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


def require_repo_or_bare(
    cwd: str | os.PathLike[str] | None = None, *, advice: str | None = None
) -> Path:
    """The current directory, if it is inside a repository (bare or not)."""
    if _open(cwd) is None:
        raise NotARepositoryError(*([advice] if advice else []))
    return Path(cwd) if cwd is not None else Path.cwd()
