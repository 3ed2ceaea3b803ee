from __future__ import annotations

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
        "Time to resolve: median 53m",
        "Demo complete",
    ]
    positions = [out.index(step) for step in steps]
    assert positions == sorted(positions)
    assert git(
        target / "remote.git",
        "rev-parse",
        "--verify",
        "-q",
        "refs/heads/hotfix/001-login-returns-500",
    )
    app = target / "app"
    assert "Status**: Resolved" in (app / ".specswarm/features/001-hotfix/hotfix.md").read_text(
        encoding="utf-8"
    )


def test_demo_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    proc = hh(tmp_path, "demo", str(tmp_path))
    assert proc.returncode == 2
    assert "not an empty directory" in proc.stderr
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"
