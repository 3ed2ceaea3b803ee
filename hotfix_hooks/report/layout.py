"""The dashboard's chart geometry, pure: plot areas, scales, ticks, marks and label boxes.

No I/O and no templates: every label gets the box it will occupy (its text width estimated
from the font size, on the wide side), so tests can assert that no two labels overlap and
that every mark lies inside its plot area at any number of hotfixes. The template only
draws what is computed here.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo

FONT = 12.0  # px, tick and legend labels
CHAR_WIDTH = 0.66  # of the font size: DejaVu Sans digits are 0.64 (checked in Chromium)
LABEL_GAP = 6.0  # px kept free between two labels on one axis
WIDTH = 760.0  # every chart's viewBox width; the page scales it to fit
# The charts laid out again for a phone (the page shows them below 760 px): drawn at about
# their own size on a 390 px screen, so the 12 px labels stay 12 px instead of shrinking
# with a 760-wide chart to ~5 px.
NARROW_WIDTH = 340.0


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )

    def inside(self, other: Box) -> bool:
        eps = 1e-6
        return (
            self.x >= other.x - eps
            and self.y >= other.y - eps
            and self.right <= other.right + eps
            and self.bottom <= other.bottom + eps
        )


def text_width(text: str, size: float = FONT) -> float:
    return len(text) * size * CHAR_WIDTH


@dataclass(frozen=True)
class Label:
    """A text at (x, y) on its baseline; ``anchor`` as SVG's text-anchor."""

    text: str
    x: float
    y: float
    anchor: str = "middle"  # start | middle | end
    size: float = FONT
    css: str = "tick"

    @property
    def box(self) -> Box:
        w = text_width(self.text, self.size)
        left = {"start": self.x, "middle": self.x - w / 2, "end": self.x - w}[self.anchor]
        return Box(left, self.y - self.size * 0.85, w, self.size * 1.1)


@dataclass(frozen=True)
class Mark:
    """A point (``shape`` circle, diamond, ring, or ``up``: a value above the axis; centre
    and radius) or a bar (``bar``)."""

    shape: str
    x: float
    y: float
    size: float  # radius of a point; width of a bar
    height: float = 0.0  # of a bar
    css: str = ""
    title: str = ""

    @property
    def box(self) -> Box:
        if self.shape == "bar":
            return Box(self.x, self.y, self.size, self.height)
        return Box(self.x - self.size, self.y - self.size, 2 * self.size, 2 * self.size)

    @property
    def triangle(self) -> str:
        """Pointing up: a value above the axis, drawn at its top."""
        x, y, r = self.x, self.y, self.size
        return f"M{x:.1f},{y - r:.1f}L{x + r:.1f},{y + r:.1f}L{x - r:.1f},{y + r:.1f}Z"

    @property
    def diamond(self) -> str:
        x, y, r = self.x, self.y, self.size
        return f"M{x:.1f},{y - r:.1f}L{x + r:.1f},{y:.1f}L{x:.1f},{y + r:.1f}L{x - r:.1f},{y:.1f}Z"


@dataclass(frozen=True)
class Rule:
    """A horizontal or vertical line: grid, axis, tick or target."""

    x1: float
    y1: float
    x2: float
    y2: float
    css: str


@dataclass
class Chart:
    width: float
    height: float
    plot: Box
    title: str
    marks: list[Mark] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    line: list[tuple[float, float]] = field(default_factory=list)  # a polyline through marks

    @property
    def bounds(self) -> Box:
        return Box(0.0, 0.0, self.width, self.height)

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self.line)


@dataclass(frozen=True)
class Point:
    """One hotfix on the time-to-resolution chart: resolved (``within``/``over`` target)
    or still open (``active``/``active-over``, placed at its age so far)."""

    when: datetime
    hours: float
    kind: str
    title: str


@dataclass(frozen=True)
class Month:
    first_day: date
    count: int
    median_minutes: float | None


# ---------------------------------------------------------------- scales and ticks


def hours_text(hours: float) -> str:
    text = f"{hours:.2f}".rstrip("0").rstrip(".")
    return f"{text} h"


def target_text(hours: float) -> str:
    """``2 h``, ``1.5 h``; ``10h 01m`` when quarters of an hour do not say it."""
    minutes = round(hours * 60)
    if minutes % 15 == 0:
        return hours_text(minutes / 60)
    return f"{minutes // 60}h {minutes % 60:02d}m"


def nice_step(top: float, steps: Sequence[float], most: int = 5) -> float:
    """The smallest step from ``steps`` that covers 0..top in at most ``most`` intervals."""
    for step in steps:
        if math.ceil(top / step - 1e-9) <= most:
            return step
    step = steps[-1]
    while math.ceil(top / step - 1e-9) > most:
        step *= 2
    return step


