"""The installed sh scripts decide "not a hotfix branch" without Python, and hand everything
else to Python unchanged. Real git; the interpreter in the scripts is wrapped to log each start."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from hotfix_hooks.install.installer import script_text
from tests.conftest import HOTFIX_DIR, git, hh


def hooks_dir(repo: Path) -> Path:
    return Path(
        git(repo, "rev-parse", "--path-format=absolute", "--git-path", "hooks").stdout.strip()
    )


@pytest.fixture
def counted(installed: Path, tmp_path: Path) -> tuple[Path, Path]:
    """``installed`` whose hooks log every Python start to the returned file."""
    log = tmp_path / "python-starts.log"
    log.write_text("", encoding="utf-8")
    wrapper = tmp_path / "logging-python"
    wrapper.write_text(
        "#!/bin/sh\n"  # logs the hook and script given after `-c CODE`, whatever the flags
        f'log() {{ while [ "$1" != -c ]; do shift; done; echo "$3 $(basename "$4")" >> "{log}"; }}\n'
        f'log "$@"\nexec "{sys.executable}" "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    for name in ("post-checkout", "commit-msg", "pre-push"):
        hook = hooks_dir(installed) / name
        text = hook.read_text(encoding="utf-8")
        hook.write_text(re.sub(r"(?m)^PY=.*$", f"PY={wrapper}", text, count=1), encoding="utf-8")
    return installed, log


def starts(log: Path) -> list[str]:
    text = log.read_text(encoding="utf-8")
    log.write_text("", encoding="utf-8")
    return text.split()[::2]


def test_non_hotfix_checkout_commit_push_start_no_python(counted: tuple[Path, Path]) -> None:
    repo, log = counted
    git(repo, "checkout", "-q", "-b", "feature/x")
    git(repo, "commit", "-q", "--allow-empty", "-m", "anything")
    git(repo, "push", "-q", "origin", "feature/x")
    git(repo, "checkout", "-q", "--detach", "HEAD")
    git(repo, "commit", "-q", "--allow-empty", "-m", "detached")
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-q", "HEAD", "--", "app.py")  # a file checkout
    assert starts(log) == []


def test_hotfix_branch_still_runs_python(counted: tuple[Path, Path], remote: Path) -> None:
    repo, log = counted
    git(repo, "checkout", "-q", "-b", "hotfix/042-x")
    assert (repo / HOTFIX_DIR / "hotfix.md").is_file()
    assert starts(log) == ["post-checkout"]
    proc = git(repo, "commit", "-m", "no task", check=False)
    assert proc.returncode == 1 and "commit refused" in proc.stderr
    git(repo, "commit", "-q", "-m", "T001: docs")
    assert starts(log) == ["commit-msg", "commit-msg"]
    assert git(repo, "push", "origin", "hotfix/042-x", check=False).returncode == 1
    assert starts(log) == ["pre-push"]


def test_push_to_a_hotfix_destination_from_a_non_hotfix_checkout_is_gated(
    counted: tuple[Path, Path], remote: Path
) -> None:
    repo, log = counted
    git(repo, "commit", "-q", "--allow-empty", "-m", "on main")
    proc = git(repo, "push", "origin", "main:hotfix/043-sneaky", check=False)
    assert proc.returncode == 1, proc.stderr
    assert "hotfix/043-sneaky" in proc.stderr
    assert starts(log) == ["pre-push"]
    assert (
        git(
            remote, "rev-parse", "-q", "--verify", "refs/heads/hotfix/043-sneaky", check=False
        ).returncode
        != 0
    )
    # and a push of several refs, one of them a hotfix, reaches Python with every line
    git(repo, "branch", "hotfix/044-y")
    proc = git(repo, "push", "origin", "main", "hotfix/044-y", check=False)
    assert proc.returncode == 1 and "hotfix/044-y" in proc.stderr


def test_empty_push_stdin(counted: tuple[Path, Path]) -> None:
    """No ref lines: nothing to gate on a non-hotfix checkout; Python decides on a hotfix one."""
    repo, log = counted
    hook = str(hooks_dir(repo) / "pre-push")
    proc = subprocess.run((hook, "origin", "url"), cwd=repo, input=b"", capture_output=True)
    assert proc.returncode == 0 and starts(log) == []
    git(repo, "checkout", "-q", "-b", "hotfix/042-x")
    starts(log)
    proc = subprocess.run((hook, "origin", "url"), cwd=repo, input=b"", capture_output=True)
    assert starts(log) == ["pre-push"]


def test_worktree_non_hotfix_commit_starts_no_python(
    counted: tuple[Path, Path], tmp_path: Path
) -> None:
    repo, log = counted
    other = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", "-b", "feature/wt", str(other))
    git(other, "commit", "-q", "--allow-empty", "-m", "in a worktree")
    assert starts(log) == []
    git(other, "checkout", "-q", "-b", "hotfix/045-wt")
    assert (other / ".specswarm/features/045-hotfix/hotfix.md").is_file()
    proc = git(other, "commit", "-m", "no task", check=False)
    assert proc.returncode == 1 and "commit refused" in proc.stderr


def test_configured_prefix_goes_to_python(counted: tuple[Path, Path]) -> None:
    repo, _ = counted
    (repo / "pyproject.toml").write_text(
        '[tool.hotfix-hooks]\nbranch_prefix = "fix-"\n', encoding="utf-8"
    )
    git(repo, "add", "pyproject.toml")
    git(repo, "commit", "-q", "-m", "configure")
    git(repo, "checkout", "-q", "-b", "fix-042-x")
    assert (repo / HOTFIX_DIR / "hotfix.md").is_file()
    proc = git(repo, "commit", "-m", "no task", check=False)
    assert proc.returncode == 1 and "commit refused" in proc.stderr


def test_unrelated_pyproject_stays_on_the_fast_path(counted: tuple[Path, Path]) -> None:
    repo, log = counted
    (repo / "pyproject.toml").write_text('[project]\nname = "app"\n', encoding="utf-8")
    git(repo, "add", "pyproject.toml")
    git(repo, "commit", "-q", "-m", "a python project")
    assert starts(log) == []


def test_rebase_of_a_hotfix_branch_still_checks_commit_messages(
    counted: tuple[Path, Path],
) -> None:
    """During `rebase -i` HEAD is detached; the branch being rebased counts for commit-msg."""
    repo, log = counted
    git(repo, "checkout", "-q", "-b", "hotfix/042-x")
    git(repo, "commit", "-q", "-m", "T001: docs")
    starts(log)
    env = {
        **os.environ,
        "GIT_SEQUENCE_EDITOR": "sed -i 's/^pick/reword/'",
        "GIT_EDITOR": "echo no task >",
    }
    proc = git(repo, "rebase", "-i", "HEAD~1", check=False, env=env)
    assert proc.returncode != 0  # the reworded message names no task: refused mid-rebase
    assert "commit refused" in proc.stderr
    assert "commit-msg" in starts(log)
    git(repo, "rebase", "--abort")


def test_local_hook_is_chained_through_python(counted: tuple[Path, Path]) -> None:
    repo, log = counted
    local = hooks_dir(repo) / "commit-msg.local"
    local.write_text("#!/bin/sh\necho local-ran >&2\n", encoding="utf-8")
    local.chmod(0o755)
    proc = git(repo, "commit", "--allow-empty", "-m", "anything")
    assert "local-ran" in proc.stderr
    assert starts(log) == ["commit-msg"]


def test_missing_python_is_loud_even_on_a_non_hotfix_branch(installed: Path) -> None:
    hook = hooks_dir(installed) / "post-checkout"
    # what an install from an interpreter that is gone since would have written
    hook.write_text(script_text("post-checkout", python="/nonexistent/python"), encoding="utf-8")
    proc = git(installed, "checkout", "-b", "feature/q", check=False)
    assert proc.returncode == 0  # post-checkout never fails a checkout
    assert "no longer exists" in proc.stderr
    assert hh(installed, "install").returncode == 0
