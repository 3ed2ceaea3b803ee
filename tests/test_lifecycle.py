from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotfix_hooks.cli import cli
from tests.conftest import HOTFIX_DIR, fill_plan, git, hh

GOLDEN = Path(__file__).parent / "golden"
NOW = "2026-11-26T04:05:00+01:00"


def run(repo: Path, *args: str, now: str | None = NOW) -> subprocess.CompletedProcess[str]:
    """``hotfix-hooks ARGS`` in ``repo`` at the moment ``now`` (HOTFIX_HOOKS_NOW)."""
    import os

    env = dict(os.environ)
    if now:
        env["HOTFIX_HOOKS_NOW"] = now
    return hh(repo, *args, env=env)


# -- new -------------------------------------------------------------------------------------


def test_new_numbers_over_branches_remotes_and_dirs(installed: Path, remote: Path) -> None:
    git(installed, "branch", "hotfix/003-old")
    git(installed, "push", "-q", "--no-verify", "origin", "main:hotfix/007-remote-only")
    git(installed, "fetch", "-q", "origin")
    (installed / ".specswarm/features/005-hotfix").mkdir(parents=True)
    proc = run(installed, "new", "Zoë's café", "is", "down!")
    assert proc.returncode == 0, proc.stderr
    assert (
        git(installed, "symbolic-ref", "--short", "HEAD").stdout.strip()
        == "hotfix/008-zoe-s-cafe-is-down"
    )
    text = (installed / ".specswarm/features/008-hotfix/hotfix.md").read_text(encoding="utf-8")
    assert text.startswith("# Hotfix 008: Zoë's café is down!\n")
    assert "**Created**: 2026-11-26 04:05:00 +01:00" in text


def test_new_fills_fields_and_stages(repo: Path) -> None:
    proc = run(
        repo,
        "new",
        "Login 500",
        "--summary",
        "login fails",
        "--impact",
        "all users",
        "--rollback",
        "revert to v1.4.2",
        "--trigger",
        "5xx > 2 %",
    )
    assert proc.returncode == 0, proc.stderr
    text = (repo / ".specswarm/features/001-hotfix/hotfix.md").read_text(encoding="utf-8")
    assert "**What's Broken**: login fails" in text
    assert "**Impact**: all users" in text
    assert "**3. Rollback Plan**:\n- revert to v1.4.2\n" in text
    assert "**Rollback Trigger**: 5xx > 2 %" in text
    committed = git(repo, "show", "--name-only", "--format=%s", "HEAD").stdout.split("\n")
    assert committed[0] == "T001: open the record of hotfix 001"  # the docs on their own
    assert ".specswarm/features/001-hotfix/hotfix.md" in committed
    git(repo, "commit", "-q", "--allow-empty", "-m", "T001: start")
    assert hh(repo, "check").returncode == 0


def test_new_taken_number_or_branch_exits_2_and_changes_nothing(repo: Path) -> None:
    git(repo, "branch", "hotfix/004-x")
    proc = run(repo, "new", "--number", "4", "y")
    assert proc.returncode == 2 and "taken" in proc.stderr
    git(repo, "branch", "hotfix/005-same")
    proc = run(repo, "new", "--number", "5", "same")
    assert proc.returncode == 2
    assert git(repo, "symbolic-ref", "--short", "HEAD").stdout.strip() == "main"
    assert run(repo, "new", "--base", "nope", "z").returncode == 2
    assert run(repo, "new", "--number", "x1").returncode == 2


