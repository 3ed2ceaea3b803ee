"""A hotfix's record, read whole: hotfix.md (its Status, its Created stamp, and the fields
older versions wrote into it) and events.md (one event per line), merged into one answer.

The one reading every command and report shares: the earliest rollback counts (time to
rollback is measured from it), one resolution (the earliest, if two clones each recorded
one), and a record that says two things at once (resolved *and* cancelled, a Status that
the events contradict) is reported as a problem, never silently read one way.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from hotfix_hooks.core import clock
from hotfix_hooks.core.state import HotfixState, state_of
from hotfix_hooks.document import events as ev
from hotfix_hooks.document import fields
from hotfix_hooks.document.events import Event

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hotfix_hooks.document.model import HotfixDocument


class Record(NamedTuple):
    """What a hotfix's record says."""

    doc: HotfixDocument
    events: list[Event]  # events.md's and the older fields', in time order
    declared: str  # the Status field as written ("Active" when there is none)
    state: HotfixState
    created: datetime | None
    problems: list[str]

    def first(self, kind: str) -> Event | None:
        return next((e for e in self.events if e.kind == kind), None)

    @property
    def rollback(self) -> Event | None:
        """The first rollback (time to rollback counts from it)."""
        return self.first(ev.ROLLBACK)

    @property
    def resolution(self) -> Event | None:
        """The resolution (the first, if two clones each recorded one), while the record
        says resolved."""
        resolved = self.state in (HotfixState.RESOLVED, HotfixState.FINISHED)
        return self.first(ev.RESOLVED) if resolved else None

    @property
    def cancellation(self) -> Event | None:
        return self.first(ev.CANCELLED)

    @property
    def resolved(self) -> datetime | None:
        found = self.resolution
        return found.when if found else None

    @property
    def time_to_resolution(self) -> timedelta | None:
        resolved = self.resolved
        return resolved - self.created if resolved and self.created else None


def _legacy(doc: HotfixDocument) -> list[Event]:
    """The events older versions wrote as hotfix.md fields."""
    out = []
    rolled = fields.rollback_time(doc)
    if rolled is not None:
        out.append(Event(rolled, ev.ROLLBACK, "", doc.field(fields.ROLLBACK_REASON) or ""))
    resolved = fields.stamp(doc, fields.RESOLVED)
    if resolved is not None and fields.state(doc) is HotfixState.RESOLVED:
        out.append(Event(resolved, ev.RESOLVED))
    cancelled = fields.stamp(doc, fields.CANCELLED)
    if cancelled is not None and fields.state(doc) is HotfixState.CANCELLED:
        out.append(Event(cancelled, ev.CANCELLED, "", doc.field(fields.CANCEL_REASON) or ""))
    return out


def read(doc: HotfixDocument, events_data: bytes | None, events_name: str = "") -> Record:
    """The record of one hotfix: its hotfix.md and its events.md (None: there is none)."""
    name = events_name or ev.EVENTS_DOC
    logged, problems = ev.parse(events_data, name) if events_data is not None else ([], [])
    found = sorted([*_legacy(doc), *logged], key=lambda e: (e.when, ev.KINDS.index(e.kind)))
    declared = fields.status(doc)
    state = _state(declared, found, problems, doc.name, name)
    return Record(doc, found, declared, state, fields.stamp(doc, fields.CREATED), problems)


def _state(
    declared: str, found: list[Event], problems: list[str], doc_name: str, events_name: str
) -> HotfixState:
    """Where the hotfix stands: what the events say, the Status field when they say
    nothing; a contradiction is a problem, and the Status field decides it."""
    said = state_of(declared)
    kinds = {e.kind for e in found}
    if ev.RESOLVED in kinds and ev.CANCELLED in kinds:
        resolved = next(e for e in found if e.kind == ev.RESOLVED)
        cancelled = next(e for e in found if e.kind == ev.CANCELLED)
        problems.append(
            f"{events_name}: the record says both resolved ({_who(resolved)}) and cancelled "
            f"({_who(cancelled)}): keep the one that is true (remove the other line) and set "
            f"**Status** in {doc_name} to match; read as {said.value} (its Status) meanwhile"
        )
        return said
    kind = next((k for k in (ev.RESOLVED, ev.CANCELLED) if k in kinds), None)
    if kind is None:
        return said
    logged = _STATES[kind]
    if said is not logged and said is not HotfixState.FINISHED:
        event = next(e for e in found if e.kind == kind)
        problems.append(
            f"{doc_name} says Status {declared!r}, but {events_name} records it {kind} "
            f"({_who(event)}): read as {logged.value}; set **Status** to match"
        )
    return logged


_STATES = {ev.RESOLVED: HotfixState.RESOLVED, ev.CANCELLED: HotfixState.CANCELLED}


def _who(event: Event) -> str:
    by = f" by {event.who}" if event.who else ""
    return f"{clock.format_stamp(event.when)}{by}"
