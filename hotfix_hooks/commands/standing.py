"""Where the checked-out hotfix stands (``hotfix-hooks status``): its record, its age
against the target, its tasks and their commits, the rollback gate here and at HEAD, and
the one next step; elsewhere, the active hotfixes. Without click: ``main`` runs
``status`` and ``status --json`` straight here (the command an on-call engineer runs
most), and ``commands/status`` is its click command, for everything else (``--help``).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import NamedTuple

from hotfix_hooks.config.context import Context, context
from hotfix_hooks.core import clock, ui
from hotfix_hooks.core.branch import HotfixBranch
from hotfix_hooks.core.state import HotfixState, state_of
from hotfix_hooks.core.tie import postmortem_commit
from hotfix_hooks.document.events import EVENTS_DOC, Event
from hotfix_hooks.document.tasks import plan_task, subject_tasks
from hotfix_hooks.enforce.engine import judge_commit
from hotfix_hooks.enforce.gate import VerdictCache
from hotfix_hooks.events import hotfix as events
from hotfix_hooks.git.blobs import CommitFiles
from hotfix_hooks.git.log import TaskCommits, tasks_with_commits
from hotfix_hooks.incident import journal
from hotfix_hooks.incident.finished import finished
from hotfix_hooks.incident.location import (
    HOTFIX_DOC,
    TASKS_DOC,
    hotfix_directory,
    load_tasks,
    read_worktree_bytes,
    read_worktree_doc,
)
from hotfix_hooks.incident.record import HotfixRecord, current_doc, operation_name
from hotfix_hooks.incident.scaffold import opening_step
from hotfix_hooks.incident.upstream import upstream_of
from hotfix_hooks.incident.working import remembered_working
from hotfix_hooks.install.hook_file import hook_problems
from hotfix_hooks.policy.targets import POSTMORTEM_DUE, ROOT_CAUSE_DUE, within_target

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import PurePosixPath


class Facts(NamedTuple):
    """What the next step depends on: the hotfix's record, and what this clone has of it."""

    record: HotfixRecord
    has_docs: bool
    plan_tree: bool
    plan_head: bool
    tied: int
    path: str
    plan_task: str = "T003"
    plan_line: int | None = None
    doc_changed: bool = False  # hotfix.md differs from HEAD
    pushed: bool = False  # HEAD is on the branch's upstream
    push: str = "git push"  # the push that works from here
    pull: str = ""  # the pull that works from here, when the team pushed (behind)
    behind: bool = False  # the remote-tracking branch has commits this clone lacks
    in_progress: str = ""  # a rebase, merge, cherry-pick, revert or bisect under way
    docs_committed: bool = True  # hotfix.md is in HEAD


def _next_step(f: Facts) -> str:
    """The one next step for the state the hotfix is in, as a command where there is one."""
    if f.in_progress == "bisect":
        return "finish the bisect first: git bisect reset"
    if f.in_progress:
        return (
            f"finish the {f.in_progress} first: resolve the conflicts, git add them, then "
            f"git {f.in_progress} --continue (or git {f.in_progress} --abort)"
        )
    if not f.has_docs:
        return "create the docs: hotfix-hooks scaffold"
    if f.behind:
        return f"bring in what the team pushed first: {f.pull}"
    closed = _closed_step(f)
    if closed is not None:
        return closed
    path, push = f.path, f.push
    if not f.docs_committed:
        return opening_step(f.record.number, str(PurePosixPath(path).parent))
    if not f.plan_tree:
        where = f"{path}, line {f.plan_line}" if f.plan_line else path
        return f"write the Rollback Plan in {where} (the push is refused until you do)"
    if not f.plan_head:
        message = f"{f.plan_task}: rollback plan"
        add = ui.commands(["git", "add", "--", path], ["git", "commit", "-m", message])
        return f"commit the plan: {add}"
    if not f.tied:
        return 'commit the fix: git commit -am "T001: <what you fixed>"'
    if f.record.rollback_triggered and f.doc_changed:
        commit = ui.command(["git", "commit", "-am", "T004: rollback triggered"])
        return f"commit the rollback record: {commit} && {push}"
    if not f.pushed:
        return f"push it: {push}"
    if f.record.rollback_triggered:
        return (
            "fix forward (commit and push the next fix), or once the service is restored: "
            "hotfix-hooks resolve"
        )
    return (
        "deploy and monitor; once the service is restored: hotfix-hooks resolve "
        "(if the deploy makes it worse: hotfix-hooks rollback)"
    )


