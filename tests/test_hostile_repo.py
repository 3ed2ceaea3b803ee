"""Hostile repositories (issue 19.1): what one clone commits (a symlink to /dev/zero or
/dev/stdin, a broken configuration, a lock file, a huge document) stalls nobody and blocks
no work where it does not matter. Each case is planted with ``--no-verify`` in one clone,
pushed, and met by a second clone through real git and the installed hooks; every git run
has a timeout, so a stall fails the test instead of hanging it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import HOTFIX_DIR, fill_plan, git, hh, unmeasured_env

TIMEOUT = 60


def run_git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """git as a user runs it, with a timeout: a hook that stalls fails the test."""
    return git(repo, *args, check=False, timeout=TIMEOUT)


def said(proc: subprocess.CompletedProcess[str]) -> list[str]:
    """The lines hotfix-hooks printed on stderr."""
    return [line for line in proc.stderr.splitlines() if "hotfix-hooks" in line]


def plant(repo: Path, files: dict[str, str], message: str = "hostile") -> None:
    """Commit ``files`` (``-> target`` makes a symlink) with --no-verify, and push them."""
    for name, content in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content.startswith("-> "):
            os.symlink(content[3:], path)
        else:
            path.write_text(content, encoding="utf-8")
        git(repo, "add", name)
    git(repo, "commit", "-q", "--no-verify", "-m", message)
    branch = git(repo, "symbolic-ref", "--short", "HEAD").stdout.strip()
    git(repo, "push", "-q", "--no-verify", "origin", branch)


@pytest.fixture
def other(tmp_path: Path, remote: Path, repo: Path) -> Path:
    """A second clone of ``remote``, with the hooks installed, cloned after the test's
    ``plant``: call it as ``other()``."""

    def clone() -> Path:
        path = tmp_path / "other"
        git(tmp_path, "clone", "-q", str(remote), str(path))
        proc = hh(path, "install", env=unmeasured_env())
        assert proc.returncode == 0, proc.stderr
        return path

    return clone  # type: ignore[return-value]


@pytest.mark.parametrize("name", ["pyproject.toml", ".hotfix-hooks.toml"])
def test_a_config_symlink_to_dev_zero_stalls_no_clone(repo: Path, other: Path, name: str) -> None:
    plant(repo, {name: "-> /dev/zero"})
    clone = other()  # type: ignore[operator]
    for args in (
        ("commit", "--allow-empty", "-m", "anything"),
        ("checkout", "-b", "feature/x"),
        ("commit", "--allow-empty", "-m", "more"),
        ("push", "origin", "feature/x"),
    ):
        proc = run_git(clone, *args)
        assert proc.returncode == 0, (args, proc.stderr)
        assert len(said(proc)) <= 1, proc.stderr  # at most one warning line
    proc = run_git(clone, "checkout", "-b", "hotfix/042-x")
    assert proc.returncode == 0
    (line,) = said(proc)  # a hotfix branch: one clear error naming the file
    assert f"{name}: is a symlink, not a regular file" in line
    proc = run_git(clone, "commit", "--allow-empty", "-m", "T001: fix")
    assert proc.returncode == 1 and f"{name}: is a symlink" in proc.stderr
    proc = hh(clone, "status")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stderr


def test_pyproject_to_dev_stdin_never_eats_the_ref_lines(
    repo: Path, other: Path, remote: Path
) -> None:
    """The sh fast path read pyproject.toml -> /dev/stdin, which is pre-push's ref lines:
    the gate saw none and let a plan-less hotfix branch through."""
    plant(repo, {"pyproject.toml": "-> /dev/stdin"})
    clone = other()  # type: ignore[operator]
    proc = run_git(clone, "push", "origin", "main:refs/heads/hotfix/043-sneaky")
    assert proc.returncode == 1, proc.stderr
    assert "pyproject.toml: is a symlink" in proc.stderr
    missing = git(
        remote, "rev-parse", "-q", "--verify", "refs/heads/hotfix/043-sneaky", check=False
    )
    assert missing.returncode != 0
    proc = run_git(clone, "push", "origin", "main:refs/heads/feature/ok")
    assert proc.returncode == 0, proc.stderr


def test_a_broken_configuration_blocks_only_hotfix_branches(repo: Path, other: Path) -> None:
    plant(repo, {".hotfix-hooks.toml": 'branch_prefix = "fix-"\ntarget_minute = 60\n'})
    clone = other()  # type: ignore[operator]
    for args in (
        ("commit", "--allow-empty", "-m", "on main"),
        ("checkout", "-b", "hotfix/042-not-ours"),  # not a hotfix branch under "fix-"
        ("commit", "--allow-empty", "-m", "no task needed"),
        ("push", "origin", "hotfix/042-not-ours"),
    ):
        proc = run_git(clone, *args)
        assert proc.returncode == 0, (args, proc.stderr)
        lines = said(proc)
        assert len(lines) <= 1, proc.stderr
        assert all(".hotfix-hooks.toml: target_minute: unknown key" in line for line in lines)
    assert not (clone / HOTFIX_DIR).exists()
    proc = run_git(clone, "checkout", "-b", "fix-042-x")  # the prefix the file sets
    assert proc.returncode == 0 and ".hotfix-hooks.toml: target_minute" in proc.stderr
    proc = run_git(clone, "commit", "--allow-empty", "-m", "T001: fix")
    assert proc.returncode == 1
    assert ".hotfix-hooks.toml: target_minute: unknown key" in proc.stderr
    proc = run_git(clone, "push", "origin", "fix-042-x")
    assert proc.returncode == 1 and ".hotfix-hooks.toml: target_minute" in proc.stderr


def test_fifos_in_the_work_tree_are_never_opened(installed: Path) -> None:
    """git cannot commit a FIFO, but a work tree can hold one: nothing waits for a writer."""
    os.mkfifo(installed / "pyproject.toml")
    proc = run_git(installed, "commit", "--allow-empty", "-m", "main")
    assert proc.returncode == 0 and len(said(proc)) <= 1, proc.stderr
    os.unlink(installed / "pyproject.toml")
    git(installed, "checkout", "-q", "-b", "hotfix/042-x")
    for doc in ("hotfix.md", "tasks.md"):
        os.unlink(installed / HOTFIX_DIR / doc)
        os.mkfifo(installed / HOTFIX_DIR / doc)
    proc = run_git(installed, "commit", "--allow-empty", "-m", "T001: fix")
    assert proc.returncode == 0, proc.stderr  # tasks.md unread: the standard tasks
    proc = subprocess.run(
        ("hotfix-hooks", "status"),
        cwd=installed,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    assert "hotfix.md is missing" in proc.stdout, proc.stdout  # not a file: never opened


LOCK = f"{HOTFIX_DIR}/.hotfix.md.hotfix-hooks.lock"


@pytest.mark.parametrize("kind", ["dangling symlink", "directory"])
def test_a_committed_lock_file_locks_nothing(installed: Path, kind: str) -> None:
    """Locks live in the git directory: a lock file a commit holds (where they used to be)
    neither blocks the lifecycle nor makes it spin once it is old."""
    git(installed, "checkout", "-q", "-b", "hotfix/042-x")
    fill_plan(installed)
    lock = installed / LOCK
    if kind == "directory":
        lock.mkdir()
        (lock / "inside").write_text("x\n", encoding="utf-8")
        os.utime(lock, (0, 0))
    else:
        os.symlink("/nowhere/at/all", lock)
    git(installed, "add", "-A")
    git(installed, "commit", "-q", "-m", "T001: docs and a lock")
    for args in (("rollback", "--yes", "--reason", "errors"), ("resolve",), ("plan",)):
        proc = subprocess.run(
            ("hotfix-hooks", *args),
            cwd=installed,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
        assert proc.returncode == 0, (args, proc.stderr)
        assert "another hotfix-hooks" not in proc.stderr


def test_a_huge_document_in_a_commit_is_refused_not_read(installed: Path, remote: Path) -> None:
    git(installed, "checkout", "-q", "-b", "hotfix/042-x")
    doc = installed / HOTFIX_DIR / "hotfix.md"
    doc.write_bytes(doc.read_bytes() + b"x" * (2 << 20))
    git(installed, "commit", "-q", "-am", "T001: a long log")
    proc = run_git(installed, "push", "origin", "hotfix/042-x")
    assert proc.returncode == 1
    assert "is larger than 1 MiB" in proc.stderr and "hotfix.md" in proc.stderr
    git(installed, "checkout", "-q", "main")  # the report reads it from the branch's tip
    proc = hh(installed, "report", "--json")
    assert proc.returncode == 0, proc.stderr
    (row,) = json.loads(proc.stdout)["hotfixes"]
    assert row["hotfix"] == "042" and "is larger than 1 MiB" in proc.stderr


def test_a_manager_config_symlink_stalls_no_install(installed: Path) -> None:
    """install reads the manager's configuration to tell whether it runs us already."""
    hooks = installed / ".git" / "hooks"
    for name in ("post-checkout", "commit-msg", "pre-push"):  # pre-commit owns every hook
        (hooks / name).unlink()
        (hooks / name).write_text("#!/bin/sh\n# File generated by pre-commit\n", "utf-8")
    os.symlink("/dev/zero", installed / ".pre-commit-config.yaml")
    proc = subprocess.run(
        ("hotfix-hooks", "install"),
        cwd=installed,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    assert "pre-commit" in proc.stdout + proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_report_names_a_hostile_repository_and_reports_the_others(
    repo: Path, tmp_path: Path
) -> None:
    git(repo, "checkout", "-q", "-b", "hotfix/042-x")
    hostile = tmp_path / "hostile"
    git(tmp_path, "init", "-q", str(hostile))
    os.symlink("/dev/zero", hostile / ".hotfix-hooks.toml")
    scaffolded = hh(repo, "scaffold")
    assert scaffolded.returncode == 0, scaffolded.stderr
    proc = hh(tmp_path, "report", "--repo", str(repo), "--repo", str(hostile))
    assert proc.returncode == 2
    assert "042" in proc.stdout  # the good repository is still reported
    (line,) = proc.stderr.splitlines()
    assert f"--repo {hostile}: .hotfix-hooks.toml: is a symlink" in line
    assert "left out of this report" in line
    proc = hh(tmp_path, "report", "--json", "--repo", str(repo), "--repo", str(hostile))
    data = json.loads(proc.stdout)
    assert proc.returncode == 2 and [r["hotfix"] for r in data["hotfixes"]] == ["042"]
    assert "problem" in data["repositories"][1] and "problem" not in data["repositories"][0]
