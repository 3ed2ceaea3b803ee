"""Where a hotfix's documents are: read from the working tree (never through a symlink)
or from a commit, and its tasks.md read with a fallback to the seed's tasks.

Import-light (pathlib only inside the functions that need it): the commit-msg hook
reads tasks.md through here on every hotfix commit.
"""

from __future__ import annotations

from hotfix_hooks.config.features import (
    features_rel,
    hotfix_rel,
    worktree_features,
    worktree_features_rel,
)
from hotfix_hooks.document.tasks import SEED_TASKS, parse_tasks

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from os import PathLike
    from pathlib import PurePosixPath

    from hotfix_hooks.config.settings import Config
    from hotfix_hooks.git.blobs import CommitFiles
    from hotfix_hooks.git.repository import Repository

TASKS_DOC = "tasks.md"
HOTFIX_DOC = "hotfix.md"


def hotfix_directory(repo: Repository, config: Config, number: str) -> PurePosixPath:
    """Hotfix ``number``'s folder in the working tree, repository-relative."""
    return hotfix_rel(worktree_features_rel(repo.root, config), number)


def read_inside(root: str, rel: str) -> bytes | None:
    """A document's bytes below ``root`` (at most ``READ_LIMIT``); None if missing, reached
    through a symlink, or not a regular file (a FIFO, a device: never opened). Larger than
    we read, or unreadable: one line naming it (``UnreadableFile``)."""
    from hotfix_hooks.core.safe_files import NotRegularFile
    from hotfix_hooks.core.safe_files import read_inside as read_file

    try:
        return read_file(root, rel)
    except NotRegularFile:
        return None


def read_folder(folder: str, names: tuple[str, ...], shown: str = "") -> dict[str, bytes | None]:
    """The named files of one hotfix folder whose own path the caller checked (a real
    directory, no symlink on the way): each file's bytes, None when it is missing or not a
    regular file (a symlink is never followed). Larger than we read: ``UnreadableFile``."""
    from hotfix_hooks.core.safe_files import NotRegularFile, read_regular

    out: dict[str, bytes | None] = {}
    for name in names:
        try:
            out[name] = read_regular(f"{folder}/{name}", shown=f"{shown or folder}/{name}")
        except NotRegularFile:
            out[name] = None
    return out


def read_worktree_doc(root: str | PathLike[str], rel: str | PurePosixPath) -> str | None:
    """A document's text (undecodable bytes replaced: for reading task IDs); None if
    missing, or a symlink (never followed out)."""
    data = read_inside(str(root), str(rel))
    return None if data is None else data.decode("utf-8", "replace")


def read_worktree_bytes(root: str | PathLike[str], rel: str | PurePosixPath) -> bytes | None:
    """A document's bytes, for the hotfix.md model; None if missing, or a symlink."""
    return read_inside(str(root), str(rel))


def commit_doc_path(files: CommitFiles, config: Config, number: str, doc: str) -> PurePosixPath:
    return hotfix_rel(features_rel(config, files.is_dir), number) / doc


def _tasks_from(
    text: str | None, rel: str, reader: Callable[[str], list[tuple[str, str]]] | None = None
) -> tuple[list[tuple[str, str]], str | None]:
    if text is not None:
        parsed = (reader or parse_tasks)(text)
        if parsed:
            return parsed, None
        return list(SEED_TASKS), f"{rel} lists no tasks (### T001: ...); using T001-T007"
    return list(SEED_TASKS), f"{rel} is missing; using the standard hotfix tasks T001-T007"


def load_tasks(
    root: str | PathLike[str],
    config: Config,
    number: str,
    reader: Callable[[str], list[tuple[str, str]]] | None = None,
) -> tuple[list[tuple[str, str]], str | None]:
    """(tasks, warning): tasks.md in the working tree, else at HEAD, else the seed's.
    ``reader``: how tasks.md is read (document/tasks.parse_tasks by default, the one the
    commit-msg hook may use; the model's, model_tasks, where markdown-it may be imported)."""
    rel = f"{worktree_features(str(root), config)}/{number}-hotfix/{TASKS_DOC}"
    text = read_worktree_doc(root, rel)
    if text is None:
        from hotfix_hooks.git.blobs import CommitFiles

        with CommitFiles(root, "HEAD") as files:
            text = files.text(str(commit_doc_path(files, config, number, TASKS_DOC)))
    return _tasks_from(text, rel, reader)


def commit_tasks(
    files: CommitFiles,
    config: Config,
    number: str,
    reader: Callable[[str], list[tuple[str, str]]] | None = None,
) -> tuple[list[tuple[str, str]], str | None]:
    """(tasks, warning): tasks.md in one commit (the pushed tip), else the seed's."""
    rel = str(commit_doc_path(files, config, number, TASKS_DOC))
    return _tasks_from(files.text(rel), rel, reader)
