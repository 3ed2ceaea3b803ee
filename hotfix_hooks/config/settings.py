"""``[tool.hotfix-hooks]`` in pyproject.toml, or top-level keys in .hotfix-hooks.toml.

Unknown keys and wrong types are errors (exit 2) naming the file and key.
"""

from __future__ import annotations

import sys

from hotfix_hooks.core.branch import DEFAULT_PREFIX, parse_branch
from hotfix_hooks.core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from os import PathLike
    from typing import Any

PYPROJECT = "pyproject.toml"
DEFAULT_TAG_FORMAT = "hotfix-{number}"
EVENTS = ("on_start", "on_push", "on_rollback", "on_resolve", "on_finish", "on_overdue")
DEDICATED = ".hotfix-hooks.toml"
TABLE = "hotfix-hooks"


class Config:
    """The settings in force (a plain class: hooks import it, dataclasses cost start-up)."""

    __slots__ = (
        "base_branch",
        "branch_prefix",
        "default_task",
        "develop_branch",
        "event_timeout",
        "events",
        "features_dir",
        "require_task",
        "rollback_trigger_required",
        "source",
        "stage_scaffold",
        "tag_format",
        "target_minutes",
        "templates_dir",
    )

    def __init__(
        self,
        *,
        features_dir: str | None = None,
        branch_prefix: str = DEFAULT_PREFIX,
        templates_dir: str = ".specswarm/templates",
        stage_scaffold: bool = True,
        default_task: str | None = None,
        require_task: bool = True,
        rollback_trigger_required: bool = False,
        target_minutes: int = 120,
        base_branch: str | None = None,
        develop_branch: str | None = None,
        tag_format: str = DEFAULT_TAG_FORMAT,
        events: tuple[tuple[str, tuple[str, ...]], ...] = (),
        event_timeout: int = 10,
        source: str | None = None,  # the file it came from, for messages
    ) -> None:
        self.features_dir = features_dir
        self.branch_prefix = branch_prefix
        self.templates_dir = templates_dir
        self.stage_scaffold = stage_scaffold
        self.default_task = default_task
        self.require_task = require_task
        self.rollback_trigger_required = rollback_trigger_required
        self.target_minutes = target_minutes
        self.base_branch = base_branch
        self.develop_branch = develop_branch
        self.tag_format = tag_format
        self.events = events  # (event, argv) pairs, sorted: hashable and comparable
        self.event_timeout = event_timeout
        self.source = source

    def event_command(self, event: str) -> tuple[str, ...] | None:
        """The argv configured for ``event`` (``on_push``, ...), or None."""
        for name, argv in self.events:
            if name == event:
                return argv
        return None

    def settings(self) -> dict[str, object]:
        """Every setting, without where it came from."""
        return {name: getattr(self, name) for name in self.__slots__ if name != "source"}

    def replace(self, **changes: Any) -> Config:
        values: dict[str, Any] = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        return Config(**values)

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Config) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        pairs = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"Config({pairs})"


def _check_prefix(value: Any) -> str | None:
    if not value or any(c.isspace() or c in "~^:?*[\\" for c in value) or ".." in value:
        return "must be a non-empty branch-name prefix such as 'hotfix/'"
    return None


def _check_task(value: Any) -> str | None:
    ok = len(value) == 4 and value[0] in "Tt" and value[1:].isdigit() and value.isascii()
    return None if ok else "must be a task ID such as 'T001'"


def _check_positive(value: Any) -> str | None:
    if not 0 < value <= MAX_TARGET_MINUTES:
        return f"must be a positive number of minutes, at most {MAX_TARGET_MINUTES} (a year)"
    return None


MAX_TARGET_MINUTES = 366 * 24 * 60


def _check_relative_path(value: Any) -> str | None:
    """A repository-relative directory: no NUL, not absolute, never climbing out."""
    if "\0" in value:
        return "must not contain a NUL byte"
    parts = value.replace("\\", "/").split("/")
    if not value.strip() or value.startswith("/") or ".." in parts or ":" in value:
        return "must be a relative path inside the repository, such as 'docs/hotfixes'"
    if any(part.lower() == ".git" for part in parts):
        return "must not lead into a .git directory (git's own files), e.g. 'docs/hotfixes'"
    return None


def _check_seconds(value: Any) -> str | None:
    return None if value > 0 else "must be a positive number of seconds"


def _check_branch(value: Any) -> str | None:
    bad = not value or value.startswith("-") or ".." in value
    if bad or any(c.isspace() or c in "~^:?*[\\" for c in value):
        return "must be a branch name such as 'main'"
    return None


def _check_optional_branch(value: Any) -> str | None:
    """A branch name, or ``""`` for none (``develop_branch = ""``: no development branch)."""
    return None if value == "" else _check_branch(value)


MAX_TAG_FORMAT = 100


