"""What was read from hotfix records, remembered by content: a hotfix.md (and its events.md)
that did not change since the last ``report`` or ``status`` is not parsed again.

Parsing hotfix.md as CommonMark is most of what those commands cost (markdown-it-py's import,
then about half a millisecond a document); a finished incident's record never changes, and
the checked-out one changes a few times an hour. The entries live in JSON files in the
clone's git directory (``hotfix-hooks/records.json`` for ``report``, ``status.json`` for
``status``): local only, never pushed, never read by the server. An entry is keyed by a hash
of everything its reading depends on (the path, the bytes, the setting that judges them);
a file is valid for one package version (a new reading rule reads everything again) and
one local time zone (a stamp written without an offset is read as local time). A missing,
unreadable or foreign file only means parsing again.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from hotfix_hooks import __version__
from hotfix_hooks.core.errors import UsageError
from hotfix_hooks.core.safe_files import UnreadableFile, read_regular, replace_file

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hotfix_hooks.incident.record import HotfixRecord

RECORDS = "records.json"
STATUS = "status.json"
MAX_BYTES = 64 << 20  # far above any real repository's; a larger file is not read
# what a record's content decides (the rest says where it was read, or is added later)
STORED = (
    "number",
    "title",
    "status",
    "created",
    "resolved",
    "rollback_triggered",
    "checklist_done",
    "path",
    "branch",
    "problems",
    "rollback_at",
    "cancelled_at",
)
DATES = ("created", "resolved", "rollback_at", "cancelled_at")


def key(*parts: str | bytes | bool | None) -> str:
    """The entry of a reading that depends on exactly ``parts`` (each length-prefixed, so
    no two different lists of parts give one key)."""
    digest = hashlib.sha256()
    for part in parts:
        if part is None:
            digest.update(b"-\0")
            continue
        data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogateescape")
        digest.update(f"{len(data)}\0".encode("ascii") + data)
    return digest.hexdigest()


def _validity() -> str:
    """The package version and the local time zone the entries were read under."""
    zone = f"{os.environ.get('TZ', '')}|{time.tzname}|{time.timezone}|{time.altzone}"
    return f"{__version__}|{zone}"


class ReadCache:
    """One JSON file of entries (a dict of JSON values each), by :func:`key`."""

    def __init__(self, git_dir: Path | str | None, name: str = RECORDS) -> None:
        self.path = None if git_dir is None else Path(git_dir) / "hotfix-hooks" / name
        self.validity = _validity()
        self.entries: dict[str, dict[str, Any]] = {}
        self.used: set[str] = set()
        self.changed = False
        self._load()

    def _load(self) -> None:
        if self.path is None:
            return
        try:  # never through a symlink, never a FIFO or device: a cache, not a stall
            data = read_regular(self.path, MAX_BYTES)
            raw = json.loads(data) if data is not None else None
        except (UnreadableFile, OSError, ValueError, RecursionError):
            return
        if isinstance(raw, dict) and raw.get("version") == self.validity:
            entries = raw.get("records")
            if isinstance(entries, dict):
                self.entries = entries

    def get(self, entry: str) -> dict[str, Any] | None:
        """The values stored for ``entry``; None if none."""
        found = self.entries.get(entry)
        if not isinstance(found, dict):
            return None
        self.used.add(entry)
        return found

    def put(self, entry: str, values: dict[str, Any]) -> None:
        self.entries[entry] = values
        self.used.add(entry)
        self.changed = True

    def get_record(self, entry: str) -> dict[str, Any] | None:
        """The stored fields of a record read before (see :func:`record_fields`)."""
        return record_fields(self.get(entry))

    def put_record(self, entry: str, record: HotfixRecord) -> None:
        self.put(entry, record_values(record))

    def save(self) -> None:
        """Write what this command used (entries of records gone are dropped)."""
        if self.path is None or not (self.changed or set(self.entries) - self.used):
            return
        kept = {entry: self.entries[entry] for entry in self.used if entry in self.entries}
        text = json.dumps({"version": self.validity, "records": kept}, separators=(",", ":"))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(self.path, text.encode("utf-8"), durable=False)
        except (OSError, UsageError):
            pass  # a cache: parsing again next time is all it costs


def record_values(record: HotfixRecord) -> dict[str, Any]:
    """What a record's content decides, as JSON values."""
    values = {}
    for name in STORED:
        value = getattr(record, name)
        values[name] = value.isoformat() if isinstance(value, datetime) else value
    return values


def record_fields(values: object) -> dict[str, Any] | None:
    """:func:`record_values` back (dates as datetimes), for ``HotfixRecord(**fields)``;
    None unless ``values`` is exactly such a dict."""
    if not isinstance(values, dict) or set(values) != set(STORED):
        return None
    fields: dict[str, Any] = {}
    for name in STORED:
        value = values[name]
        if name in DATES:
            valid, value = stored_moment(value)
            if not valid:
                return None
        elif not isinstance(value, FIELD_TYPES[name]):
            return None
        fields[name] = value
    if not all(isinstance(p, str) for p in fields["problems"]):
        return None
    return fields


FIELD_TYPES: dict[str, type] = {"rollback_triggered": bool, "checklist_done": bool}
FIELD_TYPES["problems"] = list
FIELD_TYPES.update((name, str) for name in STORED if name not in DATES and name not in FIELD_TYPES)


def stored_moment(value: object) -> tuple[bool, datetime | None]:
    """(valid, the stamp) of a stored ISO 8601 stamp: a datetime with its UTC offset, or
    None for none; not valid for anything else (what is written is always one of those)."""
    if value is None:
        return True, None
    if not isinstance(value, str):
        return False, None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return False, None
    return (True, moment) if moment.utcoffset() is not None else (False, None)
