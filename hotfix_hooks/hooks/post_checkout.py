"""post-checkout: scaffold a hotfix branch's missing documents.

Always exits 0: a post-checkout hook cannot undo the checkout, and a failing
one breaks ``git rebase -i`` and ``git clone``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from hotfix_hooks.errors import OK


def _arguments(argv: Sequence[str]) -> tuple[str, str, str] | None:
    if len(argv) == 3:
        return argv[0], argv[1], argv[2]
    if not argv:  # under pre-commit
        env = os.environ
        flag = env.get("PRE_COMMIT_CHECKOUT_TYPE")
        if flag is not None:
            return env.get("PRE_COMMIT_FROM_REF", ""), env.get("PRE_COMMIT_TO_REF", ""), flag
    return None


def main(argv: Sequence[str] | None = None) -> int:
    from hotfix_hooks import ui

    args = _arguments(list(argv or ()))
    if args is None:
        ui.error("post-checkout: expected PREV NEW FLAG arguments; nothing scaffolded")
        return OK
    try:
        _run(*args)
    except Exception as exc:  # never fail a checkout; say what went wrong
        ui.error(f"post-checkout: nothing scaffolded: {exc}")
    return OK


def _run(_prev: str, new: str, flag: str) -> None:
    if flag != "1":
        return
    from hotfix_hooks import config as config_mod
    from hotfix_hooks.branch import parse_branch
    from hotfix_hooks.gitcmd import hook_repo

    repo = hook_repo()
    if repo is None or repo.in_progress():
        return
    name = repo.head_branch()
    if name is None:
        return
    config = config_mod.load(repo.root)
    hotfix = parse_branch(name, config.branch_prefix)
    if hotfix is None:
        return
    from hotfix_hooks.scaffold import print_scaffold, scaffold

    result = scaffold(
        repo, config, hotfix.number, branch=name, title=hotfix.title, base_commit=new
    )
    print_scaffold(hotfix.number, name, result)
