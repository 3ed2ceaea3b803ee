"""Plain ``git`` subprocess calls (GitPython is kept off the hook paths)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hotfix_hooks.errors import NotARepositoryError
from hotfix_hooks.git import lean

ZERO_SHAS = frozenset({"0" * 40, "0" * 64})


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
        return lean.in_progress(str(self.git_dir))

    def head_branch(self) -> str | None:
        """Short name of the checked-out branch; None when detached."""
        return lean.head_branch(str(self.git_dir))

    def git(self, *args: str, check: bool = True) -> str:
        return run(*args, cwd=self.root, check=check)


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
