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
    busy = pytest.raises(UsageError, match="another hotfix-hooks is editing")
    with locked(target, wait=0.05), busy, locked(target, wait=0.05):
        pass
    with locked(target, wait=0.05):  # released: taken again at once
        pass
    stale = tmp_path / ".hotfix.md.hotfix-hooks.lock"
    stale.write_text("1\n", encoding="utf-8")
    os.utime(stale, (0, 0))  # a leftover from long ago is taken over
    with locked(target, wait=0.05):
        pass
    with pytest.raises(FileExistsError):
        create_exclusive(target, b"y\n")
    replace_file(target, b"z\n", durable=False)
    assert target.read_bytes() == b"z\n"
    os.symlink(target, tmp_path / "link")
    with pytest.raises(Exception, match="symlink"):
        replace_file(tmp_path / "link", b"w\n")
