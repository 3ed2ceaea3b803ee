"""Locating a hotfix's documents in the working tree or in a commit.

Import-light: the commit-msg hook reads tasks.md through here on every
hotfix commit.
"""

from __future__ import annotations

import os

from hotfix_hooks import config as config_mod
from hotfix_hooks import fastpath
from hotfix_hooks.tasks import SEED_TASKS, parse_tasks

TYPE_CHECKING = False
if TYPE_CHECKING:
    from os import PathLike
    from pathlib import PurePosixPath

    from hotfix_hooks.config import Config
    from hotfix_hooks.objects import CommitFiles

TASKS_DOC = "tasks.md"
HOTFIX_DOC = "hotfix.md"


def read_worktree_doc(root: str | PathLike[str], rel: str | PurePosixPath) -> str | None:
    """A document's text; None if missing, or a symlink (never followed out)."""
    return fastpath.read_inside(str(root), str(rel))


def commit_config(files: CommitFiles) -> Config:
    return config_mod.load(".", read=files.text)


def config_at(cwd: str | PathLike[str], rev: str) -> Config:
    """The configuration in force at ``rev``, its features directory resolved in that
    commit's tree: the rules a change is judged by, read from outside the change."""
    from hotfix_hooks.objects import CommitFiles
    from hotfix_hooks.paths import features_rel

    with CommitFiles(cwd, rev) as files:
        config = commit_config(files)
        features = features_rel(config, files.is_dir)
    return config.replace(features_dir=str(features))


def commit_doc_path(files: CommitFiles, config: Config, number: str, doc: str) -> PurePosixPath:
    from hotfix_hooks.paths import features_rel, hotfix_rel

    return hotfix_rel(features_rel(config, files.is_dir), number) / doc


def _worktree_features(root: str, config: Config) -> str:
    if config.features_dir is None:  # the common case, without pathlib
        return fastpath.choose_features(lambda rel: os.path.isdir(os.path.join(root, rel)))
    from pathlib import Path

    from hotfix_hooks.paths import worktree_features_rel

    return str(worktree_features_rel(Path(root), config))


def load_tasks(
    root: str | PathLike[str], config: Config, number: str
) -> tuple[list[tuple[str, str]], str | None]:
    """(tasks, warning): tasks.md in the working tree, else at HEAD, else the seed's."""
    rel = f"{_worktree_features(str(root), config)}/{number}-hotfix/{TASKS_DOC}"
    text = read_worktree_doc(root, rel)
    if text is None:
        from hotfix_hooks.objects import CommitFiles

        with CommitFiles(root, "HEAD") as files:
            text = files.text(str(commit_doc_path(files, config, number, TASKS_DOC)))
    if text is not None:
        parsed = parse_tasks(text)
        if parsed:
            return parsed, None
        return list(SEED_TASKS), f"{rel} lists no tasks (### T001: ...); using T001-T007"
    return list(SEED_TASKS), f"{rel} is missing; using the seed's tasks T001-T007"
