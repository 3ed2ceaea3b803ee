"""The report's HTML page: a dashboard in one self-contained file (no script, no network).

Every figure comes from the report's own rows and :class:`Summary` (what ``report --json``
prints); the charts' geometry from :mod:`hotfix_hooks.report.layout`; the page from the
shipped template ``dashboard.html.j2``, rendered in Jinja2's sandbox with autoescaping.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from hotfix_hooks.core import clock
from hotfix_hooks.core.state import HotfixState, state_of
from hotfix_hooks.policy.targets import within_target
from hotfix_hooks.report import layout
from hotfix_hooks.report.inventory import Summary, median_minutes
from hotfix_hooks.report.outputs import postmortem_cell, stamp, status_cell

TEMPLATE = Path(__file__).resolve().with_name("dashboard.html.j2")
LIST_LIMIT = 8  # numbers named in a summary line before "and N more"
ACTIVE_LIMIT = 20  # active hotfixes listed before "and N more"
MONTHS_IN_TABLE = 12
TREND_MONTHS = 36  # months in the trend charts, the latest


@dataclass(frozen=True)
class Figure:
    """A headline figure: ``key`` is its name in ``report --json``'s summary."""

    key: str
    label: str
    value: str
    target: str
    off: bool
    raw: str  # the JSON value, for checking the page against ``report --json``
    note: str = ""
    warn: bool = False


@dataclass(frozen=True)
class Listing:
    """A list of hotfix numbers, named up to a limit and counted beyond it."""

    total: int
    shown: list[str]
    more: int


def listing(items: list[str], limit: int = LIST_LIMIT) -> Listing:
    shown = items[:limit] if len(items) > limit + 1 else items
    return Listing(len(items), shown, len(items) - len(shown))


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


def figures(summary: Summary) -> list[Figure]:
    off = set(summary.off_target)
    target = clock.human(timedelta(minutes=summary.target_minutes))
    data = summary.as_json()

    def raw(key: str) -> str:
        return json.dumps(data[key])

    cancelled = f"; {summary.cancelled} cancelled, in no figure" if summary.cancelled else ""
    return [
        Figure(
            "count",
            "Hotfixes",
            str(summary.count),
            "",
            False,
            raw("count"),
            f"{summary.resolved} resolved{cancelled}",
        ),
        Figure(
            "median_minutes",
            "Median time to resolve",
            clock.human_minutes(summary.median_minutes),
            f"target < {target}",
            "median_minutes" in off,
            raw("median_minutes"),
        ),
        Figure(
            "mean_minutes",
            "Mean time to resolve",
            clock.human_minutes(summary.mean_minutes),
            f"target < {target}",
            "mean_minutes" in off,
            raw("mean_minutes"),
        ),
        Figure(
            "within_target",
            "Resolved within target",
            _share(summary.within_target),
            f"share resolved in < {target}",
            False,
            raw("within_target"),
        ),
        Figure(
            "rollback_rate",
            "Rollback rate",
            _share(summary.rollback_rate),
            "target < 10 %",
            "rollback_rate" in off,
            raw("rollback_rate"),
        ),
        Figure(
            "postmortems_done",
            "Post-mortems done",
            _share(summary.postmortems_done),
            f"of the {summary.postmortems_due} due; target 100 %"
            if summary.postmortems_due
            else "none due yet (a week after resolution)",
            "postmortems_done" in off,
            raw("postmortems_done"),
        ),
        Figure(
            "overdue_postmortems",
            "Post-mortems overdue",
            str(len(summary.overdue)),
            "due 7 days after resolution",
            False,
            str(len(summary.overdue)),
            warn=bool(summary.overdue),
        ),
        Figure(
            "active_over_target",
            "Open past target",
            str(len(summary.over_target)),
            f"open longer than {target}",
            False,
            str(len(summary.over_target)),
            warn=bool(summary.over_target),
        ),
    ]


def _counted(r: dict[str, Any]) -> bool:
    """In the figures: everything but a cancelled hotfix (as :func:`summarize`)."""
    return state_of(str(r["status"])) is not HotfixState.CANCELLED


def _active(r: dict[str, Any]) -> bool:
    status = str(r["status"])
    return state_of(status).open


def _created(r: dict[str, Any], tz: tzinfo | None) -> datetime | None:
    return clock.parse(r["created"]).astimezone(tz) if r["created"] else None


def points(
    rows: list[dict[str, Any]], target_minutes: int, tz: tzinfo | None
) -> list[layout.Point]:
    """Resolved hotfixes at their time to resolution, open ones at their age so far."""
    out = []
    for r in rows:
        when = _created(r, tz)
        if when is None or not _counted(r):
            continue
        seconds = r["time_to_resolution_seconds"]
        name = f"{r['hotfix']} {r['title']}".strip()
        if r.get("repository"):
            name = f"{r['repository']}: {name}"
        opened = clock.format_stamp(when)
        if seconds is not None:
            ok = within_target(timedelta(seconds=seconds), target_minutes)
            kind = "within" if ok else "over"
            title = f"{name}: resolved in {r['time_to_resolution']} (opened {opened})"
        elif _active(r) and r["age_seconds"] is not None:
            seconds = r["age_seconds"]
            kind = "active-over" if r["over_target"] else "active"
            title = f"{name}: open for {r['age']} (opened {opened})"
        else:
            continue
        out.append(layout.Point(when, seconds / 3600, kind, title))
    return out


