"""``finish``: land a resolved hotfix — merge into production (and develop), tag, delete.

One transaction. Everything that could refuse is checked before anything changes: a
dirty tree, the rollback-plan gate at the tip, what the server has (fetched first: a
teammate's commits, a finish already done upstream), every branch the fix goes to (local
or remote-tracking), a conflict (``git merge-tree --write-tree`` computes each merge
without touching the working tree or the index), a tag that exists. The plan is then
written as a journal in the git directory (:mod:`~hotfix_hooks.incident.journal`) and
each step is done and marked in turn; merges are commits made from the computed trees,
branches move with ``update-ref`` (old value checked, the null id of the repository's
object format), every name is passed where git cannot take it for a path.

A finish that stops half-way (killed, a push the server refused) is never stuck:
``finish --continue`` checks each remaining step against the repository (a step done
just before the kill is seen as done) and completes it; ``finish --abort`` puts the
local branches, the tag and HEAD back as they were.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass

import click

from hotfix_hooks.commands.finish_abort import ABORT, CONTINUE, abort_finish
from hotfix_hooks.commands.finish_targets import (
    checked_out_elsewhere,
    dirty_paths,
    merge_tree,
    plan_targets,
    untracked_in_the_way,
)
from hotfix_hooks.config.context import Context, context
from hotfix_hooks.core import clock, ui
from hotfix_hooks.core.branch import parse_branch, tag_name
from hotfix_hooks.core.errors import GitError, Refused, UsageError
from hotfix_hooks.core.oid import zero_for
from hotfix_hooks.core.safe_files import replace_file
from hotfix_hooks.core.state import HotfixState
from hotfix_hooks.document import fields
from hotfix_hooks.document.events import ATTRIBUTES, EVENTS_DOC
from hotfix_hooks.document.model import HotfixDocument
from hotfix_hooks.enforce.engine import judge_commit
from hotfix_hooks.enforce.render import refusal_lines
from hotfix_hooks.events import hotfix as events
from hotfix_hooks.git.repository import Repository
from hotfix_hooks.git.run import run_bytes
from hotfix_hooks.incident import journal as journals
from hotfix_hooks.incident.finished import finished
from hotfix_hooks.incident.journal import Journal, TargetPlan
from hotfix_hooks.incident.location import read_worktree_bytes
from hotfix_hooks.incident.production import fetch, remote_for
from hotfix_hooks.incident.record import CurrentDoc, current_doc
from hotfix_hooks.policy.lifecycle import FINISH_TASK, finish_refusal

# Fault injection for the tests (and drills) that prove a finish can be continued from
# anywhere: the id of a step (record, merge:main, tag, checkout, delete, push) after whose
# action the process is killed (SIGKILL), before the journal marks it done; or
# record:written, between writing the resolution and committing it.
KILL_AFTER = "HOTFIX_HOOKS_KILL_AFTER"


@dataclass
class Step:
    id: str
    text: str


# -- the plan: every check, before anything changes -----------------------------------------


def _refuse(lines: list[str]) -> None:
    for line in lines[:-1]:
        ui.emit(line, sys.stderr)
    raise Refused(lines[-1])


def _preflight(doc: CurrentDoc) -> str:
    """The hotfix may be finished from here: its tip, once every local check passed."""
    repo, config, hotfix = doc.ctx.repo, doc.ctx.config, doc.hotfix
    why = finish_refusal(doc.record().state.value)
    if why:
        raise Refused(f"hotfix {hotfix.number} cannot be finished: {why}")
    state = repo.in_progress()
    if state:
        raise Refused(f"a git operation is in progress ({state}): complete or abort it first")
    dirty = dirty_paths(repo)
    if dirty:
        shown = ", ".join(dirty[:5]) + (" …" if len(dirty) > 5 else "")
        raise Refused(
            f"the working tree has uncommitted changes ({shown}): commit or stash them, "
            "then finish again; nothing was changed"
        )
    tip = repo.resolve("HEAD")
    if tip is None:
        raise UsageError("HEAD names no commit")
    judgment = judge_commit("finish", repo.root, tip, hotfix.number, config, branch=hotfix.name)
    if not judgment.passed:
        _refuse([*refusal_lines(judgment.errors, action="finish of"), "finish refused"])
    return tip


def plan_finish(doc: CurrentDoc, *, push: bool, merge: bool) -> Journal:
    """Every check, before anything changes; raises Refused (exit 1) or UsageError (2)."""
    from hotfix_hooks.commands.resolve import resolution

    repo, config, hotfix = doc.ctx.repo, doc.ctx.config, doc.hotfix
    tip = _preflight(doc)
    changes: list[tuple[str, str]] = []
    if doc.record().state is not HotfixState.RESOLVED:
        changes, _ = resolution(doc, clock.stamp_now())
    remote = remote_for(repo, config.base_branch)
    if push and remote is None:
        raise UsageError("--push: this repository has no remote (git remote add origin URL)")
    if remote is not None:
        _fetch(repo, remote, push=push)
    tag = tag_name(config.tag_format, hotfix.number)
    title = f"Hotfix {hotfix.number}" + (f": {doc.doc.title}" if doc.doc.title else "")
    plan = Journal(
        number=hotfix.number,
        branch=hotfix.name,
        title=doc.doc.title,
        rel=str(doc.rel),
        tip=tip,
        resolution=changes,
        targets=[],
        tag=tag,
        tag_message=title,
        remote=remote,
        push=push,
        lease=_remote_lease(repo, remote, hotfix.name, tip) if remote else None,
    )
    if not merge:
        return plan
    _finished_already(doc, plan)
    if run_bytes("check-ref-format", f"refs/tags/{tag}", cwd=repo.root, check=False).returncode:
        raise UsageError(f"tag_format gives {tag!r}, which is not a valid tag name")
    plan.targets = plan_targets(repo, config, remote, hotfix.name, tip)
    for target in plan.targets:
        elsewhere = checked_out_elsewhere(repo, target.name)
        if elsewhere:
            raise Refused(
                f"{target.name} is checked out in {elsewhere}: finish cannot move it from here"
            )
    _no_conflicts(repo, plan)
    if changes:
        _hotfix_doc_untouched(repo, plan)
    untracked_in_the_way(repo, tip, plan.base)
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
    missing = repo.git("log", "--format=%h %s (%an)", f"{tip}..{theirs}", "--").splitlines()
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


def _finished_already(doc: CurrentDoc, plan: Journal) -> None:
    """Finished already (by a teammate: the fetch brought the tag), or the tag's name is
    taken by something else. Either way nothing is written."""
    repo = doc.ctx.repo
    done = finished(repo, doc.ctx.config, doc.hotfix)
    if done is not None:
        raise Refused(f"{done.notice()}: there is nothing to finish; {done.advice()}")
    if repo.resolve(f"refs/tags/{plan.tag}") is not None:
        raise Refused(
            f"tag {plan.tag} already exists and is not this hotfix's: nothing was changed "
            "(if it is another incident's, set tag_format; if it is a mistake, delete it: "
            f"{ui.command(['git', 'tag', '-d', plan.tag])})"
        )


def _no_conflicts(repo: Repository, plan: Journal) -> None:
    lines = []
    for target in plan.targets:
        if target.merged:
            continue
        tree, conflicts = merge_tree(repo, target.old, plan.tip)
        if tree is None:
            lines.append(f"merging {plan.branch} into {target.name} would conflict in:")
            lines += [f"  {path}" for path in conflicts]
            first = target.name
    if lines:
        lines.append(
            f"finish refused: resolve the conflict on {plan.branch} first "
            f"({ui.command(['git', 'merge', first])}, fix, commit), then finish again; "
            "nothing was changed"
        )
        _refuse(lines)


def _hotfix_doc_untouched(repo: Repository, plan: Journal) -> None:
    """The resolution record changes only hotfix.md: when no target touched it since the
    branches diverged, that commit cannot make a merge conflict that was not there."""
    for target in plan.targets:
        if target.merged:
            continue
        base = repo.merge_base(target.old, plan.tip)
        if base and repo.git("diff", "--name-only", base, target.old, "--", plan.rel):
            raise Refused(
                f"{target.name} changed {plan.rel} too: record the resolution first "
                '(hotfix-hooks resolve && git commit -am "T004: resolved"), then finish again'
            )


# -- the steps --------------------------------------------------------------------------------


def steps_of(plan: Journal, *, merge: bool = True) -> list[Step]:
    """What finish does, in order, as the plan and the dry run print it."""
    steps = []
    branch = plan.branch
    if plan.resolution:
        stamp = dict(plan.resolution).get(fields.RESOLVED, "")
        steps.append(
            Step("record", f'record the resolution ({stamp}) and commit "{FINISH_TASK}: resolved"')
        )
    if not merge:
        return steps
    for index, target in enumerate(plan.targets):
        into = "into" if index == 0 else "back into"
        text = (
            f"{target.name} already contains {branch}: no merge"
            if target.merged
            else f"merge {branch} {into} {target.name} (--no-ff)"
        )
        steps.append(Step(f"merge:{target.name}", text))
        if index == 0:
            steps.append(
                Step("tag", f"tag {target.name} as {plan.tag} (annotated: {plan.tag_message!r})")
            )
    steps.append(Step("checkout", f"check out {plan.base.name}"))
    steps.append(Step("delete", f"delete branch {branch}"))
    if plan.push and plan.remote:
        steps.append(Step("push", f"push to {plan.remote}: {_push_summary(plan)} (atomic)"))
    return steps


def _push_summary(plan: Journal) -> str:
    names = [plan.base.name, plan.tag] + [
        t.name for t in plan.targets[1:] if t.remote_tip is not None
    ]
    what = ", ".join(names)
    if plan.lease:
        what += f"; delete {plan.branch} there if it is still at {plan.lease[:10]}"
    return what


class Runner:
    """Does each step, and tells whether one is done already (after a kill, a step may be
    done without the journal saying so: each is judged by the repository itself)."""

    def __init__(self, ctx: Context, plan: Journal) -> None:
        self.ctx = ctx
        self.repo = ctx.repo
        self.plan = plan

    # what the repository says ---------------------------------------------------------------

    def fix_tip(self) -> str:
        """The hotfix branch's tip, with the resolution once it is recorded."""
        tip = self.repo.resolve(f"refs/heads/{self.plan.branch}")
        return tip or self.plan.fix_tip or self.plan.tip

    def tip_of(self, target: TargetPlan) -> str:
        return self.repo.resolve(target.ref) or target.old

    def target(self, name: str) -> TargetPlan:
        return next(t for t in self.plan.targets if t.name == name)

    def is_done(self, step: Step) -> bool:
        kind, _, name = step.id.partition(":")
        if kind == "record":
            return self._recorded()
        if kind == "merge":
            target = self.target(name)
            return target.merged or self.repo.is_ancestor(self.fix_tip(), self.tip_of(target))
        if kind == "tag":
            return self.repo.resolve(f"refs/tags/{self.plan.tag}") is not None
        if kind == "checkout":
            head = self.repo.git("symbolic-ref", "-q", "HEAD", check=False)
            return head == self.plan.base.ref
        if kind == "delete":
            return self.repo.resolve(f"refs/heads/{self.plan.branch}") is None
        return False  # the push: only the server knows; pushing again what is there is a no-op

    def _recorded(self) -> bool:
        at = f"refs/heads/{self.plan.branch}"
        if self.repo.resolve(at) is None:
            return True  # deleted: everything before it was done
        proc = run_bytes("cat-file", "blob", f"{at}:{self.plan.rel}", cwd=self.repo.root)
        if proc.returncode:
            return False
        return fields.state(HotfixDocument.parse(proc.stdout, self.plan.rel)) is (
            HotfixState.RESOLVED
        )

    # doing it --------------------------------------------------------------------------------

    def run(self, step: Step) -> str | None:
        kind, _, name = step.id.partition(":")
        actions: dict[str, Callable[[], str | None]] = {
            "record": self.record,
            "merge": lambda: self.merge(self.target(name)),
            "tag": self.tag,
            "checkout": self.checkout,
            "delete": self.delete,
            "push": self.push,
        }
        return actions[kind]()

    def doc(self) -> CurrentDoc:
        hotfix = parse_branch(self.plan.branch, self.ctx.config.branch_prefix)
        assert hotfix is not None
        from pathlib import PurePosixPath

        rel = PurePosixPath(self.plan.rel)
        data = read_worktree_bytes(self.repo.root, rel)
        if data is None:
            raise UsageError(f"{rel} is missing (or a symlink): restore it, then {CONTINUE}")
        return CurrentDoc(self.ctx, hotfix, rel, HotfixDocument.parse(data, str(rel)))

    def record(self) -> str:
        if self.repo.head_branch() != self.plan.branch:
            raise Refused(
                f"the resolution is recorded on {self.plan.branch}: check it out "
                f"({ui.command(['git', 'checkout', self.plan.branch, '--'])}), then {CONTINUE}"
            )
        from hotfix_hooks.commands.resolve import record_resolution

        doc = self.doc()
        before = self._snapshot(doc)
        record_resolution(doc, self.plan.resolution)  # done already after a kill: kept
        _kill_point(Step("record:written", ""))  # the record written, not yet committed
        paths = [str(p) for p in (doc.rel, doc.events_rel, doc.rel.parent / ".gitattributes")]
        try:
            self.repo.git(
                "commit",
                "-q",
                "-m",
                f"{FINISH_TASK}: resolved",
                "--trailer",
                f"Hotfix: {self.plan.number}",
                "--trailer",
                f"Task: {FINISH_TASK}",
                "--",
                *[p for p in paths if (self.repo.root / p).exists()],
            )
        except GitError as exc:
            self._restore(doc, before)  # back as it was: nothing recorded
            raise Refused(f"committing the resolution failed, nothing was changed: {exc}") from None
        events.fire_for(doc, "on_resolve")
        self.plan.fix_tip = self.repo.resolve("HEAD") or ""
        return self.plan.fix_tip[:10]

    def _snapshot(self, doc: CurrentDoc) -> dict[str, bytes | None]:
        rels = (doc.rel, doc.events_rel, doc.rel.parent / ".gitattributes")
        return {str(rel): read_worktree_bytes(self.repo.root, rel) for rel in rels}

    def _restore(self, doc: CurrentDoc, before: dict[str, bytes | None]) -> None:
        for rel, data in before.items():
            path = self.repo.root / rel
            if data is None:
                self.repo.git("rm", "-q", "--cached", "--ignore-unmatch", "--", rel, check=False)
                path.unlink(missing_ok=True)
            elif read_worktree_bytes(self.repo.root, rel) != data:
                replace_file(path, data)
                self.repo.git("add", "--", rel, check=False)

    def merge(self, target: TargetPlan) -> str | None:
        """The merge commit made from the computed tree; ``target`` moved to it."""
        fix = self.fix_tip()
        current = self.repo.resolve(target.ref)
        start = current or target.old
        if (current is not None and current != target.old) or (current is None and target.local):
            raise Refused(
                f"{target.name} moved since finish planned (it was at {target.old[:10]}): "
                f"undo this finish ({ABORT}), then finish again"
            )
        tree, conflicts = merge_tree(self.repo, start, fix)
        if tree is None:  # the branch moved under us; nothing of this merge was written
            raise Refused(
                f"merging into {target.name} now conflicts in {', '.join(conflicts)}: "
                f"undo this finish ({ABORT}), resolve it, then finish again"
            )
        message = f"Merge branch '{self.plan.branch}' into {target.name}"
        commit = self.repo.git("commit-tree", tree, "-p", start, "-p", fix, "-m", message)
        old = current or zero_for(self.repo.object_format())
        self.repo.git(
            "update-ref", "-m", f"hotfix-hooks finish: {message}", target.ref, commit, old
        )
        if current is None:
            self._track(target)
        return commit[:10]

    def _track(self, target: TargetPlan) -> None:
        """A branch finish made here from the remote's copy tracks it, as ``git checkout``
        would have set it up."""
        remote = self.plan.remote
        if remote and target.remote_tip is not None:
            self.repo.git(
                "branch", "--set-upstream-to", f"{remote}/{target.name}", target.name, check=False
            )

    def tag(self) -> str:
        commit = self.tip_of(self.plan.base)
        self.repo.git("tag", "-a", self.plan.tag, "-m", self.plan.tag_message, commit)
        return commit[:10]

    def checkout(self) -> None:
        base = self.plan.base
        if self.repo.resolve(base.ref) is None:  # only the remote's copy: make it here
            zero = zero_for(self.repo.object_format())
            self.repo.git("update-ref", "-m", "hotfix-hooks finish", base.ref, base.old, zero)
            self._track(base)
        self.repo.git("checkout", "-q", base.name, "--")

    def delete(self) -> None:
        # -D, after checking it ourselves: git's -d judges by the branch's upstream when
        # it has one, which may lack the resolution commit that main now holds
        tip = self.repo.resolve(f"refs/heads/{self.plan.branch}")
        if tip is None:
            return
        if not self.repo.is_ancestor(tip, self.tip_of(self.plan.base)):
            raise Refused(
                f"{self.plan.branch} is not contained in {self.plan.base.name}: not deleted"
            )
        self.repo.git("branch", "-q", "-D", self.plan.branch)

    def push_args(self) -> tuple[list[str], list[str], list[str]]:
        """(options, refspecs, what is left out and why): what is left to push, as the
        remote-tracking branches say now."""
        plan, remote = self.plan, self.plan.remote or "origin"
        refspecs: list[str] = []
        skipped: list[str] = []
        for index, target in enumerate(plan.targets):
            final = self.tip_of(target)
            there = self.repo.resolve(f"refs/remotes/{remote}/{target.name}")
            if there == final:
                continue
            if index and there is None and target.remote_tip is None:
                skipped.append(f"{target.name} is not on {remote}: not published")
                continue
            refspecs.append(f"{target.ref}:{target.ref}")
        refspecs.append(f"refs/tags/{plan.tag}:refs/tags/{plan.tag}")
        options = ["--atomic"]
        remote_branch = self.repo.resolve(f"refs/remotes/{remote}/{plan.branch}")
        if remote_branch is not None and plan.lease:
            # deleted only if the server's branch is still the commit this finish merged
            options.append(f"--force-with-lease=refs/heads/{plan.branch}:{plan.lease}")
            refspecs.append(f":refs/heads/{plan.branch}")
        elif remote_branch is not None:
            skipped.append(
                f"{remote}/{plan.branch} appeared after finish looked: not deleted there"
            )
        return options, refspecs, skipped

    def push_command(self) -> str:
        options, refspecs, _ = self.push_args()
        return ui.command(["git", "push", *options, self.plan.remote or "origin", *refspecs])

    def push(self) -> str | None:
        options, refspecs, skipped = self.push_args()
        for line in skipped:
            ui.warn(line)
        command = self.push_command()
        try:
            self.repo.git("push", "-q", *options, self.plan.remote or "origin", *refspecs)
        except GitError as exc:
            self.refuse_if_the_team_moved()
            reason = " ".join(exc.stderr.split())
            raise Refused(
                f"the push failed (everything local is done; {reason}); once the cause is "
                f"fixed, retry: {CONTINUE}   (or by hand: {command})"
            ) from None
        return None

    def refuse_if_the_team_moved(self) -> None:
        """After a refused push: when the server's hotfix branch moved past the lease, or a
        branch the fix goes to moved past what this finish merged, a teammate pushed
        meanwhile and no retry can succeed; say whose commits, and the way out."""
        plan, remote = self.plan, self.plan.remote or "origin"
        if fetch(self.repo, remote) is not None:
            return  # cannot tell: the generic advice stands
        moved: list[str] = []
        theirs = self.repo.resolve(f"refs/remotes/{remote}/{plan.branch}")
        if theirs and plan.lease and theirs != plan.lease:
            moved += self.repo.git(
                "log", "--format=%h %s (%an)", f"{plan.lease}..{theirs}", "--", check=False
            ).splitlines() or [f"{remote}/{plan.branch} is now at {theirs[:10]}"]
        branch_moved = bool(moved)
        for target in plan.targets:
            there = self.repo.resolve(f"refs/remotes/{remote}/{target.name}")
            if there and not self.repo.is_ancestor(there, self.tip_of(target)):
                moved.append(f"{remote}/{target.name} moved on (now {there[:10]})")
        if not moved:
            return
        merge = ui.command(["git", "merge", "--no-edit", f"{remote}/{plan.branch}"])
        bring = f"bring their work in ({merge} on {plan.branch}), " if branch_moved else ""
        _refuse(
            [
                "the push was refused: the team pushed while this finish ran, and nothing "
                "was changed on the server:",
                *[f"  {line}" for line in moved[:20]],
                f"undo this finish ({ABORT}: this clone goes back as it was), {bring}then "
                "finish again: hotfix-hooks finish --push",
            ]
        )


