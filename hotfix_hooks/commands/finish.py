"""``finish``: land a resolved hotfix — merge into production, tag, merge back, delete.

Everything that could refuse is checked before anything changes: a dirty tree, the
rollback-plan gate at the tip, a conflict (``git merge-tree --write-tree`` computes each
merge without touching the working tree or the index), a tag that exists, a production
branch behind its remote. Merges are then made as commits from those computed trees and
the branches moved with ``update-ref`` (old value checked): never a half-merge.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import click

from hotfix_hooks.core import clock, ui
from hotfix_hooks.core.errors import GitError, Refused, UsageError
from hotfix_hooks.core.oid import zero_for
from hotfix_hooks.core.state import HotfixState, state_of
from hotfix_hooks.document import fields
from hotfix_hooks.enforce.gate import check_commit, failure_lines
from hotfix_hooks.events import hotfix as events
from hotfix_hooks.git.repository import Repository
from hotfix_hooks.git.run import run_bytes
from hotfix_hooks.incident.production import fetch, production_branch, remote_for
from hotfix_hooks.incident.record import CurrentDoc, current_doc
from hotfix_hooks.policy.lifecycle import FINISH_TASK, finish_refusal, tag_name


@dataclass
class Target:
    """A branch the hotfix merges into, as planned."""

    name: str
    tip: str  # where it is now (local, else the remote-tracking branch)
    exists_locally: bool
    already_merged: bool = False
    conflicts: list[str] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"refs/heads/{self.name}"


def _merge_tree(repo: Repository, ours: str, theirs: str) -> tuple[str | None, list[str]]:
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


def _target(repo: Repository, name: str, remote: str | None, hotfix_tip: str) -> Target:
    local = repo.resolve(f"refs/heads/{name}")
    tracking = repo.resolve(f"refs/remotes/{remote}/{name}") if remote else None
    tip = local or tracking
    if tip is None:
        raise UsageError(f"branch {name} does not exist here (nor {remote}/{name})")
    if local and tracking and not repo.is_ancestor(tracking, local):
        ff_only = ["git", "merge", "--ff-only", f"{remote}/{name}"]
        raise Refused(
            f"{name} is behind {remote}/{name}: update it first "
            f"({ui.commands(['git', 'fetch'], ['git', 'checkout', name], ff_only)}), "
            "then finish again; nothing was changed"
        )
    target = Target(name, tip, local is not None)
    if repo.is_ancestor(hotfix_tip, tip):
        target.already_merged = True
        return target
    _tree, target.conflicts = _merge_tree(repo, tip, hotfix_tip)
    return target


def _checked_out_elsewhere(repo: Repository, branch: str) -> str | None:
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


def _dirty(repo: Repository) -> list[str]:
    out = repo.git("status", "--porcelain=v1", "--untracked-files=no", check=False)
    return [line[3:] for line in out.splitlines() if line.strip()]


@dataclass
class Step:
    text: str
    action: Callable[[], str | None]  # returns a detail to print, e.g. a commit id


@dataclass
class Plan:
    doc: CurrentDoc
    base: Target
    develop: Target | None
    tag: str
    remote: str | None
    resolve: list[tuple[str, str]]  # field changes when the hotfix is not yet resolved
    steps: list[Step] = field(default_factory=list)
    publish_to: str | None = None  # the remote, with or without --push
    publish: str = ""  # without --push: the one command that pushes what finish did
    lease: str | None = None  # the remote hotfix branch's commit, deleted only if still there


def _refuse(lines: list[str]) -> None:
    for line in lines[:-1]:
        ui.emit(line, sys.stderr)
    raise Refused(lines[-1])


def plan_finish(doc: CurrentDoc, *, push: bool, merge: bool) -> Plan:  # noqa: C901 - split up by issues 18 and 20
    """Every check, before anything changes; raises Refused (exit 1) or UsageError (2)."""
    from hotfix_hooks.commands.resolve import resolution

    repo, config, hotfix = doc.ctx.repo, doc.ctx.config, doc.hotfix
    status = fields.status(doc.doc)
    why = finish_refusal(status)
    if why:
        raise Refused(f"hotfix {hotfix.number} cannot be finished: {why}")
    state = repo.in_progress()
    if state:
        raise Refused(f"a git operation is in progress ({state}): complete or abort it first")
    dirty = _dirty(repo)
    if dirty:
        shown = ", ".join(dirty[:5]) + (" …" if len(dirty) > 5 else "")
        raise Refused(
            f"the working tree has uncommitted changes ({shown}): commit or stash them, "
            "then finish again; nothing was changed"
        )
    tip = repo.resolve("HEAD")
    if tip is None:
        raise UsageError("HEAD names no commit")
    result = check_commit(repo.root, tip, hotfix.number, config)
    result.branch = hotfix.name
    if not result.passed:
        _refuse([*failure_lines(result, tip[:10], action="finish of"), "finish refused"])
    changes: list[tuple[str, str]] = []
    if state_of(status) is not HotfixState.RESOLVED:
        now = clock.now().replace(second=0, microsecond=0)
        changes, _ = resolution(doc, now)
    remote = remote_for(repo, config.base_branch)
    if push and remote is None:
        raise UsageError("--push: this repository has no remote (git remote add origin URL)")
    if remote is not None:
        _fetch(repo, remote, push=push)
    base_name = production_branch(repo, config.base_branch, remote)
    tag = tag_name(config.tag_format, hotfix.number)
    plan = Plan(doc, _placeholder(base_name), None, tag, remote if push else None, changes)
    plan.publish_to = remote
    if remote is not None:
        plan.lease = _remote_lease(repo, remote, hotfix.name, tip)
    if not merge:
        return plan
    if base_name == hotfix.name or config.develop_branch == hotfix.name:
        raise UsageError("base_branch/develop_branch name the hotfix branch itself")
    if run_bytes("check-ref-format", f"refs/tags/{tag}", cwd=repo.root, check=False).returncode:
        raise UsageError(f"tag_format gives {tag!r}, which is not a valid tag name")
    if repo.resolve(f"refs/tags/{tag}"):
        raise Refused(
            f"tag {tag} already exists: nothing was changed (delete it, or set tag_format)"
        )
    targets = [base_name] + ([config.develop_branch] if config.develop_branch else [])
    planned = []
    for name in targets:
        elsewhere = _checked_out_elsewhere(repo, name)
        if elsewhere:
            raise Refused(f"{name} is checked out in {elsewhere}: finish cannot move it from here")
        planned.append(_target(repo, name, remote, tip))
    conflicted = [t for t in planned if t.conflicts]
    if conflicted:
        lines = []
        for t in conflicted:
            lines.append(f"merging {hotfix.name} into {t.name} would conflict in:")
            lines += [f"  {path}" for path in t.conflicts]
        lines.append(
            f"finish refused: resolve the conflict on {hotfix.name} first "
            f"({ui.command(['git', 'merge', conflicted[0].name])}, fix, commit), then finish "
            "again; nothing was changed"
        )
        _refuse(lines)
    if changes:
        _hotfix_doc_untouched(repo, doc, tip, planned)
    plan.base = planned[0]
    plan.develop = planned[1] if len(planned) > 1 else None
    _no_untracked_in_the_way(repo, tip, plan.base)
    return plan


def _fetch(repo: Repository, remote: str, *, push: bool) -> None:
    """What the server has now: its branches (a teammate's commits, a newer production).

    Without --push an unreachable remote costs a warning (the printed push command still
    carries a lease); with --push, finish needs to know and refuses."""
    problem = fetch(repo, remote)
    if problem is None:
        return
    if push:
        raise Refused(
            f"could not fetch from {remote} ({problem}): finish --push must see what the "
            "server has before it deletes anything there; nothing was changed"
        )
    ui.emit(
        ui.paint(f"warning: could not fetch from {remote} ({problem}): ", "yellow", sys.stderr)
        + "planning from what this clone last saw",
        sys.stderr,
    )


def _remote_lease(repo: Repository, remote: str, branch: str, tip: str) -> str | None:
    """The commit the remote's copy of the hotfix branch is at, when every commit on it
    is in ``tip``: finish deletes it there only if it is still exactly that commit. A
    teammate's commit the merge would not contain refuses the finish, named."""
    theirs = repo.resolve(f"refs/remotes/{remote}/{branch}")
    if theirs is None or repo.is_ancestor(theirs, tip):
        return theirs
    missing = repo.git("log", "--format=%h %s (%an)", f"{tip}..{theirs}").splitlines()
    tracking = f"{remote}/{branch}"
    _refuse(
        [
            f"{tracking} has {len(missing)} commit(s) that this finish would not contain "
            "(deleting the branch there would lose them):",
            *[f"  {line}" for line in missing[:20]],
            *([f"  … and {len(missing) - 20} more"] if len(missing) > 20 else []),
            "finish refused: bring them in first "
            f"({ui.command(['git', 'merge', '--no-edit', tracking])}), "
            "then finish again; nothing was changed",
        ]
    )
    return None  # not reached: _refuse raises


def _placeholder(name: str) -> Target:
    return Target(name, "", False, already_merged=True)


def _hotfix_doc_untouched(
    repo: Repository, doc: CurrentDoc, tip: str, targets: list[Target]
) -> None:
    """The resolution record changes only hotfix.md: when no target touched it since the
    branches diverged, that commit cannot make a merge conflict that was not there."""
    for target in targets:
        if target.already_merged:
            continue
        base = repo.merge_base(target.tip, tip)
        if base and repo.git("diff", "--name-only", base, target.tip, "--", str(doc.rel)):
            raise Refused(
                f"{target.name} changed {doc.rel} too: record the resolution first "
                '(hotfix-hooks resolve && git commit -am "T004: resolved"), then finish again'
            )


def _no_untracked_in_the_way(repo: Repository, tip: str, base: Target) -> None:
    """Checking out the merged production branch must not need to overwrite a file
    that git does not track here."""
    if base.already_merged:
        theirs = base.tip
    else:
        tree, _ = _merge_tree(repo, base.tip, tip)
        theirs = tree or base.tip
    added = repo.git("diff-tree", "-r", "--name-only", "--diff-filter=A", tip, theirs)
    blocking = [p for p in added.splitlines() if p and os.path.lexists(repo.root / p)]
    if blocking:
        shown = ", ".join(blocking[:5])
        raise Refused(
            f"untracked files would be overwritten by checking out {base.name} ({shown}): "
            "move them away, then finish again; nothing was changed"
        )


def _merge(repo: Repository, target: Target, branch: str) -> str:
    """Make the merge commit from the computed tree and move ``target`` to it."""
    tip = repo.resolve(f"refs/heads/{branch}")
    assert tip is not None
    if repo.is_ancestor(tip, target.tip):
        return target.tip
    tree, conflicts = _merge_tree(repo, target.tip, tip)
    if tree is None:  # the tip moved under us; nothing of this merge was written
        raise Refused(f"merging into {target.name} now conflicts in {', '.join(conflicts)}")
    message = f"Merge branch '{branch}' into {target.name}"
    commit = repo.git("commit-tree", tree, "-p", target.tip, "-p", tip, "-m", message)
    old = target.tip if target.exists_locally else zero_for(repo.object_format())
    repo.git("update-ref", "-m", f"hotfix-hooks finish: {message}", target.ref, commit, old)
    target.tip = commit
    target.exists_locally = True
    return commit


def build_steps(plan: Plan, *, merge: bool) -> list[Step]:  # noqa: C901 - split up by issues 18 and 20
    doc, repo = plan.doc, plan.doc.ctx.repo
    branch = doc.hotfix.name
    steps: list[Step] = []
    if plan.resolve:

        def record() -> str:
            before = doc.doc.data
            doc.save(fields.with_fields(doc.doc, plan.resolve))
            message = f"{FINISH_TASK}: resolved"
            try:
                repo.git(
                    "commit",
                    "-q",
                    "-m",
                    message,
                    "--trailer",
                    f"Hotfix: {doc.hotfix.number}",
                    "--trailer",
                    f"Task: {FINISH_TASK}",
                    "--",
                    str(doc.rel),
                )
            except GitError as exc:
                doc.save(before)  # back as it was: nothing recorded
                raise Refused(
                    f"committing the resolution failed, nothing was changed: {exc}"
                ) from None
            events.fire_for(doc, "on_resolve")
            return (repo.resolve("HEAD") or "")[:10]

        stamp = dict(plan.resolve).get(fields.RESOLVED, "")
        steps.append(
            Step(f'record the resolution ({stamp}) and commit "{FINISH_TASK}: resolved"', record)
        )
    if not merge:
        return steps
    base, develop = plan.base, plan.develop

    def merge_into(target: Target) -> Callable[[], str]:
        return lambda: _merge(repo, target, branch)[:10]

    if base.already_merged:
        steps.append(Step(f"{base.name} already contains {branch}: no merge", lambda: None))
    else:
        steps.append(Step(f"merge {branch} into {base.name} (--no-ff)", merge_into(base)))
    title = f"Hotfix {doc.hotfix.number}" + (f": {doc.doc.title}" if doc.doc.title else "")

    def tag() -> str:
        repo.git("tag", "-a", plan.tag, "-m", title, base.tip)
        return base.tip[:10]

    steps.append(Step(f"tag {base.name} as {plan.tag} (annotated: {title!r})", tag))
    if develop is not None:
        if develop.already_merged:
            steps.append(Step(f"{develop.name} already contains {branch}", lambda: None))
        else:
            steps.append(Step(f"merge {branch} back into {develop.name}", merge_into(develop)))

    def checkout() -> None:
        repo.git("checkout", "-q", base.name)

    steps.append(Step(f"check out {base.name}", checkout))

    def delete() -> None:
        # -D, after checking it ourselves: git's -d judges by the branch's upstream when
        # it has one, which may lack the resolution commit that main now holds
        tip = repo.resolve(f"refs/heads/{branch}")
        if tip is None or not repo.is_ancestor(tip, base.tip):
            raise Refused(f"{branch} is not contained in {base.name}: not deleted")
        repo.git("branch", "-q", "-D", branch)

    steps.append(Step(f"delete branch {branch}", delete))
    if plan.publish_to:
        refspecs = [f"{base.ref}:{base.ref}", f"refs/tags/{plan.tag}:refs/tags/{plan.tag}"]
        if develop is not None:
            refspecs.append(f"{develop.ref}:{develop.ref}")
        options = ["--atomic"]
        if plan.lease:
            # deleted only if the server's branch is still the commit this finish merged
            options.append(f"--force-with-lease=refs/heads/{branch}:{plan.lease}")
            refspecs.append(f":refs/heads/{branch}")
        names = [base.name, plan.tag] + ([develop.name] if develop else [])
        what = ", ".join(names)
        if plan.lease:
            what += f"; delete {branch} there if it is still at {plan.lease[:10]}"
        command = ui.command(["git", "push", *options, plan.publish_to, *refspecs])
        if not plan.remote:
            plan.publish = command
            return steps

        def push() -> None:
            try:
                repo.git("push", "-q", *options, plan.remote or "origin", *refspecs)
            except GitError as exc:
                raise Refused(
                    f"the push failed (everything local is done): {exc.stderr.strip()}; "
                    f"retry: {command}"
                ) from None

        steps.append(Step(f"push to {plan.remote}: {what} (atomic)", push))
    return steps


@click.command(short_help="Merge, tag and delete a resolved hotfix.")
@click.option(
    "--push",
    is_flag=True,
    help="Also push the merged branches and the tag, and delete the branch on the remote.",
)
@click.option("--no-merge", is_flag=True, help="Only record the resolution.")
@click.option("--dry-run", is_flag=True, help="Print every step; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the steps and the outcome as JSON.")
def finish(push: bool, no_merge: bool, dry_run: bool, as_json: bool) -> None:
    """Land the current hotfix: record the resolution if not yet recorded (as
    `resolve` does), merge it into the production branch, tag it, merge it back
    into the development branch, delete it (and with --push: on the remote too).

    Refuses, changing nothing, on a dirty working tree, a failing rollback-plan gate,
    a merge that would conflict, or an existing tag.

    Examples:

    \b
        hotfix-hooks finish --dry-run --push   # every step, nothing changed
        hotfix-hooks finish --push
    """
    doc = current_doc()
    merge = not no_merge
    plan = plan_finish(doc, push=push, merge=merge)
    steps = build_steps(plan, merge=merge)
    if as_json:
        done = [] if dry_run else [step.action() or "" for step in steps]
        if not dry_run:
            _finished(doc, plan, merge=merge, push=push)
        click.echo(json.dumps(_as_json(doc, plan, steps, done, merge=merge), indent=2))
        return
    header = f"Finish hotfix {doc.hotfix.number} ({doc.hotfix.name})"
    if dry_run:
        ui.emit(f"{header} — dry run, nothing changes:")
        for number, step in enumerate(steps, 1):
            ui.emit(f"  {number}. {step.text}")
        return
    ui.emit(f"{header}:")
    if not steps:
        ui.emit("  nothing to do: the resolution is already recorded")
    for number, step in enumerate(steps, 1):
        ui.emit(f"  {number}. {step.text}")
        detail = step.action()
        ui.emit(f"     ✓ {detail}" if detail else "     ✓")
    _finished(doc, plan, merge=merge, push=push)
    if merge:
        ui.emit(ui.paint(f"✅ Hotfix {doc.hotfix.number} finished: {plan.tag}", "green"))
        if plan.publish:
            ui.emit(
                f"Nothing was pushed: {plan.publish_to} still has the old {plan.base.name} "
                "(a new hotfix starts from there). Push it all at once:"
            )
            ui.emit(f"  {plan.publish}")
    else:
        ui.emit(f"✓ Recorded; merge when ready: hotfix-hooks finish{' --push' if push else ''}")


def _finished(doc: CurrentDoc, plan: Plan, *, merge: bool, push: bool) -> None:
    if merge:
        events.fire_for(doc, "on_finish", tag=plan.tag, merged_into=plan.base.name, pushed=push)
    else:
        events.fire_for(doc, "on_finish", tag=None, merged_into=None, pushed=False)


def _as_json(
    doc: CurrentDoc, plan: Plan, steps: list[Step], done: list[str], *, merge: bool
) -> dict[str, object]:
    """``finish --json``: the steps (each done, or only planned with --dry-run) and the
    outcome."""
    shown = []
    for index, step in enumerate(steps):
        detail = done[index] if index < len(done) else ""
        shown.append({"step": step.text, "done": index < len(done), "detail": detail or None})
    return {
        "hotfix": doc.hotfix.number,
        "branch": doc.hotfix.name,
        "dry_run": len(done) < len(steps),
        "steps": shown,
        "tag": plan.tag if merge else None,
        "merged_into": plan.base.name if merge else None,
        "develop": plan.develop.name if merge and plan.develop else None,
        "pushed_to": plan.remote if merge else None,
        "push_command": plan.publish or None,
    }