def _check_tag_format(value: Any) -> str | None:
    """A tag name with ``{number}`` in it, and no other braces: it is filled in by
    replacing that word, never by ``str.format`` (whose width and fill specs would let a
    committed file allocate gigabytes)."""
    if "{number}" not in value:
        return "must contain {number}, e.g. 'hotfix-{number}'"
    if "{" in value.replace("{number}", "") or "}" in value.replace("{number}", ""):
        return "may use only {number} in braces, e.g. 'hotfix-{number}'"
    if len(value) > MAX_TAG_FORMAT:
        return f"must be at most {MAX_TAG_FORMAT} characters"
    name = value.replace("{number}", "042")
    if _check_branch(name):
        return f"gives {_short(name)}, not a valid tag name"
    return None


def _short(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters: a message quotes a value, never a
    megabyte of it."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _events(
    value: dict[str, Any], file: str, where: str
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``[events]``: event name -> a command line (split like a shell, never run by one)
    or a list of arguments."""
    import shlex

    found = []
    for name, command in value.items():
        key = f"{where}events.{name}"
        if name not in EVENTS:
            raise ConfigError(file, key, unknown_key(name, EVENTS, "event"))
        if isinstance(command, str):
            try:
                argv = shlex.split(command)
            except ValueError as exc:
                raise ConfigError(file, key, f"cannot split {_short(command)}: {exc}") from None
        elif isinstance(command, list) and all(isinstance(a, str) for a in command):
            argv = list(command)
        else:
            raise ConfigError(file, key, "must be a command line or a list of arguments")
        if not argv or not argv[0]:
            raise ConfigError(file, key, "must name a command")
        found.append((name, tuple(argv)))
    return tuple(sorted(found))


_KEYS: dict[str, tuple[type, Callable[[Any], str | None] | None]] = {
    "features_dir": (str, _check_relative_path),
    "branch_prefix": (str, _check_prefix),
    "templates_dir": (str, _check_relative_path),
    "stage_scaffold": (bool, None),
    "default_task": (str, _check_task),
    "require_task": (bool, None),
    "rollback_trigger_required": (bool, None),
    "target_minutes": (int, _check_positive),
    "base_branch": (str, _check_branch),
    "develop_branch": (str, _check_optional_branch),
    "tag_format": (str, _check_tag_format),
    "events": (dict, None),
    "event_timeout": (int, _check_seconds),
}
_TYPE_NAMES = {str: "a string", bool: "true or false", int: "a whole number", dict: "a table"}


def _loads(text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11 only
        import tomli as tomllib
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except RecursionError:  # arrays nested thousands deep
        raise ValueError("nested too deeply") from None
    return data


def unknown_key(key: str, known: Iterable[str], what: str = "key") -> str:
    """``unknown key``, with the nearest known name when one is close (``require_tasks``:
    did you mean ``require_task``?), and every known one."""
    from difflib import get_close_matches  # only on this error's path

    names = sorted(known)
    close = get_close_matches(key, names, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown {what} ({hint}known {what}s: {', '.join(names)})"


def parse(text: str, file: str, *, in_pyproject: bool) -> Config | None:
    """Validate one config file's text; None when it has no hotfix-hooks settings."""
    try:
        data = _loads(text)
    except ValueError as exc:  # tomllib.TOMLDecodeError subclasses ValueError
        raise ConfigError(file, None, f"invalid TOML: {exc}") from None
    where = ""
    if in_pyproject:
        tool = data.get("tool", {})
        if not isinstance(tool, dict) or TABLE not in tool:
            return None
        data = tool[TABLE]
        where = f"tool.{TABLE}."
        if not isinstance(data, dict):
            raise ConfigError(file, f"tool.{TABLE}", "must be a table")
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _KEYS:
            raise ConfigError(file, where + key, unknown_key(key, _KEYS))
        expected, check = _KEYS[key]
        if type(value) is not expected:
            raise ConfigError(
                file, where + key, f"must be {_TYPE_NAMES[expected]}, not {_short(value)}"
            )
        problem = check(value) if check else None
        if problem:
            raise ConfigError(file, where + key, problem)
        values[key] = _events(value, file, where) if isinstance(value, dict) else value
    if "default_task" in values:
        values["default_task"] = values["default_task"].upper()
    return Config(source=file, **values)


def _mentions_us(text: str) -> bool:
    return TABLE in text


def load(root: str | PathLike[str], read: Callable[[str], str | None] | None = None) -> Config:
    """The repository's configuration.

    ``read`` returns a file's text by repository-relative path (None when
    absent); by default it reads the working tree, the server hook passes
    one that reads the pushed commit.
    """
    reader = read or (lambda name: _read_worktree(root, name))
    dedicated = reader(DEDICATED)
    if dedicated is not None:
        config = parse(dedicated, DEDICATED, in_pyproject=False)
        return _no_events(config or Config(source=DEDICATED), DEDICATED, "events")
    pyproject = reader(PYPROJECT)
    if pyproject is not None and _mentions_us(pyproject):
        config = parse(pyproject, PYPROJECT, in_pyproject=True)
        if config is not None:
            return _no_events(config, PYPROJECT, f"tool.{TABLE}.events")
    return Config()


LOCAL = "hotfix-hooks.toml"  # in the git directory: never committed, never cloned


def _no_events(config: Config, file: str, key: str) -> Config:
    """Event commands run programs: a file anyone can commit never names them. They are
    dropped, with one warning line, never run; the rest of the file applies."""
    if not config.events:
        return config
    warn_once(
        f"{file}: {key}: ignored: event commands run programs, so they are never read "
        f"from a committed file (anyone who can push could change them); put [events] in "
        f".git/{LOCAL} instead"
    )
    return config.replace(events=())


_WARNED: set[str] = set()


def warn_once(text: str) -> None:
    """A configuration warning, said once a process however often the file is read."""
    if text in _WARNED:
        return
    _WARNED.add(text)
    from hotfix_hooks.core import ui

    ui.warn(text)


def load_local(git_dir: str | PathLike[str]) -> Config | None:
    """The settings in ``<git dir>/hotfix-hooks.toml`` (top-level keys), a file no push or
    clone writes: in a clone, the only place event commands are read from; in a server's
    bare repository, the rules pre-receive judges by. None when there is no such file.
    The user's own file: a symlink to it is followed (never to a FIFO or device)."""
    import os

    path = os.path.join(os.fspath(git_dir), LOCAL)
    text = _read(path, path, follow=True)
    if text is None:
        return None
    return parse(text, path, in_pyproject=False) or Config(source=path)


def _read(path: str, shown: str, *, follow: bool = False) -> str | None:
    """A configuration file's text through the one safe reader (a regular file, at most
    ``READ_LIMIT`` bytes); None when there is none; ConfigError naming it otherwise."""
    from hotfix_hooks.core.safe_files import UnreadableFile, read_regular

    try:
        data = read_regular(path, shown=shown, follow=follow)
    except UnreadableFile as exc:
        raise ConfigError(shown, None, exc.problem) from None
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(shown, None, "is not UTF-8 text") from None


def _read_worktree(root: str | PathLike[str], name: str) -> str | None:
    import os

    return _read(os.path.join(root, name), name)


# -- the hooks' first question: is this a hotfix branch? --------------------------------------


def cheap_prefix(root: str) -> str | None:
    """The branch prefix when no configuration file can change it (the default); None when
    one may, or cannot be told not to (the configuration must be loaded).

    The sh fast path of every installed hook (``install/script.py``) makes this same
    decision from these same names, in the same order; a test runs both over a table of
    states. A ``pyproject.toml`` that is not a regular file, or whose first ``READ_LIMIT``
    bytes mention ``hotfix-hooks``, may configure us."""
    import os

    from hotfix_hooks.core.safe_files import READ_LIMIT, UnreadableFile, read_regular

    if os.path.lexists(os.path.join(root, DEDICATED)):
        return None
    pyproject = os.path.join(root, PYPROJECT)
    if not os.path.lexists(pyproject):
        return DEFAULT_PREFIX
    try:
        head = read_regular(pyproject, READ_LIMIT, head=True)
    except UnreadableFile:
        return None
    if head is None:
        return DEFAULT_PREFIX
    # sh's command substitution drops NUL bytes before it matches: so do we
    return None if TABLE.encode() in head.replace(b"\0", b"") else DEFAULT_PREFIX


def could_be_hotfix(root: str, branch: str | None) -> bool:
    if not branch:
        return False
    prefix = cheap_prefix(root)
    return prefix is None or branch.startswith(prefix)


def for_branches(root: str | PathLike[str], names: Sequence[str]) -> Config | None:
    """The configuration a client hook works by when one of ``names`` (the branches it
    acts on) is a hotfix branch; None when none is.

    A broken committed configuration never blocks work where it does not matter: when no
    name is a hotfix branch (by the prefix the file sets, if it can be read, else the
    default), one warning line and None; when one is, the ConfigError naming the file and
    key (exit 2)."""
    try:
        config = load(root)
    except ConfigError as exc:
        prefix = _prefix_despite(root)
        hotfixes = [name for name in names if parse_branch(name, prefix)]
        if hotfixes:
            raise
        where = f" on {names[0]}" if len(names) == 1 else ""
        warn_once(f"{exc} (ignored{where}: not a hotfix branch; fix it before one is)")
        return None
    if not any(parse_branch(name, config.branch_prefix) for name in names):
        return None
    return config


def _prefix_despite(root: str | PathLike[str]) -> str:
    """The ``branch_prefix`` a broken configuration file sets, when that key alone can be
    read and is valid; else the default."""
    for name, in_pyproject in ((DEDICATED, False), (PYPROJECT, True)):
        try:
            text = _read_worktree(root, name)
            data = _loads(text) if text is not None else None
        except (ConfigError, ValueError):
            return DEFAULT_PREFIX
        if data is None:
            continue
        if in_pyproject:
            tool = data.get("tool")
            data = tool.get(TABLE) if isinstance(tool, dict) else None
            if not isinstance(data, dict):
                return DEFAULT_PREFIX
        value = data.get("branch_prefix", DEFAULT_PREFIX)
        return value if isinstance(value, str) and not _check_prefix(value) else DEFAULT_PREFIX
    return DEFAULT_PREFIX
