"""Reading a repository's files in bounded time and memory, and writing files without
leaving the repository or overwriting what is not ours.

Whatever is in a work tree or a commit is hostile: ``pyproject.toml`` may be a symlink to
``/dev/zero`` or ``/dev/stdin``, ``hotfix.md`` a FIFO. :func:`read_regular` is the one way
we read such a file: only a regular file (never through a symlink, never a FIFO, socket or
device, which are not even opened), and at most ``limit`` bytes of it.

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

import errno
import os
import stat
import time

from hotfix_hooks.core.errors import UnsafePathError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path, PurePosixPath
    from typing import Union

    StrPath = Union[str, os.PathLike[str]]

READ_LIMIT = 1 << 20  # 1 MiB: the most we read of a configuration file or a document
LOCK_WAIT = 5.0  # seconds another hotfix-hooks may hold a document before we give up


class UnreadableFile(UsageError):
    """A repository's file we do not read: not a regular file, too large, or unreadable."""

    def __init__(self, shown: str, problem: str) -> None:
        super().__init__(f"{shown}: {problem}")
        self.shown = shown
        self.problem = problem


class NotRegularFile(UnreadableFile):
    """A symlink, directory, FIFO, socket or device where a file was expected."""


class FileTooLarge(UnreadableFile):
    """A regular file larger than we read."""


_KINDS = (
    (stat.S_ISLNK, "a symlink"),
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


def _not_regular(mode: int, shown: str) -> NotRegularFile:
    kind = next((name for test, name in _KINDS if test(mode)), "not a plain file")
    return NotRegularFile(
        shown, f"is {kind}, not a regular file: hotfix-hooks reads only regular files here"
    )


def too_large(shown: str, limit: int) -> FileTooLarge:
    size = f"{limit // 1024} KiB" if limit < 1 << 20 else f"{limit >> 20} MiB"
    return FileTooLarge(shown, f"is larger than {size}, more than hotfix-hooks reads")


def read_regular(
    path: StrPath,
    limit: int = READ_LIMIT,
    *,
    shown: str | None = None,
    follow: bool = False,
    head: bool = False,
) -> bytes | None:
    """The bytes of the regular file at ``path``; None when nothing is there.

    Raises :class:`UnreadableFile` (one line naming ``shown``, default the path) when it is
    a symlink (followed only with ``follow``, for a file of the user's own such as
    ``.git/hotfix-hooks.toml``), a directory, FIFO, socket or device (never opened: opening
    some has effects, and a FIFO's open waits for a writer), larger than ``limit`` bytes
    (``head``: its first ``limit`` bytes instead), or cannot be read. Import-light
    (``os``, ``stat``): hooks read ``pyproject.toml`` through it.
    """
    name = shown or os.fspath(path)
    try:
        info = os.stat(path, follow_symlinks=follow)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise UnreadableFile(name, f"cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise _not_regular(info.st_mode, name)
    if info.st_size > limit and not head:
        raise too_large(name, limit)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except (FileNotFoundError, NotADirectoryError):
        return None  # gone since
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # it became a symlink since
            raise NotRegularFile(name, "is a symlink, not a regular file") from None
        raise UnreadableFile(name, f"cannot be read ({exc.strerror or exc})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):  # it was replaced since
            raise _not_regular(mode, name)
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise UnreadableFile(name, f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        if not head:
            raise too_large(name, limit)
        data = data[:limit]
    return data


def read_inside(root: StrPath, rel: str, limit: int = READ_LIMIT) -> bytes | None:
    """The bytes of the regular file at ``rel`` (``/``-separated) below ``root``, never
    reached through a symlink (a directory on the way that is one counts as nothing
    there: None, as for a missing file); :class:`UnreadableFile` as :func:`read_regular`."""
    current = os.fspath(root)
    parts = [part for part in rel.split("/") if part]
    for part in parts[:-1]:
        current = os.path.join(current, part)
        if os.path.islink(current):
            return None
    return read_regular(os.path.join(current, parts[-1]), limit, shown=rel) if parts else None


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


def lock_path(path: StrPath, git_dir: StrPath) -> str:
    """Where the lock for ``path`` lives: in the git directory (``hotfix-hooks/locks/``),
    where no commit, checkout or clone can put anything; one lock file per file locked,
    named after it and a digest of its real path."""
    import hashlib

    real = os.path.realpath(os.fspath(path))
    digest = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    name = os.path.basename(real) or "root"
    return os.path.join(os.fspath(git_dir), "hotfix-hooks", "locks", f"{name}.{digest}.lock")


class locked:
    """Hold ``path``'s lock for a read-modify-write: an exclusive ``flock`` on a file in the
    git directory (``lock_path``).

    The kernel releases the lock when its holder exits, however it exits: a lock is never
    left over, so none is ever taken over by guesswork, and nothing in a work tree or a commit
    can hold one. Waits up to ``wait`` seconds (:data:`LOCK_WAIT` when not given; sleeping,
    never spinning) for another hotfix-hooks to finish, then gives up with a one-line error
    naming the file. The lock files stay (a few bytes each): removing one while it is held
    would let two writers in.
    """

    def __init__(
        self,
        path: StrPath,
        git_dir: StrPath,
        wait: float | None = None,
        shown: str | None = None,
    ) -> None:
        self.path = os.fspath(path)
        self.lock = lock_path(self.path, git_dir)
        self.wait = LOCK_WAIT if wait is None else wait
        self.shown = shown or self.path
        self.fd: int | None = None

    def __enter__(self) -> locked:
        import fcntl

        try:
            os.makedirs(os.path.dirname(self.lock), exist_ok=True)
            flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
            fd = os.open(self.lock, flags, 0o644)
        except OSError as exc:
            raise UsageError(
                f"cannot lock {self.shown} for writing ({exc.strerror}, {self.lock}): "
                "nothing was changed"
            ) from None
        deadline = time.monotonic() + self.wait
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(fd)
                    os.close(fd)
                    raise UsageError(
                        f"another hotfix-hooks{holder} is editing {self.shown}; try again "
                        "when it has finished"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
            except OSError as exc:  # a file system without locks
                os.close(fd)
                raise UsageError(
                    f"cannot lock {self.shown} for writing ({exc.strerror}, {self.lock}): "
                    "nothing was changed"
                ) from None
        try:  # who holds it, for the message another process may print
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass  # the lock holds without the pid (a full disk)
        self.fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the last descriptor releases the flock
            self.fd = None


def _holder(fd: int) -> str:
    """`` (process N)`` from the lock file, when it names one."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f" (process {text})" if text.isdigit() else ""


def describe_os_error(exc: OSError, what: str) -> str:
    """One line for a failed write: what could not be written and why."""
    reason = exc.strerror or str(exc)
    return f"cannot write {what}: {reason}"
