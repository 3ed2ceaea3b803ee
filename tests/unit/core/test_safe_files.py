"""safe_files.append_exactly: an append only when the new bytes only add to what is there."""

from __future__ import annotations

import os
from pathlib import Path

from hotfix_hooks.core.safe_files import append_exactly


def test_appends_only_what_is_new(tmp_path: Path) -> None:
    path = tmp_path / "MSG"
    path.write_bytes(b"T001: x\n")
    assert append_exactly(path, b"T001: x\n", b"T001: x\n\nHotfix: 042\n")
    assert path.read_bytes() == b"T001: x\n\nHotfix: 042\n"


def test_anything_but_an_append_is_left_to_the_caller(tmp_path: Path) -> None:
    path = tmp_path / "MSG"
    path.write_bytes(b"T001: x\n# comment\n")
    original = path.read_bytes()
    # inserting before git's comments is not an append
    assert not append_exactly(path, original, b"T001: x\n\nHotfix: 042\n# comment\n")
    assert not append_exactly(path, original, original)  # nothing to add
    # the file changed since it was read: its size is not the original's
    assert not append_exactly(path, b"T001: x\n", b"T001: x\nmore\n")
    link = tmp_path / "link"
    os.symlink(path, link)
    assert not append_exactly(link, original, original + b"more\n")  # never through a link
    assert not append_exactly(tmp_path / "gone", b"", b"x")
    assert path.read_bytes() == original


def test_a_held_lock_waits_then_says_who_to_ask(tmp_path: Path) -> None:
    import pytest

    from hotfix_hooks.core.errors import UsageError
    from hotfix_hooks.core.safe_files import create_exclusive, locked, replace_file

    target = tmp_path / "hotfix.md"
    target.write_bytes(b"x\n")
    git_dir = tmp_path / ".git"
    busy = pytest.raises(UsageError, match=f"another hotfix-hooks \\(process {os.getpid()}\\)")
    with locked(target, git_dir, wait=0.05), busy, locked(target, git_dir, wait=0.05):
        pass
    with locked(target, git_dir, wait=0.05):  # released: taken again at once
        pass
    # the lock lives in the git directory, never beside the file
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".lock")]
    assert len(list((git_dir / "hotfix-hooks" / "locks").iterdir())) == 1
    with pytest.raises(FileExistsError):
        create_exclusive(target, b"y\n")
    replace_file(target, b"z\n", durable=False)
    assert target.read_bytes() == b"z\n"
    os.symlink(target, tmp_path / "link")
    with pytest.raises(Exception, match="symlink"):
        replace_file(tmp_path / "link", b"w\n")


def test_a_lock_dies_with_its_holder_and_never_spins(tmp_path: Path) -> None:
    """A killed holder's lock is free at once (the kernel drops it); a lock path that is not
    a file (a directory with a file inside, a dangling symlink) is one error, at once."""
    import signal
    import subprocess
    import sys
    import time

    import pytest

    from hotfix_hooks.core.errors import UsageError
    from hotfix_hooks.core.safe_files import lock_path, locked

    target = tmp_path / "hotfix.md"
    git_dir = tmp_path / ".git"
    holder = subprocess.Popen(
        (
            sys.executable,
            "-c",
            "import sys, time; from hotfix_hooks.core.safe_files import locked\n"
            f"with locked({str(target)!r}, {str(git_dir)!r}):\n"
            "    print('held', flush=True); time.sleep(60)",
        ),
        stdout=subprocess.PIPE,
    )
    assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
    with pytest.raises(UsageError, match="another hotfix-hooks"), locked(target, git_dir, 0.05):
        pass
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with locked(target, git_dir, wait=0.05):  # no stale lock to wait out or take over
        pass
    lock = Path(lock_path(target, git_dir))
    lock.unlink()
    lock.mkdir()
    (lock / "inside").write_text("x", encoding="utf-8")
    start = time.monotonic()
    with pytest.raises(UsageError, match="cannot lock"), locked(target, git_dir, wait=5):
        pass
    assert time.monotonic() - start < 1
    (lock / "inside").unlink()
    lock.rmdir()
    os.symlink(tmp_path / "nowhere", lock)
    with pytest.raises(UsageError, match="cannot lock"), locked(target, git_dir, wait=5):
        pass
    assert time.monotonic() - start < 1


def test_read_regular_reads_only_regular_files_and_at_most_the_cap(tmp_path: Path) -> None:
    import pytest

    from hotfix_hooks.core.safe_files import (
        FileTooLarge,
        NotRegularFile,
        UnreadableFile,
        read_inside,
        read_regular,
    )

    plain = tmp_path / "plain.toml"
    plain.write_bytes(b"a = 1\n")
    assert read_regular(plain) == b"a = 1\n"
    assert read_regular(tmp_path / "missing") is None
    assert read_regular(tmp_path / "missing" / "below") is None
    os.symlink("/dev/zero", tmp_path / "zero")
    os.symlink(plain, tmp_path / "link")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "dir").mkdir()
    for name, kind in (("zero", "a symlink"), ("link", "a symlink"), ("fifo", "a FIFO")):
        with pytest.raises(NotRegularFile, match=f"{name}: is {kind}, not a regular file"):
            read_regular(tmp_path / name, shown=name)
    with pytest.raises(NotRegularFile, match="a directory"):
        read_regular(tmp_path / "dir")
    with pytest.raises(NotRegularFile, match="a device"):
        read_regular(tmp_path / "zero", follow=True)  # followed: still no device is read
    assert read_regular(tmp_path / "link", follow=True) == b"a = 1\n"
    with pytest.raises(NotRegularFile, match="a FIFO"):  # never opened: no wait for a writer
        read_regular(tmp_path / "fifo", follow=True)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 5000)
    with pytest.raises(FileTooLarge, match="big: is larger than 4 KiB"):
        read_regular(big, 4096, shown="big")
    assert read_regular(big, 4096, head=True) == b"x" * 4096
    # below a root: never through a symlinked directory
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "hotfix.md").write_bytes(b"doc")
    os.symlink(tmp_path / "docs", tmp_path / "linked")
    assert read_inside(tmp_path, "docs/hotfix.md") == b"doc"
    assert read_inside(tmp_path, "linked/hotfix.md") is None
    with pytest.raises(UnreadableFile):
        read_inside(tmp_path, "fifo")
