"""Reading commits in bulk: tasks tied through ``Hotfix:``/``Task:`` trailers, and raw
messages for the task-tie rule (one ``git log`` either way)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from hotfix_hooks.errors import GitError
from hotfix_hooks.git.repo import Repo, ok, run_bytes

_SHA = re.compile(rb"[0-9a-f]{40}(?:[0-9a-f]{24})?")


@dataclass
class TaskCommits:
    task: str
    title: str
    commits: list[tuple[str, str]] = field(default_factory=list)  # (short sha, subject)


def task_index(
    log: Iterable[tuple[str, str, list[str], list[str]]],
    number: str,
    tasks: Iterable[tuple[str, str]],
) -> list[TaskCommits]:
    """Tie commits to tasks.

    ``log`` yields (sha, subject, Hotfix trailer values, Task trailer values);
    only commits stamped with this hotfix's number count.
    """
    index = {task: TaskCommits(task, title) for task, title in tasks}
    for sha, subject, hotfixes, task_values in log:
        if number not in hotfixes:
            continue
        for value in task_values:
            key = value.strip().upper()
            if key not in index:
                index[key] = TaskCommits(key, "(not in tasks.md)")
            index[key].commits.append((sha[:10], subject))
    return list(index.values())


_FORMAT = (
    "%H%x1f%s%x1f%(trailers:key=Hotfix,valueonly,separator=%x2C)"
    "%x1f%(trailers:key=Task,valueonly,separator=%x2C)"
)
LOG_LIMIT = 20000


def hotfix_log(
    repo: Repo, tip: str = "HEAD", base: str | None = None
) -> list[tuple[str, str, list[str], list[str]]]:
    """(sha, subject, Hotfix values, Task values) for commits on ``tip`` since ``base``."""
    spec = tip
    if base and ok("merge-base", "--is-ancestor", base, tip, cwd=repo.root):
        spec = f"{base}..{tip}"
    out = repo.git(
        "log", "-z", f"--max-count={LOG_LIMIT}", f"--format={_FORMAT}", spec, check=False
    )
    records = []
    for record in out.split("\0"):
        fields = record.strip("\n").split("\x1f")
        if len(fields) != 4:
            continue
        sha, subject, hotfixes, tasks = fields
        records.append(
            (
                sha,
                subject,
                [v.strip() for v in hotfixes.split(",") if v.strip()],
                [v.strip() for v in tasks.split(",") if v.strip()],
            )
        )
    return records


def tasks_with_commits(
    repo: Repo,
    number: str,
    tasks: list[tuple[str, str]],
    tip: str = "HEAD",
    base: str | None = None,
) -> list[TaskCommits]:
    return task_index(hotfix_log(repo, tip, base), number, tasks)


class CommitMessage:
    """One commit's id, parent count and raw message (a plain class, cheap to make)."""

    __slots__ = ("message", "parents", "sha")

    def __init__(self, sha: str, parents: int, message: bytes) -> None:
        self.sha = sha
        self.parents = parents
        self.message = message


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
        ids = header.split(b" ")
        if not _SHA.fullmatch(ids[0]) or not all(_SHA.fullmatch(i) for i in ids[1:] if i):
            raise MalformedLog(header[:80].decode("utf-8", "replace"))
        parents = sum(1 for i in ids[1:] if i)
        out.append(CommitMessage(ids[0].decode("ascii"), parents, message))
    return out
