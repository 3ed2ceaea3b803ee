"""``events.md``: what happened to a hotfix, one event per line, beside its hotfix.md.

``rollback``, ``resolve`` and ``abort`` each append one line; nothing else in the file ever
changes. Two clones that record events independently therefore merge without a conflict:
the line-based ``union`` merge (``merge=union`` in the hotfix folder's ``.gitattributes``,
git's own driver) keeps every clone's lines, and so does a plain merge whenever the lines
were added at different places. Readers take the earliest rollback and one resolution, and
report a contradiction (resolved and cancelled) instead of reading it one way.

A line::

    - 2026-11-26 03:40:05 +01:00 · rollback · Dana On-Call · error rate doubled

(time to the second with its offset · what · who recorded it · a note). Anything else in
the file (the heading, the note that explains it, a line typed by hand) is left alone and
read as nothing; a line that starts like an event but does not parse is reported.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from hotfix_hooks.core import clock

EVENTS_DOC = "events.md"
ATTRIBUTES = ".gitattributes"
ATTRIBUTE_LINE = f"{EVENTS_DOC} merge=union"

ROLLBACK = "rollback"
RESOLVED = "resolved"
CANCELLED = "cancelled"
KINDS = (ROLLBACK, RESOLVED, CANCELLED)

SEPARATOR = " · "
MAX_BYTES = 1 << 20  # a hotfix has a handful of events: a megabyte is a hostile file
MAX_EVENTS = 10_000


class Event(NamedTuple):
    when: datetime
    kind: str  # one of KINDS
    who: str = ""
    note: str = ""

    def line(self) -> str:
        parts = [clock.format_stamp(self.when), self.kind, _one_line(self.who)]
        if self.note:
            parts.append(_one_line(self.note))
        return "- " + SEPARATOR.join(parts)


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace(SEPARATOR.strip(), "-")


def header(number: str) -> str:
    return (
        f"# Events of hotfix {number}\n\n"
        "One line per event, appended by hotfix-hooks (rollback, resolve, abort): the time,\n"
        "what happened, who recorded it. Every clone's lines are kept when branches merge\n"
        f"({ATTRIBUTES}: {ATTRIBUTE_LINE}); the earliest rollback counts.\n\n"
    )


def parse(data: bytes, name: str = EVENTS_DOC) -> tuple[list[Event], list[str]]:
    """(events in file order, problems): a line that looks like an event and does not
    parse, or a file too large to be a record, is a problem, never a guess."""
    if len(data) > MAX_BYTES:
        return [], [f"{name} is larger than {MAX_BYTES // 1024} KiB: not read as a record"]
    text = data.decode("utf-8", "replace")
    events: list[Event] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line.startswith("- ") or not line[2:3].isdigit():
            continue
        if len(events) >= MAX_EVENTS:
            problems.append(f"{name}: more than {MAX_EVENTS} events: the rest is not read")
            break
        parts = [p.strip() for p in line[2:].split(SEPARATOR.strip(), 3)]
        try:
            when = clock.parse(parts[0], assume_local=False)
        except clock.BadTimestampError as exc:
            problems.append(f"{name}, line {number}: {exc}")
            continue
        kind = parts[1].lower() if len(parts) > 1 else ""
        if kind not in KINDS:
            problems.append(
                f"{name}, line {number}: {kind or 'nothing'!r} is not an event ({', '.join(KINDS)})"
            )
            continue
        who = parts[2] if len(parts) > 2 else ""
        note = parts[3] if len(parts) > 3 else ""
        events.append(Event(when, kind, who, note))
    return events, problems


def appended(data: bytes | None, number: str, event: Event) -> bytes:
    """The file's bytes with ``event`` added as its last line (the file made when missing)."""
    text = header(number) if data is None else data.decode("utf-8", "surrogateescape")
    if text and not text.endswith("\n"):
        text += "\n"
    return (text + event.line() + "\n").encode("utf-8", "surrogateescape")
