"""``[tool.hotfix-hooks]`` in pyproject.toml, or top-level keys in .hotfix-hooks.toml.

Unknown keys and wrong types are errors (exit 2) naming the file and key.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Callable, Optional

from hotfix_hooks.branch import DEFAULT_PREFIX
from hotfix_hooks.errors import ConfigError

PYPROJECT = "pyproject.toml"
DEDICATED = ".hotfix-hooks.toml"
TABLE = "hotfix-hooks"
_TASK_ID = re.compile(r"T[0-9]{3}", re.IGNORECASE)


@dataclass(frozen=True)
class Config:
    features_dir: Optional[str] = None
    branch_prefix: str = DEFAULT_PREFIX
    templates_dir: str = ".specswarm/templates"
    stage_scaffold: bool = True
    default_task: Optional[str] = None
    require_task: bool = True
    rollback_trigger_required: bool = False
    target_minutes: int = 120
    source: Optional[str] = None  # the file it came from, for messages


def _check_prefix(value: Any) -> str | None:
    if not value or any(c.isspace() or c in "~^:?*[\\" for c in value) or ".." in value:
        return "must be a non-empty branch-name prefix such as 'hotfix/'"
    return None


def _check_task(value: Any) -> str | None:
    return None if _TASK_ID.fullmatch(value) else "must be a task ID such as 'T001'"


def _check_positive(value: Any) -> str | None:
    return None if value > 0 else "must be a positive number of minutes"


_KEYS: dict[str, tuple[type, Callable[[Any], str | None] | None]] = {
    "features_dir": (str, None),
    "branch_prefix": (str, _check_prefix),
    "templates_dir": (str, None),
    "stage_scaffold": (bool, None),
    "default_task": (str, _check_task),
    "require_task": (bool, None),
    "rollback_trigger_required": (bool, None),
    "target_minutes": (int, _check_positive),
}
_TYPE_NAMES = {str: "a string", bool: "true or false", int: "a whole number"}


def _loads(text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11 only
        import tomli as tomllib
    data: dict[str, Any] = tomllib.loads(text)
    return data


def parse(text: str, file: str, *, in_pyproject: bool) -> Config | None:
    """Validate one config file's text; None when it has no hotfix-hooks settings."""
    try:
        data = _loads(text)
    except ValueError as exc:  # tomllib.TOMLDecodeError subclasses ValueError
        raise ConfigError(file, None, f"invalid TOML: {exc}") from None
    where = ""
    if in_pyproject:
        tool = data.get("tool", {})
        if not isinstance(tool, Mapping) or TABLE not in tool:
            return None
        data = tool[TABLE]
        where = f"tool.{TABLE}."
        if not isinstance(data, Mapping):
            raise ConfigError(file, f"tool.{TABLE}", "must be a table")
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(file, where + key, f"unknown key (known keys: {known})")
        expected, check = _KEYS[key]
        if type(value) is not expected:
            raise ConfigError(file, where + key, f"must be {_TYPE_NAMES[expected]}, not {value!r}")
        problem = check(value) if check else None
        if problem:
            raise ConfigError(file, where + key, problem)
        values[key] = value
    if "default_task" in values:
        values["default_task"] = values["default_task"].upper()
    return Config(source=file, **values)


def _mentions_us(text: str) -> bool:
    return TABLE in text


def load(root: Path, read: Callable[[str], str | None] | None = None) -> Config:
    """The repository's configuration.

    ``read`` returns a file's text by repository-relative path (None when
    absent); by default it reads the working tree, the server hook passes
    one that reads the pushed commit.
    """
    reader = read or (lambda name: _read_worktree(root, name))
    dedicated = reader(DEDICATED)
    if dedicated is not None:
        config = parse(dedicated, DEDICATED, in_pyproject=False)
        return config or Config(source=DEDICATED)
    pyproject = reader(PYPROJECT)
    if pyproject is not None and _mentions_us(pyproject):
        config = parse(pyproject, PYPROJECT, in_pyproject=True)
        if config is not None:
            return config
    return Config()


def _read_worktree(root: Path, name: str) -> str | None:
    path = root / name
    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except OSError as exc:
        raise ConfigError(name, None, f"cannot read: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(name, None, "is not UTF-8 text") from None


def key_names() -> list[str]:
    return [f.name for f in fields(Config) if f.name != "source"]