def test_new_without_a_terminal_never_waits(repo: Path) -> None:
    proc = subprocess.run(
        ("hotfix-hooks", "new", "no", "prompt"),
        cwd=repo,
        capture_output=True,
        text=True,
        input="",
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr


def test_new_with_cli_runner(repo: Path) -> None:
    result = CliRunner().invoke(cli, ["new", "runner", "--rollback", "undo it"])
    assert result.exit_code == 0, result.output
    assert "Hotfix 001 started" in result.output


# -- status ----------------------------------------------------------------------------------


def test_status_on_hotfix_branch(installed: Path) -> None:
    git(installed, "checkout", "-q", "-b", "hotfix/042-login-500")
    git(installed, "commit", "-q", "-m", "T001: fix")
    proc = run(installed, "status", now=None)
    assert proc.returncode == 0, proc.stderr
    assert "Hotfix 042: Login 500" in proc.stdout
    assert "T001  Implement Hotfix" in proc.stdout and "T001: fix" in proc.stdout
    assert "Rollback plan: working tree ✗ · HEAD ✗" in proc.stdout
    assert "Next: write the Rollback Plan" in proc.stdout
    data = json.loads(run(installed, "status", "--json", now="2099-01-01T00:00:00+00:00").stdout)
    assert data["over_target"] is True
    assert [t["task"] for t in data["tasks"]][:2] == ["T001", "T002"]
    assert data["tasks"][0]["commits"][0]["subject"] == "T001: fix"
    fill_plan(installed)
    data = json.loads(run(installed, "status", "--json").stdout)
    assert data["rollback_plan"] == {"working_tree": True, "head": False, "problems": []}
    assert data["next"].startswith("commit the plan")


def test_status_off_branch(repo: Path) -> None:
    assert run(repo, "status").stdout.strip() == "no active hotfix"
    git(repo, "checkout", "-q", "-b", "hotfix/042-x")
    assert hh(repo, "scaffold").returncode == 0
    git(repo, "commit", "-q", "-m", "docs")
    git(repo, "checkout", "-q", "main")
    assert "active: hotfix 042" in run(repo, "status").stdout


# -- rollback / resolve: golden files --------------------------------------------------------


@pytest.fixture
def hand_edited(repo: Path) -> Path:
    git(repo, "checkout", "-q", "-b", "hotfix/042-login-500")
    target = repo / HOTFIX_DIR
    target.mkdir(parents=True)
    (target / "hotfix.md").write_bytes((GOLDEN / "hand-edited.md").read_bytes())
    return target / "hotfix.md"


def test_rollback_and_resolve_golden(repo: Path, hand_edited: Path) -> None:
    proc = run(repo, "rollback", "--yes", "--reason", "errors up", now="2026-11-26T03:40:00+01:00")
    assert proc.returncode == 0, proc.stderr
    assert "kubectl rollout undo deploy/login" in proc.stdout
    assert "5xx > 2 % for 5 min" in proc.stdout
    assert "incident commander" in proc.stdout
    # hotfix.md is left as it was: the rollback is one line of events.md
    assert hand_edited.read_bytes() == (GOLDEN / "hand-edited.md").read_bytes()
    events = hand_edited.parent / "events.md"
    assert events.read_bytes() == (GOLDEN / "events-after-rollback.md").read_bytes()
    proc = run(repo, "resolve", "--postmortem")
    assert proc.returncode == 0, proc.stderr
    assert "T005: Root cause analysis — due 2026-11-28 04:05:00 +01:00" in proc.stdout
    assert "T007: Post-mortem — due 2026-12-03 04:05:00 +01:00" in proc.stdout
    assert "53m" in proc.stdout
    assert hand_edited.read_bytes() == (GOLDEN / "after-resolve.md").read_bytes()
    assert events.read_bytes() == (GOLDEN / "events-after-resolve.md").read_bytes()
    postmortem = (hand_edited.parent / "post-mortem.md").read_text(encoding="utf-8")
    assert "## Root Cause (five whys)" in postmortem and "53m" in postmortem
    assert "already resolved" in run(repo, "resolve").stdout


def test_the_post_mortem_asked_for_after_resolve_is_written(repo: Path, hand_edited: Path) -> None:
    """`resolve`, then `resolve --postmortem` a day later: the draft is written from the
    resolution recorded (its duration, not a day's), and its commit advice works."""
    import shlex

    assert run(repo, "resolve").returncode == 0
    proc = run(repo, "resolve", "--postmortem", now="2026-11-27T10:00:00+01:00")
    assert proc.returncode == 0, proc.stderr
    assert "already resolved" in proc.stdout and "✓ Created" in proc.stdout
    postmortem = (hand_edited.parent / "post-mortem.md").read_text(encoding="utf-8")
    assert "**Time to Resolution**: 53m" in postmortem
    advice = proc.stdout.strip().splitlines()[-1]
    assert advice.startswith("Commit it: git commit -m ")
    command = advice.removeprefix("Commit it: ").split(" && ")[0]
    assert git(repo, *shlex.split(command)[1:]).returncode == 0
    again = run(repo, "resolve", "--postmortem", now="2026-11-27T11:00:00+01:00")
    assert again.returncode == 0 and "already exists: left as it is" in again.stderr
    assert "Commit it" not in again.stdout


def test_a_second_rollback_keeps_the_first_time(repo: Path, hand_edited: Path) -> None:
    first = run(repo, "rollback", "--yes", "--reason", "errors up", now="2026-11-26T03:40:00+01:00")
    assert first.returncode == 0, first.stderr
    recorded = hand_edited.read_bytes()
    again = run(repo, "rollback", "--yes", "--reason", "again", now="2026-11-26T03:55:00+01:00")
    assert again.returncode == 0, again.stderr
    assert "kubectl rollout undo deploy/login" in again.stdout  # the plan is shown still
    assert (
        "already (Rollback Triggered: yes (2026-11-26 03:40:00 +01:00, by Zoë Ångström)): kept"
        in again.stdout
    )
    assert "Nothing recorded" in again.stdout and "Commit it" not in again.stdout
    assert hand_edited.read_bytes() == recorded


def test_resolve_with_seed_layout_edits_only_status(installed: Path) -> None:
    git(installed, "checkout", "-q", "-b", "hotfix/042-x")
    path = installed / HOTFIX_DIR / "hotfix.md"
    before = path.read_text(encoding="utf-8").splitlines()
    assert run(installed, "resolve", now=None).returncode == 0
    after = path.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=False) if a != b]
    assert changed == [("**Status**: Active", "**Status**: Resolved")]
    assert len(after) == len(before)  # the resolution itself is a line of events.md
    events = (installed / HOTFIX_DIR / "events.md").read_text(encoding="utf-8")
    assert " · resolved · Zoë Ångström · time to resolution " in events


