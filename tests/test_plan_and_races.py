"""Reading the plan is not a rollback (issue 3); nothing lost under concurrency (issue 7).

Races run real ``hotfix-hooks`` processes started together behind a barrier, a bounded
number of rounds, each with a timeout.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

import pytest

from tests.conftest import BIN, HOTFIX_DIR, fill_plan, hh, start_hotfix

NOW = "2026-11-26T04:05:00+01:00"
ROUNDS = 4


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, "HOTFIX_HOOKS_NOW": NOW, **extra}


def on_terminal(repo: Path, args: list[str], answer: str) -> subprocess.CompletedProcess[str]:
    """Run a command with a terminal on stdin, typing ``answer``."""
    master, slave = os.openpty()
    try:
        proc = subprocess.Popen(
            (str(BIN / "hotfix-hooks"), *args),
            cwd=repo,
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env(),
        )
        os.close(slave)
        slave = -1
        os.write(master, answer.encode())
        out, err = proc.communicate(timeout=60)
    finally:
        if slave != -1:
            os.close(slave)
        os.close(master)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.fixture
def hotfix(installed: Path) -> Path:
    start_hotfix(installed)
    path = fill_plan(installed)
    text = path.read_text(encoding="utf-8").replace("[When to rollback]", "5xx > 2 % for 5 min")
    path.write_text(text, encoding="utf-8")
    return path


# -- issue 3 ---------------------------------------------------------------------------------


def test_plan_is_read_only(hotfix: Path) -> None:
    before = hotfix.read_bytes()
    proc = hh(hotfix.parents[3], "plan")
    assert proc.returncode == 0, proc.stderr
    assert "Revert the release tag and redeploy v1.4.2" in proc.stdout
    assert "5xx > 2 % for 5 min" in proc.stdout
    assert hotfix.read_bytes() == before
    assert "Rollback rate: 0 %" in hh(hotfix.parents[3], "report").stdout


def test_rollback_off_a_terminal_needs_yes(hotfix: Path) -> None:
    repo = hotfix.parents[3]
    before = hotfix.read_bytes()
    proc = hh(repo, "rollback")
    assert proc.returncode == 2
    assert "--yes" in proc.stderr and "hotfix-hooks plan" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert hotfix.read_bytes() == before
    proc = subprocess.run(
        (str(BIN / "hotfix-hooks"), "rollback", "--yes"),
        cwd=repo,
        capture_output=True,
        text=True,
        env=env(),
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    events = (hotfix.parent / "events.md").read_text("utf-8")
    assert "- 2026-11-26 04:05:00 +01:00 · rollback · " in events


def test_rollback_on_a_terminal_asks(hotfix: Path) -> None:
    repo = hotfix.parents[3]
    before = hotfix.read_bytes()
    proc = on_terminal(repo, ["rollback"], "n\n")
    assert proc.returncode == 0, proc.stderr
    assert "Revert the release tag" in proc.stdout and "Nothing recorded" in proc.stdout
    assert hotfix.read_bytes() == before
    proc = on_terminal(repo, ["rollback"], "y\n")
    assert proc.returncode == 0, proc.stderr
    assert " · rollback · " in (hotfix.parent / "events.md").read_text("utf-8")


# -- issue 7 ---------------------------------------------------------------------------------


def together(*commands: tuple[Path, list[str]]) -> list[subprocess.CompletedProcess[str]]:
    """Start every command at the same moment (a barrier), wait for all (bounded)."""
    barrier = threading.Barrier(len(commands))
    results: list[subprocess.CompletedProcess[str] | None] = [None] * len(commands)

    def go(i: int, cwd: Path, args: list[str]) -> None:
        barrier.wait(timeout=30)
        results[i] = subprocess.run(
            (str(BIN / "hotfix-hooks"), *args),
            cwd=cwd,
            capture_output=True,
            text=True,
            env=env(),
            stdin=subprocess.DEVNULL,
            timeout=120,
            check=False,
        )

    threads = [
        threading.Thread(target=go, args=(i, cwd, args)) for i, (cwd, args) in enumerate(commands)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=150)
    assert all(r is not None for r in results)
    return [r for r in results if r is not None]


def test_rollback_and_resolve_at_once_keep_both_edits(hotfix: Path) -> None:
    repo = hotfix.parents[3]
    original = hotfix.read_bytes()
    events = hotfix.parent / "events.md"
    for _ in range(ROUNDS):
        hotfix.write_bytes(original)
        events.unlink(missing_ok=True)
        results = together((repo, ["rollback", "--yes"]), (repo, ["resolve"]))
        for proc in results:
            assert proc.returncode == 0, proc.stderr
            assert "Traceback" not in proc.stderr
        assert "**Status**: Resolved" in hotfix.read_text("utf-8")
        logged = events.read_text("utf-8")
        assert logged.count(" · rollback · ") == 1 and logged.count(" · resolved · ") == 1
        leftovers = [p.name for p in hotfix.parent.iterdir() if p.name.startswith(".")]
        assert leftovers == [".gitattributes"]


def test_two_report_writes_at_once(hotfix: Path) -> None:
    repo = hotfix.parents[3]
    metrics = repo / ".specswarm/workflow-metrics.json"
    for _ in range(ROUNDS):
        metrics.unlink(missing_ok=True)
        results = together((repo, ["report", "--write"]), (repo, ["report", "--write"]))
        for proc in results:
            assert proc.returncode == 0, proc.stderr
        data = json.loads(metrics.read_text("utf-8"))
        assert "042-hotfix" in data["features"]
        assert [
            p.name for p in metrics.parent.iterdir() if p.name.endswith((".tmp", ".lock"))
        ] == []


def test_two_install_force_at_once_keep_the_users_hook(repo: Path) -> None:
    hooks = repo / ".git/hooks"
    mine = "#!/bin/sh\necho the user's own hook\n"
    for _ in range(ROUNDS):
        hh(repo, "uninstall", "--force")
        for name in ("commit-msg", "commit-msg.local"):
            (hooks / name).unlink(missing_ok=True)
        (hooks / "commit-msg").write_text(mine, encoding="utf-8")
        (hooks / "commit-msg").chmod(0o755)
        results = together((repo, ["install", "--force"]), (repo, ["install", "--force"]))
        for proc in results:
            assert proc.returncode == 0, proc.stderr
        assert (hooks / "commit-msg.local").read_text(encoding="utf-8") == mine
        assert "hotfix-hooks" in (hooks / "commit-msg").read_text(encoding="utf-8")
        assert hh(repo, "uninstall").returncode == 0
        assert (hooks / "commit-msg").read_text(encoding="utf-8") == mine


def test_lock_held_by_another_says_so(hotfix: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from hotfix_hooks.core import safe_files

    # in this process, so the wait can be short: the holder is a real process all the same
    monkeypatch.setattr(safe_files, "LOCK_WAIT", 0.3)

    repo = hotfix.parents[3]
    holder = subprocess.Popen(
        (
            sys.executable,
            "-c",
            "import time; from hotfix_hooks.core.safe_files import locked\n"
            f"with locked({str(hotfix)!r}, {str(repo / '.git')!r}):\n"
            "    print('held', flush=True); time.sleep(60)",
        ),
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        before = hotfix.read_bytes()
        proc = hh(repo, "resolve", env=env())
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 2
    assert f"another hotfix-hooks (process {holder.pid}) is editing" in proc.stderr
    assert f"{HOTFIX_DIR / 'hotfix.md'}" in proc.stderr
    assert hotfix.read_bytes() == before
