"""The post-mortem timeline, from git, on a scripted incident with a fixed clock."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import COVERAGE_ENV, HOTFIX_DIR, fill_plan, git, hh

BRANCH = "hotfix/042-login-500"


def at(clock: str, *, measured: bool = True, **extra: str) -> dict[str, str]:
    """The environment at 2026-11-26 ``clock`` +01:00, for git and for our commands;
    ``measured=False`` for the incident's setup (no coverage of the hooks it runs)."""
    moment = f"2026-11-26T{clock}:00+01:00"
    return {
        **{k: v for k, v in os.environ.items() if measured or k not in COVERAGE_ENV},
        "HOTFIX_HOOKS_NOW": moment,
        "GIT_COMMITTER_DATE": moment,
        "GIT_AUTHOR_DATE": moment,
        **extra,
    }


def hh_at(
    repo: Path, clock: str, *args: str, measured: bool = True
) -> subprocess.CompletedProcess[str]:
    proc = hh(repo, *args, env=at(clock, measured=measured))
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture
def incident(installed: Path) -> Path:
    repo = installed
    git(repo, "checkout", "-q", "-b", BRANCH, env=at("03:12", measured=False))
    fill_plan(repo)
    (repo / "app.py").write_text("print('guarded')\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "T001: guard null user", env=at("03:21", measured=False))
    git(repo, "push", "-q", "origin", BRANCH, env=at("03:26", measured=False))
    sam = at(
        "03:30", measured=False, GIT_AUTHOR_NAME="Sam Rivera", GIT_AUTHOR_EMAIL="sam@example.com"
    )
    git(repo, "commit", "-q", "--allow-empty", "-m", "T002: smoke test passes", env=sam)
    hh_at(repo, "03:40", "rollback", "--yes", "--reason", "errors up", measured=False)
    git(repo, "commit", "-q", "-am", "T004: rollback triggered", env=at("03:41", measured=False))
    git(repo, "push", "-q", "origin", BRANCH, env=at("03:42", measured=False))
    hh_at(repo, "04:05", "resolve", "--postmortem", measured=False)
    return repo


def sha(repo: Path, subject: str) -> str:
    return git(
        repo, "log", "--format=%h", "--abbrev=7", f"--grep=^{subject}", BRANCH
    ).stdout.strip()


def test_timeline_rows_are_exact(incident: Path) -> None:
    repo = incident
    data = json.loads(hh_at(repo, "04:06", "timeline", "--json").stdout)
    rows = [
        (
            e["time"],
            e["offset_seconds"],
            e["since_previous_seconds"],
            e["kind"],
            e["event"],
            e["task"],
            e["who"],
        )
        for e in data["events"]
    ]
    t1, t2, t4 = (sha(repo, s) for s in ("T001", "T002", "T004"))
    zoe = "Zoë Ångström"
    assert rows == [
        (
            "2026-11-26T03:12:00+01:00",
            0,
            None,
            "opened",
            "hotfix 042 opened (hotfix.md Created)",
            None,
            None,
        ),
        (
            "2026-11-26T03:12:00+01:00",
            0,
            0,
            "branch",
            f"branch {BRANCH}: created from HEAD",
            None,
            zoe,
        ),
        (
            "2026-11-26T03:21:00+01:00",
            540,
            540,
            "commit",
            f"commit {t1} T001: guard null user",
            "T001",
            zoe,
        ),
        ("2026-11-26T03:26:00+01:00", 840, 300, "push", f"pushed {t1} to origin", None, zoe),
        (
            "2026-11-26T03:30:00+01:00",
            1080,
            240,
            "commit",
            f"commit {t2} T002: smoke test passes",
            "T002",
            "Sam Rivera",
        ),
        (
            "2026-11-26T03:40:00+01:00",
            1680,
            600,
            "rollback",
            "rollback triggered: errors up",
            None,
            zoe,  # who recorded it
        ),
        (
            "2026-11-26T03:41:00+01:00",
            1740,
            60,
            "commit",
            f"commit {t4} T004: rollback triggered",
            "T004",
            zoe,
        ),
        ("2026-11-26T03:42:00+01:00", 1800, 60, "push", f"pushed {t4} to origin", None, zoe),
        (
            "2026-11-26T04:05:00+01:00",
            3180,
            1380,
            "resolved",
            "resolved (time to resolution 53m)",
            None,
            zoe,
        ),
    ]
    assert data["durations_seconds"] == {
        "to first commit": 540,
        "to first push": 840,
        "to rollback": 1680,
        "to resolution": 3180,
    }


def test_timeline_text_markdown_and_the_postmortem(incident: Path) -> None:
    repo = incident
    t1 = sha(repo, "T001")
    text = hh_at(repo, "04:06", "timeline").stdout
    assert text.splitlines()[0] == f"Timeline of hotfix 042: Login 500 ({BRANCH})"
    assert (
        "to first commit: 9m · to first push: 14m · to rollback: 28m · to resolution: 53m" in text
    )
    markdown = hh_at(repo, "04:06", "timeline", "--markdown").stdout
    row = f"| 2026-11-26 03:21:00 +01:00 | +0:09:00 | 9m | commit {t1} T001: guard null user | T001 | Zoë Ångström |"
    assert row in markdown.splitlines()
    postmortem = (repo / HOTFIX_DIR / "post-mortem.md").read_text(encoding="utf-8")
    assert row in postmortem.splitlines()
    assert (
        "| 2026-11-26 04:05:00 +01:00 | +0:53:00 | 23m | resolved (time to resolution 53m) | — "
        "| Zoë Ångström |" in postmortem
    )
    assert (
        "| 2026-11-26 03:40:00 +01:00 | +0:28:00 | 10m | rollback triggered: errors up | — "
        "| Zoë Ångström |" in postmortem
    )


def test_timeline_after_finish_reads_the_record_on_main(incident: Path) -> None:
    repo = incident
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "T007: post-mortem drafted", env=at("04:10"))
    proc = subprocess.run(
        ("hotfix-hooks", "finish", "--push"),
        cwd=repo,
        capture_output=True,
        text=True,
        env=at("04:20"),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(hh_at(repo, "04:30", "timeline", "--json", "--number", "42").stdout)
    kinds = [e["kind"] for e in data["events"]]
    # the branch and its remote-tracking reflog are gone; the commits, record and tag remain
    assert kinds == [
        "opened",
        "commit",
        "commit",
        "rollback",
        "commit",
        "resolved",
        "commit",
        "finished",
    ]
    assert data["events"][-1]["event"] == "finished: tagged hotfix-042"
    assert data["events"][-1]["time"] == "2026-11-26T04:20:00+01:00"
    # on main, without --number: the hotfix finished there (the one opened last)
    plain = hh_at(repo, "04:30", "timeline", "--json")
    assert plain.returncode == 0, plain.stderr
    assert json.loads(plain.stdout) == data
    assert "main is not a hotfix branch: the timeline of hotfix 042" in plain.stderr


def test_timeline_needs_a_hotfix(repo: Path) -> None:
    proc = subprocess.run(
        ("hotfix-hooks", "timeline"), cwd=repo, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2 and "not a hotfix branch" in proc.stderr
    assert "holds no hotfix record" in proc.stderr
    proc = subprocess.run(
        ("hotfix-hooks", "timeline", "-n", "7"),
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (
        proc.returncode == 2 and "007-hotfix/hotfix.md is not in this working tree" in proc.stderr
    )


def test_stamps_to_the_second_keep_the_true_order(installed: Path, tmp_path: Path) -> None:
    """A rollback 19 s after the start is 19 s after it (issue 18.6), not listed before the
    branch was created at "0s"; every event carries the one Created stamp."""
    import sys

    recorder = tmp_path / "record.py"
    recorder.write_text(
        "import sys\nopen(sys.argv[1], 'a').write(sys.stdin.read().replace('\\n', ' ') + '\\n')\n",
        encoding="utf-8",
    )
    log = tmp_path / "events.jsonl"
    argv = json.dumps([sys.executable, str(recorder), str(log)])
    (installed / ".git" / "hotfix-hooks.toml").write_text(
        f"[events]\non_start = {argv}\non_rollback = {argv}\n", encoding="utf-8"
    )

    def moment(clock: str) -> dict[str, str]:
        stamp = f"2026-11-26T{clock}+01:00"
        return {
            **os.environ,
            "HOTFIX_HOOKS_NOW": stamp,
            "GIT_COMMITTER_DATE": stamp,
            "GIT_AUTHOR_DATE": stamp,
        }

    git(installed, "checkout", "-q", "-b", BRANCH, env=moment("03:12:40"))
    text = (installed / HOTFIX_DIR / "hotfix.md").read_text(encoding="utf-8")
    assert "**Created**: 2026-11-26 03:12:40 +01:00" in text
    proc = subprocess.run(
        ("hotfix-hooks", "rollback", "--yes"),
        cwd=installed,
        env=moment("03:12:59"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Rollback Triggered: yes (2026-11-26 03:12:59 +01:00, by Zoë Ångström)" in proc.stdout
    data = json.loads(
        subprocess.run(
            ("hotfix-hooks", "timeline", "--json"),
            cwd=installed,
            env=moment("03:13:30"),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    kinds = [e["kind"] for e in data["events"]]
    assert kinds == ["opened", "branch", "rollback"], kinds
    assert data["durations_seconds"]["to rollback"] == 19
    created = {json.loads(line)["times"]["created"] for line in log.read_text().splitlines()}
    assert created == {"2026-11-26T03:12:40+01:00"}
