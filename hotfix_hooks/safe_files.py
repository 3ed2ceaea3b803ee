"""Writing files without leaving the repository or overwriting what is not ours.

Nothing is ever written through a symlink: every directory below the
repository root is created or checked component by component, and files are
created exclusively (``O_EXCL`` never follows a symlink).
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from hotfix_hooks.errors import UnsafePathError


def check_no_symlinks(root: Path, rel: PurePosixPath) -> None:
    """Refuse if any existing component of ``rel`` below ``root`` is a symlink."""
    current = root
    for part in rel.parts:
        current = current / part
        if current.is_symlink():
            raise UnsafePathError(
                f"{current.relative_to(root)} is a symlink: hotfix-hooks never writes "
                "through symlinks; replace it with a real directory"
            )


def make_dirs(root: Path, rel: PurePosixPath) -> Path:
    check_no_symlinks(root, rel)
    current = root
    for part in rel.parts:
        current = current / part
        try:
            current.mkdir()
        except FileExistsError:
            if current.is_symlink() or not current.is_dir():
                raise UnsafePathError(
                    f"{current.relative_to(root)} exists and is not a directory"
                ) from None
    return current


def create_exclusive(path: Path, data: bytes) -> None:
    """Create ``path`` with ``data``; FileExistsError if anything is there."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            fd = -1
            handle.write(data)
    except BaseException:
        if fd != -1:
            os.close(fd)
        path.unlink(missing_ok=True)
        raise


def replace_file(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write a file we own, atomically, never via a symlink; keeps the old
    file's mode unless ``mode`` is given."""
    if path.is_symlink():
        raise UnsafePathError(f"{path} is a symlink: refusing to write through it")
    tmp = path.with_name(f".{path.name}.hotfix-hooks.tmp")
    tmp.unlink(missing_ok=True)
    create_exclusive(tmp, data)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = None
    if mode is not None:
        tmp.chmod(mode)
    tmp.replace(path)
