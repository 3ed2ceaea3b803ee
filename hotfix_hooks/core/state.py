"""Where a hotfix stands, as its record says: one set of states, one reading of the text.

The record's ``**Status**:`` field is written by the commands (``Active``, ``Resolved``,
``Cancelled``) and may be typed by hand (``resolved``, ``Canceled``); anything else reads
as active. ``FINISHED`` is a resolved hotfix that ``finish`` landed (its tag exists): the
readers derive it, the record keeps saying Resolved. ``UNREADABLE`` is a record that could
not be read at all.
"""

from __future__ import annotations

from enum import Enum


class HotfixState(Enum):
    ACTIVE = "Active"
    RESOLVED = "Resolved"
    FINISHED = "Finished"
    CANCELLED = "Cancelled"
    UNREADABLE = "unreadable"

    @property
    def closed(self) -> bool:
        """Resolved, finished or cancelled: nothing more happens to it during the incident."""
        return self in (HotfixState.RESOLVED, HotfixState.FINISHED, HotfixState.CANCELLED)

    @property
    def open(self) -> bool:
        """Still being worked on: neither closed nor unreadable."""
        return self is HotfixState.ACTIVE

    def __str__(self) -> str:
        return self.value


_SPELLINGS = {
    "resolved": HotfixState.RESOLVED,
    "finished": HotfixState.FINISHED,
    "cancelled": HotfixState.CANCELLED,
    "canceled": HotfixState.CANCELLED,
    "unreadable": HotfixState.UNREADABLE,
}


def state_of(status: str | None) -> HotfixState:
    """The state a Status text says (case and spacing aside); ACTIVE for anything else."""
    return _SPELLINGS.get((status or "").strip().lower(), HotfixState.ACTIVE)
