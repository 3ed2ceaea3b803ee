"""post-checkout: scaffold a hotfix branch's missing documents.

Always exits 0: a post-checkout hook cannot undo the checkout, and a failing
one breaks ``git rebase -i`` and ``git clone``.
"""

from __future__ import annotations

import os

from hotfix_hooks.config.settings import could_be_hotfix
from hotfix_hooks.git import lean
from hotfix_hooks.hooks.skeleton import OK, guarded

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from hotfix_hooks.config.settings import Config


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
    args = _arguments(list(argv or ()))
    if args is None:
        from hotfix_hooks.core import ui

        ui.error("post-checkout: nothing done: expected PREV NEW FLAG arguments")
        return OK
    prev, new, flag = args
    return guarded("post-checkout", lambda: _run(prev, new, flag), always_ok=True)


def _run(_prev: str, new: str, flag: str) -> int:
    if flag != "1":
        return OK
    found = lean.locate()
    if found is None or lean.in_progress(found[1]):
        return OK
    name = lean.head_branch(found[1])
    if name is None or not could_be_hotfix(found[0], name):
        return OK
    from pathlib import Path

    from hotfix_hooks.config import settings as config_mod
    from hotfix_hooks.core.branch import parse_branch
    from hotfix_hooks.git.repository import Repository

    repo = Repository(Path(found[0]), Path(found[1]))
    config = config_mod.for_branches(repo.root, [name])
    hotfix = parse_branch(name, config.branch_prefix) if config is not None else None
    if config is None or hotfix is None:
        return OK
    if _number_conflict(found[0], found[1], config, name, hotfix.number):
        return OK  # scaffolding would put a second incident in the first one's folder
    from hotfix_hooks.incident.scaffold import print_scaffold, scaffold

    result = scaffold(repo, config, hotfix.number, branch=name, title=hotfix.title, base_commit=new)
    print_scaffold(hotfix.number, name, result)
    if result.started is not None:  # hotfix.md was created: the incident starts now
        created = result.started.isoformat()
        _started(str(repo.root), found[1], created, hotfix.number, hotfix.title, name)
    return OK


def _started(root: str, git_dir: str, created: str, number: str, title: str, branch: str) -> None:
    """on_start: a new hotfix's docs were just scaffolded (never blocks the checkout)."""
    from hotfix_hooks.events import dispatch as events

    if events.command_for(root, "on_start", git_dir) is None:
        return
    times = {"created": created, "resolved": None, "cancelled": None, "rollback": None}
    build = events.incident(number, title, branch, "Active", times, None)
    events.fire("on_start", root, build, git_dir)


def _number_conflict(root: str, git_dir: str, config: Config, branch: str, number: str) -> bool:
    """Warn, loudly, when another incident holds this branch's number."""
    import sys

    from hotfix_hooks.core import ui
    from hotfix_hooks.incident import numbers
    from hotfix_hooks.policy.numbers import conflict_lines

    prefix = config.branch_prefix
    verdict = numbers.worktree_judgement(root, config, branch, number, git_dir)
    if not verdict.others:
        return False
    lines = conflict_lines(branch, number, verdict.others, verdict.free, prefix, "WARNING")
    ui.emit("", sys.stderr)
    ui.emit(ui.paint("!" * 72, "red", sys.stderr), sys.stderr)
    for line in lines:
        ui.emit(ui.paint(line, "bold", sys.stderr) if line is lines[0] else line, sys.stderr)
    ui.emit(
        "  Nothing was scaffolded; commits on this branch are refused until it is renamed.",
        sys.stderr,
    )
    ui.emit(ui.paint("!" * 72, "red", sys.stderr), sys.stderr)
    return True
