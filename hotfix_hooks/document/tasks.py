"""A hotfix's tasks (T001..T007 in tasks.md), and which commits are tied to each."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

# Scanned by hand, not with `re`: importing it costs the commit-msg hook more start-up time
# than the rest of its imports together. tests/unit/document/test_tasks.py holds the
# equivalent regex:
#   a task ID:  (?<![A-Za-z0-9_])[Tt]([0-9]{3})(?![A-Za-z0-9_])            (bytes)
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_DIGITS = "0123456789"
_SEPARATORS = ":.-–—"

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
    """(ID, title) of each task of tasks.md, in order, the first of an ID winning: every
    heading of level 2 to 6 at the top level (``### T001: Title``; never in a code block,
    an HTML block or comment, a list or a quote) whose text starts with the ID. Read by
    document/blocks, CommonMark's block structure without markdown-it (the commit-msg hook
    reads tasks); the gate reads them with the document model (``tasks_of``), the same."""
    from hotfix_hooks.document.blocks import top_level_headings

    return tasks_from_headings(
        (level, heading_text(raw)) for _, level, raw in top_level_headings(text)
    )


def heading_text(raw: str) -> str:
    """An ATX heading's text from what follows its opening #s: stripped, without its
    closing sequence (``## T001: Fix ##`` -> ``T001: Fix``), as CommonMark reads it."""
    text = raw.strip(" \t")
    body = text.rstrip("#")
    if body != text and (not body or body[-1] in " \t"):
        text = body.rstrip(" \t")
    return text


def tasks_from_headings(headings: Iterable[tuple[int, str]]) -> list[tuple[str, str]]:
    """(ID, title) of each (level, text) heading that names a task, first one wins."""
    seen: dict[str, str] = {}
    for level, text in headings:
        found = _task(text) if 2 <= level <= 6 else None
        if found is not None:
            seen.setdefault(found[0], found[1])
    return list(seen.items())


def _task(text: str) -> tuple[str, str] | None:
    if len(text) < 4 or text[0] != "T" or any(c not in _DIGITS for c in text[1:4]):
        return None
    after = text[4:]
    if after and (after[0].isalnum() or after[0] == "_"):
        return None  # the ID is a whole word
    after = after.lstrip(" \t")
    if after[:1] and after[0] in _SEPARATORS:
        after = after[1:]
    return text[:4], " ".join(after.split())


def emergency_first(tasks: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    items = list(tasks)
    return [t for t in items if t[0] in EMERGENCY] + [t for t in items if t[0] not in EMERGENCY]


def named_tasks(message: bytes) -> list[str]:
    """Task IDs a message names, upper-cased, in order of first mention."""
    found: dict[str, None] = {}
    lowered = message.lower()  # ASCII only: T and t alike
    end = len(message)
    start = lowered.find(b"t")
    while start >= 0:
        digits = message[start + 1 : start + 4]
        if (
            (start == 0 or message[start - 1] not in _WORD_BYTES)
            and len(digits) == 3
            and digits.isdigit()
            and (start + 4 == end or message[start + 4] not in _WORD_BYTES)
        ):
            found.setdefault("T" + digits.decode(), None)
        start = lowered.find(b"t", start + 1)
    return list(found)


def subject_tasks(subject: str) -> list[str]:
    """The task IDs a commit's subject names (for a commit without trailers)."""
    return named_tasks(subject.encode("utf-8", "surrogateescape"))


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