# -- running it -------------------------------------------------------------------------------


def _kill_point(step: Step) -> None:
    if os.environ.get(KILL_AFTER) == step.id:
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)


def _goes_to(plan: Journal, develop_why: str | None) -> list[str]:
    """Which branches get the fix, and why."""
    lines = [f"  the fix goes to {t.name}: {t.why}" for t in plan.targets]
    if develop_why and len(plan.targets) == 1:
        lines.append(f"  no development branch gets it: {develop_why}")
    return lines


def execute(runner: Runner, steps: list[Step]) -> list[str]:
    """Each step not yet done, in order, marked in the journal as it completes; what each
    one did (a commit id, or that it was done before the finish stopped)."""
    plan, git_dir = runner.plan, runner.repo.git_dir
    details = []
    for number, step in enumerate(steps, 1):
        ui.emit(f"  {number}. {step.text}")
        if step.id in plan.done or runner.is_done(step):
            detail = "(done before it stopped)"
        else:
            detail = runner.run(step) or ""
            _kill_point(step)
        ui.emit(f"     ✓ {detail}" if detail else "     ✓")
        details.append(detail)
        if step.id not in plan.done:
            plan.done.append(step.id)
        journals.save(git_dir, plan)
    return details


def _finished(runner: Runner) -> str | None:
    """The end: the journal removed, on_finish fired, what is still due said; the push to
    paste (None: pushed, or nowhere to push)."""
    plan = runner.plan
    command = None if plan.push or not plan.remote else runner.push_command()
    journals.remove(runner.repo.git_dir)
    doc = runner.doc()
    events.fire_for(
        doc, "on_finish", tag=plan.tag, merged_into=plan.base.name, pushed=bool(plan.push)
    )
    ui.emit(ui.paint(f"✅ Hotfix {plan.number} finished: {plan.tag}", "green"))
    if command:
        ui.emit(
            f"Nothing was pushed: {plan.remote} still has the old {plan.base.name} "
            "(a new hotfix starts from there). Push it all at once:"
        )
        ui.emit(f"  {command}")
    _still_due(doc)
    return command


