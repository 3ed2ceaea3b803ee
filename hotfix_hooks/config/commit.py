"""The configuration in force at a commit: what a change is judged by, read from outside it."""

from __future__ import annotations

from hotfix_hooks.config import settings as config_mod
from hotfix_hooks.config.features import features_rel

TYPE_CHECKING = False
if TYPE_CHECKING:
    from os import PathLike

    from hotfix_hooks.config.settings import Config
    from hotfix_hooks.git.blobs import CommitFiles


def commit_config(files: CommitFiles) -> Config:
    return config_mod.load(".", read=files.text)


def config_at(cwd: str | PathLike[str], rev: str) -> Config:
    """The configuration in force at ``rev``, its features directory resolved in that
    commit's tree: the rules a change is judged by, read from outside the change."""
    from hotfix_hooks.git.blobs import CommitFiles

    with CommitFiles(cwd, rev) as files:
        return config_in(files)


def config_in(files: CommitFiles) -> Config:
    """``config_at`` the commit ``files`` reads."""
    config = commit_config(files)
    features = features_rel(config, files.is_dir)
    return config.replace(features_dir=str(features))
