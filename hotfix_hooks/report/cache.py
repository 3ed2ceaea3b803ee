"""What ``report`` read from each record, remembered by content: a hotfix.md (and its
events.md) that did not change since the last report is not parsed again.

Parsing hotfix.md as CommonMark is most of a report's cost (about half a millisecond a
document, and markdown-it-py's import); a finished incident's record never changes. The
entries live in one JSON file in the clone's git directory (``hotfix-hooks/records.json``):
local only, never pushed, never read by the server; keyed by a hash of the path and the
bytes read, and by the package version (a new reading rule reads everything again). A
missing, unreadable or foreign file only means parsing again.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from hotfix_hooks import __version__
from hotfix_hooks.core.errors import UsageError
from hotfix_hooks.core.safe_files import replace_file

NAME = "records.json"
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


def key(number: str, path: str, data: bytes, events: bytes | None) -> str:
    head = f"{number}\0{path}\0{len(data)}\0{-1 if events is None else len(events)}\0"
    return hashlib.sha256(
        head.encode("utf-8", "surrogateescape") + data + (events or b"")
    ).hexdigest()


class RecordCache:
    def __init__(self, git_dir: Path | None) -> None:
        self.path = None if git_dir is None else git_dir / "hotfix-hooks" / NAME
        self.entries: dict[str, dict[str, Any]] = {}
        self.used: set[str] = set()
        self.changed = False
        self._load()

    def _load(self) -> None:
        if self.path is None:
            return
        try:
            if self.path.stat().st_size > MAX_BYTES:
                return
            raw = json.loads(self.path.read_bytes())
        except (OSError, ValueError, RecursionError):
            return
        if isinstance(raw, dict) and raw.get("version") == __version__:
            entries = raw.get("records")
            if isinstance(entries, dict):
                self.entries = entries

    def get(self, entry: str) -> dict[str, Any] | None:
        """The stored fields of a record read before (dates as datetimes); None if none."""
        found = self.entries.get(entry)
        if not isinstance(found, dict) or set(found) != set(STORED):
            return None
        try:
            values = {
                name: datetime.fromisoformat(found[name])
                if found[name] and name in DATES
                else found[name]
                for name in STORED
            }
        except (TypeError, ValueError):
            return None
        self.used.add(entry)
        return values

    def put(self, entry: str, record: object) -> None:
        values = {}
        for name in STORED:
            value = getattr(record, name)
            values[name] = value.isoformat() if isinstance(value, datetime) else value
        self.entries[entry] = values
        self.used.add(entry)
        self.changed = True

    def save(self) -> None:
        """Write what this report used (entries of records gone are dropped)."""
        if self.path is None or not (self.changed or set(self.entries) - self.used):
            return
        kept = {entry: self.entries[entry] for entry in self.used if entry in self.entries}
        text = json.dumps({"version": __version__, "records": kept}, separators=(",", ":"))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(self.path, text.encode("utf-8"), durable=False)
        except (OSError, UsageError):
            pass  # a cache: parsing again next time is all it costs