def _still_due(doc: CurrentDoc) -> None:
    """The post-emergency tasks, with their due dates, whether or not resolve ran first."""
    from hotfix_hooks.commands.resolve import due_lines
    from hotfix_hooks.core.tie import postmortem_commit

    lines = due_lines(doc)
    if lines:
        ui.emit("📋 Still due:")
        for line in lines:
            ui.emit(f"  {line}")
        number = doc.hotfix.number
        ui.emit(
            f"  Tie that work to hotfix {number} from any branch, e.g.: "
            + postmortem_commit(number)
        )


def _in_progress_refusal(plan: Journal) -> Refused:
    return Refused(
        f"a finish of hotfix {plan.number} ({plan.branch}) is in progress: complete it "
        f"({CONTINUE}) or undo it ({ABORT})"
    )


def _start(push: bool, no_merge: bool, dry_run: bool, as_json: bool) -> None:
    ctx = context()
    pending = journals.load(ctx.repo.git_dir)
    if pending is not None:
        raise _in_progress_refusal(pending)
    doc = current_doc()
    merge = not no_merge
    plan = plan_finish(doc, push=push, merge=merge)
    steps = steps_of(plan, merge=merge)
    if as_json:  # the story on stderr, the outcome as JSON on stdout
        real = sys.stdout
        with contextlib.redirect_stdout(sys.stderr):
            details, command = _land(doc, plan, steps, merge=merge, dry_run=dry_run)
        outcome = _as_json(plan, steps, details, command, merge=merge)
        real.write(json.dumps(outcome, indent=2, ensure_ascii=False) + "\n")
        return
    _land(doc, plan, steps, merge=merge, dry_run=dry_run)


