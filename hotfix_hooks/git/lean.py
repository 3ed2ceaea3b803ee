"""The first thing every hook does: decide, as cheaply as possible, to do nothing.

Only ``os`` is used here. Git runs client hooks at the top of the working
tree, so the git directory and the checked-out branch are read from files;
anything unusual falls back to asking git.
"""

from __future__ import annotations

import os

from hotfix_hooks.core.branch import DEFAULT_PREFIX

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

IN_PROGRESS = (
    "rebase-merge",
    "rebase-apply",
    "MERGE_HEAD",
    "CHERRY_PICK_HEAD",
    "REVERT_HEAD",
    "BISECT_LOG",
)
REBASE_DIRS = ("rebase-merge", "rebase-apply")


def read_text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            return handle.read()
    except OSError:
        return None


def run_git(
    *args: str, cwd: str | None = None, input: bytes | None = None
) -> tuple[int, bytes, bytes]:
    """The one way hooks run git: (exit code, stdout, stderr).

    Output-only calls use posix_spawn, since the subprocess module costs more to
    import than a hook on a non-hotfix branch may take; calls that need a working
    directory or standard input use subprocess.
    """
    if not hasattr(os, "posix_spawnp") or cwd is not None or input is not None:
        import subprocess

        proc = subprocess.run(
            ("git", *args), cwd=cwd, input=input, capture_output=True, check=False
        )
        return proc.returncode, proc.stdout, proc.stderr
    read_end, write_end = os.pipe()
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        pid = os.posix_spawnp(
            "git",
            ["git", *args],
            os.environ,
            file_actions=[
                (os.POSIX_SPAWN_DUP2, devnull, 0),
                (os.POSIX_SPAWN_DUP2, write_end, 1),
                (os.POSIX_SPAWN_DUP2, devnull, 2),
            ],
        )
    finally:
        os.close(write_end)
        os.close(devnull)
    chunks = []
    while True:
        chunk = os.read(read_end, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), b"".join(chunks), b""


def git_output(*args: str) -> tuple[int, bytes]:
    """(exit code, stdout) of a git command run in the current directory."""
    code, out, _ = run_git(*args)
    return code, out


def _ask_git() -> tuple[str, str] | None:
    code, out = git_output("rev-parse", "--path-format=absolute", "--show-toplevel", "--git-dir")
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    return (lines[0], lines[1]) if code == 0 and len(lines) == 2 else None


def locate() -> tuple[str, str] | None:
    """(working tree root, git dir) of the repository a hook runs in."""
    if os.environ.get("GIT_DIR") or os.environ.get("GIT_WORK_TREE"):
        return _ask_git()
    cwd = os.getcwd()
    dotgit = os.path.join(cwd, ".git")
    if os.path.isdir(dotgit):
        return cwd, dotgit
    text = read_text(dotgit)
    if text and text.startswith("gitdir:"):
        target = os.path.join(cwd, text[len("gitdir:") :].strip())
        if os.path.isdir(target):
            return cwd, target
    return _ask_git()


def bare_git_dir() -> str | None:
    """The git directory when the hook runs in a bare repository, else None."""
    code, out = git_output("rev-parse", "--is-bare-repository", "--absolute-git-dir")
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    return lines[1] if code == 0 and len(lines) == 2 and lines[0] == "true" else None


def head_branch(git_dir: str) -> str | None:
    """The checked-out branch's short name; None when HEAD is detached."""
    head = (read_text(os.path.join(git_dir, "HEAD")) or "").strip()
    if head.startswith("ref: refs/heads/") and head != "ref: refs/heads/.invalid":
        return head[len("ref: refs/heads/") :]
    if head and not head.startswith("ref:"):
        return None
    code, out = git_output("--git-dir", git_dir, "symbolic-ref", "-q", "--short", "HEAD")
    name = out.decode("utf-8", "surrogateescape").strip()
    return name if code == 0 and name else None


def rebased_branch(git_dir: str) -> str | None:
    for state in REBASE_DIRS:
        text = (read_text(os.path.join(git_dir, state, "head-name")) or "").strip()
        if text.startswith("refs/heads/"):
            return text[len("refs/heads/") :]
    return None


def in_progress(git_dir: str, states: Iterable[str] = IN_PROGRESS) -> str | None:
    for name in states:
        if os.path.exists(os.path.join(git_dir, name)):
            return name
    return None


def common_dir(git_dir: str) -> str:
    """Where the shared refs live: a linked worktree's git dir names it in ``commondir``."""
    text = read_text(os.path.join(git_dir, "commondir"))
    if text is None:
        return git_dir
    return os.path.normpath(os.path.join(git_dir, text.strip()))


def cheap_prefix(root: str) -> str | None:
    """The branch prefix when no config file can change it, else None (load the config)."""
    if os.path.exists(os.path.join(root, ".hotfix-hooks.toml")):
        return None
    pyproject = read_text(os.path.join(root, "pyproject.toml"))
    if pyproject is not None and "hotfix-hooks" in pyproject:
        return None
    return DEFAULT_PREFIX


def could_be_hotfix(root: str, branch: str | None) -> bool:
    if not branch:
        return False
    prefix = cheap_prefix(root)
    return prefix is None or branch.startswith(prefix)
