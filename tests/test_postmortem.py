"""The post-mortem after finish (issue 18, item 5): tied from any branch, counted by the
report, and counted only once it is due; a finished hotfix shows as Finished."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import fill_plan, git, hh
from tests.test_lifecycle import run

BRANCH = "hotfix/042-login-500"


def finished(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTFIX_HOOKS_NOW", "2026-11-26T04:05:00+01:00")  # Created
    git(repo, "checkout", "-q", "-b", BRANCH)
    fill_plan(repo)
    (repo / "app.py").write_text("print('fixed')\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "T001: guard null user")
    proc = run(repo, "finish", now="2026-11-26T04:30:00+01:00")  # no resolve before it
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "📋 Still due:" in out
    assert "T005: Root cause analysis — due 2026-11-28 04:30" in out
    assert "T007: Post-mortem — due 2026-12-03 04:30" in out
    assert 'git commit --allow-empty -m "042/T007: post-mortem written"' in out


def report(repo: Path, now: str) -> dict[str, object]:
    proc = run(repo, "report", "--json", now=now)
    assert proc.returncode == 0, proc.stderr
    data: dict[str, object] = json.loads(proc.stdout)
    return data


def test_post_mortem_tied_after_finish_from_main(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    finished(installed, monkeypatch)
    data = report(installed, "2026-11-27T09:00:00+01:00")  # a day later: nothing due yet
    row = data["hotfixes"][0]  # type: ignore[index]
    assert row["status"] == "Finished" and not row["postmortem_done"]
    summary = data["summary"]
    assert summary["postmortems_done"] is None and summary["postmortems_due"] == 0  # type: ignore[index]
    text = run(installed, "report", now="2026-11-27T09:00:00+01:00").stdout
    assert "Post-mortems done: — (none due yet" in text and "OFF TARGET" not in text
    late = report(installed, "2026-12-05T09:00:00+01:00")["summary"]
    assert late["postmortems_done"] == 0.0 and late["overdue_postmortems"] == ["042"]  # type: ignore[index]
    (installed / "postmortem.md").write_text("what happened\n", encoding="utf-8")
    git(installed, "add", "postmortem.md")
    proc = git(installed, "commit", "-q", "-m", "042/T007: post-mortem written", check=False)
    assert proc.returncode == 0, proc.stderr
    message = git(installed, "log", "-1", "--format=%B").stdout
    assert message.count("Hotfix: 042") == 1 and message.count("Task: T007") == 1
    done = report(installed, "2026-12-05T09:00:00+01:00")
    assert done["hotfixes"][0]["postmortem_done"] is True  # type: ignore[index]
    assert done["summary"]["postmortems_done"] == 1.0  # type: ignore[index]


def test_the_tie_is_checked_and_counts_without_the_hooks(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    finished(installed, monkeypatch)
    for subject, why in (
        ("043/T007: wrong number", "does not know"),
        ("042/T009: no such task", "T009 is not a task of hotfix 042"),
    ):
        proc = git(installed, "commit", "-q", "--allow-empty", "-m", subject, check=False)
        assert proc.returncode == 1 and why in proc.stderr, proc.stderr
    assert git(installed, "log", "-1", "--format=%s").stdout.strip().startswith("Merge")
    ordinary = git(installed, "commit", "-q", "--allow-empty", "-m", "2024/25 budget", check=False)
    assert ordinary.returncode == 0  # not a tie: untouched
    git(
        installed,
        "-c",
        "core.hooksPath=/dev/null",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "42/t7 post-mortem, committed without the hooks",
    )
    assert "Hotfix:" not in git(installed, "log", "-1", "--format=%B").stdout
    done = report(installed, "2026-12-05T09:00:00+01:00")
    assert done["hotfixes"][0]["postmortem_done"] is True  # type: ignore[index]
    assert hh(installed, "status").returncode == 0