def test_resolve_bad_created(repo: Path, hand_edited: Path) -> None:
    text = hand_edited.read_text(encoding="utf-8").replace(
        "2026-11-26 03:12 +01:00", "yesterday-ish"
    )
    hand_edited.write_text(text, encoding="utf-8")
    proc = run(repo, "resolve")
    assert proc.returncode == 2
    assert "Created" in proc.stderr and "Traceback" not in proc.stderr
    assert hand_edited.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("command", ["rollback", "resolve"])
def test_lifecycle_needs_a_hotfix_branch_and_doc(repo: Path, command: str) -> None:
    proc = run(repo, command)
    assert proc.returncode == 2 and "not a hotfix branch" in proc.stderr
    git(repo, "checkout", "-q", "-b", "hotfix/042-nodoc")
    proc = run(repo, command)
    assert proc.returncode == 2 and "missing" in proc.stderr and "Traceback" not in proc.stderr


def test_resolve_on_doc_without_fields(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "hotfix/042-bare")
    (repo / HOTFIX_DIR).mkdir(parents=True)
    (repo / HOTFIX_DIR / "hotfix.md").write_text("# my own notes\n", encoding="utf-8")
    proc = run(repo, "resolve")
    assert proc.returncode == 2 and "Created" in proc.stderr
    assert run(repo, "rollback", "--yes").returncode == 0
    assert (repo / HOTFIX_DIR / "hotfix.md").read_text(encoding="utf-8") == "# my own notes\n"
    assert " · rollback · " in (repo / HOTFIX_DIR / "events.md").read_text(encoding="utf-8")


# -- report ----------------------------------------------------------------------------------

FIXTURE = {
    # number: (created, resolved or None, rollback, checklist done)
    "001": ("2026-11-01 10:00 +00:00", "2026-11-01 10:30 +00:00", False, True),
    "002": ("2026-11-05 09:00 +02:00", "2026-11-05 10:30 +02:00", False, False),
    "003": ("2026-11-10 22:00 -05:00", "2026-11-11 00:30 -05:00", True, False),
    "004": ("2026-11-25 08:00 +00:00", None, False, False),
}


