"""Where a repository keeps its hotfixes: the seed's features-location rule, once.

``.specswarm/features`` unless only a legacy ``features/`` exists (a hook never moves
tracked files); the ``features_dir`` setting overrides both and must stay inside the
repository. Import-light (pathlib only inside the functions that need it): the commit-msg
hook resolves it on every hotfix commit.
"""

from __future__ import annotations

import os

from hotfix_hooks.core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path, PurePosixPath

    from hotfix_hooks.config.settings import Config


SPECSWARM_FEATURES = ".specswarm/features"
LEGACY_FEATURES = "features"


def choose_features(exists: Callable[[str], bool] | None) -> str:
    """The seed's features-location rule: .specswarm/features, unless only a
    legacy features/ exists (a hook never moves tracked files)."""
    if exists is not None and not exists(SPECSWARM_FEATURES) and exists(LEGACY_FEATURES):
        return LEGACY_FEATURES
    return SPECSWARM_FEATURES


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


def worktree_features(root: str, config: Config) -> str:
    if config.features_dir is None:  # the common case, without pathlib
        return choose_features(lambda rel: os.path.isdir(os.path.join(root, rel)))
    from pathlib import Path

    return str(worktree_features_rel(Path(root), config))
