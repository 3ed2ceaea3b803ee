"""Where a hotfix lives, and writing there without leaving the repository.

Nothing is ever written through a symlink: every directory below the
repository root is created or checked component by component, and files are
created exclusively (``O_EXCL`` never follows a symlink).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from hotfix_hooks.config import Config
from hotfix_hooks.errors import ConfigError, UnsafePathError
from hotfix_hooks.fastpath import choose_features


def relative_inside(value: str, *, file: str | None, key: str) -> PurePosixPath:
    """A repository-relative path that cannot climb out of the repository."""
    path = PurePosixPath(value.replace("\\", "/"))
    if not value.strip() or path.is_absolute() or ".." in path.parts or ":" in value:
        problem = f"{value!r} must be a relative path inside the repository"
        raise ConfigError(file or "configuration", key, problem)
    return path


def features_rel(config: Config, exists: Callable[[str], bool] | None = None) -> PurePosixPath:
    """The features directory, as the seed's features-location.sh picks it.

    ``exists`` answers whether a repository-relative directory exists; by
    default nothing does (the pushed-commit readers pass their own).
    """
    if config.features_dir is not None:
        return relative_inside(config.features_dir, file=config.source, key="features_dir")
    return PurePosixPath(choose_features(exists))


def worktree_features_rel(root: Path, config: Config) -> PurePosixPath:
    return features_rel(config, lambda rel: (root / rel).is_dir())


def hotfix_rel(features: PurePosixPath, number: str) -> PurePosixPath:
    return features / f"{number}-hotfix"


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
