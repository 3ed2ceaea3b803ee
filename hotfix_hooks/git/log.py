"""Commits tied to a hotfix's tasks, read from their ``Hotfix:``/``Task:`` trailers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from hotfix_hooks.git.repo import Repo, ok


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