HOUR_STEPS = (0.25, 0.5, 1, 2, 3, 4, 6, 8, 12, 24, 48, 72, 96, 168, 336, 720)
COUNT_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)


class Linear:
    """Domain [lo, hi] onto range [a, b]."""

    def __init__(self, lo: float, hi: float, a: float, b: float) -> None:
        self.lo, self.hi, self.a, self.b = lo, hi, a, b

    def __call__(self, value: float) -> float:
        if self.hi == self.lo:
            return (self.a + self.b) / 2
        return self.a + (value - self.lo) / (self.hi - self.lo) * (self.b - self.a)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_after(t: datetime, months: int, tz: tzinfo | None) -> datetime:
    d = _add_months(t.date(), months)
    return datetime(d.year, d.month, 1, tzinfo=tz)


def _series(
    first: datetime, start: datetime, end: datetime, step: timedelta | int, tz: tzinfo | None
) -> list[datetime]:
    """Ticks from ``first`` by ``step`` (a duration, or a number of months) within
    [start, end]; at most a few hundred."""
    ticks: list[datetime] = []
    t = first
    while t <= end and len(ticks) <= 400:
        if t >= start:
            ticks.append(t)
        t = t + step if isinstance(step, timedelta) else _month_after(t, step, tz)
    return ticks


