"""The server's own configuration: the rules pre-receive judges pushes by.

A pushed commit never configures the gate that judges it (SPEC: Trust). ``install
--server`` records the configuration in the bare repository's git directory, as
``hotfix-hooks.toml`` (top-level keys, the format of ``.hotfix-hooks.toml``), taken
from the default branch at that time; only whoever administers the server changes it
(``hotfix-hooks server-config``).
"""

from __future__ import annotations

import os
from pathlib import Path

from hotfix_hooks.config import settings as config_mod
from hotfix_hooks.config.settings import Config
from hotfix_hooks.core.errors import ConfigError

FILE = config_mod.LOCAL  # hotfix-hooks.toml in the git directory
HEADER = (
    "# hotfix-hooks: the rules this server's pre-receive hook judges pushes by.\n"
    "# Pushed commits never change them; edit with `hotfix-hooks server-config`.\n"
)


def path_in(git_dir: str | os.PathLike[str]) -> str:
    return str(Path(git_dir) / FILE)


def read(git_dir: str | os.PathLike[str]) -> Config | None:
    """The recorded configuration; None when nothing is recorded."""
    return config_mod.load_local(git_dir)


def from_default_branch(git_dir: str) -> Config:
    """The default branch's (HEAD's) configuration, features directory resolved, and its
    production branch: ``base_branch`` as configured, else the branch HEAD names (what the
    server counts new commits from, recorded so that it never changes behind its
    administrator's back); the defaults in a repository with no commits yet (whose HEAD
    may name a branch no one will push: the server then looks for one, see
    ``hooks/pre_receive.Production``)."""
    from hotfix_hooks.config.commit import config_at
    from hotfix_hooks.config.features import SPECSWARM_FEATURES
    from hotfix_hooks.git.run import run

    if not run("rev-parse", "--verify", "-q", "HEAD^{commit}", cwd=git_dir, check=False):
        return Config(features_dir=SPECSWARM_FEATURES)  # empty: HEAD names nothing yet
    config = config_at(git_dir, "HEAD")
    if config.base_branch is None:
        head = run("symbolic-ref", "-q", "--short", "HEAD", cwd=git_dir, check=False)
        if head:
            config = config.replace(base_branch=head)
    return config


def rules(git_dir: str) -> Config:
    """What the server judges by: the recorded configuration, else the default branch's;
    the features directory is always fixed by the server, never by the pushed tree."""
    recorded = read(git_dir)
    if recorded is None:
        return from_default_branch(git_dir)
    if recorded.features_dir is None:
        return recorded.replace(features_dir=from_default_branch(git_dir).features_dir)
    return recorded


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    import json

    return json.dumps(value, ensure_ascii=False)  # a TOML basic string


def render(config: Config) -> str:
    """TOML text for every setting that differs from the default, and features_dir."""
    return render_settings(config.settings())


def render_settings(settings: dict[str, object]) -> str:
    default = Config()
    lines = [HEADER]
    for key, value in settings.items():
        if value is None or key == "events":  # the server never runs event commands
            continue
        if key == "features_dir" or value != getattr(default, key, None):
            lines.append(f"{key} = {_toml_value(value)}\n")
    return "".join(lines)


def in_force(config: Config) -> str:
    """Every rule the gate judges by, defaults included (commented: they are not recorded),
    for a reader who wants to see them all."""
    lines = []
    for key, value in config.settings().items():
        if key in ("events", "event_timeout"):  # the server never runs event commands
            continue
        shown = "(not set)" if value is None else _toml_value(value)
        lines.append(f"#   {key} = {shown}\n")
    return "# in force, defaults included:\n" + "".join(lines)


def with_assignment(config: Config, assignment: str) -> Config:
    """``config`` with ``KEY=VALUE`` applied (``true``/``false`` and whole numbers as such),
    validated like any configuration file."""
    key, sep, value = (part.strip() for part in assignment.partition("="))
    if not sep or not key:
        raise ConfigError("--set", None, f"{assignment!r}: expected KEY=VALUE")
    settings = dict(config.settings())
    coerced: object = value
    if value in ("true", "false"):
        coerced = value == "true"
    elif value.isdigit() and value.isascii():
        coerced = int(value)
    settings[key] = coerced
    text = render_settings(settings)
    return config_mod.parse(text, "--set", in_pyproject=False) or Config()


def without(config: Config, key: str) -> Config:
    settings = dict(config.settings())
    if key not in settings:
        raise ConfigError("--unset", key, config_mod.unknown_key(key, settings))
    settings[key] = getattr(Config(), key)
    return config_mod.parse(render_settings(settings), "--unset", in_pyproject=False) or Config()