def _closed_step(f: Facts) -> str | None:
    """The next step of a cancelled or resolved hotfix; None for an open one."""
    push = f.push
    state = f.record.state
    if state is HotfixState.CANCELLED:
        if f.doc_changed:
            commit = ui.command(["git", "commit", "-am", "T004: cancelled"])
            return f"commit the cancellation: {commit} && {push}"
        if not f.pushed:
            return f"push the record (the server keeps its number taken): {push}"
        return (
            "nothing: this hotfix is cancelled; keep the branch, it is the record "
            "(its number is not reused)"
        )
    if state is not HotfixState.RESOLVED:
        return None
    if f.doc_changed:
        commit = ui.command(["git", "commit", "-am", "T004: resolved"])
        return f"commit the resolution: {commit} && {push}"
    if not f.pushed:
        return f"push the resolution: {push}"
    due = ""
    resolved = f.record.resolved
    if resolved is not None:
        due = (
            "; then T005 root cause analysis (due "
            f"{clock.format_stamp(resolved + ROOT_CAUSE_DUE)}) and T007 post-mortem "
            f"(due {clock.format_stamp(resolved + POSTMORTEM_DUE)})"
        )
    return f"merge, tag and close it: hotfix-hooks finish --push{due}"


class HotfixStatus(NamedTuple):
    """The checked-out hotfix: its record (the one record type, as ``report`` reads it),
    and what this working tree adds: the age, the tasks and their commits, the plan's
    verdict here and at HEAD, the warnings and the next step."""

    record: HotfixRecord
    elapsed: timedelta | None
    target_minutes: int
    tasks: list[TaskCommits]
    plan_in_tree: bool
    plan_at_head: bool
    problems: list[str]
    warnings: list[str]
    next_step: str
    rollback: str | None = None  # the first rollback recorded, with who and why
    news: str | None = None  # what the team pushed that this clone lacks

    @property
    def number(self) -> str:
        return self.record.number

    @property
    def title(self) -> str:
        return self.record.title

    @property
    def branch(self) -> str:
        return self.record.branch

    @property
    def status(self) -> str:
        return self.record.status

    @property
    def file(self) -> str:
        return self.record.path

    @property
    def created(self) -> datetime | None:
        return self.record.created

    @property
    def resolved(self) -> str | None:
        return _stamp(self.record.resolved)

    @property
    def time_to_resolution(self) -> str | None:
        return clock.human_or_none(self.record.duration)

    @property
    def cancelled(self) -> str | None:
        return _stamp(self.record.cancelled_at)

    @property
    def over_target(self) -> bool:
        return (
            not state_of(self.status).closed
            and self.elapsed is not None
            and not within_target(self.elapsed, self.target_minutes)
        )

    def as_json(self) -> dict[str, object]:
        elapsed = self.elapsed
        return {
            "hotfix": self.number,
            "title": self.title,
            "branch": self.branch,
            "status": self.status,
            "created": self.created.isoformat() if self.created else None,
            "elapsed_seconds": clock.seconds(elapsed),
            "elapsed": clock.human_or_none(elapsed),
            "target_minutes": self.target_minutes,
            "over_target": self.over_target,
            "tasks": [
                {
                    "task": t.task,
                    "title": t.title,
                    "commits": [{"sha": s, "subject": m} for s, m in t.commits],
                }
                for t in self.tasks
            ],
            "rollback_plan": {
                "working_tree": self.plan_in_tree,
                "head": self.plan_at_head,
                "problems": self.problems,
            },
            "rollback": self.rollback,
            "resolved": self.resolved,
            "time_to_resolution": self.time_to_resolution,
            "cancelled": self.cancelled,
            "team": self.news,
            "warnings": self.warnings,
            "file": self.file,
            "next": self.next_step,
        }


