"""No traceback, ever (issue 6): every command against a full disk, a read-only
filesystem, bad input and odd files; one line and the right exit code.

A full or read-only disk is a real one: a tiny tmpfs (root only: mounting needs it; the
tests are skipped with the reason otherwise). Root ignores permission bits, so an
unreadable file is made with a read-only mount, not chmod.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BIN, fill_plan, git, hh

NOW = "2026-11-26T04:05:00+01:00"
DOC = ".specswarm/features/042-hotfix/hotfix.md"

SWEEP: list[tuple[str, ...]] = [
    ("status",),
    ("status", "--json"),
    ("plan",),
    ("rollback", "--yes"),
    ("resolve",),
    ("resolve", "--postmortem"),
    ("report",),
    ("report", "--json"),
    ("report", "--write"),
    ("report", "--html", "out.html"),
    ("report", "--html", "missing/dir/out.html"),
    ("install",),
    ("install", "--force"),
    ("uninstall",),
    ("scaffold", "--number", "7"),
    ("check",),
    ("hook", "commit-msg", "MSG"),
    ("hook", "post-checkout", "0" * 40, "0" * 40, "1"),
]


def hh_env(cwd: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """``hotfix-hooks ARGS`` in this process (:func:`tests.conftest.hh`): an exception that
    escapes is printed as a traceback, exactly as a process would print it."""
    return hh(cwd, *args, env={**os.environ, "HOTFIX_HOOKS_NOW": NOW, **extra})


def assert_one_clean_line(proc: subprocess.CompletedProcess[str], args: tuple[str, ...]) -> None:
    assert "Traceback" not in proc.stderr, (args, proc.stderr)
    assert proc.returncode in (0, 1, 2), (args, proc.returncode, proc.stderr)
    if proc.returncode == 2:
        errors = [line for line in proc.stderr.splitlines() if line.startswith("hotfix-hooks:")]
        assert errors, (args, proc.stderr)


def _mount(target: Path, size: str) -> bool:
    if os.geteuid() != 0:
        return False
    target.mkdir()
    proc = subprocess.run(
        ("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)),
        capture_output=True,
        check=False,
    )
    return proc.returncode == 0


@contextlib.contextmanager
def tmpfs(tmp_path: Path, size: str = "2m") -> Iterator[Path]:
    mnt = tmp_path / "mnt"
    if not _mount(mnt, size):
        pytest.skip("needs root and `mount -t tmpfs` for a real full or read-only disk")
    try:
        yield mnt
    finally:
        subprocess.run(("umount", "-l", str(mnt)), capture_output=True, check=False)


def make_incident(root: Path) -> Path:
    """A repository with hotfix 042 on its branch, docs committed, hooks installed."""
    repo = root / "work"
    git(root, "init", "-q", str(repo))
    (repo / "app.py").write_text("print('hello')\n", encoding="utf-8")
    git(repo, "add", "app.py")
    git(repo, "commit", "-q", "-m", "initial")
    assert hh_env(repo, "install").returncode == 0
    git(repo, "checkout", "-q", "-b", "hotfix/042-login-500")
    fill_plan(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "T001: guard null user")
    (repo / "MSG").write_text("T002: tests\n", encoding="utf-8")
    return repo


def fill_up(root: Path) -> None:
    """Write until the filesystem is full."""
    with open(root / "filler", "wb", buffering=0) as handle:
        with contextlib.suppress(OSError):
            while True:
                handle.write(b"\0" * 4096)
        with contextlib.suppress(OSError):
            while True:
                handle.write(b"\0")


def snapshot(repo: Path) -> dict[str, bytes]:
    return {name: (repo / name).read_bytes() for name in (DOC, "MSG")}


def test_every_command_on_a_full_disk(tmp_path: Path) -> None:
    with tmpfs(tmp_path) as mnt:
        repo = make_incident(mnt)
        before = snapshot(repo)
        fill_up(mnt)
        for args in SWEEP:
            proc = hh_env(repo, *args)
            assert_one_clean_line(proc, args)
            now = snapshot(repo)
            assert now[DOC] == before[DOC], args  # whole: the old bytes, never a torn file
            # the message as it was, or with the trailers appended where its block had room
            stamped = before["MSG"] + b"\nHotfix: 042\nTask: T002\n"
            assert now["MSG"] in (before["MSG"], stamped), args
        # last: `new` may switch branches (from production) when the disk lets git do so
        assert_one_clean_line(hh_env(repo, "new", "second", "incident"), ("new",))


def test_every_command_on_a_read_only_disk(tmp_path: Path) -> None:
    with tmpfs(tmp_path) as mnt:
        repo = make_incident(mnt)
        before = snapshot(repo)
        subprocess.run(("mount", "-o", "remount,ro", str(mnt)), check=True)
        for args in SWEEP:
            proc = hh_env(repo, *args)
            assert_one_clean_line(proc, args)
            assert snapshot(repo) == before, args
        proc = hh_env(repo, "new", "second", "incident")
        assert_one_clean_line(proc, ("new",))
        assert snapshot(repo) == before
        proc = hh_env(repo, "rollback", "--yes")
        assert proc.returncode == 2 and "Read-only file system" in proc.stderr
        proc = hh_env(repo, "report", "--write")
        assert proc.returncode == 2 and "workflow-metrics.json" in proc.stderr


@pytest.mark.parametrize("size", [4096, 3007])
def test_commit_msg_on_a_full_disk_keeps_the_message_whole(tmp_path: Path, size: int) -> None:
    """The trailers are appended: a message that fills its last disk block exactly needs a
    new one, which a full disk refuses (the message is cut back to what it was); one with
    room left in its block takes them."""
    with tmpfs(tmp_path) as mnt:
        repo = make_incident(mnt)
        message = repo / "MSG"
        message.write_text("T002: " + "x" * (size - 7) + "\n", encoding="utf-8")
        before = message.read_bytes()
        fill_up(mnt)
        proc = hh_env(repo, "hook", "commit-msg", "MSG")
        if size == 4096:
            assert proc.returncode == 2 and "message is unchanged" in proc.stderr
            assert message.read_bytes() == before
        else:
            assert proc.returncode == 0, proc.stderr
            assert message.read_bytes() == before + b"\nHotfix: 042\nTask: T002\n"


def test_bad_input_is_one_line(repo: Path) -> None:
    proc = hh_env(repo, "status", HOTFIX_HOOKS_NOW="yesterday")
    assert proc.returncode == 2 and "HOTFIX_HOOKS_NOW" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = hh_env(repo, "report", "--html", str(repo / "no" / "such" / "page.html"))
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    (repo / ".specswarm/workflow-metrics.json").mkdir(parents=True)
    proc = hh_env(repo, "report", "--write")
    assert proc.returncode == 2 and "workflow-metrics.json" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_features_dir_with_a_nul_byte(repo: Path) -> None:
    (repo / ".hotfix-hooks.toml").write_text('features_dir = "a\\u0000b"\n', encoding="utf-8")
    for args in (("new", "x"), ("status",), ("report",), ("scaffold", "-n", "1")):
        proc = hh_env(repo, *args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "NUL" in proc.stderr and "Traceback" not in proc.stderr, (args, proc.stderr)
    branches = git(repo, "branch", "--list", "hotfix/*").stdout
    assert branches == ""  # `new` failed before creating anything


def test_unreadable_files_as_another_user(tmp_path: Path) -> None:
    """Root ignores permission bits: the commands run as nobody (setpriv), in a
    repository of root's whose features directory and metrics file nobody may read."""
    import shutil
    import tempfile

    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run as another user")
    base = Path(tempfile.mkdtemp(prefix="hh-perm-", dir="/tmp"))
    try:
        base.chmod(0o755)
        repo = base / "work"
        git(base, "init", "-q", str(repo))
        (repo / "app.py").write_text("x\n", encoding="utf-8")
        git(repo, "add", "app.py")
        git(repo, "commit", "-q", "-m", "initial")
        features = repo / ".specswarm" / "features"
        (features / "001-hotfix").mkdir(parents=True)
        metrics = repo / ".specswarm" / "workflow-metrics.json"
        metrics.write_text("{}\n", encoding="utf-8")
        for path in [*repo.rglob("*"), repo]:
            if ".git" not in path.parts:
                path.chmod(0o755 if path.is_dir() else 0o644)
        subprocess.run(("chmod", "-R", "a+rX", str(repo / ".git")), check=True)
        features.chmod(0o000)
        metrics.chmod(0o000)
        env = {
            # not the coverage of our own run: nobody cannot write its data file
            **{k: v for k, v in os.environ.items() if not k.startswith(("COVERAGE_", "COV_CORE_"))},
            "HOME": str(base),
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "safe.directory",
            "GIT_CONFIG_VALUE_0": "*",
        }
        for args in (("report",), ("status",), ("report", "--json"), ("new", "x")):
            proc = subprocess.run(
                (
                    "setpriv",
                    "--reuid=65534",
                    "--regid=65534",
                    "--clear-groups",
                    str(BIN / "hotfix-hooks"),
                    *args,
                ),
                cwd=repo,
                capture_output=True,
                text=True,
                env=env,
                check=False,
                timeout=120,
                stdin=subprocess.DEVNULL,
            )
            assert_one_clean_line(proc, args)
            assert proc.returncode == 2, (args, proc.stderr)
            assert "features directory" in proc.stderr or "Permission denied" in proc.stderr
    finally:
        subprocess.run(("chmod", "-R", "u+rwX", str(base)), check=False)
        shutil.rmtree(base, ignore_errors=True)
