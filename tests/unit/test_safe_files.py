"""safe_files.append_exactly: an append only when the new bytes only add to what is there."""

from __future__ import annotations

import os
from pathlib import Path

from hotfix_hooks.safe_files import append_exactly


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
