"""Plain ``git`` subprocess calls.

Hooks are hot paths: this module imports nothing heavy, and finding the
current branch of a hook's repository costs no subprocess in the common case.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hotfix_hooks.errors import NotARepositoryError

ZERO_SHAS = frozenset({"0" * 40, "0" * 64})
_IN_PROGRESS = (
    "rebase-merge",
    "rebase-apply",
    "MERGE_HEAD",
    "CHERRY_PICK_HEAD",
    "REVERT_HEAD",
    "BISECT_LOG",
)


class GitError(Exception):
    def __init__(self, args: Sequence[str], returncode: int, stderr: str) -> None:
        super().__init__(f"git {' '.join(args)} failed ({returncode}): {stderr.strip()}")
        self.returncode = returncode
        self.stderr = stderr


def run_bytes(
    *args: str,
    cwd: str | os.PathLike[str] | None = None,
    input: bytes | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    proc = subprocess.run(
        ("git", *args),
        cwd=cwd,
        input=input,
        capture_output=True,
        check=False,
    )
    if check and proc.returncode != 0:
        raise GitError(args, proc.returncode, proc.stderr.decode("utf-8", "replace"))
    return proc


def run(*args: str, cwd: str | os.PathLike[str] | None = None, check: bool = True) -> str:
    out = run_bytes(*args, cwd=cwd, check=check).stdout
    return out.decode("utf-8", "surrogateescape").rstrip("\n")


def ok(*args: str, cwd: str | os.PathLike[str] | None = None) -> bool:
    return run_bytes(*args, cwd=cwd, check=False).returncode == 0


@dataclass(frozen=True)
class Repo:
    """A working tree (``root``) and its private git directory."""

    root: Path
    git_dir: Path

    def in_progress(self) -> str | None:
        """Name of an in-progress rebase/merge/cherry-pick/revert/bisect, if any."""
        for name in _IN_PROGRESS:
            if (self.git_dir / name).exists():
                return name
        return None

    def head_branch(self) -> str | None:
        """Short name of the checked-out branch; None when detached or unreadable."""
        return current_branch(self.git_dir)

    def branch_being_rebased(self) -> str | None:
        for state in ("rebase-merge", "rebase-apply"):
            head_name = self.git_dir / state / "head-name"
            try:
                text = head_name.read_text(encoding="utf-8", errors="surrogateescape").strip()
            except OSError:
                continue
            if text.startswith("refs/heads/"):
                return text[len("refs/heads/") :]
        return None

    def git(self, *args: str, check: bool = True) -> str:
        return run(*args, cwd=self.root, check=check)

    def common_dir(self) -> Path:
        return Path(self.git("rev-parse", "--path-format=absolute", "--git-common-dir"))


def current_branch(git_dir: Path) -> str | None:
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8", errors="surrogateescape").strip()
    except OSError:
        head = ""
    if head.startswith("ref: refs/heads/") and head != "ref: refs/heads/.invalid":
        return head[len("ref: refs/heads/") :]
    if head and not head.startswith("ref:"):
        return None  # detached
    # reftable or an unusual layout: ask git.
    proc = run_bytes("symbolic-ref", "-q", "--short", "HEAD", cwd=git_dir, check=False)
    name = proc.stdout.decode("utf-8", "surrogateescape").strip()
    return name if proc.returncode == 0 and name else None


def _gitfile_target(dotgit: Path) -> Path | None:
    try:
        text = dotgit.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith("gitdir:"):
        return None
    target = Path(text[len("gitdir:") :].strip())
    return target if target.is_absolute() else (dotgit.parent / target)


def hook_repo() -> Repo | None:
    """The repository a client hook runs in, found the way git sets it up.

    Git runs hooks at the top of the working tree, and sets ``GIT_DIR``
    (and ``GIT_WORK_TREE``) where the layout is not the default one, as for
    ``git worktree add``. Falls back to asking git.
    """
    cwd = Path.cwd()
    env_dir = os.environ.get("GIT_DIR")
    if env_dir and not os.environ.get("GIT_WORK_TREE"):
        git_dir = Path(env_dir)
        if not git_dir.is_absolute():
            git_dir = cwd / git_dir
        if git_dir.name == ".git" and git_dir.parent == cwd:
            return Repo(cwd, git_dir)
    elif not env_dir:
        dotgit = cwd / ".git"
        if dotgit.is_dir():
            return Repo(cwd, dotgit)
        target = _gitfile_target(dotgit) if dotgit.is_file() else None
        if target is not None:
            return Repo(cwd, target)
    return find_repo(required=False)


def find_repo(cwd: str | os.PathLike[str] | None = None, *, required: bool = True) -> Repo | None:
    proc = run_bytes(
        "rev-parse",
        "--path-format=absolute",
        "--show-toplevel",
        "--git-dir",
        cwd=cwd,
        check=False,
    )
    lines = proc.stdout.decode("utf-8", "surrogateescape").splitlines()
    if proc.returncode != 0 or len(lines) != 2:
        if required:
            raise NotARepositoryError()
        return None
    return Repo(Path(lines[0]), Path(lines[1]))


def require_repo(cwd: str | os.PathLike[str] | None = None) -> Repo:
    repo = find_repo(cwd, required=True)
    assert repo is not None
    return repo


def require_repo_or_bare(cwd: str | os.PathLike[str] | None = None) -> Path:
    """The current directory, if it is inside a repository (bare or not)."""
    if run_bytes("rev-parse", "--git-dir", cwd=cwd, check=False).returncode != 0:
        raise NotARepositoryError()
    return Path(cwd) if cwd is not None else Path.cwd()
