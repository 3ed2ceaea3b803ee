"""Reading files out of a commit (never the working tree) with one ``git cat-file``.

Cost does not depend on how many commits a push carries: only the blobs
asked for are read.
"""

from __future__ import annotations

import os
import subprocess
from types import TracebackType


class CommitFiles:
    """Files of one commit, by repository-relative path."""

    def __init__(self, cwd: str | os.PathLike[str], rev: str) -> None:
        self.rev = rev
        self._proc = subprocess.Popen(
            ("git", "cat-file", "--batch"),
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def _object(self, spec: str) -> tuple[str, bytes] | None:
        if "\n" in spec or "\0" in spec:
            return None
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(spec.encode("utf-8", "surrogateescape") + b"\n")
        self._proc.stdin.flush()
        header = self._proc.stdout.readline().split()
        if len(header) != 3:  # "<spec> missing" or "ambiguous"
            return None
        size = int(header[2])
        body = self._proc.stdout.read(size + 1)[:size]
        return header[1].decode(), body

    def read(self, rel: str, rev: str | None = None) -> bytes | None:
        found = self._object(f"{rev or self.rev}:{rel}")
        return found[1] if found and found[0] == "blob" else None

    def text(self, rel: str) -> str | None:
        data = self.read(rel)
        return None if data is None else data.decode("utf-8", "replace")

    def is_dir(self, rel: str) -> bool:
        return self.is_dir_at(self.rev, rel)

    def is_dir_at(self, rev: str, rel: str) -> bool:
        found = self._object(f"{rev}:{rel}")
        return bool(found and found[0] == "tree")

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        if self._proc.stdout:
            self._proc.stdout.close()
        self._proc.wait()

    def __enter__(self) -> CommitFiles:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
