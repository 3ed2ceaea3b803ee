from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta

import click

from hotfix_hooks import clock, ui
from hotfix_hooks.branch import HotfixBranch
from hotfix_hooks.commands.lifecycle import alert_overdue
from hotfix_hooks.context import Context, context
from hotfix_hooks.document import fields
from hotfix_hooks.document.location import (
    HOTFIX_DOC,
    TASKS_DOC,
    load_tasks,
    read_worktree_bytes,
    read_worktree_doc,
)
from hotfix_hooks.document.model import HotfixDocument
from hotfix_hooks.document.scaffold import hotfix_directory
from hotfix_hooks.gate import check_commit
from hotfix_hooks.git.log import TaskCommits, tasks_with_commits
from hotfix_hooks.install import hook_problems
from hotfix_hooks.policy.rollback_plan import judge
from hotfix_hooks.policy.targets import within_target


def _next_step(
    has_docs: bool,
    plan_tree: bool,
    plan_head: bool,
    tied: int,
    status: str,
    path: str,
    plan_task: str = "T003",
) -> str:
    if not has_docs:
        return "create the docs: hotfix-hooks scaffold"
    if fields.is_cancelled(status):
        return "nothing: cancelled (the record stays; the number is not reused)"
    if fields.is_resolved(status):
        return (
            "finish the post-emergency tasks T005-T007 (hotfix-hooks report shows what is overdue)"
        )
    if not plan_tree:
        return f"write the Rollback Plan in {path} (the push is refused until you do)"
    if not plan_head:
        return f'commit the plan: git add {path} && git commit -m "{plan_task}: rollback plan"'
    if not tied:
        return 'commit the fix: git commit -m "T001: <what you fixed>"'
    return "push, deploy and monitor; then: hotfix-hooks resolve (or hotfix-hooks rollback)"


@dataclass
class HotfixStatus:
    number: str
    title: str
    branch: str
    status: str
    created: datetime | None
    elapsed: timedelta | None
    target_minutes: int
    tasks: list[TaskCommits]
    plan_in_tree: bool
    plan_at_head: bool
    problems: list[str]
    warnings: list[str]
    file: str
    next_step: str

    @property
    def over_target(self) -> bool:
        return self.elapsed is not None and not within_target(self.elapsed, self.target_minutes)

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
            "warnings": self.warnings,
            "file": self.file,
            "next": self.next_step,
        }


def hotfix_status(ctx: Context, hotfix: HotfixBranch) -> HotfixStatus:
    directory = hotfix_directory(ctx.repo, ctx.config, hotfix.number)
    path = directory / HOTFIX_DOC
    data = read_worktree_bytes(ctx.repo.root, path)
    has_docs = (
        data is not None and read_worktree_doc(ctx.repo.root, directory / TASKS_DOC) is not None
    )
    doc = HotfixDocument.parse(data or b"", str(path))
    text = doc.text
    created = fields.stamp(doc, fields.CREATED)
    status = fields.status(doc) if data is not None else "missing"
    tasks, warning = load_tasks(ctx.repo.root, ctx.config, hotfix.number)
    base = doc.field(fields.BASE_COMMIT)
    index = tasks_with_commits(ctx.repo, hotfix.number, tasks, base=base if base else None)
    tree_verdict = judge(doc, trigger_required=ctx.config.rollback_trigger_required)
    head_sha = ctx.repo.resolve("HEAD") or ""
    head = check_commit(ctx.repo.root, head_sha, hotfix.number, ctx.config) if head_sha else None
    tree_ok = bool(text) and tree_verdict.passed
    head_ok = bool(head and head.passed)
    tied = sum(len(t.commits) for t in index)
    clash = _number_warnings(ctx, hotfix)
    from hotfix_hooks.document.tasks import plan_task

    next_step = _next_step(has_docs, tree_ok, head_ok, tied, status, str(path), plan_task(tasks))
    if clash:
        next_step = "give this incident its own number: " + clash[0].split("fix: ", 1)[-1]
    return HotfixStatus(
        number=hotfix.number,
        title=doc.title or hotfix.title,
        branch=hotfix.name,
        status=status,
        created=created,
        elapsed=(clock.now() - created) if created else None,
        target_minutes=ctx.config.target_minutes,
        tasks=index,
        plan_in_tree=tree_ok,
        plan_at_head=head_ok,
        problems=tree_verdict.problems if text else [f"{path} is missing"],
        warnings=([warning] if warning else []) + clash,
        file=str(path),
        next_step=next_step,
    )


def _number_warnings(ctx: Context, hotfix: HotfixBranch) -> list[str]:
    """Another incident holding this branch's number, as one warning."""
    from hotfix_hooks.document.location import worktree_features
    from hotfix_hooks.git import numbers
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
    )
    if not verdict.others:
        return []
    lines = conflict_lines(
        hotfix.name, hotfix.number, verdict.others, verdict.free, prefix, "NUMBER CONFLICT"
    )
    return [lines[0] + " " + " ".join(" ".join(line.split()) for line in lines[1:])]


def _print_hotfix(state: HotfixStatus) -> None:
    out = sys.stdout
    mark = {True: ui.paint("✓", "green", out), False: ui.paint("✗", "red", out)}
    title = ui.paint(f"🚨 Hotfix {state.number}: {state.title or '[Title]'}", "bold", out)
    ui.emit(f"{title}  ({state.branch})")
    line = f"Status: {state.status}"
    if state.elapsed is not None:
        limit = clock.human(timedelta(minutes=state.target_minutes))
        over = " — OVER TARGET" if state.over_target else ""
        line += f" · opened {clock.human(state.elapsed)} ago (target {limit}){over}"
    ui.emit(line)
    ui.emit("Tasks:")
    for task in state.tasks:
        shown = ", ".join(f"{sha[:7]} {subject}" for sha, subject in task.commits[:3])
        more = f" (+{len(task.commits) - 3} more)" if len(task.commits) > 3 else ""
        ui.emit(f"  {task.task}  {task.title[:34]:<34}  {shown or '—'}{more}")
    ui.emit(
        f"Rollback plan: working tree {mark[state.plan_in_tree]} · HEAD {mark[state.plan_at_head]}"
    )
    for problem in state.problems:
        ui.emit(f"  {problem}")
    for warning in state.warnings:
        ui.warn(warning)
    ui.emit(f"Next: {state.next_step}")


def overview(ctx: Context) -> dict[str, object]:
    from hotfix_hooks.report.inventory import collect

    now = clock.now()
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


@click.command(short_help="Where the hotfix stands against the target.")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(as_json: bool) -> None:
    """Where the current hotfix stands: age against the target, tasks and their
    commits, the rollback gate, and the next step. Elsewhere: active hotfixes."""
    ctx = context()
    for problem in hook_problems(ctx.repo.root):
        ui.warn(problem)
    hotfix = ctx.hotfix()
    if hotfix:
        state = hotfix_status(ctx, hotfix)
        alert_overdue(ctx, state.status, state.elapsed)
        if as_json:
            click.echo(json.dumps(state.as_json(), indent=2, ensure_ascii=False))
        else:
            _print_hotfix(state)
        return
    data = overview(ctx)
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
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
            "one branch to the next free number (git branch -m)"
        )
    for number in overdue:
        ui.emit(f"overdue post-mortem: hotfix {number} (T007 is due within a week of resolution)")


COMMANDS = (status,)
