"""A cancelled hotfix (issue 18, item 4): abort asks first, status says it is cancelled
and judges no plan."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

from tests.conftest import HOTFIX_DIR, git, hh

BRANCH = "hotfix/042-login-500"


def abort_on_a_terminal(repo: Path, answer: bytes) -> subprocess.CompletedProcess[str]:
    master, slave = pty.openpty()
    try:
        os.write(master, answer)
        return subprocess.run(
            ("hotfix-hooks", "abort", "--reason", "false alarm"),
            cwd=repo,
            stdin=slave,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(slave)
        os.close(master)


def test_abort_asks_on_a_terminal_and_needs_yes_without_one(installed: Path) -> None:
    git(installed, "checkout", "-q", "-b", BRANCH)
    doc = installed / HOTFIX_DIR / "hotfix.md"
    before = doc.read_bytes()
    proc = hh(installed, "abort")
    assert proc.returncode == 2 and "pass --yes" in proc.stderr
    assert doc.read_bytes() == before
    proc = abort_on_a_terminal(installed, b"n\n")
    assert proc.returncode == 0 and "Cancel hotfix 042" in proc.stdout
    assert "Nothing recorded" in proc.stdout and doc.read_bytes() == before
    proc = abort_on_a_terminal(installed, b"y\n")
    assert proc.returncode == 0, proc.stderr
    assert "**Status**: Cancelled" in doc.read_text(encoding="utf-8")
    assert 'git commit -am "T004: cancelled" && git push -u origin HEAD' in proc.stdout


def test_status_of_a_cancelled_hotfix_says_so_and_judges_no_plan(installed: Path) -> None:
    git(installed, "checkout", "-q", "-b", BRANCH)  # the plan is still the placeholder
    assert hh(installed, "abort", "--yes").returncode == 0
    proc = hh(installed, "status")
    assert proc.returncode == 0, proc.stderr
    assert "Status: Cancelled · cancelled" in proc.stdout
    assert "Rollback plan: not needed (cancelled)" in proc.stdout
    assert "Rollback" not in proc.stderr and "placeholder" not in proc.stdout + proc.stderr
    assert "Next: commit the cancellation: git commit -am 'T004: cancelled'" in proc.stdout
