"""Where ``finish`` lands a hotfix: the branches that get the fix (and why), each merge
computed without touching anything, and the working-tree checks made before the first
write."""

from __future__ import annotations

import os

from hotfix_hooks.config.settings import Config
from hotfix_hooks.core import ui
from hotfix_hooks.core.errors import Refused, UsageError
from hotfix_hooks.git.repository import Repository
from hotfix_hooks.git.run import run_bytes
from hotfix_hooks.incident.journal import TargetPlan
from hotfix_hooks.incident.production import Branches, develop_choice, production_choice


def merge_tree(repo: Repository, ours: str, theirs: str) -> tuple[str | None, list[str]]:
    """(merged tree, []) or (None, conflicted paths): nothing in the repository changes."""
    proc = run_bytes(
        "merge-tree",
        "--write-tree",
        "--name-only",
        "--no-messages",
        ours,
        theirs,
        cwd=repo.root,
        check=False,
    )
    lines = proc.stdout.decode("utf-8", "surrogateescape").splitlines()
    if proc.returncode == 0 and lines:
        return lines[0], []
    if proc.returncode == 1:
        return None, sorted({line for line in lines[1:] if line})
    message = proc.stderr.decode("utf-8", "replace").strip()
    raise UsageError(f"git merge-tree failed ({message}): finish needs git 2.38 or newer")


def _target(
    repo: Repository, name: str, why: str, remote: str | None, hotfix_tip: str
) -> TargetPlan:
    local = repo.resolve(f"refs/heads/{name}")
    tracking = repo.resolve(f"refs/remotes/{remote}/{name}") if remote else None
    tip = local or tracking
    if tip is None:
        raise UsageError(f"branch {name} does not exist here (nor {remote}/{name})")
    if local and tracking and not repo.is_ancestor(tracking, local):
        update = ui.commands(
            ["git", "fetch"],
            ["git", "checkout", name, "--"],
            ["git", "merge", "--ff-only", f"{remote}/{name}"],
        )
        raise Refused(
            f"{name} is behind {remote}/{name}: update it first ({update}), then finish "
            "again; nothing was changed"
        )
    merged = repo.is_ancestor(hotfix_tip, tip)
    return TargetPlan(name, tip, local is not None, merged, why, tracking)


def plan_targets(
    repo: Repository, config: Config, remote: str | None, branch: str, tip: str
) -> list[TargetPlan]:
    """The production branch, then the development branch when there is one."""
    branches = Branches(repo, remote)
    base, base_why = production_choice(repo, config.base_branch, remote, branches)
    develop, develop_why = develop_choice(repo, config.develop_branch, remote, branches)
    if branch in (base, develop):
        raise UsageError("base_branch/develop_branch name the hotfix branch itself")
    targets = [_target(repo, base, f"the production branch — {base_why}", remote, tip)]
    if develop is not None and develop != base:
        targets.append(
            _target(repo, develop, f"the development branch — {develop_why}", remote, tip)
        )
    return targets


def checked_out_elsewhere(repo: Repository, branch: str) -> str | None:
    out = repo.git("worktree", "list", "--porcelain", check=False)
    path = None
    for line in out.splitlines():
        if line.startswith("worktree "):
            path = line[len("worktree ") :]
        elif (
            line == f"branch refs/heads/{branch}"
            and path is not None
            and os.path.realpath(path) != os.path.realpath(repo.root)
        ):
            return path
    return None


def dirty_paths(repo: Repository) -> list[str]:
    out = repo.git("status", "--porcelain=v1", "--untracked-files=no", check=False)
    return [line[3:] for line in out.splitlines() if line.strip()]


def untracked_in_the_way(repo: Repository, tip: str, base: TargetPlan) -> None:
    """Checking out the merged production branch must not need to overwrite a file
    that git does not track here."""
    if base.merged:
        theirs = base.old
    else:
        tree, _ = merge_tree(repo, base.old, tip)
        theirs = tree or base.old
    added = repo.git("diff-tree", "-r", "--name-only", "--diff-filter=A", tip, theirs)
    blocking = [p for p in added.splitlines() if p and os.path.lexists(repo.root / p)]
    if blocking:
        shown = ", ".join(blocking[:5])
        raise Refused(
            f"untracked files would be overwritten by checking out {base.name} ({shown}): "
            "move them away, then finish again; nothing was changed"
        )
