"""finish and abort, through real git: merges, tags, pushes into a local bare remote."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import HOTFIX_DIR, fill_plan, git, hh
from tests.test_lifecycle import run

BRANCH = "hotfix/042-login-500"


def start(repo: Path, *, plan: bool = True, push: bool = False) -> Path:
    """A hotfix branch with a fix commit (and a real rollback plan unless told)."""
    git(repo, "checkout", "-q", "-b", BRANCH)
    if plan:
        fill_plan(repo)
    (repo / "app.py").write_text("print('fixed')\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "T001: guard null user")
    if push:
        git(repo, "push", "-q", "origin", BRANCH)
    return repo / HOTFIX_DIR / "hotfix.md"


def snapshot(repo: Path) -> tuple[str, ...]:
    """Everything finish could change: refs, HEAD, the index and working tree, the record."""
    return (
        git(repo, "for-each-ref", "--format=%(refname) %(objectname)").stdout,
        git(repo, "symbolic-ref", "HEAD").stdout,
        git(repo, "status", "--porcelain", "--untracked-files=all").stdout,
        git(repo, "diff").stdout,
        (repo / HOTFIX_DIR / "hotfix.md").read_text(encoding="utf-8"),
        (repo / "app.py").read_text(encoding="utf-8"),
    )


def test_finish_merges_tags_and_deletes(installed: Path) -> None:
    start(installed)
    tip = git(installed, "rev-parse", BRANCH).stdout.strip()
    proc = run(installed, "finish", now=None)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    steps = [
        "record the resolution",
        f"merge {BRANCH} into main",
        "tag main as hotfix-042",
        "check out main",
        f"delete branch {BRANCH}",
        "finished: hotfix-042",
    ]
    positions = [out.index(step) for step in steps]
    assert positions == sorted(positions)
    assert git(installed, "symbolic-ref", "--short", "HEAD").stdout.strip() == "main"
    assert not git(
        installed, "rev-parse", "-q", "--verify", f"refs/heads/{BRANCH}", check=False
    ).stdout
    parents = git(installed, "log", "-1", "--format=%P", "main").stdout.split()
    assert len(parents) == 2
    resolved_commit = parents[1]
    assert git(installed, "rev-parse", f"{resolved_commit}^").stdout.strip() == tip
    message = git(installed, "log", "-1", "--format=%B", resolved_commit).stdout
    assert message.startswith("T004: resolved")
    assert message.count("Hotfix: 042") == 1 and message.count("Task: T004") == 1
    assert git(installed, "cat-file", "-t", "hotfix-042").stdout.strip() == "tag"
    assert (
        git(installed, "rev-parse", "hotfix-042^{commit}").stdout.strip()
        == git(installed, "rev-parse", "main").stdout.strip()
    )
    assert git(installed, "tag", "-l", "-n1", "hotfix-042").stdout.split(None, 1)[1].strip() == (
        "Hotfix 042: Login 500"
    )
    text = (installed / HOTFIX_DIR / "hotfix.md").read_text(encoding="utf-8")
    assert "**Status**: Resolved" in text
    assert git(installed, "status", "--porcelain").stdout == ""
    # the number stays taken: the record is on main now
    proc = run(installed, "new", "next one")
    assert proc.returncode == 0, proc.stderr
    assert git(installed, "symbolic-ref", "--short", "HEAD").stdout.strip() == "hotfix/043-next-one"


def test_finish_push_lands_everything_on_the_remote(installed: Path, remote: Path) -> None:
    start(installed)
    git(installed, "push", "-q", "-u", "origin", BRANCH)  # an upstream without the resolution
    assert hh(remote, "install", "--server").returncode == 0
    proc = run(installed, "finish", "--push", now=None)
    assert proc.returncode == 0, proc.stderr
    refs = git(remote, "for-each-ref", "--format=%(refname) %(objectname)").stdout
    assert f"refs/heads/{BRANCH}" not in refs
    assert "refs/tags/hotfix-042" in refs
    assert git(remote, "rev-parse", "main").stdout == git(installed, "rev-parse", "main").stdout
    assert git(remote, "cat-file", "-t", "hotfix-042").stdout.strip() == "tag"
    assert f"origin/{BRANCH}" not in git(installed, "branch", "-r").stdout


def test_finish_without_push_says_so_and_its_command_pushes_it_all(
    installed: Path, remote: Path
) -> None:
    start(installed)
    git(installed, "push", "-q", "-u", "origin", BRANCH)
    assert hh(remote, "install", "--server").returncode == 0
    proc = run(installed, "finish", now=None)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Nothing was pushed"))
    command = lines[at + 1].strip()
    assert command.startswith("git push --atomic --force-with-lease=")
    assert f"refs/heads/{BRANCH}" in git(remote, "for-each-ref").stdout  # not yet
    pushed = subprocess.run(command, shell=True, cwd=installed, capture_output=True, text=True)
    assert pushed.returncode == 0, (command, pushed.stderr)
    refs = git(remote, "for-each-ref", "--format=%(refname) %(objectname)").stdout
    assert f"refs/heads/{BRANCH}" not in refs and "refs/tags/hotfix-042" in refs, command
    assert git(remote, "rev-parse", "main").stdout == git(installed, "rev-parse", "main").stdout


def test_finish_merges_back_into_develop(installed: Path) -> None:
    (installed / ".hotfix-hooks.toml").write_text(
        'develop_branch = "develop"\ntag_format = "v1.4.2-hotfix.{number}"\n', encoding="utf-8"
    )
    git(installed, "add", ".hotfix-hooks.toml")
    git(installed, "commit", "-q", "-m", "config")
    git(installed, "branch", "develop")
    git(installed, "checkout", "-q", "develop")
    (installed / "feature.py").write_text("new = 1\n", encoding="utf-8")
    git(installed, "add", "feature.py")
    git(installed, "commit", "-q", "-m", "a feature in progress")
    git(installed, "checkout", "-q", "main")
    start(installed)
    tip = git(installed, "rev-parse", BRANCH).stdout.strip()
    proc = run(installed, "finish", now=None)
    assert proc.returncode == 0, proc.stderr
    assert "merge hotfix/042-login-500 back into develop" in proc.stdout
    assert (
        git(installed, "merge-base", "--is-ancestor", tip, "develop", check=False).returncode == 0
    )
    assert git(installed, "show", "develop:feature.py").stdout == "new = 1\n"
    assert git(installed, "show", "develop:app.py").stdout == "print('fixed')\n"
    assert git(installed, "cat-file", "-t", "v1.4.2-hotfix.042").stdout.strip() == "tag"


def test_finish_conflict_changes_nothing(installed: Path) -> None:
    start(installed)
    git(installed, "checkout", "-q", "main")
    (installed / "app.py").write_text("print('other fix on main')\n", encoding="utf-8")
    git(installed, "commit", "-q", "-am", "meanwhile on main")
    git(installed, "checkout", "-q", BRANCH)
    before = snapshot(installed)
    proc = run(installed, "finish", "--push", now=None)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "would conflict in" in proc.stderr and "app.py" in proc.stderr
    assert "nothing was changed" in proc.stderr and "Traceback" not in proc.stderr
    assert snapshot(installed) == before
    assert not (
        Path(git(installed, "rev-parse", "--git-dir").stdout.strip()) / "MERGE_HEAD"
    ).exists()


def test_finish_refuses_a_dirty_tree(installed: Path) -> None:
    start(installed)
    (installed / "app.py").write_text("print('half done')\n", encoding="utf-8")
    before = snapshot(installed)
    proc = run(installed, "finish", now=None)
    assert proc.returncode == 1
    assert "uncommitted changes (app.py)" in proc.stderr
    assert snapshot(installed) == before


def test_finish_refuses_when_the_gate_fails(installed: Path) -> None:
    start(installed, plan=False)
    before = snapshot(installed)
    proc = run(installed, "finish", now=None)
    assert proc.returncode == 1
    assert "finish of hotfix/042-login-500 refused" in proc.stderr
    assert "Rollback Plan" in proc.stderr
    assert snapshot(installed) == before


def test_finish_refuses_an_existing_tag_and_a_stale_base(installed: Path, remote: Path) -> None:
    start(installed)
    git(installed, "tag", "hotfix-042", "main")
    before = snapshot(installed)
    proc = run(installed, "finish", now=None)
    assert proc.returncode == 1 and "tag hotfix-042 already exists" in proc.stderr
    assert snapshot(installed) == before
    git(installed, "tag", "-d", "hotfix-042")
    other = remote.parent / "other"
    git(remote.parent, "clone", "-q", str(remote), str(other))
    git(other, "commit", "-q", "--allow-empty", "-m", "someone else's release")
    git(other, "push", "-q", "origin", "main")
    git(installed, "fetch", "-q", "origin")
    before = snapshot(installed)
    proc = run(installed, "finish", now=None)
    assert proc.returncode == 1 and "main is behind origin/main" in proc.stderr
    assert snapshot(installed) == before


def test_finish_dry_run_prints_every_step_and_changes_nothing(installed: Path) -> None:
    start(installed, push=True)
    before = snapshot(installed)
    proc = run(installed, "finish", "--dry-run", "--push", now=None)
    assert proc.returncode == 0, proc.stderr
    lines = [line.strip() for line in proc.stdout.splitlines()]
    assert lines[0].endswith("dry run, nothing changes:")
    numbered = [line for line in lines[1:] if line[:1].isdigit()]
    assert [line.split(". ", 1)[1].split(" ")[0] for line in numbered] == [
        "record",
        "merge",
        "tag",
        "check",
        "delete",
        "push",
    ]
    assert snapshot(installed) == before


def test_finish_no_merge_records_only(installed: Path) -> None:
    start(installed)
    proc = run(installed, "finish", "--no-merge", now=None)
    assert proc.returncode == 0, proc.stderr
    assert git(installed, "symbolic-ref", "--short", "HEAD").stdout.strip() == BRANCH
    assert git(installed, "log", "-1", "--format=%s").stdout.strip() == "T004: resolved"
    assert git(installed, "tag").stdout == ""
    assert git(installed, "status", "--porcelain").stdout == ""
    # resolved already: finish now merges without a second record
    proc = run(installed, "finish", now=None)
    assert proc.returncode == 0, proc.stderr
    assert "record the resolution" not in proc.stdout
    assert git(installed, "log", "--format=%s", "main").stdout.count("T004: resolved") == 1


def test_finish_without_a_hotfix_branch_is_usage(repo: Path) -> None:
    proc = run(repo, "finish")
    assert proc.returncode == 2 and "not a hotfix branch" in proc.stderr


# -- abort -----------------------------------------------------------------------------------


def test_abort_cancels_keeps_the_record_and_the_number(installed: Path) -> None:
    doc = start(installed)
    proc = run(installed, "abort", "--yes", "--reason", "mistake", now="2026-11-26T03:20:00+01:00")
    assert proc.returncode == 0, proc.stderr
    text = doc.read_text(encoding="utf-8")
    assert "**Status**: Cancelled" in text
    events = (doc.parent / "events.md").read_text(encoding="utf-8")
    assert "- 2026-11-26 03:20:00 +01:00 · cancelled · Zoë Ångström · mistake" in events
    assert "already cancelled" in run(installed, "abort").stdout
    git(installed, "commit", "-q", "-am", "T004: cancelled")
    assert run(installed, "finish", now=None).returncode == 1
    assert run(installed, "resolve", now=None).returncode == 1
    git(installed, "push", "-q", "origin", BRANCH)
    git(installed, "checkout", "-q", "main")
    git(installed, "branch", "-q", "-D", BRANCH)  # only the remote-tracking branch is left
    proc = run(installed, "new", "the real one")
    assert proc.returncode == 0, proc.stderr
    assert (
        git(installed, "symbolic-ref", "--short", "HEAD").stdout.strip()
        == "hotfix/043-the-real-one"
    )


def test_abort_refuses_a_resolved_hotfix(installed: Path) -> None:
    doc = start(installed)
    assert run(installed, "resolve", now=None).returncode == 0
    before = doc.read_bytes()
    proc = run(installed, "abort")
    assert proc.returncode == 1 and "already resolved" in proc.stderr
    assert doc.read_bytes() == before


def test_report_shows_cancelled_but_counts_it_nowhere(repo: Path) -> None:
    from tests.test_lifecycle import make_hotfixes

    make_hotfixes(repo)
    path = repo / ".specswarm/features/005-hotfix"
    path.mkdir()
    (path / "hotfix.md").write_text(
        "# Hotfix 005: Mistake\n**Created**: 2026-11-20 08:00 +00:00\n**Status**: Cancelled\n"
        "**Rollback Triggered**: yes (2026-11-20 08:05 +00:00)\n",
        encoding="utf-8",
    )
    data = json.loads(run(repo, "report", "--json", now="2026-11-26T12:00:00+00:00").stdout)
    rows = {r["hotfix"]: r for r in data["hotfixes"]}
    assert rows["005"]["status"] == "Cancelled"
    summary = data["summary"]
    # the figures of test_report_json_figures, untouched by the cancelled hotfix
    assert summary["count"] == 4 and summary["resolved"] == 3 and summary["cancelled"] == 1
    assert summary["median_minutes"] == 90.0 and summary["mean_minutes"] == 90.0
    assert summary["rollback_rate"] == 0.25
    out = run(repo, "report", now="2026-11-26T12:00:00+00:00").stdout
    assert "Hotfixes: 4 (3 resolved); 1 cancelled, in no figure" in out
    status = run(repo, "status").stdout
    assert "005" not in status


def test_abort_with_cli_runner_has_no_traceback(repo: Path) -> None:
    proc = subprocess.run(
        ("hotfix-hooks", "abort"), cwd=repo, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert hh(repo, "abort", "--help").returncode == 0


# -- a teammate's commits on the server (the lease) ---------------------------------------------


def teammate_pushes(remote: Path, subject: str = "T002: fix") -> tuple[Path, str]:
    """A second clone on the same hotfix branch commits and pushes; returns it and the sha."""
    other = remote.parent / "teammate"
    git(remote.parent, "clone", "-q", str(remote), str(other))
    git(other, "checkout", "-q", BRANCH)
    (other / "smoke.py").write_text("assert True\n", encoding="utf-8")
    git(other, "add", "smoke.py")
    git(other, "commit", "-q", "-m", subject)
    git(other, "push", "-q", "origin", BRANCH)
    return other, git(other, "rev-parse", "HEAD").stdout.strip()


def test_finish_push_never_deletes_a_teammates_commit(installed: Path, remote: Path) -> None:
    start(installed, push=True)
    _, theirs = teammate_pushes(remote)
    before = snapshot(installed)
    for args in (("finish", "--push"), ("finish",), ("finish", "--dry-run", "--push")):
        proc = run(installed, *args, now=None)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert f"origin/{BRANCH} has 1 commit(s)" in proc.stderr
        assert f"{theirs[:7]} T002: fix (Zoë Ångström)" in proc.stderr
        assert f"git merge --no-edit origin/{BRANCH}" in proc.stderr
        assert "nothing was changed" in proc.stderr
    # fetched (the teammate's commit is known here now), and nothing else moved
    assert git(installed, "rev-parse", f"origin/{BRANCH}").stdout.strip() == theirs
    assert snapshot(installed)[1:] == before[1:]
    assert git(remote, "rev-parse", BRANCH).stdout.strip() == theirs
    # the advice, followed literally, brings the commit in; finish then lands both
    git(installed, "merge", "--no-edit", f"origin/{BRANCH}")
    proc = run(installed, "finish", "--push", now=None)
    assert proc.returncode == 0, proc.stderr
    assert git(remote, "merge-base", "--is-ancestor", theirs, "main", check=False).returncode == 0
    assert f"refs/heads/{BRANCH}" not in git(remote, "for-each-ref").stdout


def test_the_printed_push_deletes_only_what_finish_merged(installed: Path, remote: Path) -> None:
    start(installed, push=True)
    pushed = git(installed, "rev-parse", "HEAD").stdout.strip()
    dry = run(installed, "finish", "--dry-run", "--push", now=None)
    assert f"delete {BRANCH} there if it is still at {pushed[:10]}" in dry.stdout, dry.stdout
    proc = run(installed, "finish", now=None)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    command = lines[next(i for i, x in enumerate(lines) if x.startswith("Nothing was pushed")) + 1]
    assert f"--force-with-lease=refs/heads/{BRANCH}:{pushed}" in command
    _, theirs = teammate_pushes(remote)  # after finish looked, before the push is pasted
    pasted = subprocess.run(command, shell=True, cwd=installed, capture_output=True, text=True)
    assert pasted.returncode != 0 and "stale info" in pasted.stderr, pasted.stderr
    assert git(remote, "rev-parse", BRANCH).stdout.strip() == theirs
    assert "refs/tags/hotfix-042" not in git(remote, "for-each-ref").stdout  # atomic: none of it


def test_finish_push_refuses_when_the_remote_cannot_be_reached(
    installed: Path, remote: Path
) -> None:
    start(installed, push=True)
    git(installed, "remote", "set-url", "origin", str(remote.parent / "gone.git"))
    before = snapshot(installed)
    proc = run(installed, "finish", "--push", now=None)
    assert proc.returncode == 1 and "could not fetch from origin" in proc.stderr, proc.stderr
    assert snapshot(installed) == before