def _land(
    doc: CurrentDoc, plan: Journal, steps: list[Step], *, merge: bool, dry_run: bool
) -> tuple[list[str] | None, str | None]:
    """Print the plan and do it (or only print it): (what each step did, the push to paste)."""
    ctx = doc.ctx
    header = f"Finish hotfix {plan.number} ({plan.branch})"
    develop_why = None
    if merge:
        from hotfix_hooks.incident.production import develop_choice

        name, why = develop_choice(ctx.repo, ctx.config.develop_branch, plan.remote)
        develop_why = why if name is None else None
    if dry_run:
        ui.emit(f"{header} — dry run, nothing changes:")
        for line in _goes_to(plan, develop_why) if merge else []:
            ui.emit(line)
        for number, step in enumerate(steps, 1):
            ui.emit(f"  {number}. {step.text}")
        return None, None
    ui.emit(f"{header}:")
    runner = Runner(ctx, plan)
    if not merge:
        if not steps:
            ui.emit("  nothing to do: the resolution is already recorded")
        details = []
        for number, step in enumerate(steps, 1):
            ui.emit(f"  {number}. {step.text}")
            details.append(runner.run(step) or "")
            ui.emit(f"     ✓ {details[-1]}")
        events.fire_for(doc, "on_finish", tag=None, merged_into=None, pushed=False)
        ui.emit(
            f"✓ Recorded; merge when ready: hotfix-hooks finish{' --push' if plan.push else ''}"
        )
        return details, None
    for line in _goes_to(plan, develop_why):
        ui.emit(line)
    journals.save(ctx.repo.git_dir, plan)
    details = execute(runner, steps)
    return details, _finished(runner)