def hotfix_status(ctx: Context, hotfix: HotfixBranch) -> HotfixStatus:
    directory = hotfix_directory(ctx.repo, ctx.config, hotfix.number)
    path = directory / HOTFIX_DOC
    events_rel = directory / EVENTS_DOC
    changed = ("status", "--porcelain", "--", str(path), str(events_rel))
    ctx.repo.prefetch(changed, ctx.repo.branch_refs_question(hotfix.name))
    try:
        return _hotfix_status(ctx, hotfix, path, events_rel, changed)
    finally:
        ctx.repo.settle()


def _hotfix_status(
    ctx: Context,
    hotfix: HotfixBranch,
    path: PurePosixPath,
    events_rel: PurePosixPath,
    changed: tuple[str, ...],
) -> HotfixStatus:
    """:func:`hotfix_status`, with what it asks git first (``changed``) under way."""
    directory = path.parent
    data = read_worktree_bytes(ctx.repo.root, path)
    has_docs = (
        data is not None and read_worktree_doc(ctx.repo.root, directory / TASKS_DOC) is not None
    )
    required = ctx.config.rollback_trigger_required
    reading = remembered_working(
        ctx.repo.git_dir,
        hotfix.number,
        str(path),
        data or b"",
        read_worktree_bytes(ctx.repo.root, events_rel),
        str(events_rel),
        required,
    )
    record = reading.record
    record.title = record.title or hotfix.title
    record.branch = hotfix.name
    if data is None:
        record.status = "missing"
    tasks, warning = load_tasks(ctx.repo.root, ctx.config, hotfix.number)
    index = tasks_with_commits(
        ctx.repo, hotfix.number, tasks, base=reading.base or None, subject_tasks=subject_tasks
    )
    tree_verdict = reading.verdict
    with CommitFiles(ctx.repo.root, "HEAD") as files:
        head_sha = files.pin()
        head = (
            judge_commit(
                "status",
                ctx.repo.root,
                head_sha,
                hotfix.number,
                ctx.config,
                files=files,
                cache=VerdictCache(str(ctx.repo.git_dir)),
            )
            if head_sha
            else None
        )
    # a cancelled hotfix needs no plan (policy/rules HH001, HH002): none is asked of it
    tree_ok = reading.has_text and (
        tree_verdict.passed or state_of(record.status) is HotfixState.CANCELLED
    )
    news = upstream_of(ctx.repo, hotfix.name, directory)
    facts = Facts(
        record=record,
        has_docs=has_docs,
        plan_tree=tree_ok,
        plan_head=bool(head and head.passed),
        tied=sum(len(t.commits) for t in index),
        path=str(path),
        plan_task=plan_task(tasks),
        plan_line=tree_verdict.plan.line,
        doc_changed=bool(ctx.repo.ask(*changed)),
        pushed=_unpushed(ctx, hotfix.name) == "0",
        push=ctx.repo.push_command(),
        behind=bool(news and news.behind),
        pull=news.pull if news else "",
        in_progress=operation_name(state) if (state := ctx.repo.in_progress()) else "",
        docs_committed=bool(head and head.record and head.record.facts.state != "missing"),
    )
    clash = _number_warnings(ctx, hotfix)
    next_step, team = _next_and_news(ctx, hotfix, facts, clash, news.notice() if news else None)
    cancelled = record.state is HotfixState.CANCELLED  # needs no plan: none is judged
    trigger = tree_verdict.trigger
    trigger_warnings = [
        f"{warning} ({path}, line {trigger.line})" if trigger.line else f"{warning} ({path})"
        for warning in (tree_verdict.warnings if reading.has_text and not cancelled else [])
    ]
    created = record.created
    return HotfixStatus(
        record=record,
        elapsed=(clock.stamp_now() - created) if created else None,
        target_minutes=ctx.config.target_minutes,
        tasks=index,
        plan_in_tree=tree_ok,
        plan_at_head=facts.plan_head,
        problems=[]
        if cancelled
        else tree_verdict.problems
        if reading.has_text
        else [f"{path} is missing"],
        warnings=([warning] if warning else []) + record.problems + trigger_warnings + clash,
        next_step=next_step,
        rollback=_said(reading.rollback) if reading.rollback else None,
        news=team,
    )


