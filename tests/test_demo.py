from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from hotfix_hooks.cli import cli
from tests.conftest import git, hh


def test_demo_runs_the_whole_flow(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", str(target)])
    assert result.exit_code == 0, result.output
    out = result.output
    steps = [
        "hotfix-hooks install",
        "hotfix-hooks new",
        "commit refused",
        "Task: T001",
        "has no real rollback plan",
        "remote: push of hotfix/001-login-returns-500 refused",
        "pre-receive hook declined",
        "has a rollback plan",
        "EMERGENCY RESOLVED",
        "| +0:09:00 | 9m | commit ",  # the timeline, from git, on the incident clock
        "T001: guard null user | T001 | Demo On-Call |",
        "resolved (time to resolution 53m)",
        "merge hotfix/001-login-returns-500 into main",
        "tag main as hotfix-001",
        "delete hotfix/001-login-returns-500 there",
        "Hotfix 001 finished: hotfix-001",
        "refs/tags/hotfix-001",
        "on_start    hotfix 001 'Login returns 500'",
        "on_push ",
        "on_resolve ",
        "on_finish ",
        "Time to resolve: median 53m",
        "Demo complete",
    ]
    positions = [out.index(step) for step in steps]
    assert positions == sorted(positions)
    remote = target / "remote.git"
    branch = "refs/heads/hotfix/001-login-returns-500"
    assert git(remote, "rev-parse", "--verify", "-q", branch, check=False).returncode != 0
    assert git(remote, "cat-file", "-t", "hotfix-001").stdout.strip() == "tag"
    app = target / "app"
    assert git(app, "symbolic-ref", "--short", "HEAD").stdout.strip() == "main"
    assert git(remote, "rev-parse", "main").stdout == git(app, "rev-parse", "main").stdout
    assert "Status**: Resolved" in (app / ".specswarm/features/001-hotfix/hotfix.md").read_text(
        encoding="utf-8"
    )
    postmortem = (app / ".specswarm/features/001-hotfix/post-mortem.md").read_text(encoding="utf-8")
    assert "| +0:53:00 |" in postmortem
    events = [
        json.loads(line)["event"] for line in (target / "events.jsonl").read_text().splitlines()
    ]
    assert events == ["on_start", "on_push", "on_resolve", "on_push", "on_finish"]


def test_demo_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    proc = hh(tmp_path, "demo", str(tmp_path))
    assert proc.returncode == 2
    assert "not an empty directory" in proc.stderr
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"
