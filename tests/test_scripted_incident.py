"""A scripted morning of incidents, through the real hooks, CLI and git with a fixed
clock: a duplicate number, a read-only plan check, a rollback, an overdue hotfix. The
report's figures are worked out by hand below (issue 1, 3, 4 acceptance)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.conftest import fill_plan

DAY = "2026-11-26T"


def at(clock: str) -> dict[str, str]:
    return {**os.environ, "HOTFIX_HOOKS_NOW": f"{DAY}{clock}:00+00:00"}


def sh(repo: Path, clock: str, *argv: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        argv,
        cwd=repo,
        capture_output=True,
        text=True,
        env=at(clock),
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    if ok:
        assert proc.returncode == 0, (argv, proc.stdout, proc.stderr)
    return proc


def test_scripted_incident_report_figures(installed: Path) -> None:
    r = installed
    # 001 at 01:00, fixed, plan read (not a rollback), resolved at 01:45: 45 min
    sh(r, "01:00", "git", "checkout", "-q", "-b", "hotfix/001-checkout-500")
    fill_plan(r, "001")
    sh(r, "01:10", "git", "commit", "-q", "-am", "T001: guard the cart")
    doc = r / ".specswarm/features/001-hotfix/hotfix.md"
    before = doc.read_bytes()
    plan = sh(r, "01:20", "hotfix-hooks", "plan")
    assert "Revert the release tag" in plan.stdout
    assert doc.read_bytes() == before
    sh(r, "01:45", "hotfix-hooks", "resolve")
    sh(r, "01:46", "git", "commit", "-q", "-am", "T004: resolved")
    sh(r, "01:47", "git", "checkout", "-q", "main")

    # a second "001" from main: warned at checkout, its commit refused
    warn = sh(r, "01:50", "git", "checkout", "-b", "hotfix/001-other")
    assert "hotfix number 001 is already used" in warn.stderr
    (r / "app.py").write_text("other\n", encoding="utf-8")
    refused = sh(r, "01:51", "git", "commit", "-am", "T001: other", ok=False)
    assert refused.returncode == 1
    sh(r, "01:52", "git", "commit", "-q", "--no-verify", "-am", "T001: other anyway")
    sh(r, "01:53", "git", "checkout", "-q", "main")

    # 002 at 02:00, rolled back at 02:30, resolved at 04:30: 2h 30m, over target
    sh(r, "02:00", "git", "checkout", "-q", "-b", "hotfix/002-login")
    fill_plan(r, "002")
    sh(r, "02:10", "git", "commit", "-q", "-am", "T001: login")
    sh(r, "02:30", "hotfix-hooks", "rollback", "--yes", "--reason", "errors up")
    sh(r, "04:30", "hotfix-hooks", "resolve")
    sh(r, "04:31", "git", "commit", "-q", "-am", "T004: resolved")
    sh(r, "04:32", "git", "checkout", "-q", "main")

    # 003 at 05:00, still active at 08:00: 3 h old, past the 2 h target
    sh(r, "05:00", "git", "checkout", "-q", "-b", "hotfix/003-search")
    fill_plan(r, "003")
    sh(r, "05:05", "git", "commit", "-q", "-am", "T001: search")
    sh(r, "05:06", "git", "checkout", "-q", "main")

    data = json.loads(sh(r, "08:00", "hotfix-hooks", "report", "--json").stdout)
    rows = {(h["hotfix"], h["branch"]): h for h in data["hotfixes"]}
    assert set(rows) == {
        ("001", "hotfix/001-checkout-500"),
        ("001", "hotfix/001-other"),
        ("002", "hotfix/002-login"),
        ("003", "hotfix/003-search"),
    }
    assert rows[("001", "hotfix/001-checkout-500")]["time_to_resolution_seconds"] == 45 * 60
    assert rows[("001", "hotfix/001-checkout-500")]["rollback_triggered"] is False
    assert rows[("002", "hotfix/002-login")]["time_to_resolution_seconds"] == 150 * 60
    assert rows[("003", "hotfix/003-search")]["age_seconds"] == 3 * 3600
    assert rows[("003", "hotfix/003-search")]["over_target"] is True
    assert rows[("001", "hotfix/001-other")]["conflict"] == ["hotfix/001-checkout-500"]

    s = data["summary"]
    # by hand: 4 incidents (the shared number is two), 2 resolved (45 and 150 minutes)
    assert (s["count"], s["resolved"]) == (4, 2)
    assert s["median_minutes"] == 97.5 and s["mean_minutes"] == 97.5  # (45 + 150) / 2
    assert s["within_target"] == 0.5  # 45 min < 2 h; 150 min is not
    assert s["rollback_rate"] == 0.25  # 1 rollback (002) in 4 incidents
    # neither resolved hotfix has its T007 yet, and neither is due (a week after): no figure
    assert s["postmortems_done"] is None and s["postmortems_due"] == 0
    assert s["number_conflicts"] == ["001"]
    assert s["active_over_target"] == ["003"]
    assert set(s["off_target"]) == {"rollback_rate"}

    text = sh(r, "08:00", "hotfix-hooks", "report").stdout
    assert "Rollback rate: 25 % (target < 10 %)  ✗ OFF TARGET" in text
    assert "Active past the target: 003" in text
    assert "NUMBER CONFLICTS: 001" in text
    assert "OVERDUE (3h 00m)" in text

    page = r / "report.html"
    sh(r, "08:00", "hotfix-hooks", "report", "--html", str(page))
    html = page.read_text(encoding="utf-8")
    assert "OVERDUE (3h 00m)" in html and "CONFLICT" in html and "OFF TARGET" in html

    status = sh(r, "08:00", "hotfix-hooks", "status").stdout
    assert "hotfix 003 Search (hotfix/003-search, open 3h 00m) — OVERDUE" in status
    assert "conflict: hotfix 001" in status