def make_hotfixes(repo: Path) -> None:
    for number, (created, resolved, rollback, done) in FIXTURE.items():
        directory = repo / f".specswarm/features/{number}-hotfix"
        directory.mkdir(parents=True)
        box = "x" if done else " "
        lines = [
            f"# Hotfix {number}: Fixture {number}",
            f"**Created**: {created}",
            f"**Status**: {'Resolved' if resolved else 'Active'}",
            "## Post-Mortem Required",
            f"- [{box}] Root cause analysis",
            f"- [{box}] Team retrospective",
            "## Metadata",
        ]
        if resolved:
            lines.append(f"**Resolved**: {resolved}")
        if rollback:
            lines.append("**Rollback Triggered**: yes (2026-11-10 23:00 -05:00)")
        (directory / "hotfix.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_report_json_figures(repo: Path) -> None:
    make_hotfixes(repo)
    proc = run(repo, "report", "--json", now="2026-11-26T12:00:00+00:00")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    rows = {r["hotfix"]: r for r in data["hotfixes"]}
    assert rows["001"]["time_to_resolution_seconds"] == 1800
    assert rows["002"]["time_to_resolution_seconds"] == 5400
    assert rows["003"]["time_to_resolution_seconds"] == 9000
    assert rows["004"]["time_to_resolution_seconds"] is None
    summary = data["summary"]
    assert summary["count"] == 4 and summary["resolved"] == 3
    assert summary["median_minutes"] == 90.0 and summary["mean_minutes"] == 90.0
    assert summary["within_target"] == round(2 / 3, 4)
    assert summary["rollback_rate"] == 0.25
    assert summary["postmortems_done"] == round(1 / 3, 4)
    assert summary["overdue_postmortems"] == ["002", "003"]
    since = json.loads(run(repo, "report", "--json", "--since", "2026-11-05").stdout)
    assert [r["hotfix"] for r in since["hotfixes"]] == ["002", "003", "004"]
    assert run(repo, "report", "--since", "last week").returncode == 2


def test_report_reads_branch_tips_and_t007_commits(installed: Path) -> None:
    git(installed, "checkout", "-q", "-b", "hotfix/042-x")
    git(installed, "commit", "-q", "-m", "T001: docs")
    assert run(installed, "resolve", now=None).returncode == 0
    git(installed, "commit", "-q", "-am", "T004: resolved")
    git(installed, "commit", "-q", "--allow-empty", "-m", "T007: post-mortem held")
    git(installed, "push", "-q", "--no-verify", "origin", "hotfix/042-x")
    git(installed, "checkout", "-q", "main")
    git(installed, "branch", "-D", "-q", "hotfix/042-x")
    data = json.loads(run(installed, "report", "--json", now=None).stdout)
    (row,) = data["hotfixes"]
    assert row["hotfix"] == "042" and row["status"] == "Resolved"
    assert row["source"] == "origin/hotfix/042-x"
    assert row["postmortem_done"] is True


def test_report_write_keeps_foreign_keys(repo: Path) -> None:
    make_hotfixes(repo)
    metrics = repo / ".specswarm/workflow-metrics.json"
    metrics.write_text(
        json.dumps(
            {
                "owner": "sre",
                "features": {"001-hotfix": {"note": "keep"}, "100-bugfix": {"workflow": "bugfix"}},
                "summary": {"last_30_days": {"bugfix": {"count": 3}}},
            }
        ),
        encoding="utf-8",
    )
    proc = run(repo, "report", "--write", now="2026-11-26T12:00:00+00:00")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(metrics.read_text(encoding="utf-8"))
    assert data["owner"] == "sre"
    assert data["features"]["100-bugfix"] == {"workflow": "bugfix"}
    assert data["features"]["001-hotfix"]["note"] == "keep"
    assert data["features"]["001-hotfix"]["workflow"] == "hotfix"
    assert data["features"]["001-hotfix"]["total_duration_seconds"] == 1800
    assert data["features"]["002-hotfix"]["timestamp"] == "2026-11-05T10:30:00+02:00"
    assert data["summary"]["last_30_days"]["bugfix"] == {"count": 3}
    assert data["summary"]["last_30_days"]["hotfix"] == {"count": 3, "avg_duration_hours": 1.5}


def test_report_corrupt_metrics_is_an_error_and_untouched(repo: Path) -> None:
    make_hotfixes(repo)
    metrics = repo / ".specswarm/workflow-metrics.json"
    metrics.write_text("{not json", encoding="utf-8")
    proc = run(repo, "report", "--write")
    assert (
        proc.returncode == 2
        and "workflow-metrics.json" in proc.stderr
        and "Traceback" not in proc.stderr
    )
    assert metrics.read_text(encoding="utf-8") == "{not json"


def test_report_write_creates_metrics(repo: Path) -> None:
    make_hotfixes(repo)
    assert run(repo, "report", "--write").returncode == 0
    data = json.loads((repo / ".specswarm/workflow-metrics.json").read_text(encoding="utf-8"))
    features = data["features"]
    assert sorted(features) == [f"{number}-hotfix" for number in sorted(FIXTURE)]
    assert {entry["workflow"] for entry in features.values()} == {"hotfix"}
    assert features["001-hotfix"]["total_duration_seconds"] == 1800


def test_report_html(repo: Path, tmp_path: Path) -> None:
    make_hotfixes(repo)
    page = tmp_path / "report.html"
    assert run(repo, "report", "--html", str(page)).returncode == 0
    html = page.read_text(encoding="utf-8")
    assert (
        "<svg" in html
        and "<script" not in html
        and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    )
    assert html.count("<tr data-hotfix=") == 4  # one table row per hotfix


def test_report_text_and_empty(repo: Path) -> None:
    assert run(repo, "report").stdout.strip() == "no hotfixes found"
    make_hotfixes(repo)
    out = run(repo, "report", now="2026-11-26T12:00:00+00:00").stdout
    assert "Time to resolve: median 1h 30m, mean 1h 30m" in out
    assert "Overdue post-mortems: 002, 003" in out


def test_report_unparseable_date_warns(repo: Path) -> None:
    make_hotfixes(repo)
    path = repo / ".specswarm/features/002-hotfix/hotfix.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("2026-11-05 09:00 +02:00", "soon"),
        encoding="utf-8",
    )
    proc = run(repo, "report", "--json")
    assert proc.returncode == 0
    assert "unparseable Created 'soon'" in proc.stderr


