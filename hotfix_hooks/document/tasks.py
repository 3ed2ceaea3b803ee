"""A hotfix's tasks (T001..T007 in tasks.md), and which commits are tied to each."""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

TASK_ID = re.compile(rb"(?<![A-Za-z0-9_])[Tt]([0-9]{3})(?![A-Za-z0-9_])")
_HEADING = re.compile(r"^#{2,6}[ \t]*(T[0-9]{3})\b[ \t]*[:.\-–—]?[ \t]*(.*?)[ \t#]*$", re.M)

SEED_TASKS: tuple[tuple[str, str], ...] = (
    ("T001", "Implement Hotfix"),
    ("T002", "Essential Testing"),
    ("T003", "Deploy to Production"),
    ("T004", "Monitor Post-Deployment"),
    ("T005", "Root Cause Analysis"),
    ("T006", "Permanent Fix (if hotfix is temporary)"),
    ("T007", "Post-Mortem"),
)
EMERGENCY = frozenset({"T001", "T002", "T003", "T004"})


def parse_tasks(text: str) -> list[tuple[str, str]]:
    """(ID, title) of each ``### T001: Title`` heading, in order, first one wins."""
    seen: dict[str, str] = {}
    for match in _HEADING.finditer(text):
        seen.setdefault(match.group(1).upper(), match.group(2).strip())
    return list(seen.items())


def emergency_first(tasks: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    items = list(tasks)
    return [t for t in items if t[0] in EMERGENCY] + [t for t in items if t[0] not in EMERGENCY]


def named_tasks(message: bytes) -> list[str]:
    """Task IDs a message names, upper-cased, in order of first mention."""
    found: dict[str, None] = {}
    for match in TASK_ID.finditer(message):
        found.setdefault("T" + match.group(1).decode(), None)
    return list(found)


def plan_task(tasks: Iterable[tuple[str, str]]) -> str:
    """The task a commit of the rollback plan names: one about rolling back or deploying
    (the seed's T003, Deploy to Production, carries the plan), else T003 if the hotfix
    has it, else its first task: a suggestion the commit-msg hook accepts."""
    items = list(tasks)
    for word in ("rollback", "roll back", "deploy"):
        for task, title in items:
            if word in title.lower():
                return task
    ids = [task for task, _ in items]
    if "T003" in ids:
        return "T003"
    return ids[0] if ids else "T003"
