"""The server gate and `check` take their rules from outside the change they judge."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import fill_plan, git, hh

BRANCH = "hotfix/042-login-500"


@pytest.fixture
def served(installed: Path, remote: Path) -> Path:
    """A hotfix branch with one task-tied commit and no plan; the server gate installed."""
    proc = hh(remote, "install", "--server")
    assert proc.returncode == 0, proc.stderr
    assert "recorded the rules" in proc.stdout
    git(installed, "checkout", "-q", "-b", BRANCH)
    git(installed, "commit", "-q", "-m", "T001: guard null user")
    return installed


def push(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return git(repo, "push", "--no-verify", "origin", *args, check=False)


def commit_config(repo: Path, text: str, message: str = "T001: config") -> None:
    (repo / ".hotfix-hooks.toml").write_text(text, encoding="utf-8")
    git(repo, "add", ".hotfix-hooks.toml")
    git(repo, "commit", "-q", "--no-verify", "-m", message)


def test_pushed_prefix_change_does_not_switch_the_gate_off(served: Path, remote: Path) -> None:
    commit_config(served, 'branch_prefix = "x/"\n')
    proc = push(served, BRANCH)
    assert proc.returncode != 0
    assert "changes hotfix-hooks' configuration (branch_prefix)" in proc.stderr
    assert "has no real rollback plan" in proc.stderr  # judged by the server's prefix anyway
    assert git(remote, "rev-parse", "-q", "--verify", BRANCH, check=False).returncode != 0


def test_decoy_features_dir_is_not_read(served: Path) -> None:
    decoy = served / "decoy" / "042-hotfix"
    decoy.mkdir(parents=True)
    (decoy / "hotfix.md").write_text(
        "# Hotfix 042: x\n\n**3. Rollback Plan**:\n- revert v2 and redeploy v1\n", encoding="utf-8"
    )
    git(served, "add", "decoy")
    commit_config(served, 'features_dir = "decoy"\n')
    proc = push(served, BRANCH)
    assert proc.returncode != 0
    assert "(features_dir)" in proc.stderr
    assert ".specswarm/features/042-hotfix/hotfix.md" in proc.stderr


def test_invalid_pushed_config_is_rejected(served: Path) -> None:
    commit_config(served, "bogus = 1\n")
    proc = push(served, BRANCH)
    assert proc.returncode != 0
    assert "configuration is invalid" in proc.stderr and "bogus" in proc.stderr


def test_unchanged_config_and_a_real_plan_pass(served: Path) -> None:
    fill_plan(served)
    git(served, "commit", "-q", "-am", "T003: rollback plan")
    proc = push(served, BRANCH)
    assert proc.returncode == 0, proc.stderr


def test_config_recorded_from_default_branch(repo: Path, remote: Path) -> None:
    commit_config(repo, 'branch_prefix = "hf/"\n', message="our prefix")
    git(repo, "push", "-q", "origin", "main")
    assert hh(remote, "install", "--server").returncode == 0
    recorded = (remote / "hotfix-hooks.toml").read_text(encoding="utf-8")
    assert 'branch_prefix = "hf/"' in recorded
    assert 'features_dir = ".specswarm/features"' in recorded
    git(repo, "checkout", "-q", "-b", "hf/7-x")
    assert hh(repo, "scaffold").returncode == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "T001: x")
    proc = push(repo, "hf/7-x")
    assert proc.returncode != 0 and "007-hotfix/hotfix.md" in proc.stderr
    # main changing the file later does not change the server's rules
    git(repo, "checkout", "-q", "main")
    commit_config(repo, 'branch_prefix = "other/"\n', message="prefix moved")
    assert push(repo, "main").returncode == 0
    assert push(repo, "hf/7-x").returncode != 0


def test_server_config_command(served: Path, remote: Path) -> None:
    proc = hh(remote, "server-config")
    assert proc.returncode == 0 and 'features_dir = ".specswarm/features"' in proc.stdout


def test_server_config_shows_without_writing(remote: Path) -> None:
    proc = hh(remote, "server-config")
    assert proc.returncode == 0 and "nothing recorded" in proc.stdout
    assert "install --server" in proc.stdout
    assert not (remote / "hotfix-hooks.toml").exists()  # showing writes nothing


def test_server_config_changes(served: Path, remote: Path) -> None:
    proc = hh(remote, "server-config", "--set", "branch_prefix=urgent/")
    assert proc.returncode == 0, proc.stderr
    assert 'branch_prefix = "urgent/"' in (remote / "hotfix-hooks.toml").read_text("utf-8")
    # hotfix/ is no longer the server's prefix: a hotfix/ branch of no hotfix's commits lands
    assert push(served, "main:hotfix/099-x").returncode == 0
    # but hotfix 042's commits are still judged by its rules, wherever they land
    proc = push(served, BRANCH)
    assert proc.returncode != 0 and "push of hotfix/042-login-500 (hotfix 042)" in proc.stderr
    before = (remote / "hotfix-hooks.toml").read_bytes()
    for bad in (["--set", "bogus=1"], ["--set", "target_minutes=soon"], ["--unset", "nope"]):
        proc = hh(remote, "server-config", *bad)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
    assert (remote / "hotfix-hooks.toml").read_bytes() == before
    assert hh(served, "server-config").returncode == 2  # not the server's bare repository


def test_broken_server_config_rejects_with_one_line(served: Path, remote: Path) -> None:
    (remote / "hotfix-hooks.toml").write_text("branch_prefix = \n", encoding="utf-8")
    proc = push(served, BRANCH)
    assert proc.returncode != 0
    assert "hotfix-hooks.toml" in proc.stderr and "Traceback" not in proc.stderr


def test_check_takes_rules_from_the_target_branch(
    served: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit_config(served, 'branch_prefix = "x/"\n')
    git(served, "checkout", "-q", "--detach", "HEAD")
    assert hh(served, "check", "--branch", BRANCH, "--config-from", "HEAD").returncode == 0
    monkeypatch.setenv("GITHUB_BASE_REF", "main")
    proc = hh(served, "check", "--branch", BRANCH, "--json")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["passed"] is False
    monkeypatch.delenv("GITHUB_BASE_REF")
    assert hh(served, "check", "--branch", BRANCH, "--config-from", "main").returncode == 1
    proc = hh(served, "check", "--config-from", "nope")
    assert proc.returncode == 2 and "--config-from" in proc.stderr
