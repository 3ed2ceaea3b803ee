"""The checked-out hotfix's record as the working tree has it: what ``status`` shows of it
(the record, its first rollback, its Base Commit, the rollback plan's verdict), read from
hotfix.md and events.md, and remembered by their content (``incident/cache``): a ``status``
run again on an unchanged record does not parse it, nor import the Markdown parser."""

from __future__ import annotations

from typing import Any, NamedTuple

from hotfix_hooks.document import fields
from hotfix_hooks.document.events import KINDS, Event
from hotfix_hooks.incident.cache import (
    STATUS,
    ReadCache,
    key,
    record_fields,
    record_values,
    stored_moment,
)
from hotfix_hooks.incident.record import HotfixRecord
from hotfix_hooks.policy.rollback_plan import Finding, Verdict, finding_from

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

SOURCE = "working tree"


class WorkingReading(NamedTuple):
    record: HotfixRecord
    rollback: Event | None  # the first rollback (who recorded it, and why)
    base: str | None  # the Base Commit field
    verdict: Verdict  # the Rollback Plan and Trigger, judged
    has_text: bool  # hotfix.md holds anything at all


def read_working(
    number: str, path: str, data: bytes, events: bytes | None, events_path: str, required: bool
) -> WorkingReading:
    """hotfix.md (``data``) and events.md (``events``: None when there is none), read.
    UsageError when hotfix.md cannot be (not UTF-8, too large, unreadable as CommonMark)."""
    from hotfix_hooks.document import record as records
    from hotfix_hooks.document.model import HotfixDocument
    from hotfix_hooks.policy.rollback_plan import judge

    doc = HotfixDocument.parse(data, path)
    reading = records.read(doc, events, events_path)
    return WorkingReading(
        HotfixRecord.of(number, reading, SOURCE, path),
        reading.rollback,
        doc.field(fields.BASE_COMMIT),
        judge(doc, trigger_required=required),
        bool(doc.text),
    )


def remembered_working(
    git_dir: Path | str | None,
    number: str,
    path: str,
    data: bytes,
    events: bytes | None,
    events_path: str,
    required: bool,
) -> WorkingReading:
    """:func:`read_working`, answered from the last ``status``'s reading when the record's
    bytes (and the setting that judges them) are the same."""
    cache = ReadCache(git_dir, STATUS)
    entry = key("status", number, path, data, events, events_path, required)
    known = _decoded(cache.get(entry), required)
    if known is None:
        known = read_working(number, path, data, events, events_path, required)
        cache.put(entry, _encoded(known))
    cache.save()
    return known


def _encoded(reading: WorkingReading) -> dict[str, Any]:
    rollback = reading.rollback
    return {
        "record": record_values(reading.record),
        "rollback": None
        if rollback is None
        else [rollback.when.isoformat(), rollback.kind, rollback.who, rollback.note],
        "base": reading.base,
        "plan": list(reading.verdict.plan),
        "trigger": list(reading.verdict.trigger),
        "text": reading.has_text,
    }


def _decoded(values: dict[str, Any] | None, required: bool) -> WorkingReading | None:
    """:func:`_encoded` back; None unless ``values`` is exactly what it writes."""
    if values is None or set(values) != {"record", "rollback", "base", "plan", "trigger", "text"}:
        return None
    record = record_fields(values["record"])
    plan, trigger = _finding(values["plan"]), _finding(values["trigger"])
    valid, rollback = _event(values["rollback"])
    base, text = values["base"], values["text"]
    if (
        record is None
        or plan is None
        or trigger is None
        or not valid
        or not (base is None or isinstance(base, str))
        or not isinstance(text, bool)
    ):
        return None
    return WorkingReading(
        HotfixRecord(**record, source=SOURCE),
        rollback,
        base,
        Verdict(plan, trigger, required),
        text,
    )


def _finding(value: object) -> Finding | None:
    return finding_from(value) if isinstance(value, list) else None


def _event(value: object) -> tuple[bool, Event | None]:
    """(valid, the stored rollback event or None when there was none); not valid when
    ``value`` is not what :func:`_encoded` writes."""
    if value is None:
        return True, None
    if not isinstance(value, list) or len(value) != 4 or not all(isinstance(v, str) for v in value):
        return False, None
    when, kind, who, note = value
    valid, moment = stored_moment(when)
    if kind not in KINDS or not valid or moment is None:
        return False, None
    return True, Event(moment, kind, who, note)
