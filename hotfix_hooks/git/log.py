"""Reading commits in bulk: tasks tied through ``Hotfix:``/``Task:`` trailers, and raw
messages for the task-tie rule (one ``git log`` either way)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from hotfix_hooks.core.errors import GitError
from hotfix_hooks.core.oid import is_oid
from hotfix_hooks.core.tie import subject_tie
from hotfix_hooks.git.repository import Repository
from hotfix_hooks.git.run import ok, run_bytes


class TaskCommits(NamedTuple):
    task: str
    title: str
    commits: list[tuple[str, str]]  # (short sha, subject)


class TrailerCommit(NamedTuple):
    """One commit as the trailer log reads it."""

    sha: str
    committed: str  # ISO 8601 with the committer's offset
    subject: str
    hotfixes: list[str]  # values of its Hotfix: trailers
    tasks: list[str]  # values of its Task: trailers, upper-cased
    author: str = ""  # the author's name


def commit_tasks(
    commit: TrailerCommit, number: str, subject_tasks: Callable[[str], list[str]] | None = None
) -> list[str] | None:
    """The tasks of hotfix ``number`` a commit is tied to; None when it is not tied to it.
    Stamped with exactly this number (a trailer, or a ``042/T007:`` subject), or, with
    ``subject_tasks`` (the commit is on the hotfix's own branch, since it started), a
    commit stamped with no number whose subject names tasks: a teammate without the hooks."""
    if number in commit.hotfixes:
        return list(commit.tasks)
    if subject_tasks is not None and not commit.hotfixes:
        named = subject_tasks(commit.subject)
        return named or None
    return None


def task_index(
    log: Iterable[TrailerCommit],
    number: str,
    tasks: Iterable[tuple[str, str]],
    subject_tasks: Callable[[str], list[str]] | None = None,
) -> list[TaskCommits]:
    """Tie commits to tasks: only commits stamped with exactly this hotfix's number count
    (and, given ``subject_tasks``, unstamped ones whose subject names a task)."""
    index = {task: TaskCommits(task, title, []) for task, title in tasks}
    for commit in log:
        found = commit_tasks(commit, number, subject_tasks)
        if found is None:
            continue
        for key in found:
            if key not in index:
                index[key] = TaskCommits(key, "(not in tasks.md)", [])
            index[key].commits.append((commit.sha[:10], commit.subject))
    return list(index.values())


_FORMAT = (
    "%H%x1f%cI%x1f%s%x1f%(trailers:key=Hotfix,valueonly,separator=%x2C)"
    "%x1f%(trailers:key=Task,valueonly,separator=%x2C)%x1f%an%x1f%b"
)


def _squashed(body: str) -> tuple[list[str], list[str]]:
    """(hotfixes, tasks) of the trailer paragraphs *inside* a message: a squash keeps each
    commit's message whole, so the trailers of all but the last are paragraphs in the
    middle, which git's ``%(trailers)`` does not read. A paragraph counts only when every
    line of it is a ``Key: value`` and it has a Hotfix or Task key."""
    hotfixes: list[str] = []
    tasks: list[str] = []
    for paragraph in body.split("\n\n")[:-1]:  # the last one is git's own trailer block
        lines = [line.strip() for line in paragraph.strip().splitlines()]
        pairs = [line.partition(":") for line in lines]
        if not lines or not all(sep and key and " " not in key for key, sep, _ in pairs):
            continue
        for key, _, value in pairs:
            if key.lower() == "hotfix" and value.strip():
                hotfixes.append(value.strip())
            elif key.lower() == "task" and value.strip():
                tasks.append(value.strip().upper())
    return hotfixes, tasks


LOG_LIMIT = 20000


def trailer_log(
    repo: Repository,
    *revs: str,
    grep: str | tuple[str, ...] | None = None,
    reverse: bool = False,
) -> list[TrailerCommit]:
    """The one reader of ``Hotfix:``/``Task:`` trailers: one ``git log`` over ``revs``.

    A subject ``042/T007: ...`` (:mod:`~hotfix_hooks.core.tie`) counts as those trailers.
    Callers match trailer values exactly (``"100" in commit.hotfixes``): never a
    ``--grep`` on the number, which would take hotfix 1000 for hotfix 100. ``grep`` (one
    fixed string, or several: any of them) only narrows the log cheaply (a superset,
    matched exactly afterwards); :data:`~hotfix_hooks.core.tie.TIE_GREP` finds the tied
    subjects.
    """
    options = ["-z", f"--max-count={LOG_LIMIT}", f"--format={_FORMAT}"]
    if grep:
        patterns = (grep,) if isinstance(grep, str) else grep
        options += ["-i", "--fixed-strings", *(f"--grep={p}" for p in patterns)]
    if reverse:
        options.append("--reverse")
    out = repo.git("log", *options, *revs, "--", check=False)
    records = []
    for record in out.split("\0"):
        fields = record.strip("\n").split("\x1f", 6)
        if len(fields) != 7:
            continue
        sha, committed, subject, hotfixes, tasks, author, body = fields
        numbers = [v.strip() for v in hotfixes.split(",") if v.strip()]
        named = [v.strip().upper() for v in tasks.split(",") if v.strip()]
        inner_numbers, inner_tasks = _squashed(body)
        numbers += [n for n in dict.fromkeys(inner_numbers) if n not in numbers]
        named += [t for t in dict.fromkeys(inner_tasks) if t not in named]
        tie = subject_tie(subject)
        if tie is not None and tie[0] not in numbers:  # 042/T007: ... without the trailers
            numbers.append(tie[0])
            named.append(tie[1])
        records.append(TrailerCommit(sha, committed, subject, numbers, named, author))
    return records


def since_base(repo: Repository, tip: str, base: str | None) -> bool:
    """Whether ``base`` (the commit the hotfix started from) is an ancestor of ``tip``: then
    ``base..tip`` is the hotfix's own history."""
    return bool(base) and ok("merge-base", "--is-ancestor", str(base), tip, cwd=repo.root)


def hotfix_log(repo: Repository, tip: str = "HEAD", base: str | None = None) -> list[TrailerCommit]:
    """Commits on ``tip`` since ``base`` (when ``base`` is one of its ancestors)."""
    spec = f"{base}..{tip}" if since_base(repo, tip, base) else tip
    return trailer_log(repo, spec)


def tasks_with_commits(
    repo: Repository,
    number: str,
    tasks: list[tuple[str, str]],
    tip: str = "HEAD",
    base: str | None = None,
    subject_tasks: Callable[[str], list[str]] | None = None,
) -> list[TaskCommits]:
    """Each task with its commits; ``subject_tasks`` counts the unstamped commits of the
    hotfix's own history (since ``base``) by the tasks their subject names."""
    own = since_base(repo, tip, base)
    log = trailer_log(repo, f"{base}..{tip}" if own else tip)
    return task_index(log, number, tasks, subject_tasks if own else None)


class CommitMessage:
    """One commit's id, parents and raw message (a plain class, cheap to make)."""

    __slots__ = ("message", "parent_ids", "sha")

    def __init__(self, sha: str, parent_ids: list[str], message: bytes) -> None:
        self.sha = sha
        self.parent_ids = parent_ids
        self.message = message

    @property
    def parents(self) -> int:
        return len(self.parent_ids)


class MalformedLog(Exception):
    """``git log`` printed a record that does not parse (a crafted message)."""


def commit_messages(cwd: str | os.PathLike[str], revs: Sequence[str]) -> list[CommitMessage]:
    """Every commit ``git log REVS`` lists, with its raw message, read in bulk with one
    ``git log`` (NUL-separated records): the cost grows with the number of commits only
    through that one process. ``revs`` are object ids or options of ours (``--not``,
    ``--all``), never raw user input."""
    proc = run_bytes("log", "-z", "--format=%H %P%n%B", *revs, "--", cwd=cwd, check=False)
    if proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(("log", *revs), proc.returncode, stderr[0] if stderr else "")
    out: list[CommitMessage] = []
    for record in proc.stdout.split(b"\0"):
        if not record:
            continue
        header, _, message = record.partition(b"\n")
        ids = header.decode("ascii", "replace").split(" ")
        if not is_oid(ids[0]) or not all(is_oid(i) for i in ids[1:] if i):
            raise MalformedLog(header[:80].decode("utf-8", "replace"))
        out.append(CommitMessage(ids[0], [i for i in ids[1:] if i], message))
    return out
