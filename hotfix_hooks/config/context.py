"""The repository a command works on, with its configuration."""

from __future__ import annotations

from typing import NamedTuple

from hotfix_hooks.config import settings as config_mod
from hotfix_hooks.config.settings import Config
from hotfix_hooks.core.branch import HotfixBranch, parse_branch
from hotfix_hooks.git.discover import require_repo
from hotfix_hooks.git.repository import Repository


class Context(NamedTuple):
    repo: Repository
    config: Config

    @property
    def branch(self) -> str | None:
        return self.repo.head_branch()

    def hotfix(self) -> HotfixBranch | None:
        """The hotfix checked out; during a rebase (HEAD detached), the one being rebased."""
        from hotfix_hooks.git.lean import rebased_branch

        name = self.branch or rebased_branch(str(self.repo.git_dir))
        return parse_branch(name, self.config.branch_prefix)


def context() -> Context:
    """The current directory's repository; exit 2 outside one."""
    repo = require_repo()
    return Context(repo, config_mod.load(repo.root))
