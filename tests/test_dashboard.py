"""The report's dashboard page, checked as people look at it: at 1, 6, 80 and 500 hotfixes
no two labels overlap and every mark lies inside its plot area, both in the computed
layout and in the SVG the page carries; the figures on the page are ``report --json``'s.

The 80 and 500 hotfix records are built in-process (benchmarks/dashboard_screenshots.py);
one small real repository checks the page against ``report --json`` end to end.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks import dashboard_screenshots as shots
from hotfix_hooks.report import dashboard, layout
from hotfix_hooks.report.inventory import Summary, summarize
from hotfix_hooks.report.outputs import row
from tests.conftest import PROJECT

SIZES = (1, 6, 80, 500)
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def scenarios() -> dict[int, tuple[list[dict[str, Any]], Summary, str]]:
    out = {}
    for n in SIZES:
        rows, summary = shots.data(n)
        out[n] = (rows, summary, dashboard.html_page(rows, summary, shots.NOW))
    return out


def charts_of(
    rows: list[dict[str, Any]], summary: Summary, size: str = "charts"
) -> dict[str, layout.Chart]:
    """The page's charts: ``charts`` (760 wide), or ``narrow`` (laid out for a phone)."""
    found = dashboard.context(rows, summary, shots.NOW)[size]
    return {name: chart for name, chart in found.items() if chart is not None}


def assert_readable(chart: layout.Chart) -> None:
    boxes = [label.box for label in chart.labels]
    for i, a in enumerate(boxes):
        assert a.inside(chart.bounds), (chart.title, chart.labels[i])
        for j in range(i + 1, len(boxes)):
            assert not a.overlaps(boxes[j]), (chart.title, chart.labels[i], chart.labels[j])
    for mark in chart.marks:
        area = chart.bounds if "legend" in mark.css else chart.plot
        assert mark.box.inside(area), (chart.title, mark)
        if "legend" in mark.css:
            assert not any(mark.box.overlaps(b) for b in boxes), (chart.title, mark)


# -- the computed layout ----------------------------------------------------------------------


@pytest.mark.parametrize("n", SIZES)
def test_layout_labels_apart_and_marks_inside(scenarios: Any, n: int) -> None:
    rows, summary, _page = scenarios[n]
    charts = charts_of(rows, summary)
    assert set(charts) == {"resolution", "count", "median"}
    for chart in [*charts.values(), *charts_of(rows, summary, "narrow").values()]:
        assert_readable(chart)
    resolution = charts["resolution"]
    points = [m for m in resolution.marks if "legend" not in m.css]
    assert len(points) == n  # every hotfix, the open ones too
    # at 500 one record is left open 45 days: drawn at the top, the axis kept for the rest
    assert len([m for m in points if "clipped" in m.css]) == (1 if n == 500 else 0)
    ticks = [label for label in resolution.labels if label.css == "tick"]
    assert len([t for t in ticks if t.text.endswith(" h")]) >= 3  # a y-axis in hours
    assert len(ticks) - len([t for t in ticks if t.text.endswith(" h")]) >= 2  # a time axis
    tz = shots.NOW.tzinfo
    trend = dashboard.months(rows, tz)
    assert len(trend) <= dashboard.TREND_MONTHS
    dated = [dashboard._created(r, tz) for r in rows if dashboard._counted(r)]
    in_trend = [d for d in dated if d is not None and d.date() >= trend[0].first_day]
    assert sum(m.count for m in trend) == len(in_trend)
    if len(trend) < dashboard.TREND_MONTHS:
        assert len(in_trend) == summary.count


@pytest.mark.parametrize("n", (6, 80, 500))
def test_an_open_hotfix_11h_past_target_is_plotted_above_the_target(scenarios: Any, n: int) -> None:
    rows, summary, page = scenarios[n]
    chart = charts_of(rows, summary)["resolution"]
    late = [m for m in chart.marks if m.css == "active-over"]
    assert len(late) == 1 and "open for 13h 00m" in late[0].title
    target = next(r for r in chart.rules if r.css == "target")
    assert late[0].y < target.y1 - 50  # well above the target line, inside the plot
    assert "11h 00m" in page  # its lateness in the open-hotfix table


