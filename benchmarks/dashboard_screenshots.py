"""The report's dashboard as people see it: pages and headless Chromium screenshots.

    python benchmarks/dashboard_screenshots.py [--out DIR] [--sizes 1,6,80,500]

For each size builds that many hotfix records in-process (deterministic: resolved ones
spread over months, a few rolled back, post-mortems done and overdue, and open ones, one
of them 11 h past the 2 h target), renders ``report --html``'s page from them with the
report's own rows and summary, writes ``dashboard-N.html`` and, when Chromium is found
(``/usr/bin/chromium`` or ``chromium`` on PATH), ``dashboard-N.png`` (1280 px wide, light)
and ``dashboard-N-dark.png`` (dark colour scheme). DIR defaults to ``artifacts/dashboard``.
Prints one line per file written; exits 2 when Chromium is absent and screenshots were
asked for (``--no-screenshots`` writes only the pages).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from hotfix_hooks.report.dashboard import html_page  # noqa: E402
from hotfix_hooks.report.inventory import HotfixRecord, Summary, summarize  # noqa: E402
from hotfix_hooks.report.outputs import row  # noqa: E402

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
TARGET = 120
SIZES = (1, 6, 80, 500)
DEFAULT_OUT = PROJECT / "artifacts" / "dashboard"
WORDS = ("login", "checkout", "payments", "search", "cache", "billing", "auth", "upload", "api")


def records(count: int, now: datetime = NOW) -> list[HotfixRecord]:
    """``count`` hotfixes: the last two open (one 11 h past target when count > 1), the
    rest resolved, opened over a span that grows with the count (a week per hotfix up to
    six, then about 2.5 days each)."""
    rng = random.Random(count)
    span = timedelta(days=7 * count if count <= 6 else 2.5 * count)
    out: list[HotfixRecord] = []
    for i in range(count):
        number = f"{i + 1:03d}"
        title = f"{rng.choice(WORDS)} {rng.choice(('500', 'timeout', 'leak', 'crash'))}"
        is_open = count > 1 and i >= count - 2
        if is_open:
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
    height = 2400
    with tempfile.TemporaryDirectory(prefix="hh-chromium-") as profile:
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
            f"--screenshot={png}",
            f"--window-size=1280,{height}",
        ]
        if dark:
            command.append("--blink-settings=preferredColorScheme=0")
        command.append(html.as_uri())
        subprocess.run(command, check=True, capture_output=True, timeout=120)
    if not png.is_file():
        raise RuntimeError(f"Chromium wrote no screenshot for {html}")


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
    for count in sizes:
        html = args.out / f"dashboard-{count}.html"
        html.write_text(page(count), encoding="utf-8")
        print(html)
        if browser is not None:
            for dark in (False, True):
                png = args.out / f"dashboard-{count}{'-dark' if dark else ''}.png"
                screenshot(browser, html, png, dark=dark)
                print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
