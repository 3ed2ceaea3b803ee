"""Exit codes and the errors that map to them.

Every user mistake is raised as a :class:`UsageError` and printed as one line by the
entry points (the click command line, the hooks' lean path, each hook's guard), which all
ask :func:`exit_for`: never a traceback.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

OK = 0
POLICY_FAILED = 1
USAGE = 2
SIGPIPE_EXIT = 141  # the reader of our output went away (128 + SIGPIPE, as a shell reports it)


class UsageError(Exception):
    """Bad usage, bad configuration, or no repository: exit 2."""

    exit_code = USAGE


class Refused(UsageError):
    """A command's policy said no, and nothing was changed: exit 1."""

    exit_code = POLICY_FAILED


class ConfigError(UsageError):
    def __init__(self, file: str, key: str | None, problem: str) -> None:
        where = f"{file}: {key}" if key else file
        super().__init__(f"{where}: {problem}")
        self.file = file
        self.key = key


class NotARepositoryError(UsageError):
    def __init__(self, advice: str = "run this inside a git working tree") -> None:
        super().__init__(f"not a git repository (or any parent up to the mount point): {advice}")


class UnsafePathError(UsageError):
    """A path would leave the repository or pass through a symlink."""


class GitError(Exception):
    def __init__(self, args: Sequence[str], returncode: int, stderr: str) -> None:
        super().__init__(f"git {' '.join(args)} failed ({returncode}): {stderr.strip()}")
        self.returncode = returncode
        self.stderr = stderr


def exit_for(exc: BaseException) -> tuple[int, str] | None:
    """(exit code, the one line to print) for an error we expect: our own, a failing git
    command, a file or disk problem (read-only, full, unreadable). None for anything else:
    a bug, which each entry point reports in its own way."""
    if isinstance(exc, UsageError):
        return exc.exit_code, str(exc)
    if isinstance(exc, GitError):
        return USAGE, str(exc)
    if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
        where = f" ({exc.filename})" if exc.filename else ""
        return USAGE, f"{exc.strerror or exc}{where}: nothing more was done"
    return None


def guarded(call: Callable[[], int]) -> int:
    """``call()``'s exit code, with what every entry point does about the errors we expect:
    the one line of :func:`exit_for` and its code; a reader that went away (``status |
    head``) ends it quietly with :data:`SIGPIPE_EXIT`, as git does; Ctrl-C is "Aborted!"
    (click's word for it) and 1. Anything else is a bug and propagates."""
    import os
    import sys

    try:
        return call()
    except KeyboardInterrupt:
        sys.stderr.write("\nAborted!\n")
        return 1
    except BrokenPipeError:
        # Nothing more may reach the closed pipe, not even Python's flush at exit.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):  # no descriptor (an in-memory stream)
            pass
        return SIGPIPE_EXIT
    except Exception as exc:
        known = exit_for(exc)
        if known is None:
            raise
        from hotfix_hooks.core import ui

        ui.error(known[1])
        return known[0]
