"""The report's outputs: JSON rows, the metrics file, the text summary (the HTML page is
:mod:`hotfix_hooks.report.dashboard`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from hotfix_hooks.core import clock
from hotfix_hooks.core.errors import UsageError
from hotfix_hooks.core.safe_files import (
    UnreadableFile,
    describe_os_error,
    locked,
    make_dirs,
    read_regular,
    replace_file,
)
from hotfix_hooks.incident.record import HotfixRecord
from hotfix_hooks.report import metrics_json
from hotfix_hooks.report.inventory import Summary
from hotfix_hooks.report.metrics_json import JsonObject

METRICS_FILE = ".specswarm/workflow-metrics.json"


def row(record: HotfixRecord, now: datetime, target_minutes: int = 120) -> dict[str, Any]:
    """One hotfix as JSON; ``repository`` (first) only in a report over several."""
    duration = record.duration
    age = record.age(now)
    named: dict[str, Any] = {"repository": record.repository} if record.repository else {}
    return named | {
        "hotfix": record.number,
        "title": record.title,
        "branch": record.branch,
        "status": str(record.state) if record.finished else record.status,
        "created": record.created.isoformat() if record.created else None,
        "resolved": record.resolved.isoformat() if record.resolved else None,
        "time_to_resolution_seconds": clock.seconds(duration),
        "time_to_resolution": clock.human_or_none(duration),
        "rollback_triggered": record.rollback_triggered,
        "postmortem_done": record.postmortem_done,
        "postmortem_overdue": record.overdue(now),
        "source": record.source,
        "age_seconds": clock.seconds(age),
        "age": clock.human_or_none(age),
        "over_target": record.over_target(now, target_minutes),
        "conflict": record.conflict,
    }


def status_cell(r: dict[str, Any]) -> str:
    """The Status column: the document's status, flagged when off target or shared."""
    text = str(r["status"])
    if r.get("over_target"):
        text += f" OVERDUE ({r['age']})"
    if r.get("conflict"):
        text += " CONFLICT"
    return text


def postmortem_cell(r: dict[str, Any]) -> str:
    if r["postmortem_done"]:
        return "done"
    return "OVERDUE" if r["postmortem_overdue"] else "open"


def update_metrics(
    root: Path, records: list[HotfixRecord], now: datetime, git_dir: Path | None = None
) -> Path:
    """Merge our keys into workflow-metrics.json, keeping every key we do not own;
    under the file's lock, written atomically."""
    path = root / METRICS_FILE
    try:
        if path.is_symlink():
            raise UsageError(f"{METRICS_FILE} is a symlink: refusing to write through it")
        make_dirs(root, PurePosixPath(METRICS_FILE).parent)
        with locked(path, git_dir or root / ".git", shown=METRICS_FILE):
            replace_file(path, _metrics_payload(_read_metrics(path), records, now))
    except OSError as exc:
        problem = describe_os_error(exc, METRICS_FILE)
        raise UsageError(f"{problem}; it was not changed") from None
    return path


METRICS_LIMIT = 64 << 20  # a metrics file of 100,000 hotfixes is some 50 MiB


def _read_metrics(path: Path) -> JsonObject:
    try:
        raw = read_regular(path, METRICS_LIMIT, shown=METRICS_FILE)
    except UnreadableFile as exc:
        raise UsageError(f"{exc}: fix or move it; it was not changed") from None
    if raw is None:
        return JsonObject()
    try:
        loaded = metrics_json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise UsageError(
            f"{METRICS_FILE} is not valid JSON ({exc}): fix or move it; it was not changed"
        ) from None
    if not isinstance(loaded, JsonObject):
        raise UsageError(f"{METRICS_FILE} must hold a JSON object; it was not changed")
    return loaded


def _metrics_payload(data: JsonObject, records: list[HotfixRecord], now: datetime) -> bytes:
    """Our keys set in the file's JSON; every other value keeps its text."""
    features = data.setdefault("features", JsonObject())
    if not isinstance(features, JsonObject):
        raise UsageError(f"{METRICS_FILE}: 'features' must be an object; it was not changed")
    claimed: set[str] = set()
    for record in records:
        key = f"{record.number}-hotfix"
        if key in claimed:  # a second incident with this number: never merged into one
            key = f"{record.number}-hotfix ({record.branch})"
        claimed.add(key)
        entry = features.setdefault(key, JsonObject())
        if not isinstance(entry, JsonObject):
            raise UsageError(f"{METRICS_FILE}: features.{key} must be an object")
        if record.conflict:
            entry.set("conflict", record.conflict)
        duration = record.duration
        stamp = record.resolved or record.created
        entry.set("workflow", "hotfix")
        entry.set("status", record.status.lower())
        entry.set("total_duration_seconds", clock.seconds(duration))
        entry.set("timestamp", stamp.isoformat() if stamp else None)
    recent = [
        r.duration.total_seconds()
        for r in records
        if r.duration is not None and r.resolved and r.resolved >= now - timedelta(days=30)
    ]
    summary = data.setdefault("summary", JsonObject())
    window = (
        summary.setdefault("last_30_days", JsonObject())
        if isinstance(summary, JsonObject)
        else None
    )
    if not isinstance(window, JsonObject):
        raise UsageError(f"{METRICS_FILE}: summary.last_30_days must be an object")
    hotfix = window.setdefault("hotfix", JsonObject())
    if not isinstance(hotfix, JsonObject):
        raise UsageError(f"{METRICS_FILE}: summary.last_30_days.hotfix must be an object")
    hotfix.set("count", len(recent))
    hotfix.set("avg_duration_hours", round(sum(recent) / len(recent) / 3600, 2) if recent else 0)
    return (metrics_json.dumps(data) + "\n").encode("utf-8")


def stamp(iso: str | None) -> str:
    return clock.format_stamp(clock.parse(iso)) if iso else "—"


def _fmt_share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


OFF = "  ✗ OFF TARGET"


def summary_lines(summary: Summary) -> list[str]:
    target = clock.human(timedelta(minutes=summary.target_minutes))
    off = set(summary.off_target)
    time_off = OFF if off & {"median_minutes", "mean_minutes"} else ""
    lines = [
        (f"Repositories: {summary.repositories}; " if summary.repositories is not None else "")
        + f"Hotfixes: {summary.count} ({summary.resolved} resolved)"
        + (f"; {summary.cancelled} cancelled, in no figure" if summary.cancelled else ""),
        f"Time to resolve: median {clock.human_minutes(summary.median_minutes)}, "
        f"mean {clock.human_minutes(summary.mean_minutes)} (target < {target}); "
        f"within target: {_fmt_share(summary.within_target)}{time_off}",
        f"Rollback rate: {_fmt_share(summary.rollback_rate)} (target < 10 %)"
        + (OFF if "rollback_rate" in off else ""),
        (
            f"Post-mortems done: {_fmt_share(summary.postmortems_done)} of the "
            f"{summary.postmortems_due} due (target 100 %)"
            if summary.postmortems_due
            else "Post-mortems done: — (none due yet: each is due a week after its resolution)"
        )
        + (OFF if "postmortems_done" in off else ""),
        "Overdue post-mortems: " + (", ".join(summary.overdue) if summary.overdue else "none"),
        "Active past the target: "
        + (", ".join(summary.over_target) if summary.over_target else "none"),
    ]
    if summary.conflicts:
        lines.append(
            "NUMBER CONFLICTS: "
            + ", ".join(summary.conflicts)
            + " (each is used by more than one incident; rename all but one branch)"
        )
    return lines
