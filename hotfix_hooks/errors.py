"""Exit codes and the errors that map to them.

Every user mistake is raised as a :class:`UsageError` and printed as one line
by the entry points: never a traceback.
"""

from __future__ import annotations

OK = 0
POLICY_FAILED = 1
USAGE = 2


class UsageError(Exception):
    """Bad usage, bad configuration, or no repository: exit 2."""

    exit_code = USAGE


class ConfigError(UsageError):
    def __init__(self, file: str, key: str | None, problem: str) -> None:
        where = f"{file}: {key}" if key else file
        super().__init__(f"{where}: {problem}")
        self.file = file
        self.key = key


class NotARepositoryError(UsageError):
    def __init__(self) -> None:
        super().__init__(
            "not a git repository (or any parent up to the mount point): "
            "run this inside a git working tree"
        )


class UnsafePathError(UsageError):
    """A path would leave the repository or pass through a symlink."""