def _as_json(
    plan: Journal,
    steps: list[Step],
    details: list[str] | None,
    command: str | None,
    *,
    merge: bool,
) -> dict[str, object]:
    """``finish --json``: the steps (each done, or only planned with --dry-run) and the
    outcome."""
    done = details or []
    shown = [
        {
            "step": step.text,
            "done": details is not None,
            "detail": (done[i] if done else "") or None,
        }
        for i, step in enumerate(steps)
    ]
    return {
        "hotfix": plan.number,
        "branch": plan.branch,
        "dry_run": details is None,
        "steps": shown,
        "goes_to": [{"branch": t.name, "why": t.why} for t in plan.targets] if merge else [],
        "tag": plan.tag if merge else None,
        "merged_into": plan.base.name if merge else None,
        "develop": plan.targets[1].name if merge and len(plan.targets) > 1 else None,
        "pushed_to": plan.remote if merge and plan.push else None,
        "push_command": command,
    }


def _continue() -> None:
    ctx = context()
    plan = journals.load(ctx.repo.git_dir)
    if plan is None:
        raise UsageError("no finish is in progress here: nothing to continue")
    state = ctx.repo.in_progress()
    if state:
        raise Refused(f"a git operation is in progress ({state}): complete or abort it first")
    runner = Runner(ctx, plan)
    steps = steps_of(plan)
    folder = plan.rel.rpartition("/")[0]
    record_files = {plan.rel, f"{folder}/{EVENTS_DOC}", f"{folder}/{ATTRIBUTES}"}
    allowed = set() if steps[0].id != "record" or runner.is_done(steps[0]) else record_files
    dirty = [p for p in dirty_paths(ctx.repo) if p not in allowed]
    if dirty:
        raise Refused(
            f"the working tree has uncommitted changes ({', '.join(dirty[:5])}): commit or "
            f"stash them, then {CONTINUE}"
        )
    if plan.remote and plan.push:
        _fetch(ctx.repo, plan.remote, push=True)
    ui.emit(f"Continue finishing hotfix {plan.number} ({plan.branch}):")
    execute(runner, steps)
    _finished(runner)