def on_terminal(repo: Path, *args: str, typed: bytes = b"") -> subprocess.CompletedProcess[str]:
    """Run hotfix-hooks with a pseudo-terminal as stdin, ``typed`` already waiting there."""
    import os
    import pty

    master, slave = pty.openpty()
    try:
        os.write(master, typed)
        return subprocess.run(
            ("hotfix-hooks", *args),
            cwd=repo,
            stdin=slave,
            capture_output=True,
            text=True,
            timeout=30,
        )
    finally:
        os.close(slave)
        os.close(master)


def test_new_prompts_on_a_terminal(repo: Path) -> None:
    proc = on_terminal(
        repo, "new", "tty", typed=b"login is broken\n\nrevert to v1.4.2\n"
    )  # impact skipped
    assert proc.returncode == 0, proc.stderr
    assert "Rollback plan" in proc.stdout
    text = (repo / ".specswarm/features/001-hotfix/hotfix.md").read_text(encoding="utf-8")
    assert "**What's Broken**: login is broken" in text
    assert "- Users affected: [scope]" in text  # skipped: placeholder kept
    assert "**3. Rollback Plan**:\n- revert to v1.4.2\n" in text


def test_new_asks_for_the_trigger_where_the_rules_require_one(repo: Path) -> None:
    (repo / ".hotfix-hooks.toml").write_text("rollback_trigger_required = true\n", "utf-8")
    git(repo, "add", ".hotfix-hooks.toml")
    git(repo, "commit", "-q", "-m", "rules")
    typed = b"login is broken\n\nrevert to v1.4.2\nerrors above 2 % for 5 min\n"
    proc = on_terminal(repo, "new", "tty", typed=typed)
    assert proc.returncode == 0, proc.stderr
    assert "Rollback trigger" in proc.stdout
    text = (repo / ".specswarm/features/001-hotfix/hotfix.md").read_text(encoding="utf-8")
    assert "errors above 2 % for 5 min" in text


def test_scaffold_prompts_for_number_on_a_terminal(repo: Path) -> None:
    proc = on_terminal(repo, "scaffold", typed=b"7\n")
    assert proc.returncode == 0, proc.stderr
    assert "No hotfix branch detected" in proc.stdout
    assert (repo / ".specswarm/features/007-hotfix/hotfix.md").is_file()


def test_pre_push_on_a_terminal_does_not_wait(repo: Path) -> None:
    proc = on_terminal(repo, "hook", "pre-push", "origin", "url")
    assert proc.returncode == 2 and "stdin" in proc.stderr


def test_status_json_reports_zero_elapsed_as_zero(installed: Path) -> None:
    git(installed, "checkout", "-q", "-b", "hotfix/042-now")
    created = (installed / HOTFIX_DIR / "hotfix.md").read_text(encoding="utf-8")
    stamp = next(line for line in created.splitlines() if line.startswith("**Created**:"))
    moment = stamp.split(": ", 1)[1]  # "2026-11-26 16:20:07 +00:00"
    iso = moment[:10] + "T" + moment[11:19] + moment[20:]
    data = json.loads(run(installed, "status", "--json", now=iso).stdout)
    assert data["elapsed_seconds"] == 0 and data["elapsed"] == "0s"