def test_a_record_left_open_for_weeks_does_not_flatten_the_chart(scenarios: Any) -> None:
    rows, summary, _page = scenarios[80]
    stale = dict(rows[-1], hotfix="999", title="forgotten", over_target=True)
    stale["created"] = (shots.NOW - timedelta(days=40)).isoformat()
    stale["age_seconds"], stale["age"] = 40 * 86400, "40d 0h"
    chart = charts_of([*rows, stale], summary)["resolution"]
    assert_readable(chart)
    clipped = [m for m in chart.marks if "clipped" in m.css]
    assert len(clipped) == 1 and "forgotten" in clipped[0].title
    assert clipped[0].y < chart.plot.y + 10  # at the top of the plot
    top = max(float(t.text[:-2]) for t in chart.labels if t.css == "tick" and t.text.endswith(" h"))
    assert top < 48  # the axis stays where the other 80 are
    assert any(label.text.startswith("▲ 1 above") for label in chart.labels)
    assert layout.clip_at([1.0, 2.0, 13.0], 2.0) == float("inf")  # 13 h: not clipped


@pytest.mark.parametrize(
    "span",
    [
        timedelta(0),
        timedelta(hours=3),
        timedelta(days=2),
        timedelta(days=20),
        timedelta(days=200),
        timedelta(days=1200),
        timedelta(days=365 * 40),
    ],
)
def test_time_axis_ticks_never_collide(span: timedelta) -> None:
    start = datetime(2026, 3, 7, 5, 30, tzinfo=timezone(timedelta(hours=-5)))
    points = [layout.Point(start + span * (i / 9), 1.0 + i, "within", f"{i}") for i in range(10)]
    chart = layout.resolution_chart(points, 120, start.tzinfo, start + span)
    assert_readable(chart)
    assert len([label for label in chart.labels if not label.text.endswith(" h")]) >= 2