def months(rows: list[dict[str, Any]], tz: tzinfo | None) -> list[layout.Month]:
    """Every month from the first hotfix opened to the last, at most the last
    ``TREND_MONTHS`` of them: how many were opened, and the median time to resolve of those
    resolved (:func:`median_minutes`, as the summary takes it). The cap keeps the page's size
    following the number of hotfixes, not the span of their dates."""
    opened: dict[date, list[dict[str, Any]]] = {}
    for r in rows:
        when = _created(r, tz)
        if when is not None and _counted(r):
            opened.setdefault(date(when.year, when.month, 1), []).append(r)
    if not opened:
        return []
    out = []
    day, last = min(opened), max(opened)
    back = last.year * 12 + last.month - TREND_MONTHS  # months since year 0, less the cap
    day = max(day, date(back // 12, back % 12 + 1, 1))
    while day <= last:
        group = opened.get(day, [])
        minutes = [
            r["time_to_resolution_seconds"] / 60
            for r in group
            if r["time_to_resolution_seconds"] is not None
        ]
        out.append(layout.Month(day, len(group), median_minutes(minutes)))
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


@dataclass(frozen=True)
class Active:
    hotfix: str
    title: str
    branch: str
    status: str
    opened: str
    age: str
    over_target: bool
    past_target: str
    repository: str


def active(rows: list[dict[str, Any]], target_minutes: int) -> list[Active]:
    """Open hotfixes, past-target first, the oldest first within each group."""
    found = [r for r in rows if _active(r)]
    found.sort(key=lambda r: (not r["over_target"], -(r["age_seconds"] or -1)))
    out = []
    for r in found:
        past = ""
        if r["over_target"] and r["age_seconds"] is not None:
            past = clock.human(timedelta(seconds=r["age_seconds"] - target_minutes * 60))
        out.append(
            Active(
                r["hotfix"],
                r["title"],
                r["branch"],
                str(r["status"]),
                stamp(r["created"]),
                r["age"] or "—",
                bool(r["over_target"]),
                past,
                str(r.get("repository") or ""),
            )
        )
    return out


def newest_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The table's order: newest Created first; rows without a stamp last, by number."""
    dated = [r for r in rows if r["created"]]
    undated = [r for r in rows if not r["created"]]
    dated.sort(key=lambda r: clock.parse(r["created"]), reverse=True)
    return dated + sorted(undated, key=lambda r: str(r["hotfix"]))


def _charts(
    found: list[layout.Point],
    trend: list[layout.Month],
    target_minutes: int,
    generated: datetime,
    width: float = layout.WIDTH,
) -> dict[str, layout.Chart | None]:
    tz = generated.tzinfo
    return {
        "resolution": layout.resolution_chart(found, target_minutes, tz, generated, width),
        "count": layout.monthly_count_chart(trend, width) if trend else None,
        "median": layout.monthly_median_chart(trend, target_minutes, width) if trend else None,
    }


def _month_span(rows: list[dict[str, Any]], tz: tzinfo | None) -> int:
    """Months from the first hotfix opened to the last, both counted (the trend charts
    show at most the last ``TREND_MONTHS``)."""
    days = [when for r in rows if _counted(r) and (when := _created(r, tz)) is not None]
    if not days:
        return 0
    first, last = min(days), max(days)
    return (last.year - first.year) * 12 + last.month - first.month + 1


def context(rows: list[dict[str, Any]], summary: Summary, generated: datetime) -> dict[str, Any]:
    tz = generated.tzinfo
    found = points(rows, summary.target_minutes, tz)
    trend = months(rows, tz)
    undated = sum(1 for r in rows if _counted(r) and not r["created"])
    table = [
        {
            "hotfix": r["hotfix"],
            "repository": str(r.get("repository") or ""),
            "branch": r["branch"],
            "title": r["title"],
            "status": status_cell(r),
            "flagged": bool(r["over_target"] or r["conflict"]),
            "created": stamp(r["created"]),
            "resolved": stamp(r["resolved"]),
            "ttr": r["time_to_resolution"] or "—",
            "ttr_seconds": r["time_to_resolution_seconds"],
            "rollback": "yes" if r["rollback_triggered"] else "no",
            "postmortem": postmortem_cell(r),
        }
        for r in newest_first(rows)
    ]
    opened = active(rows, summary.target_minutes)
    return {
        "generated": clock.format_stamp(generated),
        "figures": figures(summary),
        "summary": summary,
        "overdue": listing(summary.overdue),
        "over_target": listing(summary.over_target),
        "conflicts": listing(summary.conflicts),
        "active": opened[:ACTIVE_LIMIT],
        "active_more": max(len(opened) - ACTIVE_LIMIT, 0),
        "active_total": len(opened),
        "charts": _charts(found, trend, summary.target_minutes, generated),
        "narrow": _charts(found, trend, summary.target_minutes, generated, layout.NARROW_WIDTH),
        "plotted": len(found),
        "undated": undated,
        "months": [
            {
                "month": layout.month_label(m.first_day),
                "count": m.count,
                "median": clock.human_minutes(m.median_minutes),
            }
            for m in trend[-MONTHS_IN_TABLE:]
        ][::-1],
        "months_total": _month_span(rows, tz),
        "months_charted": len(trend),
        "rows": table,
        "repositories": any(r.get("repository") for r in rows),
    }


def _environment() -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        autoescape=True,
        undefined=StrictUndefined,
        loader=None,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["n"] = lambda value: f"{float(value):.1f}"
    return env


def html_page(rows: list[dict[str, Any]], summary: Summary, generated: datetime) -> str:
    template = _environment().from_string(TEMPLATE.read_text(encoding="utf-8"))
    return str(template.render(**context(rows, summary, generated)))
