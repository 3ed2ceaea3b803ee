"""Reading files out of a commit (never the working tree) with one ``git cat-file --batch``.

Cost does not depend on how many commits a push carries: only the trees and blobs
asked for are read. A path counts as a file only when its tree entry is a regular
file (mode 100644 or 100755): a symlink, a submodule or a directory at that path is
no file, whatever its link text says.
"""

from __future__ import annotations

import os
from types import TracebackType

from hotfix_hooks.core.safe_files import READ_LIMIT, too_large
from hotfix_hooks.git.lean import Started

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO

FILE_MODES = frozenset({b"100644", b"100755"})
TREE_MODE = b"40000"


class BlobProtocolError(Exception):
    """git cat-file answered something that is not its documented protocol."""


class CommitFiles:
    """Files of one commit, by repository-relative path."""

    def __init__(self, cwd: str | os.PathLike[str], rev: str) -> None:
        self.rev = rev
        self._pid, self._stdin, self._stdout = _start_batch(os.fspath(cwd))

    def at(self, rev: str) -> CommitFiles:
        """The files of ``rev``, read through this object's ``git cat-file`` (one process
        for every commit a gate reads); closing stays this object's job."""
        view = object.__new__(CommitFiles)
        view.rev, view._pid = rev, None
        view._stdin, view._stdout = self._stdin, self._stdout
        return view

    def pin(self) -> str | None:
        """The commit ``rev`` names (HEAD, a branch), which every later read uses: what
        moves meanwhile does not change what is read. Its object id; None when ``rev``
        names no commit (an unborn branch)."""
        found = self._object(f"{self.rev}^{{commit}}".encode("utf-8", "surrogateescape"))
        if found is None or found[1] != b"commit":
            return None
        self.rev = found[0].decode("ascii")
        return self.rev

    def _object(
        self, spec: bytes, limit: int | None = None, shown: str = ""
    ) -> tuple[bytes, bytes, bytes] | None:
        """(object id, type, content) of one object; None when git has no such object.
        Content over ``limit`` bytes is never held: read past and refused (FileTooLarge
        naming ``shown``), in bounded memory.

        The reply is ``<oid> SP <type> SP <size> LF <content> LF``, or ``<spec> SP
        missing LF`` (``ambiguous`` likewise) where ``<spec>`` is echoed as given, spaces
        and all: it is recognised as that echo, never split on spaces.
        """
        if b"\n" in spec or b"\0" in spec:
            return None
        self._stdin.write(spec + b"\n")
        self._stdin.flush()
        header = self._stdout.readline().rstrip(b"\n")
        if header in (spec + b" missing", spec + b" ambiguous"):
            return None
        fields = header.split(b" ")
        if len(fields) != 3 or not fields[2].isdigit():
            raise BlobProtocolError(f"unexpected reply from git cat-file: {header[:200]!r}")
        size = int(fields[2])
        if limit is not None and size > limit:
            left = size + 1
            while left > 0:
                chunk = self._stdout.read(min(left, 1 << 16))
                if not chunk:
                    break
                left -= len(chunk)
            raise too_large(shown, limit)
        body = self._stdout.read(size + 1)[:size]
        return fields[0], fields[1], body

    def _entry(self, rel: str, rev: str | None = None) -> tuple[bytes, bytes] | None:
        """(mode, object id) of the tree entry at ``rel``; None when there is none."""
        parts = [part for part in rel.split("/") if part]
        if not parts:
            return None
        tree_spec = (
            f"{rev or self.rev}^{{tree}}"
            if len(parts) == 1
            else f"{rev or self.rev}:{'/'.join(parts[:-1])}"
        )
        found = self._object(tree_spec.encode("utf-8", "surrogateescape"))
        if found is None or found[1] != b"tree":
            return None
        oid, _, tree = found
        return _find_entry(tree, parts[-1].encode("utf-8", "surrogateescape"), len(oid) // 2)

    def file_id(self, rel: str, rev: str | None = None) -> str | None:
        """The object id of the regular file at ``rel``; None for anything else or nothing."""
        entry = self._entry(rel, rev)
        if entry is None or entry[0] not in FILE_MODES:
            return None
        return entry[1].decode("ascii")

    def read(self, rel: str, rev: str | None = None) -> bytes | None:
        """A regular file's bytes (at ``rev``, default this commit); None for anything
        else or nothing; FileTooLarge beyond ``READ_LIMIT``, as for a work tree's file."""
        entry = self._entry(rel, rev)
        if entry is None or entry[0] not in FILE_MODES:
            return None
        found = self._object(entry[1], READ_LIMIT, f"{rel} (at {(rev or self.rev)[:12]})")
        return found[2] if found and found[1] == b"blob" else None

    def text(self, rel: str) -> str | None:
        data = self.read(rel)
        return None if data is None else data.decode("utf-8", "replace")

    def is_dir(self, rel: str, rev: str | None = None) -> bool:
        entry = self._entry(rel, rev)
        return entry is not None and entry[0] == TREE_MODE

    def close(self) -> None:
        if self._pid is None:
            return
        self._stdin.close()  # flushed after every request: nothing left to write
        self._stdout.close()
        pid, self._pid = self._pid, None
        os.waitpid(pid, 0)

    def __enter__(self) -> CommitFiles:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _start_batch(cwd: str) -> tuple[int | None, IO[bytes], IO[bytes]]:
    """``git -C cwd cat-file --batch``: (pid, its stdin, its stdout). Spawned with
    ``os.posix_spawnp`` where there is one: the subprocess module costs the pre-push hook
    more to import than the rest of its work when hotfix.md has been judged before."""
    if not hasattr(os, "posix_spawnp"):
        import subprocess

        proc = subprocess.Popen(
            ("git", "cat-file", "--batch"),
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert proc.stdin is not None and proc.stdout is not None
        return proc.pid, proc.stdin, proc.stdout
    started = Started(["git", "-C", cwd, "cat-file", "--batch"], stdin=True)
    assert started.pid is not None
    return started.pid, os.fdopen(started.stdin, "wb"), os.fdopen(started.stdout, "rb")


def _find_entry(tree: bytes, name: bytes, width: int) -> tuple[bytes, bytes] | None:
    """Scan a raw tree object (``<mode> SP <name> NUL <binary oid>`` entries, ``width``
    bytes an oid) for ``name``: (mode, hex object id)."""
    position = 0
    while position < len(tree):
        space = tree.find(b" ", position)
        nul = tree.find(b"\0", space + 1)
        if space < 0 or nul < 0:
            return None
        if tree[space + 1 : nul] == name:
            return tree[position:space], tree[nul + 1 : nul + 1 + width].hex().encode()
        position = nul + 1 + width
    return None
