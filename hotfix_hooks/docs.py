"""Locating a hotfix's documents in the working tree or in a commit."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from hotfix_hooks import config as config_mod
from hotfix_hooks.config import Config
from hotfix_hooks.objects import CommitFiles
from hotfix_hooks.paths import features_rel, hotfix_rel, worktree_features_rel
from hotfix_hooks.tasks import SEED_TASKS, parse_tasks

TASKS_DOC = "tasks.md"
HOTFIX_DOC = "hotfix.md"


def read_worktree_doc(root: Path, rel: PurePosixPath) -> str | None:
    """A document's text; None if missing, or a symlink (never followed out)."""
    path = root / rel
    current = root
    for part in rel.parts:
        current = current / part
        if current.is_symlink():
            return None
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except OSError:
        return None


def commit_config(files: CommitFiles) -> Config:
    return config_mod.load(Path(), read=files.text)


def commit_doc_path(files: CommitFiles, config: Config, number: str, doc: str) -> PurePosixPath:
    return hotfix_rel(features_rel(config, files.is_dir), number) / doc


def load_tasks(root: Path, config: Config, number: str) -> tuple[list[tuple[str, str]], str | None]:
    """(tasks, warning): tasks.md in the working tree, else at HEAD, else the seed's."""
    rel = hotfix_rel(worktree_features_rel(root, config), number) / TASKS_DOC
    text = read_worktree_doc(root, rel)
    if text is None:
        with CommitFiles(root, "HEAD") as files:
            text = files.text(str(commit_doc_path(files, config, number, TASKS_DOC)))
    if text is not None:
        parsed = parse_tasks(text)
        if parsed:
            return parsed, None
        return list(SEED_TASKS), f"{rel} lists no tasks (### T001: ...); using T001-T007"
    return list(SEED_TASKS), f"{rel} is missing; using the seed's tasks T001-T007"
