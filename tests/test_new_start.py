"""`new` starts where a hotfix should start (issue 2): from the production branch, with
a clean index, a title asked for on a terminal, and one Next block."""

from __future__ import annotations

import os
import pty
import re
import subprocess
from pathlib import Path

from tests.conftest import git, hh


def head_branch(repo: Path) -> str:
    return git(repo, "symbolic-ref", "--short", "HEAD").stdout.strip()


def test_new_starts_from_production_not_the_checked_out_branch(installed: Path) -> None:
    main_sha = git(installed, "rev-parse", "main").stdout.strip()
    git(installed, "checkout", "-q", "-b", "feature/half-done")
    (installed / "wip.py").write_text("half done\n", encoding="utf-8")
    git(installed, "add", "wip.py")
    git(installed, "commit", "-q", "-m", "wip")
    proc = hh(installed, "new", "checkout", "500")
    assert proc.returncode == 0, proc.stderr
    assert head_branch(installed) == "hotfix/001-checkout-500"
    assert git(installed, "rev-parse", "HEAD~1").stdout.strip() == main_sha  # and the docs
    assert not (installed / "wip.py").exists()
    assert "from origin/main" in proc.stdout
    assert proc.stdout.count("Next") == 1
    assert "git push -u origin HEAD" in proc.stdout


def test_new_follows_the_remotes_head(installed: Path, remote: Path) -> None:
    git(installed, "push", "-q", "origin", "main:production")
    git(remote, "symbolic-ref", "HEAD", "refs/heads/production")
    git(installed, "remote", "set-head", "origin", "-a")
    git(installed, "commit", "-q", "--allow-empty", "-m", "local only, not released")
    proc = hh(installed, "new", "x")
    assert proc.returncode == 0, proc.stderr
    assert "from origin/production" in proc.stdout
    assert git(installed, "rev-parse", "HEAD~1").stdout.strip() == (
        git(installed, "rev-parse", "origin/production").stdout.strip()
    )


def test_new_refuses_a_dirty_index_and_changes_nothing(installed: Path) -> None:
    (installed / "app.py").write_text("staged\n", encoding="utf-8")
    git(installed, "add", "app.py")
    proc = hh(installed, "new", "x")
    assert proc.returncode == 2
    assert "staged changes" in proc.stderr and "git stash" in proc.stderr
    assert head_branch(installed) == "main"
    assert git(installed, "branch", "--list", "hotfix/*").stdout == ""


def test_new_asks_for_a_title_on_a_terminal(installed: Path) -> None:
    master, slave = pty.openpty()
    try:
        os.write(master, b"Checkout 500\n\n\n\n")
        proc = subprocess.run(
            ("hotfix-hooks", "new"),
            cwd=installed,
            stdin=slave,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(slave)
        os.close(master)
    assert proc.returncode == 0, proc.stderr
    assert "Title" in proc.stdout
    assert head_branch(installed) == "hotfix/001-checkout-500"


def test_new_fetches_production_first(installed: Path, remote: Path) -> None:
    """A teammate released to main a moment ago: the hotfix starts from it (issue 18.7)."""
    other = remote.parent / "teammate"
    git(remote.parent, "clone", "-q", str(remote), str(other))
    git(other, "commit", "-q", "--allow-empty", "-m", "released 1.4.3")
    git(other, "push", "-q", "origin", "main")
    released = git(other, "rev-parse", "HEAD").stdout.strip()
    proc = hh(installed, "new", "x")
    assert proc.returncode == 0, proc.stderr
    assert f"from origin/main ({released[:10]})" in proc.stdout
    assert git(installed, "rev-parse", "HEAD~1").stdout.strip() == released
    git(installed, "checkout", "-q", "main")
    git(installed, "remote", "set-url", "origin", str(remote.parent / "unreachable.git"))
    proc = hh(installed, "new", "y")
    assert proc.returncode == 0, proc.stderr
    assert "could not fetch from origin" in proc.stderr
    assert f"starting from origin/main ({released[:10]}) as this clone last saw it" in proc.stderr


def next_block(text: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index("⚡ Next:")
    return lines[start:]


def test_one_start_banner_after_checkout_b_and_new(installed: Path) -> None:
    """`git checkout -b` and `new` print the same Next block: `git commit -am` (a fix is
    a change to tracked files); after `git checkout -b` the staged docs are committed on
    their own first (`new` has committed them), so that a cherry-pick or a revert of the
    fix never carries the record (issue 24.8)."""
    checkout = git(installed, "checkout", "-q", "-b", "hotfix/007-by-hand")
    git(installed, "checkout", "-q", "main")
    git(installed, "stash", "-q")  # the scaffold's staged docs stay with hotfix 007's start
    started = hh(installed, "new", "login", "500")
    assert started.returncode == 0, started.stderr
    assert '✓ Committed the docs on their own: "T001: open the record of hotfix 008"' in (
        started.stdout
    )
    by_hand = next_block((checkout.stdout + checkout.stderr).replace("007", "008"))
    by_new = next_block(started.stdout)
    assert by_hand[1] == (
        "  1. Commit the staged docs on their own (a cherry-pick or revert of the fix then "
        'leaves the record alone): git commit -m "T001: open the record of hotfix 008"'
    )
    renumbered = [re.sub(r"^  (\d)\.", lambda m: f"  {int(m[1]) - 1}.", x) for x in by_hand[2:]]
    assert [by_hand[0], *renumbered] == by_new
    assert (
        by_new[2] == '  2. Fix, then commit naming a task: git commit -am "T001: <what you fixed>"'
    )
    assert by_new[3] == "  3. Push: git push -u origin HEAD"
    with_plan = hh(installed, "new", "other", "--rollback", "redeploy v1.4.2")
    assert with_plan.returncode == 0, with_plan.stderr
    assert next_block(with_plan.stdout)[1].startswith("  1. Fix, then commit")
