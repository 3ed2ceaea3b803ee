"""Where a hotfix lives: the one features-directory rule, document paths in the
working tree or in a commit, and the configuration in force at a commit.

Import-light (pathlib only inside the functions that need it): the commit-msg hook
reads tasks.md through here on every hotfix commit.
"""

from __future__ import annotations

import os

from hotfix_hooks.config import settings as config_mod
from hotfix_hooks.core.errors import ConfigError
from hotfix_hooks.document.tasks import SEED_TASKS, parse_tasks

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from os import PathLike
    from pathlib import Path, PurePosixPath

    from hotfix_hooks.config.settings import Config
    from hotfix_hooks.git.blobs import CommitFiles

TASKS_DOC = "tasks.md"
HOTFIX_DOC = "hotfix.md"


SPECSWARM_FEATURES = ".specswarm/features"
LEGACY_FEATURES = "features"


def choose_features(exists: Callable[[str], bool] | None) -> str:
    """The seed's features-location rule: .specswarm/features, unless only a
    legacy features/ exists (a hook never moves tracked files)."""
    if exists is not None and not exists(SPECSWARM_FEATURES) and exists(LEGACY_FEATURES):
        return LEGACY_FEATURES
    return SPECSWARM_FEATURES


def read_inside(root: str, rel: str) -> bytes | None:
    """A file's bytes below ``root``; None if missing or reached through a symlink."""
    current = root
    for part in rel.split("/"):
        current = os.path.join(current, part)
        if os.path.islink(current):
            return None
    try:
        with open(current, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def relative_inside(value: str, *, file: str | None, key: str) -> PurePosixPath:
    """A repository-relative path that cannot climb out of the repository."""
    from pathlib import PurePosixPath

    path = PurePosixPath(value.replace("\\", "/"))
    if "\0" in value:
        raise ConfigError(file or "configuration", key, "a path cannot hold a NUL byte")
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
    from pathlib import PurePosixPath

    return PurePosixPath(choose_features(exists))


def worktree_features_rel(root: Path, config: Config) -> PurePosixPath:
    return features_rel(config, lambda rel: (root / rel).is_dir())


def hotfix_rel(features: PurePosixPath, number: str) -> PurePosixPath:
    return features / f"{number}-hotfix"


def read_worktree_doc(root: str | PathLike[str], rel: str | PurePosixPath) -> str | None:
    """A document's text (undecodable bytes replaced: for reading task IDs); None if
    missing, or a symlink (never followed out)."""
    data = read_inside(str(root), str(rel))
    return None if data is None else data.decode("utf-8", "replace")


def read_worktree_bytes(root: str | PathLike[str], rel: str | PurePosixPath) -> bytes | None:
    """A document's bytes, for the hotfix.md model; None if missing, or a symlink."""
    return read_inside(str(root), str(rel))


def commit_config(files: CommitFiles) -> Config:
    return config_mod.load(".", read=files.text)


def config_at(cwd: str | PathLike[str], rev: str) -> Config:
    """The configuration in force at ``rev``, its features directory resolved in that
    commit's tree: the rules a change is judged by, read from outside the change."""
    from hotfix_hooks.git.blobs import CommitFiles

    with CommitFiles(cwd, rev) as files:
        config = commit_config(files)
        features = features_rel(config, files.is_dir)
    return config.replace(features_dir=str(features))


def commit_doc_path(files: CommitFiles, config: Config, number: str, doc: str) -> PurePosixPath:

    return hotfix_rel(features_rel(config, files.is_dir), number) / doc


def worktree_features(root: str, config: Config) -> str:
    if config.features_dir is None:  # the common case, without pathlib
        return choose_features(lambda rel: os.path.isdir(os.path.join(root, rel)))
    from pathlib import Path

    return str(worktree_features_rel(Path(root), config))


def _tasks_from(text: str | None, rel: str) -> tuple[list[tuple[str, str]], str | None]:
    if text is not None:
        parsed = parse_tasks(text)
        if parsed:
            return parsed, None
        return list(SEED_TASKS), f"{rel} lists no tasks (### T001: ...); using T001-T007"
    return list(SEED_TASKS), f"{rel} is missing; using the standard hotfix tasks T001-T007"


def load_tasks(
    root: str | PathLike[str], config: Config, number: str
) -> tuple[list[tuple[str, str]], str | None]:
    """(tasks, warning): tasks.md in the working tree, else at HEAD, else the seed's."""
    rel = f"{worktree_features(str(root), config)}/{number}-hotfix/{TASKS_DOC}"
    text = read_worktree_doc(root, rel)
    if text is None:
        from hotfix_hooks.git.blobs import CommitFiles

        with CommitFiles(root, "HEAD") as files:
            text = files.text(str(commit_doc_path(files, config, number, TASKS_DOC)))
    return _tasks_from(text, rel)


def commit_tasks(
    files: CommitFiles, config: Config, number: str
) -> tuple[list[tuple[str, str]], str | None]:
    """(tasks, warning): tasks.md in one commit (the pushed tip), else the seed's."""
    rel = str(commit_doc_path(files, config, number, TASKS_DOC))
    return _tasks_from(files.text(rel), rel)
