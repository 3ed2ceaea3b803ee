"""The first thing every hook does: decide, as cheaply as possible, to do nothing.

Only ``os`` is used here. Git runs client hooks at the top of the working
tree, so the git directory and the checked-out branch are read from files;
anything unusual falls back to asking git.
"""

from __future__ import annotations

import os

from hotfix_hooks.core.safe_files import UnreadableFile, read_regular

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
    """A small file's text (a git directory's ``HEAD``, a worktree's ``.git`` file); None
    when it is missing, not a regular file, larger than ``READ_LIMIT`` or unreadable: every
    caller then asks git instead."""
    try:
        data = read_regular(path)
    except UnreadableFile:
        return None
    return None if data is None else data.decode("utf-8", "surrogateescape")


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
    code, out = Started(["git", *args]).finish()
    return code, out, b""


class Started:
    """A git command started with ``posix_spawn``, not waited for: standard error on
    ``/dev/null``, standard output on a pipe (``stdout``) that :meth:`finish` reads (git
    waits while the pipe is full, so a started command costs nothing until it is read),
    standard input on ``/dev/null`` or, with ``stdin``, on a pipe we write (``stdin``)."""

    __slots__ = ("pid", "stdin", "stdout")

    def __init__(self, argv: list[str], *, stdin: bool = False) -> None:
        read_end, write_end = os.pipe()
        to_git, self.stdin = os.pipe() if stdin else (-1, -1)
        devnull = os.open(os.devnull, os.O_RDWR)
        try:
            self.pid: int | None = os.posix_spawnp(
                argv[0],
                argv,
                os.environ,
                file_actions=[
                    (os.POSIX_SPAWN_DUP2, to_git if stdin else devnull, 0),
                    (os.POSIX_SPAWN_DUP2, write_end, 1),
                    (os.POSIX_SPAWN_DUP2, devnull, 2),
                ],
            )
        except BaseException:
            os.close(read_end)
            if stdin:
                os.close(self.stdin)
            raise
        finally:
            os.close(write_end)
            os.close(devnull)
            if stdin:
                os.close(to_git)
        self.stdout = read_end

    def finish(self) -> tuple[int, bytes]:
        """(exit code, standard output), once it has ended."""
        chunks = []
        try:
            while True:
                chunk = os.read(self.stdout, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(self.stdout)
            pid, self.pid = self.pid, None
            _, status = os.waitpid(pid, 0) if pid is not None else (0, 0)
        return os.waitstatus_to_exitcode(status), b"".join(chunks)


def start_git(*args: str, cwd: str) -> Started | None:
    """``git -C CWD ARGS`` started now, to be finished later (another question asked of
    git meanwhile, or Python's own work, runs beside it); None where processes cannot be
    spawned this way: the caller runs it when it needs the answer."""
    if not hasattr(os, "posix_spawnp"):
        return None
    try:
        return Started(["git", "-C", cwd, *args])
    except OSError:
        return None


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


MAX_PARENTS = 16  # hook managers and their wrappers between git and the hook


def git_command_args(verb: bytes) -> list[bytes] | None:
    """The arguments after ``verb`` of the ``git <verb>`` (``commit``, ``push``) that runs
    this hook, read from /proc up the chain of parent processes (a hook manager and its
    wrappers may sit between, at any depth up to ``MAX_PARENTS``); None where there is no
    /proc, or no such git process (a script of the user's named ``push`` never counts)."""
    pid = os.getppid()
    for _ in range(MAX_PARENTS):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                argv = handle.read().split(b"\0")
            with open(f"/proc/{pid}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            return None
        if verb in argv and os.path.basename(argv[0]) == b"git":
            return argv[argv.index(verb) + 1 :]
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) < 2 or not fields[1].isdigit():
            return None
        pid = int(fields[1])
        if pid <= 1:
            return None
    return None


# git push's options whose value may be the next argument (``-o OPT``, ``--repo NAME``)
_PUSH_VALUED = (b"--repo", b"--receive-pack", b"--exec", b"--push-option", b"--recurse-submodules")


def dry_run_push() -> bool:
    """Whether the ``git push`` that runs this pre-push hook was given ``-n``/``--dry-run``
    (git runs pre-push for a dry run too); False when that cannot be told (no /proc)."""
    return is_dry_run(git_command_args(b"push") or [])


def is_dry_run(args: Iterable[bytes]) -> bool:
    """Whether ``git push ARGS`` is a dry run, an option's value (``-o n``) never counting."""
    dry, skip = False, False
    for arg in args:
        if skip:
            skip = False
        elif arg == b"--":
            break
        elif arg.startswith(b"--"):
            dry = True if arg == b"--dry-run" else False if arg == b"--no-dry-run" else dry
            skip = arg in _PUSH_VALUED
        elif arg.startswith(b"-") and len(arg) > 1:
            body = arg[1:]  # bundled letters; -o takes the rest, or the next argument
            at = body.find(b"o")
            dry = dry or b"n" in (body if at < 0 else body[:at])
            skip = at == len(body) - 1
    return dry
