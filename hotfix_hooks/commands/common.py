"""What several commands need: the repository, its config, the current hotfix."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from hotfix_hooks import config as config_mod
from hotfix_hooks.branch import HotfixBranch, format_number, parse_branch
from hotfix_hooks.config import Config
from hotfix_hooks.errors import UsageError
from hotfix_hooks.gitcmd import Repo, require_repo


@dataclass(frozen=True)
class Context:
    repo: Repo
    config: Config

    @property
    def branch(self) -> str | None:
        return self.repo.head_branch()

    def hotfix(self) -> HotfixBranch | None:
        return parse_branch(self.branch, self.config.branch_prefix)


def context() -> Context:
    repo = require_repo()
    return Context(repo, config_mod.load(repo.root))


def number_option(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if not text.isdigit() or not text.isascii():
        raise UsageError(f"--number {value!r}: expected a hotfix number such as 42 or 042")
    return format_number(text)


def interactive() -> bool:
    return sys.stdin.isatty()
