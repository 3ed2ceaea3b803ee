"""The report's dashboard as people see it: pages and headless Chromium screenshots.

    python benchmarks/dashboard_screenshots.py [--out DIR] [--sizes 1,6,80,500]

For each size builds that many hotfix records in-process (deterministic: resolved ones
spread over months, a few rolled back, post-mortems done and overdue, and open ones, one
of them 11 h past the 2 h target), renders ``report --html``'s page from them with the
report's own rows and summary, writes ``dashboard-N.html`` and, when Chromium is found
(``/usr/bin/chromium`` or ``chromium`` on PATH), ``dashboard-N.png`` (1280 px wide, light)
and ``dashboard-N-dark.png`` (dark colour scheme). DIR defaults to ``artifacts/dashboard``.

Then measures each page as Chromium lays it out, at 1280 px (the wide charts) and at 390
px (the charts laid out for a narrow screen): a copy of the page with a measuring
script added (``dashboard-N-measure.html``; the page itself has none) is loaded with
``--dump-dom``, and every SVG text's and mark's rendered box is checked: no two labels of
a chart overlap, every label inside its chart, every mark inside its plot area, and no
label wider than the width the layout module estimated for it (so its own overlap checks
hold for the font the browser really used).

Prints one line per file written and per page measured; exits 1 if a measurement fails,
2 when Chromium is absent and screenshots were asked for (``--no-screenshots`` writes only
the pages).
"""

from __future__ import annotations

import argparse
import html as html_lib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from hotfix_hooks.report import layout  # noqa: E402
from hotfix_hooks.report.dashboard import html_page  # noqa: E402
from hotfix_hooks.report.inventory import HotfixRecord, Summary, summarize  # noqa: E402
from hotfix_hooks.report.outputs import row  # noqa: E402

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
TARGET = 120
SIZES = (1, 6, 80, 500)
DEFAULT_OUT = PROJECT / "artifacts" / "dashboard"
WORDS = ("login", "checkout", "payments", "search", "cache", "billing", "auth", "upload", "api")


def records(count: int, now: datetime = NOW) -> list[HotfixRecord]:
    """``count`` hotfixes: the last two open (one 11 h past target when count > 1), at 500
    and more also one left open for 45 days (drawn clipped at the top of the chart), the
    rest resolved, opened over a span that grows with the count (a week per hotfix up to
    six, then about 2.5 days each)."""
    rng = random.Random(count)
    span = timedelta(days=7 * count if count <= 6 else 2.5 * count)
    out: list[HotfixRecord] = []
    for i in range(count):
        number = f"{i + 1:03d}"
        title = f"{rng.choice(WORDS)} {rng.choice(('500', 'timeout', 'leak', 'crash'))}"
        is_open = count > 1 and i >= count - 2
        if count >= 500 and i == count - 3:
            is_open, created, resolved = True, now - timedelta(days=45), None
        elif is_open:
            age = timedelta(hours=13) if i == count - 2 else timedelta(minutes=35)
            created = now - age
            resolved = None
        else:
            created = now - span + span * (i / max(count, 1)) - timedelta(days=1)
            created = created.replace(second=0, microsecond=0)
            minutes = max(8, int(rng.lognormvariate(4.4, 0.55)))
            resolved = created + timedelta(minutes=minutes)
        done = resolved is not None and (rng.random() < 0.8 or resolved > now - timedelta(days=7))
        out.append(
            HotfixRecord(
                number=number,
                title=title.title(),
                status="Active" if is_open else "Resolved",
                created=created,
                resolved=resolved,
                rollback_triggered=rng.random() < 0.08,
                checklist_done=done,
                source="working tree",
                path=f".specswarm/features/{number}-hotfix/hotfix.md",
                branch=f"hotfix/{number}-{title.split()[0]}",
            )
        )
    return out


def data(count: int, now: datetime = NOW) -> tuple[list[dict[str, object]], Summary]:
    found = records(count, now)
    return [row(r, now, TARGET) for r in found], summarize(found, now, TARGET)


def page(count: int, now: datetime = NOW) -> str:
    rows, summary = data(count, now)
    return html_page(rows, summary, now)


def chromium() -> str | None:
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(browser: str, html: Path, png: Path, *, dark: bool = False) -> None:
    args = [f"--screenshot={png}", "--window-size=1280,2400"]
    if dark:
        args.append("--blink-settings=preferredColorScheme=0")
    _run(browser, *args, html.as_uri())
    if not png.is_file():
        raise RuntimeError(f"Chromium wrote no screenshot for {html}")


