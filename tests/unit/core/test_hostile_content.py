"""Content anyone who can push controls: shown on a terminal, never obeyed; its dates bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotfix_hooks.core import ui


def test_terminal_escapes_from_content_are_shown_not_sent() -> None:
    hostile = "plan\x1b]0;PWNED\x07\x1b[2J \x1b[8mhidden\x1b[0m\r\x9b2J\ttab"
    assert ui.shown(hostile) == "plan^[]0;PWNED^G^[[2J ^[[8mhidden\x1b[0m^M\\x9b2J\ttab"


def test_our_own_colours_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    painted = ui.paint("ok", "green") + ui.paint("!", "bold")
    assert ui.shown(painted) == painted == "\x1b[32mok\x1b[0m\x1b[1m!\x1b[0m"


def test_old_workflow_commands_are_broken_under_github_actions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = "  05f252afa1 ##[stop-commands]pwn3d  [no task]"
    assert ui.shown(line) == line
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert "##[" not in ui.shown(line)


@pytest.mark.parametrize(
    "stamp", ["0001-01-01 00:00 +14:00", "9999-12-31 23:59 -14:00", "1969-12-31 23:59 +00:00"]
)
def test_stamps_outside_the_years_of_incidents_are_not_stamps(stamp: str) -> None:
    """Year 1 or 9999 in a hotfix.md would overflow a report's date arithmetic."""
    from hotfix_hooks.core import clock
    from hotfix_hooks.document.fields import parse_stamp

    with pytest.raises(clock.BadTimestampError, match="outside 1970-2999"):
        clock.parse(stamp)
    assert parse_stamp(stamp) is None


def test_the_monthly_trend_spans_the_latest_three_years_at_most() -> None:
    from datetime import timezone

    from hotfix_hooks.report.dashboard import TREND_MONTHS, months

    rows = [
        {
            "created": f"{year}-01-01T00:00:00+00:00",
            "status": "Resolved",
            "hotfix": str(year),
            "time_to_resolution_seconds": 60,
        }
        for year in (1970, 2999)
    ]
    trend = months(rows, timezone.utc)
    assert len(trend) == TREND_MONTHS


def test_a_resolution_before_the_start_is_not_believed() -> None:
    from hotfix_hooks.report.inventory import record_from_bytes

    doc = (
        "# Hotfix 001: x\n\n**Created**: 2026-11-01 10:00 +00:00\n\n**Status**: Resolved\n\n"
        "**Resolved**: 2026-10-01 10:00 +00:00\n"
    )
    record = record_from_bytes("001", doc.encode(), "working tree", "hotfix.md")
    assert record.created is not None and record.resolved is None
    assert record.duration is None
    assert any("is before" in p for p in record.problems)


def test_ci_annotations_for_a_failed_plan_and_untied_commits(tmp_path: Path) -> None:
    """In-process: the annotations `check` prints under GitHub Actions (the CI scripts'
    own tests run check in subprocesses that coverage does not follow)."""
    from pathlib import PurePosixPath

    from hotfix_hooks.document.model import HotfixDocument
    from hotfix_hooks.enforce.github import violation_annotations, workspace_path
    from hotfix_hooks.policy import rules
    from hotfix_hooks.policy.rollback_plan import judge

    path = PurePosixPath("docs/042-hotfix/hotfix.md")
    doc = HotfixDocument.parse(b"# Hotfix 042: x\n\n**3. Rollback Plan**:\n- TBD\n")
    plan = rules.PlanFacts(str(path), "ok", judge(doc))
    untied = rules.CommitFacts("b" * 40, b"guard null user\n", 1)
    tie = rules.TieFacts([untied], [("T001", "Implement")], [])
    facts = rules.Facts("042", "hotfix/042-x", "a" * 40, plan=plan, tie=tie)
    lines = violation_annotations(tmp_path, rules.run("check", facts), {})
    assert lines[0].startswith("::error file=docs/042-hotfix/hotfix.md,line=")
    assert "title=hotfix-hooks HH001 rollback-plan" in lines[0]
    assert "write there how to roll back" in lines[0]
    assert lines[1].startswith("::warning title=hotfix-hooks HH002")  # no trigger at all
    assert lines[2].startswith("::error title=hotfix-hooks HH003 task-tie::")
    assert "bbbbbbbbbb (guard null user) names no task" in lines[2]
    missing = facts._replace(plan=rules.PlanFacts(str(path), "missing", None), tie=None)
    (line,) = violation_annotations(tmp_path, rules.run("check", missing), {})
    assert line.startswith("::error title=") and "hotfix-hooks scaffold" in line
    unreadable = missing._replace(
        plan=rules.PlanFacts(str(path), "unreadable", None, unreadable="not UTF-8")
    )
    (line,) = violation_annotations(tmp_path, rules.run("check", unreadable), {})
    assert "readable hotfix document" in line and "not UTF-8" in line
    (tmp_path / "repo").mkdir()
    env = {"GITHUB_WORKSPACE": str(tmp_path)}
    assert workspace_path(tmp_path / "repo", path, env) == f"repo/{path}"
    assert workspace_path(tmp_path / "repo", path, {"GITHUB_WORKSPACE": "/elsewhere"}) == str(path)
