"""``finish --abort``: undo what a finish that stopped half-way did in this clone.

Read from the journal and checked against the repository, in reverse: the hotfix branch
comes back (at the commit it had before finish, its resolution commit undone), HEAD goes
back to it, each branch finish merged into goes back to where it was (only if it is
still at finish's own merge), the tag finish made is deleted, the journal removed. Once
the push reached the server there is nothing to undo here: ``--continue`` completes it.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from hotfix_hooks.config.context import Context, context
from hotfix_hooks.core import ui
from hotfix_hooks.core.errors import Refused, UsageError
from hotfix_hooks.core.oid import zero_for
from hotfix_hooks.document.events import ATTRIBUTES, EVENTS_DOC
from hotfix_hooks.incident import journal as journals
from hotfix_hooks.incident.journal import Journal, TargetPlan

CONTINUE = "hotfix-hooks finish --continue"
ABORT = "hotfix-hooks finish --abort"


def _dirty(ctx: Context, plan: Journal) -> list[str]:
    """What is uncommitted, but for the record's own files (an interrupted record step)."""
    folder = PurePosixPath(plan.rel).parent
    allowed = {plan.rel, str(folder / EVENTS_DOC), str(folder / ATTRIBUTES)}
    out = ctx.repo.git("status", "--porcelain=v1", "--untracked-files=no", check=False)
    return [line[3:] for line in out.splitlines() if line.strip() and line[3:] not in allowed]


def _pushed(ctx: Context, plan: Journal) -> bool:
    """The push reached the server: the remote-tracking production branch (which the push
    updated) is at finish's merge."""
    if not (plan.push and plan.remote):
        return False
    base = plan.base
    here = ctx.repo.resolve(base.ref)
    there = ctx.repo.resolve(f"refs/remotes/{plan.remote}/{base.name}")
    return here is not None and here == there and here != base.old


def _ours(ctx: Context, plan: Journal, target: TargetPlan, commit: str) -> bool:
    """``commit`` is the merge finish made into ``target``."""
    parents = ctx.repo.git("rev-list", "--parents", "-n", "1", commit, "--").split()[1:]
    subject = ctx.repo.git("log", "-1", "--format=%s", commit, "--")
    return (
        len(parents) == 2
        and parents[0] == target.old
        and subject == f"Merge branch '{plan.branch}' into {target.name}"
    )


def _restore_branch(ctx: Context, plan: Journal) -> None:
    """The hotfix branch as it was before finish, checked out."""
    repo, ref = ctx.repo, f"refs/heads/{plan.branch}"
    zero = zero_for(repo.object_format())
    if repo.resolve(ref) is None:
        repo.git("update-ref", "-m", "hotfix-hooks finish --abort", ref, plan.tip, zero)
    if repo.head_branch() != plan.branch:
        repo.git("checkout", "-q", plan.branch, "--")
    else:  # a resolution written, not committed: the record's files as HEAD has them
        folder = PurePosixPath(plan.rel).parent
        for rel in (plan.rel, str(folder / EVENTS_DOC), str(folder / ATTRIBUTES)):
            if repo.git("ls-tree", "--name-only", "HEAD", "--", rel, check=False):
                repo.git("checkout", "-q", "HEAD", "--", rel)
            else:  # made by the interrupted record step: not there before finish
                repo.git("rm", "-q", "--cached", "--ignore-unmatch", "--", rel, check=False)
                (repo.root / rel).unlink(missing_ok=True)
    current = repo.resolve(ref)
    if current != plan.tip and current is not None:
        parent = repo.resolve(f"{current}^")
        subject = repo.git("log", "-1", "--format=%s", current, "--")
        if parent == plan.tip and subject.startswith("T004: resolved"):
            repo.git("reset", "-q", "--keep", plan.tip, "--")


def _restore_target(ctx: Context, plan: Journal, target: TargetPlan) -> str | None:
    """``target`` back where it was; a warning when it moved since in a way not ours."""
    repo = ctx.repo
    current = repo.resolve(target.ref)
    if current is None or (current == target.old and target.local):
        return None
    if current == target.old:  # made here from the remote's copy (finish's checkout step)
        repo.git("update-ref", "-d", target.ref, current)
        return None
    if not _ours(ctx, plan, target, current):
        return (
            f"{target.name} is at {current[:10]}, not at finish's merge: left as it is "
            f"(it was at {target.old[:10]})"
        )
    if target.local:
        repo.git("update-ref", "-m", "hotfix-hooks finish --abort", target.ref, target.old, current)
    else:
        repo.git("update-ref", "-d", target.ref, current)
    return None


def abort_finish() -> None:
    ctx = context()
    plan = journals.load(ctx.repo.git_dir)
    if plan is None:
        raise UsageError("no finish is in progress here: nothing to abort")
    if ctx.repo.in_progress():
        raise Refused(
            f"a git operation is in progress ({ctx.repo.in_progress()}): complete or abort it first"
        )
    if _pushed(ctx, plan):
        raise Refused(
            f"the push reached {plan.remote}: the finish is done there and cannot be undone "
            f"from here; complete it here: {CONTINUE}"
        )
    dirty = _dirty(ctx, plan)
    if dirty:
        raise Refused(
            f"the working tree has uncommitted changes ({', '.join(dirty[:5])}): commit or "
            f"stash them, then {ABORT}"
        )
    _restore_branch(ctx, plan)
    warnings = [w for t in plan.targets if (w := _restore_target(ctx, plan, t))]
    tag = f"refs/tags/{plan.tag}"
    made = ctx.repo.resolve(tag)
    if made is not None:
        ctx.repo.git("update-ref", "-d", tag)
    journals.remove(ctx.repo.git_dir)
    for warning in warnings:
        ui.warn(warning)
    names = ", ".join(t.name for t in plan.targets)
    ui.emit(
        f"✓ Finish of hotfix {plan.number} undone here: {plan.branch} is back at "
        f"{plan.tip[:10]} and checked out; {names}"
        + (f" and the tag {plan.tag}" if made else "")
        + " as they were."
    )
    ui.emit(f"Finish again when ready: hotfix-hooks finish{' --push' if plan.push else ''}")
