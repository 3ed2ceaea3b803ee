"""A hotfix is a team's (issue 24): several clones of one server (``install --server``)
record, merge and report one incident. Each test plays one item of the issue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.team import BRANCH, DOCS, Team


@pytest.fixture
def team(tmp_path: Path) -> Team:
    return Team(tmp_path / "team")


# -- 3. the record merges --------------------------------------------------------------------


@pytest.mark.parametrize("pull", [("pull", "--no-rebase"), ("pull", "--rebase")])
def test_two_clones_record_events_and_merge_without_a_conflict(
    team: Team, pull: tuple[str, ...]
) -> None:
    ana, ben = team.clones["ana"], team.clone("ben")
    team.start(ana)
    ben.git("fetch", "-q")
    ben.git("checkout", "-q", BRANCH)
    # ana's rollback at 10:10 reaches the server first; ben recorded one at 10:05 (his
    # commit is later), then resolved
    ana.ok("rollback", "--yes", "--reason", "errors up", at="10:10:00")
    ana.git("commit", "-q", "-am", "T004: rollback triggered", at="10:10:30")
    ana.git("push", "-q", at="10:10:40")
    ben.ok("rollback", "--yes", "--reason", "latency", at="10:05:00")
    ben.git("commit", "-q", "-am", "T004: rollback triggered", at="10:05:30")
    ben.ok("resolve", at="10:20:00")
    ben.git("commit", "-q", "-am", "T004: resolved", at="10:20:10")
    merged = ben.run("git", *pull, at="10:21:00")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "CONFLICT" not in merged.stdout + merged.stderr
    events = ben.read(f"{DOCS}/events.md")
    assert events.count(" · rollback · ") == 2 and events.count(" · resolved · ") == 1
    assert "<<<<<<<" not in events
    status = json.loads(ben.ok("status", "--json", at="10:22:00"))
    assert status["status"] == "Resolved"
    assert status["rollback"].startswith("yes (2026-11-26 10:05:00 +00:00, by Ben)")
    timeline = json.loads(ben.ok("timeline", "--json", at="10:22:00"))
    assert [e["kind"] for e in timeline["events"]].count("resolved") == 1
    opened = next(e for e in timeline["events"] if e["kind"] == "opened")["time"]
    first = next(e for e in timeline["events"] if e["kind"] == "rollback")["time"]
    assert (opened, first) == ("2026-11-26T10:00:00+00:00", "2026-11-26T10:05:00+00:00")
    assert timeline["durations_seconds"]["to rollback"] == 300
    ben.git("push", "-q", at="10:22:30")
    proc = ben.hh("finish", "--push", at="10:23:00")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_contradictory_record_is_reported(team: Team) -> None:
    ana, ben = team.clones["ana"], team.clone("ben")
    team.start(ana)
    ben.git("fetch", "-q")
    ben.git("checkout", "-q", BRANCH)
    ana.ok("abort", "--yes", "--reason", "false alarm", at="10:10:00")
    ana.git("commit", "-q", "-am", "T004: cancelled")
    ana.git("push", "-q")
    ben.ok("resolve", at="10:20:00")
    ben.git("commit", "-q", "-am", "T004: resolved", at="10:20:00")
    merged = ben.run("git", "pull", "--no-rebase", at="10:21:00")
    # the events merge; the two Status lines cannot both be true: git asks
    assert f"Merge conflict in {DOCS}/hotfix.md" in merged.stdout
    assert f"Merge conflict in {DOCS}/events.md" not in merged.stdout
    ben.git("checkout", "--ours", "--", f"{DOCS}/hotfix.md")
    ben.git("commit", "-q", "-am", "T004: merged", at="10:22:00")
    events = ben.read(f"{DOCS}/events.md")
    assert " · cancelled · Ana · false alarm" in events and " · resolved · Ben · " in events
    for args in (("status",), ("report",)):
        proc = ben.hh(*args, at="10:23:00")
        assert proc.returncode == 0, proc.stderr
        assert "the record says both resolved (2026-11-26 10:20:00 +00:00 by Ben) and " in (
            proc.stderr
        ), proc.stderr
        assert "cancelled (2026-11-26 10:10:00 +00:00 by Ana)" in proc.stderr


# -- 4. every command knows what the team knows --------------------------------------------


def test_a_clone_behind_says_so_first_and_records_nothing_over_a_newer_record(
    team: Team,
) -> None:
    ana, ben = team.clones["ana"], team.clone("ben")
    team.start(ana)
    ben.git("fetch", "-q")
    ben.git("checkout", "-q", BRANCH)
    ana.ok("rollback", "--yes", at="10:10:00")
    ana.git("commit", "-q", "-am", "T004: rollback triggered")
    ana.ok("resolve", at="10:20:00")
    ana.git("commit", "-q", "-am", "T004: resolved")
    ana.git("push", "-q")
    ben.git("fetch", "-q")  # ben knows: two commits behind
    news = f"origin/{BRANCH} is 2 ahead (they change the record): pull (git pull --no-rebase)"
    for args in (("plan",), ("status",), ("timeline",)):
        proc = ben.hh(*args, at="10:21:00")
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr.splitlines()[0] == f"hotfix-hooks: warning: {news}", proc.stderr
    status = json.loads(ben.ok("status", "--json", at="10:21:00"))
    assert status["team"] == news and status["next"].endswith("git pull --no-rebase")
    before = ben.read(f"{DOCS}/hotfix.md")
    for args in (("rollback", "--yes"), ("resolve",), ("abort", "--yes")):
        proc = ben.hh(*args, at="10:21:00")
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "has a newer record" in proc.stderr
        assert "pull first (git pull --no-rebase)" in proc.stderr
    assert ben.read(f"{DOCS}/hotfix.md") == before
    assert not (ben.path / DOCS / "events.md").exists()
    # a commit of ben's own meanwhile: ahead 1, behind 2 is advised to pull, not to push
    ben.write("smoke.py", "assert True\n")
    ben.git("add", "smoke.py")
    ben.git("commit", "-q", "-m", "T002: smoke test")
    status = json.loads(ben.ok("status", "--json", at="10:22:00"))
    assert status["team"].startswith(f"{BRANCH} and origin/{BRANCH} have diverged (1 here, 2")
    # diverged, under git's defaults (no pull.rebase): the advice as written merges
    assert status["next"] == "bring in what the team pushed first: git pull --no-rebase"
    ben.run(*status["next"].split(": ", 1)[1].split(), check=True)
    status = json.loads(ben.ok("status", "--json", at="10:23:00"))
    assert status["team"] is None and status["status"] == "Resolved"


# -- 5 and 6. one number for the life of the repository; a finished hotfix stays finished --


def finished_by_ana(team: Team) -> None:
    ana = team.clones["ana"]
    team.start(ana)
    proc = ana.hh("finish", "--push", at="10:30:00")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_finished_number_is_never_given_again(team: Team) -> None:
    ana = team.clones["ana"]
    ana.git("push", "-q", "origin", "main:release/1.x")
    finished_by_ana(team)
    ben = team.clone("ben")
    ben.git("checkout", "-q", "release/1.x")  # no features directory here
    proc = ben.hh("new", "cart total", at="11:00:00")
    assert proc.returncode == 0, proc.stderr
    assert ben.git("symbolic-ref", "--short", "HEAD") == "hotfix/002-cart-total"
    again = ben.hh("new", "--number", "1", "again", at="11:01:00")
    assert again.returncode == 2 and "hotfix 001 is taken" in again.stderr
    # the same number again by hand, from the release branch: warned, refused, rejected
    ben.git("checkout", "-q", "-f", "release/1.x")
    checkout = ben.run("git", "checkout", "-b", "hotfix/001-for-1x", at="11:03:00")
    assert "hotfix number 001 is already used by another incident" in checkout.stderr
    assert "finished: tag hotfix-001" in checkout.stderr
    assert "hotfix-hooks renumber 00" in checkout.stderr
    ben.write("app.py", "print('backport')\n")
    refused = ben.run("git", "commit", "-qam", "T001: backport", at="11:04:00")
    assert refused.returncode == 1 and "commit refused" in refused.stderr
    ben.run("git", "commit", "-qam", "T001: backport", "--no-verify", at="11:04:00")
    push = ben.run("git", "push", "--no-verify", "origin", "HEAD", at="11:05:00")
    assert push.returncode != 0
    assert "hotfix 001 is finished (tag hotfix-001" in push.stderr, push.stderr
    # nor is the tag that says so deleted or moved, to make way (another tag is anyone's)
    ben.git("fetch", "-q", "--tags")
    gone = ben.run("git", "push", "origin", ":refs/tags/hotfix-001", at="11:06:00")
    assert gone.returncode != 0 and "this push deletes it" in gone.stderr, gone.stderr
    ben.git("tag", "-f", "hotfix-001", "HEAD")
    moved = ben.run("git", "push", "-f", "origin", "refs/tags/hotfix-001", at="11:06:00")
    assert moved.returncode != 0 and "this push moves it to" in moved.stderr, moved.stderr
    assert "git tag -d hotfix-001" in moved.stderr
    ben.git("tag", "v1.4.3")
    ben.git("push", "-q", "origin", "v1.4.3")
    ben.git("push", "-q", "origin", ":refs/tags/v1.4.3")


def test_a_stale_clone_is_told_its_hotfix_is_finished(team: Team) -> None:
    ana, carl = team.clones["ana"], team.clone("carl")
    team.start(ana)
    carl.git("fetch", "-q")
    carl.git("checkout", "-q", BRANCH)
    carl.write("smoke.py", "assert True\n")
    carl.git("add", "smoke.py")
    carl.git("commit", "-q", "-m", "T002: smoke test")
    proc = ana.hh("finish", "--push", at="10:30:00")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    carl.git("fetch", "-q")
    status = carl.hh("status", at="10:40:00")
    assert "hotfix 001 is finished (tag hotfix-001" in status.stderr
    assert "Status: Finished" in status.stdout
    assert "has 1 commit(s) the finished hotfix does not" in status.stdout
    smoke = carl.git("rev-parse", "HEAD")[:12]
    assert f"git cherry-pick --no-commit {smoke} && git commit -m" in status.stdout
    for args in (("rollback", "--yes"), ("resolve",), ("finish", "--push")):
        proc = carl.hh(*args, at="10:41:00")
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "hotfix 001 is finished" in proc.stderr
    assert not (carl.path / ".git/hotfix-hooks/finish.json").exists()
    push = carl.run("git", "push", "origin", BRANCH, at="10:42:00")
    assert push.returncode != 0 and "hotfix 001 is finished" in push.stderr
    # the advice, pasted: carl's commit ships as a new hotfix's, counted as that one's
    line = next(line for line in status.stdout.splitlines() if "bring them in as its own" in line)
    bring = line.split("bring them in as its own (", 1)[1].split("); for the post-mortem", 1)[0]
    carl.ok("new", "smoke failures", at="10:42:30")
    brought = carl.run("bash", "-c", bring, at="10:42:40")
    assert brought.returncode == 0, brought.stdout + brought.stderr
    message = carl.git("log", "-1", "--format=%B")
    assert "Hotfix: 002" in message and "Hotfix: 001" not in message, message
    # and the branch is left, production is up to date
    carl.git("checkout", "-q", BRANCH)
    leave = next(line for line in status.stdout.splitlines() if "then leave this branch:" in line)
    command = leave.split("then leave this branch: ", 1)[1]
    done = carl.run("bash", "-c", command, at="10:43:00")
    assert done.returncode == 0, done.stderr
    assert carl.git("symbolic-ref", "--short", "HEAD") == "main"
    assert carl.git("rev-parse", "main") == carl.git("rev-parse", "origin/main")


def test_renumber_moves_the_branch_its_folder_and_fields(team: Team) -> None:
    ana = team.clones["ana"]
    team.start(ana, push=False)
    ana.ok("renumber", at="10:05:00")
    assert ana.git("symbolic-ref", "--short", "HEAD") == "hotfix/002-login-500"
    assert not (ana.path / DOCS).exists()
    doc = ana.read(".specswarm/features/002-hotfix/hotfix.md")
    assert doc.startswith("# Hotfix 002: Login 500")
    assert "**Branch**: hotfix/002-login-500" in doc
    assert ana.read(".specswarm/features/002-hotfix/tasks.md").count("Hotfix 002") >= 1
    assert ana.git("status", "--porcelain") == ""
    assert ana.hh("check").returncode == 0
    report = json.loads(ana.ok("report", "--json", at="10:06:00"))
    assert [r["hotfix"] for r in report["hotfixes"]] == ["002"]


# -- 7. the report is the team's ---------------------------------------------------------------


def test_two_up_to_date_clones_print_the_same_report(team: Team) -> None:
    ana, ben = team.clones["ana"], team.clone("ben")
    ben.git("checkout", "-q", "-b", "feature/search")  # ben works elsewhere, main not merged
    team.start(ana)
    ana.ok("rollback", "--yes", at="10:10:00")
    ana.git("commit", "-q", "-am", "T004: rollback triggered", at="10:10:10")
    finished = ana.hh("finish", "--push", at="10:30:00")
    assert finished.returncode == 0, finished.stdout + finished.stderr
    ana.git("checkout", "-q", "-b", "hotfix/002-cart", at="11:00:00")
    ana.write(
        ".specswarm/features/002-hotfix/hotfix.md",
        ana.read(".specswarm/features/002-hotfix/hotfix.md").replace(
            "[How to rollback if hotfix fails]", "Redeploy v1.4.3"
        ),
    )
    ana.git("commit", "-q", "-am", "T001: cart", at="11:01:00")
    ana.git("push", "-q", "-u", "origin", "HEAD", at="11:02:00")
    ana.git("checkout", "-q", "main")
    ben.git("fetch", "-q")
    reports = {}
    for who in (ana, ben):
        text = who.hh("report", at="12:00:00")
        data = who.hh("report", "--json", at="12:00:00")
        assert text.returncode == 0 and data.returncode == 0, text.stderr + data.stderr
        rows = json.loads(data.stdout)
        rows.pop("repository")  # the clone's own path and name, for report --merge
        for row in rows["hotfixes"]:
            row.pop("source")  # where each clone read it: the one thing that may differ
        reports[who.name] = (text.stdout, rows)
    assert reports["ana"] == reports["ben"]
    text, rows = reports["ben"]
    assert [(r["hotfix"], r["status"]) for r in rows["hotfixes"]] == [
        ("001", "Finished"),
        ("002", "Active"),
    ]
    assert rows["summary"]["rollback_rate"] == 0.5


# -- 8. history as it happened ---------------------------------------------------------------


def test_the_docs_are_their_own_commit_a_backport_and_a_revert_leave_the_record(
    team: Team,
) -> None:
    ana = team.clones["ana"]
    ana.git("push", "-q", "origin", "main:release/1.x")
    proc = ana.hh("new", "login 500", "--rollback", "Redeploy v1.4.2", at="10:00:00")
    assert proc.returncode == 0, proc.stderr
    assert ana.git("log", "-1", "--format=%s") == "T001: open the record of hotfix 001"
    assert ana.git("status", "--porcelain") == ""
    ana.write("app.py", "print('fixed')\n")
    ana.git("commit", "-q", "-am", "T001: guard null user", at="10:05:00")
    fix = ana.git("rev-parse", "HEAD")
    assert ana.git("show", "--name-only", "--format=", fix) == "app.py"
    ana.git("checkout", "-q", "-b", "backport", "origin/release/1.x")
    ana.git("cherry-pick", fix, at="10:06:00")  # the fix alone: no stale record along
    assert not (ana.path / ".specswarm").exists()
    ana.git("checkout", "-q", "hotfix/001-login-500")
    ana.git("revert", "--no-edit", fix, at="10:07:00")
    assert (ana.path / ".specswarm/features/001-hotfix/hotfix.md").exists()


def test_a_teammate_without_the_hooks_and_what_git_did_are_in_status_and_timeline(
    team: Team,
) -> None:
    ana, dan = team.clones["ana"], team.clone("dan", hooks=False)
    team.start(ana)
    dan.git("fetch", "-q")
    dan.git("checkout", "-q", BRANCH)
    dan.write("smoke.py", "assert True\n")
    dan.git("add", "smoke.py")
    dan.git("commit", "-q", "-m", "T002: smoke test", at="10:10:00")  # no trailers
    dan.git("push", "-q", at="10:11:00")
    ana.git("pull", "-q", "--no-rebase", at="10:12:00")
    ana.write("app.py", "print('broken')\n")
    ana.git("commit", "-q", "-am", "T001: try a thing", at="10:13:00")
    bad = ana.git("rev-parse", "HEAD")
    ana.git("revert", "--no-edit", bad, at="10:14:00")
    ana.git("commit", "-q", "--allow-empty", "--fixup", bad, at="10:15:00")
    status = json.loads(ana.ok("status", "--json", at="10:20:00"))
    smoke = next(t for t in status["tasks"] if t["task"] == "T002")
    assert [c["subject"] for c in smoke["commits"]] == ["T002: smoke test"]
    timeline = json.loads(ana.ok("timeline", "--json", at="10:20:00"))
    events = [e["event"].split(" ", 2)[-1] for e in timeline["events"] if e["kind"] == "commit"]
    assert "T002: smoke test" in events
    assert 'Revert "T001: try a thing"' in events
    assert "fixup! T001: try a thing" in events
    # a force-push takes the pushed commits out of the branch's history: out of the timeline
    ana.git("push", "-q", at="10:21:00")
    pushed = ana.git("rev-parse", "HEAD")
    ana.git("reset", "-q", "--hard", "HEAD~2")
    ana.git("push", "-q", "--force", at="10:22:00")
    timeline = json.loads(ana.ok("timeline", "--json", at="10:23:00"))
    pushes = [e["commit"] for e in timeline["events"] if e["kind"] == "push"]
    assert pushed not in pushes and ana.git("rev-parse", "HEAD") in pushes


def test_a_conflicted_pull_rebase_a_refused_reword_and_a_squash(team: Team) -> None:
    ana, ben = team.clones["ana"], team.clone("ben")
    team.start(ana)
    ben.git("fetch", "-q")
    ben.git("checkout", "-q", BRANCH)
    ana.write("app.py", "print('ana')\n")
    ana.git("commit", "-q", "-am", "T001: ana's take")
    ana.git("push", "-q")
    ben.write("app.py", "print('ben')\n")
    ben.git("commit", "-q", "-am", "T001: ben's take")
    assert ben.run("git", "pull", "--rebase").returncode != 0  # a conflict: HEAD detached
    status = json.loads(ben.ok("status", "--json"))
    assert status["branch"] == BRANCH
    assert status["next"].startswith("finish the rebase first: resolve the conflicts")
    assert "git rebase --continue" in status["next"]
    assert "Redeploy v1.4.2" in ben.ok("plan")
    proc = ben.hh("rollback", "--yes")
    assert proc.returncode == 1 and "a rebase is in progress" in proc.stderr
    ben.git("checkout", "--theirs", "app.py")
    ben.git("add", "app.py")
    ben.run("git", "-c", "core.editor=true", "rebase", "--continue", check=True)
    # a reword that names no task is refused: the advice amends, then continues the rebase
    editor = team.root / "reword.sh"
    editor.write_text("#!/bin/sh\nprintf 'no task here\\n' > \"$1\"\n", encoding="utf-8")
    editor.chmod(0o755)
    reword = ben.run(
        "git",
        "rebase",
        "-i",
        "HEAD~1",
        GIT_SEQUENCE_EDITOR="sed -i 1s/^pick/reword/",
        GIT_EDITOR=str(editor),
    )
    assert reword.returncode != 0 and "commit refused" in reword.stderr
    fix = next(line for line in reword.stderr.splitlines() if "fix: " in line)
    assert "git commit --amend -m 'T001: no task here' && git rebase --continue" in fix, fix
    done = ben.run("bash", "-c", fix.split("fix: ", 1)[1])
    assert done.returncode == 0, done.stderr
    # a squash of a T001 and a T002 commit is tied to both
    ben.write("smoke.py", "assert True\n")
    ben.git("add", "smoke.py")
    ben.git("commit", "-q", "-m", "T002: smoke test")
    squash = ben.run(
        "git",
        "rebase",
        "-i",
        "HEAD~2",
        GIT_SEQUENCE_EDITOR="sed -i 2s/^pick/squash/",
        GIT_EDITOR="true",
    )
    assert squash.returncode == 0, squash.stderr
    tasks = json.loads(ben.ok("status", "--json"))["tasks"]
    squashed = ben.git("log", "-1", "--format=%s")
    for task in ("T001", "T002"):
        found = next(t for t in tasks if t["task"] == task)
        assert squashed in [c["subject"] for c in found["commits"]], (task, found)