@settings(max_examples=40, deadline=None)
@given(
    counts=st.lists(st.integers(0, 900), min_size=1, max_size=90),
    hours=st.lists(st.floats(0, 400), min_size=1, max_size=60),
    target=st.integers(10, 24 * 60),
)
def test_layout_holds_for_any_figures(counts: list[int], hours: list[float], target: int) -> None:
    first = datetime(2020, 1, 1).date()
    months = [
        layout.Month(
            datetime(2020 + i // 12, i % 12 + 1, 1).date(), c, (c % 300) * 1.5 if c else None
        )
        for i, c in enumerate(counts)
    ]
    assert months[0].first_day == first
    assert_readable(layout.monthly_count_chart(months))
    assert_readable(layout.monthly_median_chart(months, target))
    now = datetime(2026, 11, 30, tzinfo=timezone.utc)
    points = [layout.Point(now - timedelta(days=3 * i), h, "over", "") for i, h in enumerate(hours)]
    assert_readable(layout.resolution_chart(points, target, timezone.utc, now))


def test_box_overlap_and_label_boxes() -> None:
    a = layout.Box(0, 0, 10, 10)
    assert a.overlaps(layout.Box(9, 9, 5, 5)) and not a.overlaps(layout.Box(10, 0, 5, 5))
    label = layout.Label("12 h", 50, 100, "end")
    assert label.box.right == 50 and label.box.w == layout.text_width("12 h")
    assert layout.nice_step(13, layout.HOUR_STEPS) == 3
    assert layout.hours_text(1.5) == "1.5 h" and layout.hours_text(2.0) == "2 h"


# -- the SVG in the page ----------------------------------------------------------------------


def svgs(page: str) -> list[ET.Element]:
    return [ET.fromstring(s) for s in re.findall(r"<svg\b.*?</svg>", page, flags=re.S)]


def label_box(text: ET.Element) -> layout.Box:
    return layout.Label(
        text.text or "",
        float(text.get("x", 0)),
        float(text.get("y", 0)),
        text.get("text-anchor", "start"),
    ).box


@pytest.mark.parametrize("n", SIZES)
def test_svg_in_the_page_labels_apart_and_marks_inside(scenarios: Any, n: int) -> None:
    _rows, _summary, page = scenarios[n]
    found = svgs(page)
    assert len(found) == 6  # three charts, each also laid out for a narrow screen
    assert len([svg for svg in found if "narrow" in svg.get("class", "")]) == 3
    for svg in found:
        _x, _y, width, height = map(float, svg.get("viewBox", "").split())
        bounds = layout.Box(0, 0, width, height)
        plot_rect = svg.find(f"{SVG}rect[@class='plot']")
        assert plot_rect is not None
        plot = layout.Box(*(float(plot_rect.get(k, 0)) for k in ("x", "y", "width", "height")))
        boxes = [label_box(t) for t in svg.iter(f"{SVG}text")]
        for i, a in enumerate(boxes):
            assert a.inside(bounds)
            assert not any(a.overlaps(b) for b in boxes[i + 1 :])
        marks = [e for e in svg.iter() if "mark" in e.get("class", "").split()]
        for mark in marks:
            area = bounds if "legend" in mark.get("class", "") else plot
            if mark.tag == f"{SVG}circle":
                cx, cy, r = (float(mark.get(k, 0)) for k in ("cx", "cy", "r"))
                box = layout.Box(cx - r - 1, cy - r - 1, 2 * r + 2, 2 * r + 2)  # with stroke
            elif mark.tag == f"{SVG}rect":
                box = layout.Box(*(float(mark.get(k, 0)) for k in ("x", "y", "width", "height")))
            else:
                xs = [float(v) for v in re.findall(r"-?[\d.]+", mark.get("d", ""))]
                box = layout.Box(min(xs[::2]), min(xs[1::2]), 0, 0)
                box = layout.Box(box.x, box.y, max(xs[::2]) - box.x, max(xs[1::2]) - box.y)
            assert box.inside(layout.Box(area.x - 0.2, area.y - 0.2, area.w + 0.4, area.h + 0.4))
    points = [
        e
        for e in found[0].iter()
        if "mark" in e.get("class", "").split() and "legend" not in e.get("class", "")
    ]
    assert len(points) == n


class Page(HTMLParser):
    """The figures (data-key, data-value), the summary lines and the table's rows."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, Any] = {}
        self.rows: list[dict[str, str]] = []
        self.lists: list[str] = []
        self._in_list = False
        self._cell: list[str] | None = None
        self._cells: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "li" and "data-key" in a:
            self.figures[a["data-key"] or ""] = json.loads(a["data-value"] or "null")
        elif tag == "li" and not a:
            self._in_list = True
            self.lists.append("")
        if tag == "tr" and "data-hotfix" in a:
            self._cells = []
            self.rows.append({"hotfix": a["data-hotfix"] or "", "cells": ""})
        if tag == "td" and self.rows and self._cells is not None:
            self._cell = []
            if "data-seconds" in a:
                self.rows[-1]["seconds"] = a["data-seconds"] or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self._in_list = False
        if tag == "td" and self._cell is not None:
            self._cells.append("".join(self._cell))
            self.rows[-1]["cells"] = "|".join(self._cells)
            self._cell = None
        if tag == "tbody":
            self._cells = []

    def handle_data(self, data: str) -> None:
        if self._in_list:
            self.lists[-1] += data
        if self._cell is not None:
            self._cell.append(data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    return parser


@pytest.mark.parametrize("n", SIZES)
def test_page_figures_are_the_summary_and_lists_are_short(scenarios: Any, n: int) -> None:
    rows, summary, page = scenarios[n]
    found = parse(page)
    data = summary.as_json()
    for key in ("count", "median_minutes", "mean_minutes", "within_target", "rollback_rate"):
        assert found.figures[key] == data[key]
    assert found.figures["postmortems_done"] == data["postmortems_done"]
    assert found.figures["overdue_postmortems"] == len(data["overdue_postmortems"])  # type: ignore[arg-type]
    assert found.figures["active_over_target"] == len(data["active_over_target"])  # type: ignore[arg-type]
    off = set(data["off_target"])  # type: ignore[call-overload]
    marked = set(
        re.findall(r'data-key="(\w+)" data-value="[^"]*">(?:(?!</li>).)*OFF TARGET', page, re.S)
    )
    assert marked == off
    overdue = next(line for line in found.lists if line.startswith("Overdue post-mortems"))
    named = re.findall(r"\b\d{3}\b", overdue.partition(": ")[2].partition(": ")[2])
    assert len(named) <= dashboard.LIST_LIMIT + 1
    if len(summary.overdue) > dashboard.LIST_LIMIT + 1:
        assert f"and {len(summary.overdue) - dashboard.LIST_LIMIT} more" in overdue
    assert [r["hotfix"] for r in found.rows] == [
        r["hotfix"] for r in sorted(rows, key=lambda r: r["created"], reverse=True)
    ]
    seconds = {r["hotfix"]: r["time_to_resolution_seconds"] for r in rows}
    for r in found.rows:
        expected = seconds[r["hotfix"]]
        assert r["seconds"] == ("" if expected is None else str(expected))
    assert found.scripts == 0
    assert "@media print" in page and "prefers-color-scheme: dark" in page
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", page)


def test_summary_at_500_does_not_list_every_number(scenarios: Any) -> None:
    _rows, summary, page = scenarios[500]
    assert len(summary.overdue) > 50
    overdue = next(line for line in parse(page).lists if line.startswith("Overdue"))
    assert len(overdue) < 200


def test_repository_column_and_escaping(scenarios: Any) -> None:
    rows, summary, _page = scenarios[6]
    rows = [dict(r, repository=f"svc-{i % 2}") for i, r in enumerate(rows)]
    rows[0]["title"] = "<script>alert(1)</script> & co"
    page = dashboard.html_page(rows, summary, shots.NOW)
    assert "<th>Repository</th>" in page and "<td>svc-1</td>" in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "<th>Repository</th>" not in scenarios[6][2]


def test_no_hotfixes_and_records_without_a_created_stamp() -> None:
    empty = summarize([], shots.NOW, 120)
    page = dashboard.html_page([], empty, shots.NOW)
    assert "No hotfix with a Created stamp yet." in page and "None open." in page
    assert len(svgs(page)) == 2  # the resolution chart, wide and narrow
    assert_readable(charts_of([], empty)["resolution"])
    found = shots.records(6)
    found[0].created = None  # a hand-written record without its stamp
    found[1].status, found[1].created = "unreadable", None
    rows = [row(r, shots.NOW, 120) for r in found]
    summary = summarize(found, shots.NOW, 120)
    page = dashboard.html_page(rows, summary, shots.NOW)
    assert "2 without a Created stamp are not plotted." in page
    assert [r["hotfix"] for r in parse(page).rows][-2:] == ["001", "002"]  # undated last
    charts = charts_of(rows, summary)
    assert len([m for m in charts["resolution"].marks if "legend" not in m.css]) == 4
    for chart in charts.values():
        assert_readable(chart)


def test_template_ships_inside_the_package() -> None:
    assert dashboard.TEMPLATE.is_file()
    assert dashboard.TEMPLATE.parent == PROJECT / "hotfix_hooks" / "report"


# -- end to end: the page against report --json on one real repository -----------------------

NOW = "2026-11-30T09:00:00+00:00"
RECORDS = {
    # number: (created, status, resolved, rollback, checklist done)
    "001": ("2026-10-02 10:00 +00:00", "Resolved", "2026-10-02 10:40 +00:00", False, True),
    "002": ("2026-10-20 09:00 +02:00", "Resolved", "2026-10-20 12:30 +02:00", True, False),
    "003": ("2026-11-12 22:00 -05:00", "Resolved", "2026-11-13 00:10 -05:00", False, True),
    "004": ("2026-11-29 20:00 +00:00", "Active", None, False, False),
    "005": ("2026-11-30 08:00 +00:00", "Cancelled", None, False, False),
}


def test_page_equals_report_json_on_a_real_repository(repo: Path, tmp_path: Path) -> None:
    for number, (created, status, resolved, rollback, done) in RECORDS.items():
        directory = repo / f".specswarm/features/{number}-hotfix"
        directory.mkdir(parents=True)
        box = "x" if done else " "
        lines = [
            f"# Hotfix {number}: <b>Case</b> {number} & co",
            f"**Created**: {created}",
            f"**Status**: {status}",
            "## Post-Mortem Required",
            f"- [{box}] Root cause analysis",
            "## Metadata",
        ]
        if resolved:
            lines.append(f"**Resolved**: {resolved}")
        if status == "Cancelled":
            lines.append(f"**Cancelled**: {created}")
        if rollback:
            lines.append("**Rollback Triggered**: yes (2026-10-20 11:00 +02:00)")
        (directory / "hotfix.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "HOTFIX_HOOKS_NOW": NOW}
    page_file = tmp_path / "report.html"

    def hh(*args: str) -> str:
        proc = subprocess.run(
            (str(Path(sys.executable).parent / "hotfix-hooks"), "report", *args),
            cwd=repo,
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    data = json.loads(hh("--json"))
    hh("--html", str(page_file))
    page = page_file.read_text(encoding="utf-8")
    found = parse(page)
    summary = data["summary"]
    for key in ("count", "median_minutes", "mean_minutes", "within_target", "rollback_rate"):
        assert found.figures[key] == summary[key], key
    assert found.figures["postmortems_done"] == summary["postmortems_done"]
    assert found.figures["overdue_postmortems"] == len(summary["overdue_postmortems"])
    assert found.figures["active_over_target"] == len(summary["active_over_target"]) == 1
    assert summary["off_target"] and "OFF TARGET" in page
    by_number = {r["hotfix"]: r for r in data["hotfixes"]}
    assert {r["hotfix"] for r in found.rows} == set(by_number)
    for r in found.rows:
        expected = by_number[r["hotfix"]]["time_to_resolution_seconds"]
        assert r["seconds"] == ("" if expected is None else str(expected))
        shown = by_number[r["hotfix"]]["time_to_resolution"]
        assert (shown or "—") in r["cells"]
    assert [r["hotfix"] for r in found.rows] == ["005", "004", "003", "002", "001"]
    points = [
        e
        for e in svgs(page)[0].iter()
        if "mark" in e.get("class", "").split() and "legend" not in e.get("class", "")
    ]
    assert len(points) == 4  # the cancelled one in no figure, the open one at its age
    assert "&lt;b&gt;Case&lt;/b&gt;" in page and "<b>Case" not in page


# -- the screenshots --------------------------------------------------------------------------

ARTIFACTS = Path(os.environ.get("HOTFIX_HOOKS_ARTIFACTS", PROJECT / "artifacts")) / "dashboard"


@pytest.mark.slow
@pytest.mark.needs("chromium")  # a failure in CI when missing (tests/realtools.py)
def test_screenshots_at_1_6_80_500() -> None:
    proc = subprocess.run(
        (
            sys.executable,
            str(PROJECT / "benchmarks" / "dashboard_screenshots.py"),
            "--out",
            str(ARTIFACTS),
        ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    for n in SIZES:
        for suffix in ("", "-dark"):
            png = ARTIFACTS / f"dashboard-{n}{suffix}.png"
            data = png.read_bytes()
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
            width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
            assert (width, height) == (1280, 2400)
            assert len(data) > 50_000, png  # not a blank page


def test_the_trend_caption_says_what_the_charts_show() -> None:
    """500 hotfixes over about 42 months: the table shows 12, the charts the last 36 (not
    "them all")."""
    rows, summary = shots.data(500)
    context = dashboard.context(rows, summary, shots.NOW)
    assert context["months_total"] > dashboard.TREND_MONTHS == context["months_charted"]
    page = dashboard.html_page(rows, summary, shots.NOW)
    total = context["months_total"]
    assert f"The table shows the last 12 of {total} months, the charts the last 36." in page
    assert "show them all" not in page
    rows, summary = shots.data(20)  # about two months: the table holds them all
    page = dashboard.html_page(rows, summary, shots.NOW)
    assert "The last " not in page and "The table shows" not in page
