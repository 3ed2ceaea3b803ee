"""Finding the repository a command runs in, with GitPython (it searches parent
directories and tells bare repositories and worktrees apart). Never imported by a hook
(an import-linter contract says so): GitPython costs ~150 ms to import."""

from __future__ import annotations

import os
from pathlib import Path

import git as gitpython
from git.exc import InvalidGitRepositoryError, NoSuchPathError

from hotfix_hooks.core.errors import NotARepositoryError, UsageError
from hotfix_hooks.git.repository import Repository


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
    return Repository(Path(handle.working_tree_dir or handle.git_dir), Path(handle.git_dir), handle)


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