@click.command(short_help="Merge, tag and delete a resolved hotfix.")
@click.option(
    "--push",
    is_flag=True,
    help="Also push the merged branches and the tag, and delete the branch on the remote.",
)
@click.option("--no-merge", is_flag=True, help="Only record the resolution.")
@click.option("--dry-run", is_flag=True, help="Print every step; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the steps and the outcome as JSON.")
@click.option("--continue", "resume", is_flag=True, help="Complete a finish that stopped half-way.")
@click.option(
    "--abort", "undo", is_flag=True, help="Undo what a finish that stopped half-way did here."
)
def finish(
    push: bool, no_merge: bool, dry_run: bool, as_json: bool, resume: bool, undo: bool
) -> None:
    """Land the current hotfix: record the resolution if not yet recorded (as
    `resolve` does), merge it into the production branch, tag it, merge it back
    into the development branch (develop_branch, else git-flow's develop when it
    exists), delete it (and with --push: on the remote too).

    Refuses, changing nothing, on a dirty working tree, a failing rollback-plan gate,
    a merge that would conflict, or an existing tag. A finish that stops half-way
    (killed, a refused push) is completed by --continue or undone by --abort.

    Examples:

    \b
        hotfix-hooks finish --dry-run --push   # every step, nothing changed
        hotfix-hooks finish --push
    """
    if resume or undo:
        if (resume and undo) or push or no_merge or dry_run or as_json:
            raise UsageError("--continue and --abort take no other option")
        if resume:
            _continue()
        else:
            abort_finish()
        return
    _start(push, no_merge, dry_run, as_json)


def in_progress(ctx: Context, plan: Journal) -> tuple[str, str]:
    """(the finish ``plan`` journals is in progress here, its next step), for ``status``."""
    runner = Runner(ctx, plan)
    pending = next(
        (s for s in steps_of(plan) if s.id not in plan.done and not runner.is_done(s)), None
    )
    where = f" (stopped before: {pending.text})" if pending else ""
    return (
        f"a finish of hotfix {plan.number} ({plan.branch}) is in progress{where}",
        f"complete it: {CONTINUE} (or undo it: {ABORT})",
    )
