"""What the fields of a hotfix document mean: its status, its stamps, the rollback record.

Every reading goes through :class:`~hotfix_hooks.document.model.HotfixDocument`, the
one parser of hotfix.md; this module only says what the values mean, and chains edits.
"""

from __future__ import annotations

from hotfix_hooks.core.state import HotfixState, state_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from hotfix_hooks.document.model import HotfixDocument

STATUS = "Status"
CREATED = "Created"
RESOLVED = "Resolved"
TIME_TO_RESOLUTION = "Time to Resolution"
ROLLBACK_TRIGGERED = "Rollback Triggered"
ROLLBACK_REASON = "Rollback Reason"
CANCELLED = "Cancelled"
CANCEL_REASON = "Cancel Reason"
BRANCH = "Branch"
BASE_COMMIT = "Base Commit"
POSTMORTEM_SECTION = "Post-Mortem Required"


def status(doc: HotfixDocument) -> str:
    """The Status field; ``Active`` when there is none."""
    return (doc.field(STATUS) or "").strip() or "Active"


def state(doc: HotfixDocument) -> HotfixState:
    """Where the hotfix stands, as its Status field says."""
    return state_of(doc.field(STATUS))


def rollback_triggered(doc: HotfixDocument) -> bool:
    """``**Rollback Triggered**: yes (...)``, as ``hotfix-hooks rollback`` records it."""
    return (doc.field(ROLLBACK_TRIGGERED) or "").lower().startswith("yes")


def rollback_time(doc: HotfixDocument) -> datetime | None:
    """When the rollback was recorded: ``yes (2026-11-26 03:40 +01:00)``."""
    value = doc.field(ROLLBACK_TRIGGERED) or ""
    if not value.lower().startswith("yes"):
        return None
    inner = value.partition("(")[2].partition(")")[0]
    return parse_stamp(inner)


def parse_stamp(value: str | None) -> datetime | None:
    if not value:
        return None
    from hotfix_hooks.core import clock  # datetime: not for the gate, which reads only the Branch

    try:
        return clock.parse(value)
    except clock.BadTimestampError:
        return None


def stamp(doc: HotfixDocument, label: str) -> datetime | None:
    return parse_stamp(doc.field(label))


def postmortem_checklist_done(doc: HotfixDocument) -> bool:
    """Every box under "Post-Mortem Required" ticked (and there is at least one)."""
    boxes = doc.checklist(POSTMORTEM_SECTION)
    return bool(boxes) and all(checked for checked, _ in boxes)


def with_fields(doc: HotfixDocument, changes: Sequence[tuple[str, str]]) -> bytes:
    """The document's bytes with each (label, value) set in turn; only those lines change."""
    from hotfix_hooks.document.model import HotfixDocument

    data = doc.data
    for label, value in changes:
        data = HotfixDocument.parse(data, doc.name).with_field(label, value)
    return data