MEASURE = """<pre id="hh-measured"></pre><script>
const out = [];
for (const svg of document.querySelectorAll("svg.chart")) {
  if (svg.getBoundingClientRect().width === 0) continue;  // the other width's layout
  const plot = svg.querySelector("rect.plot").getBBox();
  const vb = svg.viewBox.baseVal;
  const chart = {id: svg.id, width: vb.width, height: vb.height,
    plot: [plot.x, plot.y, plot.width, plot.height], labels: [], marks: []};
  for (const t of svg.querySelectorAll("text")) {
    const b = t.getBBox();
    chart.labels.push([t.textContent, b.x, b.y, b.width, b.height]);
  }
  for (const m of svg.querySelectorAll(".mark")) {
    const b = m.getBBox();
    const stroke = parseFloat(getComputedStyle(m).strokeWidth) || 0;
    const half = m.classList.contains("ring") ? stroke / 2 : 0;
    chart.marks.push([m.getAttribute("class"), b.x - half, b.y - half, b.width + 2 * half,
      b.height + 2 * half]);
  }
  out.push(chart);
}
document.getElementById("hh-measured").textContent = JSON.stringify(out);
</script>"""


def _run(browser: str, *args: str) -> str:
    # short paths: Chromium puts unix sockets in its profile and in TMPDIR, and a socket's
    # path may not exceed 107 bytes (a test's own temporary directory is longer than that)
    short = "/tmp" if os.path.isdir("/tmp") else None
    with tempfile.TemporaryDirectory(prefix="hh-chromium-", dir=short) as profile:
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
        ]
        env = {**os.environ, "TMPDIR": profile}
        return subprocess.run(
            command, check=True, capture_output=True, text=True, timeout=120, env=env
        ).stdout


def measure(browser: str, page: Path, width: int = 1280) -> list[str]:
    """What is wrong with the charts as Chromium lays them out at ``width`` px (nothing:
    an empty list): the wide charts at 1280, the narrow ones at 390."""
    probe = page.with_name(page.stem + "-measure.html")
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8"
    )
    dom = _run(browser, f"--window-size={width},2400", "--dump-dom", probe.as_uri())
    start = dom.index('<pre id="hh-measured">') + len('<pre id="hh-measured">')
    charts = json.loads(html_lib.unescape(dom[start : dom.index("</pre>", start)]))
    problems = []
    for chart in charts:
        bounds = layout.Box(0, 0, chart["width"], chart["height"])
        plot = layout.Box(*chart["plot"])
        grown = layout.Box(plot.x - 0.5, plot.y - 0.5, plot.w + 1, plot.h + 1)
        boxes = []
        for text, x, y, w, h in chart["labels"]:
            box = layout.Box(x, y, w, h)
            boxes.append((text, box))
            if not box.inside(bounds):
                problems.append(f"{chart['id']}: label {text!r} leaves the chart")
            if w > layout.text_width(text) + 0.5:
                problems.append(
                    f"{chart['id']}: label {text!r} is {w:.1f} wide, "
                    f"estimated {layout.text_width(text):.1f}"
                )
        for i, (text, box) in enumerate(boxes):
            for other, other_box in boxes[i + 1 :]:
                if box.overlaps(other_box):
                    problems.append(f"{chart['id']}: labels {text!r} and {other!r} overlap")
        if len(chart["marks"]) < 1:
            problems.append(f"{chart['id']}: no marks")
        for css, x, y, w, h in chart["marks"]:
            if "legend" in css:
                continue
            if not layout.Box(x, y, w, h).inside(grown):
                problems.append(f"{chart['id']}: mark {css} at ({x:.1f}, {y:.1f}) outside the plot")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--no-screenshots", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    browser = None if args.no_screenshots else chromium()
    if not args.no_screenshots and browser is None:
        print("chromium not found (/usr/bin/chromium or on PATH)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    failed = False
    for count in sizes:
        html = args.out / f"dashboard-{count}.html"
        html.write_text(page(count), encoding="utf-8")
        print(html)
        if browser is not None:
            for dark in (False, True):
                png = args.out / f"dashboard-{count}{'-dark' if dark else ''}.png"
                screenshot(browser, html, png, dark=dark)
                print(png)
            problems = measure(browser, html) + measure(browser, html, 390)
            for problem in problems:
                print(f"dashboard-{count}: {problem}", file=sys.stderr)
            print(
                f"measured dashboard-{count}.html in Chromium at 1280 and 390 px: "
                f"{len(problems)} problems"
            )
            failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
