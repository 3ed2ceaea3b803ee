"""Finding the repository a command runs in: one ``git rev-parse``, so a command answers
exactly as git would (``GIT_DIR``, worktrees, ``safe.directory``) and pays no import for it.

GitPython, the project's library for repository access in the commands, is opened from
here (:func:`gitpython`) where a command works on many repositories in one process
(``report --repo``): it opens each in-process, where a ``git`` per repository would cost a
process start each. Everywhere else a plain git call is as exact and cheaper: GitPython
costs ~60-150 ms to import, more than ``status`` may take in all. Never imported by a hook
(an import-linter contract says so).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from hotfix_hooks.core.errors import NotARepositoryError, UsageError
from hotfix_hooks.git.lean import run_git
from hotfix_hooks.git.repository import HOOKS_DIR, Repository

TYPE_CHECKING = False
if TYPE_CHECKING:
    import git

BARE = (
    "this is a bare repository: this command needs a working tree "
    "(in a bare server repository, use `hotfix-hooks install --server` "
    "or `hotfix-hooks server-config`)"
)


def _ask(cwd: str | os.PathLike[str] | None) -> tuple[list[str], str]:
    """(what ``rev-parse`` printed, its complaint) about the repository at ``cwd``."""
    where = Path(cwd) if cwd is not None else Path.cwd()
    if not where.is_dir():
        return [], f"{where}: no such directory"
    code, out, err = run_git(
        "rev-parse",
        "--is-bare-repository",
        "--is-inside-work-tree",
        "--absolute-git-dir",
        *HOOKS_DIR[1:],
        "--show-toplevel",
        cwd=str(where),
    )
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    complaint = err.decode("utf-8", "replace").strip().splitlines()
    return lines, complaint[0] if complaint and code != 0 else ""


def find_repo(
    cwd: str | os.PathLike[str] | None = None, *, required: bool = True
) -> Repository | None:
    """The working tree around ``cwd`` (default: here). Outside one, or in a bare
    repository: None, or with ``required`` exit 2 saying which."""
    lines, complaint = _ask(cwd)
    if len(lines) == 5 and lines[1] == "true":
        repo = Repository(Path(lines[4]), Path(lines[2]))
        repo.remember(HOOKS_DIR, lines[3])
        return repo
    if not required:
        return None
    if len(lines) >= 3 and lines[0] == "true":
        raise UsageError(BARE)
    if len(lines) >= 3:
        raise UsageError(
            f"{lines[2]} is a git directory, not a working tree: run this in the working tree"
        )
    if complaint and "not a git repository" not in complaint:
        raise NotARepositoryError(complaint.removeprefix("fatal: "))
    raise NotARepositoryError()


def require_repo(cwd: str | os.PathLike[str] | None = None) -> Repository:
    repo = find_repo(cwd, required=True)
    assert repo is not None
    return repo


class Place(NamedTuple):
    """A repository, bare or not, as a command that works in both sees it (``install``,
    ``uninstall``, ``server-config``): all from discovery's one ``rev-parse``."""

    cwd: Path
    bare: bool
    git_dir: Path
    hooks_dir: Path
    top: Path | None  # the working tree's top; None in a bare repository or a git dir


def require_repo_or_bare(
    cwd: str | os.PathLike[str] | None = None, *, advice: str | None = None
) -> Place:
    """The repository (bare or not) around the current directory; exit 2 outside one."""
    lines, complaint = _ask(cwd)
    if len(lines) < 4:
        if complaint and "not a git repository" not in complaint:
            raise NotARepositoryError(complaint.removeprefix("fatal: "))
        raise NotARepositoryError(*([advice] if advice else []))
    here = Path(cwd) if cwd is not None else Path.cwd()
    top = Path(lines[4]) if len(lines) == 5 else None
    return Place(here, lines[0] == "true", Path(lines[2]), Path(lines[3]), top)


def gitpython(repo: Repository) -> git.Repo:
    """GitPython's ``Repo`` for ``repo``, opened once."""
    if repo._handle is None:
        import git as gitpython_module

        repo._handle = gitpython_module.Repo(repo.root)
    return repo._handle


def find_in_process(cwd: str | os.PathLike[str]) -> Repository | None:
    """:func:`find_repo` without a git process, through GitPython: for a command that
    opens many repositories (``report --repo``). None outside a working tree (a bare
    repository has none)."""
    import git as gitpython_module
    from git.exc import InvalidGitRepositoryError, NoSuchPathError

    try:
        handle = gitpython_module.Repo(os.fspath(cwd), search_parent_directories=True)
    except (InvalidGitRepositoryError, NoSuchPathError):
        return None
    if handle.bare or handle.working_tree_dir is None:
        return None
    repo = Repository(Path(handle.working_tree_dir), Path(handle.git_dir))
    repo._handle = handle
    return repo
