"""Writing files without leaving the repository or overwriting what is not ours.

Nothing is ever written through a symlink: every directory below the
repository root is created or checked component by component, and files are
created exclusively (``O_EXCL`` never follows a symlink).

Replacing a file is atomic: the new bytes go to a temporary file created exclusively
(a unique name, as ``mkstemp`` makes) in the same directory, are flushed to disk, and
renamed over the target; whatever happens (a full disk, a crash, a second process
doing the same), the target holds either the old bytes or the new ones, whole.
A read-modify-write holds :func:`locked` around it.

Import-light (``os`` only): the commit-msg hook replaces the message file with it.
"""

from __future__ import annotations

import os
import stat
import time

from hotfix_hooks.core.errors import UnsafePathError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path, PurePosixPath
    from typing import Union

    StrPath = Union[str, os.PathLike[str]]

LOCK_WAIT = 5.0  # seconds another hotfix-hooks may hold a document before we give up
STALE_LOCK = 120.0  # a lock file older than this is left over from a killed process


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


def _write_fd(fd: int, data: bytes, sync: bool = True) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    if sync:
        os.fsync(fd)


def create_exclusive(path: StrPath, data: bytes, mode: int = 0o644) -> None:
    """Create ``path`` with ``data``; FileExistsError if anything is there. A failed
    write (a full disk) leaves nothing behind."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, mode)
    try:
        _write_fd(fd, data)
    except BaseException:
        os.close(fd)
        _unlink(path)
        raise
    os.close(fd)


def _unlink(path: StrPath) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _temp_beside(path: str, mode: int) -> tuple[int, str]:
    """A new file, created exclusively with a unique name, in ``path``'s directory."""
    directory, name = os.path.split(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        tmp = os.path.join(directory, f".{name}.{os.getpid()}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, flags, mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no unique temporary name beside {path}")


def _fsync_dir(directory: str) -> None:
    try:
        fd = os.open(directory or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def append_exactly(path: StrPath, original: bytes, data: bytes) -> bool:
    """Append ``data[len(original):]`` to ``path`` when ``data`` only adds to the
    ``original`` it holds: True when appended, False when this cannot be an append (the
    new bytes change what is there, or the file is no longer ``original`` by size, or is
    a symlink or not a regular file): then replace the file instead.

    One ``write`` with ``O_APPEND`` to a file that git reads right after us: what was there
    is never rewritten. A write that fails part-way (a full disk) is cut back to the original
    length before the error is raised, so the original is all that is left."""
    if not data.startswith(original) or len(data) == len(original):
        return False
    flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return False  # a symlink (ELOOP), gone, or not ours to open: replace, or fail there
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(original):
            return False
        try:
            view = memoryview(data)[len(original) :]
            while view:
                view = view[os.write(fd, view) :]
        except BaseException:
            try:
                os.ftruncate(fd, len(original))
            except OSError:
                pass
            raise
        return True
    finally:
        os.close(fd)


def replace_file(
    path: StrPath, data: bytes, mode: int | None = None, *, durable: bool = True
) -> None:
    """Write a file we own, atomically, never via a symlink; keeps the old
    file's mode unless ``mode`` is given. ``durable=False`` skips the flushes to disk, for
    a cache whose lost or empty entry only means computing it again: the rename still
    means a reader sees the old bytes or the new, never a torn file."""
    target = os.fspath(path)
    if os.path.islink(target):
        raise UnsafePathError(f"{target} is a symlink: refusing to write through it")
    if mode is None:
        try:
            mode = os.stat(target).st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
    fd, tmp = _temp_beside(target, 0o600)
    try:
        _write_fd(fd, data, durable)
        os.fchmod(fd, mode)
    except BaseException:
        os.close(fd)
        _unlink(tmp)
        raise
    os.close(fd)
    try:
        os.replace(tmp, target)
    except BaseException:
        _unlink(tmp)
        raise
    if durable:
        _fsync_dir(os.path.dirname(target))


def lock_path(path: StrPath) -> str:
    directory, name = os.path.split(os.fspath(path))
    return os.path.join(directory, f".{name}.hotfix-hooks.lock")


class locked:
    """Hold an ``O_EXCL`` lock file beside ``path`` for a read-modify-write.

    Waits up to ``wait`` seconds for another hotfix-hooks to finish, then gives up
    with a one-line error naming the file. A lock left by a killed process is taken
    over once it is older than ``STALE_LOCK`` seconds.
    """

    def __init__(self, path: StrPath, wait: float = LOCK_WAIT, shown: str | None = None) -> None:
        self.path = os.fspath(path)
        self.lock = lock_path(self.path)
        self.wait = wait
        self.shown = shown or self.path
        self.held = False

    def __enter__(self) -> locked:
        deadline = time.monotonic() + self.wait
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        delay = 0.005
        while True:
            try:
                fd = os.open(self.lock, flags, 0o644)
            except FileExistsError:
                if self._stale():
                    _unlink(self.lock)
                    continue
                if time.monotonic() >= deadline:
                    raise UsageError(
                        f"another hotfix-hooks is editing {self.shown} (lock file "
                        f"{self.lock}); try again in a moment, or delete the lock file if "
                        "no hotfix-hooks is running"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
                continue
            except OSError as exc:
                raise UsageError(
                    f"cannot lock {self.shown} for writing ({exc.strerror}): nothing was changed"
                ) from None
            try:
                os.write(fd, f"{os.getpid()}\n".encode())
            except OSError:
                pass  # the lock holds without the pid (a full disk)
            os.close(fd)
            self.held = True
            return self

    def _stale(self) -> bool:
        try:
            age = time.time() - os.stat(self.lock).st_mtime
        except OSError:
            return False
        return age > STALE_LOCK

    def __exit__(self, *exc: object) -> None:
        if self.held:
            _unlink(self.lock)
            self.held = False


def describe_os_error(exc: OSError, what: str) -> str:
    """One line for a failed write: what could not be written and why."""
    reason = exc.strerror or str(exc)
    return f"cannot write {what}: {reason}"