def _time_candidates(
    start: datetime, end: datetime, tz: tzinfo | None
) -> list[tuple[list[datetime], str]]:
    """Calendar-aligned tick series from fine to coarse, each with its strftime format."""
    local_start = start.astimezone(tz)
    midnight = datetime(local_start.year, local_start.month, local_start.day, tzinfo=tz)
    monday = midnight - timedelta(days=midnight.weekday())
    out: list[tuple[list[datetime], str]] = []
    span = end - start
    if span <= timedelta(days=4):
        for hours in (1, 2, 3, 6, 12):
            ticks = _series(midnight, start, end, timedelta(hours=hours), tz)
            out.append((ticks, "%d %b %H:%M"))
    if span <= timedelta(days=400):
        for first, step in (
            (midnight, timedelta(days=1)),
            (midnight, timedelta(days=2)),
            (monday, timedelta(weeks=1)),
            (monday, timedelta(weeks=2)),
        ):
            out.append((_series(first, start, end, step, tz), "%d %b"))
    for months in (1, 2, 3, 6, 12, 24, 60):
        years = max(months // 12, 1)
        first = datetime(local_start.year - local_start.year % years, 1, 1, tzinfo=tz)
        out.append((_series(first, start, end, months, tz), "%Y" if months >= 12 else "%b %Y"))
    return out


def _fits(labels: Sequence[Label], bounds: Box) -> bool:
    for a, b in itertools.pairwise(labels):
        if a.box.right + LABEL_GAP > b.box.x:
            return False
    return all(label.box.inside(bounds) for label in labels)


def time_ticks(
    start: datetime,
    end: datetime,
    scale: Callable[[datetime], float],
    baseline: float,
    bounds: Box,
    tz: tzinfo | None,
) -> list[Label]:
    """The finest calendar-aligned ticks whose labels neither overlap nor leave the chart;
    at least one tick when the span has one."""
    single: list[Label] = []
    for ticks, fmt in _time_candidates(start, end, tz):
        labels = [Label(t.astimezone(tz).strftime(fmt), scale(t), baseline) for t in ticks]
        labels = [label for label in labels if label.box.inside(bounds)]
        if labels and _fits(labels, bounds):
            if len(labels) >= 2:
                return labels
            single = single or labels
    return single


def thin_band_labels(
    texts: Sequence[str], centres: Sequence[float], baseline: float
) -> list[Label]:
    """Every k-th band labelled, k the smallest step at which the labels keep apart."""
    if not texts:
        return []
    widest = max(text_width(t) for t in texts)
    band = centres[1] - centres[0] if len(centres) > 1 else widest + LABEL_GAP
    k = max(1, math.ceil((widest + LABEL_GAP) / band - 1e-9))
    return [Label(texts[i], centres[i], baseline) for i in range(0, len(texts), k)]


# ---------------------------------------------------------------- the charts

MARGIN_LEFT = 64.0
MARGIN_RIGHT = 84.0
MARGIN_TOP = 28.0
NARROW_MARGIN_RIGHT = 64.0  # "< 1.5 h", the widest target label, still fits


def _plot_width(width: float) -> float:
    right = MARGIN_RIGHT if width >= WIDTH else NARROW_MARGIN_RIGHT
    return width - MARGIN_LEFT - right


OPEN_RADIUS = 5.0


def _point_radius(count: int) -> float:
    if count <= 20:
        return 6.0
    if count <= 100:
        return 4.5
    return 3.0


def _y_axis(
    chart: Chart, scale: Linear, top: float, step: float, text: Callable[[float], str]
) -> None:
    plot = chart.plot
    n = round(top / step)
    for i in range(n + 1):
        value = step * i
        y = scale(value)
        chart.rules.append(Rule(plot.x, y, plot.right, y, "grid"))
        chart.labels.append(Label(text(value), plot.x - 8, y + FONT * 0.35, "end"))
    chart.rules.append(Rule(plot.x, plot.bottom, plot.right, plot.bottom, "axis"))
    chart.rules.append(Rule(plot.x, plot.y, plot.x, plot.bottom, "axis"))


def _target(chart: Chart, scale: Linear, target_hours: float) -> None:
    plot = chart.plot
    y = scale(target_hours)
    chart.rules.append(Rule(plot.x, y, plot.right, y, "target"))
    chart.labels.append(Label("target", plot.right + 6, y - 3, "start", css="target-label"))
    chart.labels.append(
        Label(
            f"< {hours_text(target_hours)}",
            plot.right + 6,
            y + FONT + 1,
            "start",
            css="target-label",
        )
    )


def resolution_chart(
    points: Sequence[Point],
    target_minutes: int,
    tz: tzinfo | None,
    now: datetime,
    width: float = WIDTH,
) -> Chart:
    """Hours to resolve (or open so far) against the day each hotfix was opened: a real
    time axis, a y-axis in hours from zero, and the target as a dashed line."""
    plot = Box(MARGIN_LEFT, MARGIN_TOP, _plot_width(width), 230.0)
    chart = Chart(
        width, plot.bottom + 30, plot, "Time to resolution by the day each hotfix was opened"
    )
    target_hours = target_minutes / 60
    radius = _point_radius(len(points))
    open_radius = max(radius, OPEN_RADIUS)  # an open hotfix stays easy to see among 500
    pad = open_radius + 2
    top_value = max([p.hours for p in points] + [target_hours * 1.25])
    cap = clip_at(sorted(p.hours for p in points), target_hours)
    step = nice_step(min(top_value, cap), HOUR_STEPS)
    top = step * math.ceil(min(top_value, cap) / step - 1e-9)
    yscale = Linear(0.0, top, plot.bottom - pad, plot.y + pad)
    clipped = sum(p.hours > top for p in points)
    if clipped:
        note = f"▲ {clipped} above {hours_text(top)}, drawn at the top"
        if text_width(note) > plot.w - text_width("hours"):
            note = f"▲ {clipped} above {hours_text(top)}"
        chart.labels.append(Label(note, plot.right, plot.y - 12, "end", css="legend"))
    _y_axis(chart, yscale, top, step, hours_text)
    chart.labels.append(Label("hours", 8, plot.y - 12, "start", css="axis-title"))
    if points:
        start = min(p.when for p in points)
        end = max(p.when for p in points)
    else:
        start = end = now
    if end - start < timedelta(hours=12):
        start, end = start - timedelta(hours=12), end + timedelta(hours=12)
    else:
        margin = (end - start) * 0.03
        start, end = start - margin, end + margin
    lo, hi = start.timestamp(), end.timestamp()
    xscale = Linear(lo, hi, plot.x + pad, plot.right - pad)

    def x_of(t: datetime) -> float:
        return xscale(t.timestamp())

    baseline = plot.bottom + 20
    for label in time_ticks(start, end, x_of, baseline, chart.bounds, tz):
        chart.labels.append(label)
        chart.rules.append(Rule(label.x, plot.bottom, label.x, plot.bottom + 5, "axis"))
    _target(chart, yscale, target_hours)
    shapes = {"within": "circle", "over": "diamond", "active": "ring", "active-over": "ring"}
    # the open ones drawn last, on top
    for p in sorted(points, key=lambda p: p.kind.startswith("active")):
        size = open_radius if p.kind.startswith("active") else radius
        if p.hours > top:
            mark = Mark("up", x_of(p.when), yscale(top), size, css=f"{p.kind} clipped")
        else:
            mark = Mark(shapes[p.kind], x_of(p.when), yscale(p.hours), size, css=p.kind)
        chart.marks.append(replace(mark, title=p.title))
    _legend(
        chart,
        plot.bottom + 48,
        [
            ("circle", "within", "resolved within target"),
            ("diamond", "over", "resolved over target"),
            ("ring", "active", "still open (age so far)"),
            ("ring", "active-over", "open past target"),
        ],
    )
    return chart


CLIP_ABOVE_HOURS = 48.0
CLIP_FACTOR = 4.0


def clip_at(hours: Sequence[float], target_hours: float) -> float:
    """Where the y-axis stops: above everything, unless a few hotfixes lie far beyond
    the rest (a record left Active for weeks), which would flatten every other point; then
    at four times the 95th percentile (or 1.25 times the target, if higher): a value over
    48 h and over that level is clipped (drawn at the top, marked)."""
    if not hours:
        return math.inf
    p95 = hours[min(len(hours) - 1, math.ceil(0.95 * len(hours)) - 1)]
    base = max(p95, target_hours * 1.25)
    if hours[-1] > CLIP_ABOVE_HOURS and hours[-1] > CLIP_FACTOR * base:
        return CLIP_FACTOR * base
    return math.inf


def _legend(chart: Chart, baseline: float, entries: Sequence[tuple[str, str, str]]) -> None:
    """A row of marks and texts under the plot, wrapped onto a next row where it would
    leave the chart; the chart grows to hold it."""
    x = chart.plot.x
    for shape, css, text in entries:
        if x + 16 + text_width(text) > chart.width - 4 and x > chart.plot.x:
            x, baseline = chart.plot.x, baseline + FONT + 8
        chart.marks.append(Mark(shape, x + 6, baseline - FONT * 0.35, 5.0, css=f"{css} legend"))
        label = Label(text, x + 16, baseline, "start", css="legend")
        chart.labels.append(label)
        x = label.box.right + 18
    chart.height = max(chart.height, baseline + 10)


def month_label(day: date) -> str:
    return day.strftime("%b %Y")


def _bands(count: int, plot: Box) -> tuple[float, list[float]]:
    band = plot.w / max(count, 1)
    return band, [plot.x + band * (i + 0.5) for i in range(count)]


def monthly_count_chart(months: Sequence[Month], width: float = WIDTH) -> Chart:
    """Hotfixes opened per month: one bar a month, value labels while they fit."""
    plot = Box(MARGIN_LEFT, MARGIN_TOP, _plot_width(width), 130.0)
    chart = Chart(width, plot.bottom + 32, plot, "Hotfixes opened per month")
    top_value = max([m.count for m in months] + [1])
    step = nice_step(top_value, COUNT_STEPS, most=4)
    top = step * math.ceil(top_value / step - 1e-9)
    yscale = Linear(0.0, top, plot.bottom, plot.y + FONT + 4)  # room for a value label
    _y_axis(chart, yscale, top, step, lambda v: f"{v:.0f}")
    chart.labels.append(Label("hotfixes", 8, plot.y - 12, "start", css="axis-title"))
    band, centres = _bands(len(months), plot)
    bar = max(min(band * 0.7, 48.0), 1.0)
    value_labels = all(text_width(str(m.count)) + LABEL_GAP <= band for m in months)
    for m, cx in zip(months, centres, strict=False):
        y = yscale(m.count)
        title = f"{month_label(m.first_day)}: {m.count} hotfix{'es' if m.count != 1 else ''}"
        chart.marks.append(Mark("bar", cx - bar / 2, y, bar, plot.bottom - y, "bar", title))
        if value_labels and m.count:
            chart.labels.append(Label(str(m.count), cx, y - 4, css="value"))
    texts = [month_label(m.first_day) for m in months]
    chart.labels.extend(thin_band_labels(texts, centres, plot.bottom + 20))
    return chart


def monthly_median_chart(
    months: Sequence[Month], target_minutes: int, width: float = WIDTH
) -> Chart:
    """The median time to resolve of each month's resolved hotfixes, against the target."""
    plot = Box(MARGIN_LEFT, MARGIN_TOP, _plot_width(width), 130.0)
    chart = Chart(width, plot.bottom + 32, plot, "Median time to resolve per month")
    target_hours = target_minutes / 60
    medians = [m.median_minutes / 60 for m in months if m.median_minutes is not None]
    top_value = max([*medians, target_hours * 1.25])
    step = nice_step(top_value, HOUR_STEPS, most=4)
    top = step * math.ceil(top_value / step - 1e-9)
    radius = 4.0
    yscale = Linear(0.0, top, plot.bottom - radius - 1, plot.y + radius + 1)
    _y_axis(chart, yscale, top, step, hours_text)
    chart.labels.append(Label("hours", 8, plot.y - 12, "start", css="axis-title"))
    _target(chart, yscale, target_hours)
    band, centres = _bands(len(months), plot)
    radius = min(radius, max(band / 2 - 1.5, 1.5))  # its 1 px stroke inside the band too
    for m, cx in zip(months, centres, strict=False):
        if m.median_minutes is None:
            continue
        hours = m.median_minutes / 60
        css = "within" if hours < target_hours else "over"
        title = f"{month_label(m.first_day)}: median {hours_text(round(hours, 2))}"
        chart.marks.append(Mark("circle", cx, yscale(hours), radius, css=css, title=title))
        chart.line.append((cx, yscale(hours)))
    texts = [month_label(m.first_day) for m in months]
    chart.labels.extend(thin_band_labels(texts, centres, plot.bottom + 20))
    return chart