def _next_and_news(
    ctx: Context, hotfix: HotfixBranch, facts: Facts, clash: list[str], news: str | None
) -> tuple[str, str | None]:
    """The next step and what to say first: a hotfix finished upstream, a number another
    incident holds, else what the record and the working tree say."""
    done = finished(ctx.repo, ctx.config, hotfix)
    if done is not None:
        facts.record.status = HotfixState.FINISHED.value
        return done.advice(), done.notice()
    if clash:
        return "give this incident its own number: " + clash[0].split("fix: ", 1)[-1], news
    return _next_step(facts), news


def _stamp(moment: datetime | None) -> str | None:
    return clock.format_stamp(moment) if moment else None


def _said(event: Event) -> str:
    by = f", by {event.who}" if event.who else ""
    why = f": {event.note}" if event.note else ""
    return f"yes ({clock.format_stamp(event.when)}{by}){why}"


def _unpushed(ctx: Context, branch: str) -> str:
    """How many commits HEAD has that its upstream lacks ("0": all pushed; "": no idea).
    Without an upstream (pushed by ``git push origin BRANCH``, no ``-u``), the
    remote-tracking branch of that name on the default remote stands in for it."""
    tracking = ctx.repo.tracking(branch)
    if tracking is None:
        return ""
    return ctx.repo.git("rev-list", "--count", f"{tracking}..HEAD", "--", check=False)


def _number_warnings(ctx: Context, hotfix: HotfixBranch) -> list[str]:
    """Another incident holding this branch's number, as one warning."""
    from hotfix_hooks.config.features import worktree_features
    from hotfix_hooks.incident import numbers
    from hotfix_hooks.policy.numbers import conflict_lines

    root = str(ctx.repo.root)
    prefix = ctx.config.branch_prefix
    features = worktree_features(root, ctx.config)
    verdict = numbers.judge(
        hotfix.name,
        hotfix.number,
        prefix,
        features,
        cwd=root,
        extra=numbers.worktree_doc_claims(
            root, features, hotfix.number, hotfix.name, prefix, cwd=root
        ),
        taken=numbers.worktree_numbers(root, features),
        git_dir=str(ctx.repo.git_dir),
        tag_format=ctx.config.tag_format,
    )
    if not verdict.others:
        return []
    lines = conflict_lines(
        hotfix.name, hotfix.number, verdict.others, verdict.free, prefix, "NUMBER CONFLICT"
    )
    return [lines[0] + " " + " ".join(" ".join(line.split()) for line in lines[1:])]


def _print_json(data: dict[str, object]) -> None:
    out = sys.stdout
    if out is None:  # started with that descriptor closed: nothing can be shown
        return
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    out.flush()


def _finishing(ctx: Context) -> tuple[str, str] | None:
    """A finish in progress here (its journal), and its next step; finish's own module,
    which says what it stopped before, is imported only then."""
    plan = journal.load(ctx.repo.git_dir)
    if plan is None:
        return None
    from hotfix_hooks.commands.finish import in_progress

    return in_progress(ctx, plan)


def _print_hotfix(state: HotfixStatus) -> None:
    out = sys.stdout
    if state.news:
        ui.warn(state.news)
    mark = {True: ui.paint("✓", "green", out), False: ui.paint("✗", "red", out)}
    title = ui.paint(f"🚨 Hotfix {state.number}: {state.title or '[Title]'}", "bold", out)
    ui.emit(f"{title}  ({state.branch})")
    line = f"Status: {state.status}"
    limit = clock.human(timedelta(minutes=state.target_minutes))
    if state_of(state.status) in (HotfixState.RESOLVED, HotfixState.FINISHED):
        took = f", in {state.time_to_resolution}" if state.time_to_resolution else ""
        line += f" · resolved {state.resolved or '(time not recorded)'}{took} (target {limit})"
    elif state_of(state.status) is HotfixState.CANCELLED:
        line += f" · cancelled {state.cancelled or '(time not recorded)'}"
    elif state.elapsed is not None:
        over = " — OVER TARGET" if state.over_target else ""
        age = (
            "under a minute" if state.elapsed < timedelta(minutes=1) else clock.human(state.elapsed)
        )
        line += f" · opened {age} ago (target {limit}){over}"
    ui.emit(line)
    if state.rollback:
        ui.emit(f"Rollback triggered: {state.rollback}")
    ui.emit("Tasks:")
    width = max((len(task.title) for task in state.tasks), default=0)
    for task in state.tasks:
        shown = ", ".join(f"{sha[:7]} {subject}" for sha, subject in task.commits[:3])
        more = f" (+{len(task.commits) - 3} more)" if len(task.commits) > 3 else ""
        ui.emit(f"  {task.task}  {task.title:<{width}}  {shown or '—'}{more}")
    if state_of(state.status) is HotfixState.CANCELLED:
        ui.emit("Rollback plan: not needed (cancelled)")
    else:
        ui.emit(
            f"Rollback plan: working tree {mark[state.plan_in_tree]} · "
            f"HEAD {mark[state.plan_at_head]}"
        )
    for problem in state.problems:
        ui.emit(f"  {problem}")
    for warning in state.warnings:
        ui.warn(warning)
    ui.emit(f"Next: {state.next_step}")


