"""The checked-out hotfix's reading (``incident/working``): remembered by content, and what
is remembered is exactly what reading it again gives, in every state a record can be in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hotfix_hooks.incident.cache import STATUS
from hotfix_hooks.incident.working import read_working, remembered_working

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
DOC = (GOLDEN / "after-resolve.md").read_bytes()
ACTIVE = DOC.replace(b"**Status**: Resolved", b"**Status**: Active")
EVENTS = (GOLDEN / "events-after-rollback.md").read_bytes()
LINE = "\n- 2026-11-26 04:10:00 +01:00 · {kind} · Dana · {note}\n"

CASES = {
    "active": (ACTIVE, None),
    "resolved": (DOC, None),
    "rolled back, with who and why": (ACTIVE, EVENTS),
    "resolved and cancelled": (
        ACTIVE,
        EVENTS
        + LINE.format(kind="resolved", note="ok").encode()
        + LINE.format(kind="cancelled", note="oops").encode(),
    ),
    "placeholder plan": (ACTIVE.replace(b"`kubectl rollout undo deploy/login`", b"TBD"), None),
    "no trigger": (ACTIVE.replace(b"**Rollback Trigger**: 5xx > 2 % for 5 min", b""), None),
    "unparseable stamp": (ACTIVE.replace(b"2026-11-26 03:12 +01:00", b"yesterday"), None),
    "base commit": (ACTIVE.replace(b"**Status**", b"**Base Commit**: abc1234\n**Status**"), None),
    "naive stamp": (ACTIVE.replace(b"03:12 +01:00", b"03:12"), None),
    "empty": (b"", None),
}
PATH = ".specswarm/features/042-hotfix/hotfix.md"
EVENTS_PATH = ".specswarm/features/042-hotfix/events.md"


@pytest.mark.parametrize("required", [False, True])
@pytest.mark.parametrize("case", CASES)
def test_what_is_remembered_is_what_reading_again_gives(
    tmp_path: Path, case: str, required: bool
) -> None:
    data, events = CASES[case]
    fresh = read_working("042", PATH, data, events, EVENTS_PATH, required)
    first = remembered_working(tmp_path, "042", PATH, data, events, EVENTS_PATH, required)
    assert (tmp_path / "hotfix-hooks" / STATUS).is_file()
    again = remembered_working(tmp_path, "042", PATH, data, events, EVENTS_PATH, required)
    assert first == fresh
    assert again == fresh


def test_another_content_or_setting_is_read_again(tmp_path: Path) -> None:
    remembered_working(tmp_path, "042", PATH, ACTIVE, None, EVENTS_PATH, False)
    other = ACTIVE.replace(b"`kubectl rollout undo deploy/login`", b"TBD")
    assert not remembered_working(
        tmp_path, "042", PATH, other, None, EVENTS_PATH, False
    ).verdict.passed
    plain = ACTIVE.replace(b"**Rollback Trigger**: 5xx > 2 % for 5 min", b"")
    assert remembered_working(tmp_path, "042", PATH, plain, None, EVENTS_PATH, False).verdict.passed
    assert not remembered_working(
        tmp_path, "042", PATH, plain, None, EVENTS_PATH, True
    ).verdict.passed


def test_a_naive_stamp_is_read_again_in_another_time_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    data = ACTIVE.replace(b"03:12 +01:00", b"03:12")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        utc = remembered_working(tmp_path, "042", PATH, data, None, EVENTS_PATH, False)
        monkeypatch.setenv("TZ", "Asia/Tokyo")
        time.tzset()
        tokyo = remembered_working(tmp_path, "042", PATH, data, None, EVENTS_PATH, False)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert utc.record.created is not None and tokyo.record.created is not None
    assert utc.record.created - tokyo.record.created == __import__("datetime").timedelta(hours=9)


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"\xff\xfe",
        b"[]",
        b'{"version": 1}',
        b"[" * 100_000,
        None,  # an entry of the right key whose values are not what is written
    ],
)
def test_a_damaged_file_only_means_reading_again(tmp_path: Path, garbage: bytes | None) -> None:
    target = tmp_path / "hotfix-hooks" / STATUS
    fresh = read_working("042", PATH, ACTIVE, EVENTS, EVENTS_PATH, False)
    remembered_working(tmp_path, "042", PATH, ACTIVE, EVENTS, EVENTS_PATH, False)
    if garbage is None:
        stored = json.loads(target.read_bytes())
        for values in stored["records"].values():
            values["plan"] = ["Rollback Plan", True, True, "x", "not a line", None]
            values["rollback"] = ["not a time", "rollback", "", ""]
        target.write_text(json.dumps(stored))
    else:
        target.write_bytes(garbage)
    assert remembered_working(tmp_path, "042", PATH, ACTIVE, EVENTS, EVENTS_PATH, False) == fresh


@pytest.mark.parametrize("kind", ["fifo", "device", "symlink"])
def test_a_special_file_where_the_cache_is_only_means_reading_again(
    tmp_path: Path, kind: str
) -> None:
    """A FIFO (never opened: no stall), a link to /dev/zero (never read whole)."""
    import os

    target = tmp_path / "hotfix-hooks" / STATUS
    target.parent.mkdir()
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "device":
        target.symlink_to("/dev/zero")
    else:
        (tmp_path / "elsewhere.json").write_text("{}")
        target.symlink_to(tmp_path / "elsewhere.json")
    fresh = read_working("042", PATH, ACTIVE, EVENTS, EVENTS_PATH, False)
    assert remembered_working(tmp_path, "042", PATH, ACTIVE, EVENTS, EVENTS_PATH, False) == fresh


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", 5),
        ("title", None),
        ("created", "2026-01-01T00:00:00"),  # no offset: never written so
        ("problems", [1]),
        ("rollback", "2026-11-26T03:40:00"),
    ],
)
def test_an_entry_of_the_wrong_types_only_means_reading_again(
    tmp_path: Path, field: str, value: object
) -> None:
    target = tmp_path / "hotfix-hooks" / STATUS
    fresh = read_working("042", PATH, ACTIVE, EVENTS, EVENTS_PATH, False)
    remembered_working(tmp_path, "042", PATH, ACTIVE, EVENTS, EVENTS_PATH, False)
    stored = json.loads(target.read_bytes())
    for values in stored["records"].values():
        if field == "rollback":
            values["rollback"][0] = value
        else:
            values["record"][field] = value
    target.write_text(json.dumps(stored))
    assert remembered_working(tmp_path, "042", PATH, ACTIVE, EVENTS, EVENTS_PATH, False) == fresh


def test_an_unwritable_git_directory_costs_nothing(tmp_path: Path) -> None:
    (tmp_path / "hotfix-hooks").write_text("a file where the folder would be")
    fresh = read_working("042", PATH, ACTIVE, None, EVENTS_PATH, False)
    assert remembered_working(tmp_path, "042", PATH, ACTIVE, None, EVENTS_PATH, False) == fresh