def overview(ctx: Context) -> dict[str, object]:
    from hotfix_hooks.report.inventory import collect

    now = clock.stamp_now()
    records = collect(ctx)
    target = ctx.config.target_minutes
    return {
        "hotfix": None,
        "active": [
            {
                "hotfix": r.number,
                "title": r.title,
                "branch": r.branch,
                "source": r.source,
                "age_seconds": clock.seconds(r.age(now)),
                "age": clock.human_or_none(r.age(now)),
                "over_target": r.over_target(now, target),
                "conflict": r.conflict,
            }
            for r in records
            if r.active
        ],
        "overdue_postmortems": [r.number for r in records if r.overdue(now)],
        "number_conflicts": list(dict.fromkeys(r.number for r in records if r.conflict)),
        "target_minutes": target,
    }


def show(as_json: bool) -> None:
    """``hotfix-hooks status [--json]``."""
    ctx = context()
    for problem in hook_problems(ctx.repo.hooks_dir()):
        ui.warn(problem)
    finishing = _finishing(ctx)
    if finishing and not as_json:
        ui.emit(ui.paint(f"⚠ {finishing[0]}", "yellow"))
    hotfix = ctx.hotfix()
    if hotfix:
        state = hotfix_status(ctx, hotfix)
        events.alert_overdue(ctx, state.status, state.elapsed, current_doc)
        if finishing:
            state = state._replace(next_step=finishing[1])
        if as_json:
            data = state.as_json() | {"finish_in_progress": finishing and finishing[0]}
            _print_json(data)
        else:
            _print_hotfix(state)
        return
    data = overview(ctx) | {"finish_in_progress": finishing and finishing[0]}
    if finishing and not as_json:
        ui.emit(f"Next: {finishing[1]}")
        return
    if as_json:
        _print_json(data)
        return
    active = data["active"]
    overdue = data["overdue_postmortems"]
    conflicts = data["number_conflicts"]
    assert isinstance(active, list) and isinstance(overdue, list) and isinstance(conflicts, list)
    if not active and not overdue and not conflicts:
        ui.emit("no active hotfix")
        return
    limit = clock.human(timedelta(minutes=ctx.config.target_minutes))
    for item in active:
        age = f", open {item['age']}" if item["age"] else ""
        flag = f" — OVERDUE (target {limit})" if item["over_target"] else ""
        clash = " — NUMBER CONFLICT" if item["conflict"] else ""
        ui.emit(
            f"active: hotfix {item['hotfix']} {item['title'] or ''} "
            f"({item['branch'] or item['source']}{age}){flag}{clash}".replace("  ", " ")
        )
    for number in conflicts:
        ui.emit(
            f"conflict: hotfix {number} is used by more than one incident; rename all but "
            "one branch to the next free number (hotfix-hooks renumber, on each)"
        )
    for number in overdue:
        ui.emit(
            f"overdue post-mortem: hotfix {number} (T007 is due within a week of resolution); "
            f"tie it when done: {postmortem_commit(number)}"
        )
    # the hotfix to look at first: the longest open past the target, else the longest open
    branches = [item for item in active if item["branch"]]
    branches.sort(key=lambda item: (not item["over_target"], -(item["age_seconds"] or 0)))
    if branches:
        go = ui.commands(["git", "checkout", branches[0]["branch"]], ["hotfix-hooks", "status"])
        ui.emit(f"Next: {go}")
