from __future__ import annotations

import json
from datetime import timedelta

import click

from hotfix_hooks import clock, hotfix_doc, ui
from hotfix_hooks.branch import HotfixBranch
from hotfix_hooks.context import Context, context
from hotfix_hooks.docs import HOTFIX_DOC, TASKS_DOC, load_tasks, read_worktree_doc
from hotfix_hooks.gate import check_commit
from hotfix_hooks.history import tasks_with_commits
from hotfix_hooks.rollback_plan import judge
from hotfix_hooks.scaffold import hotfix_directory


def _next_step(
    has_docs: bool, plan_tree: bool, plan_head: bool, tied: int, status: str, path: str
) -> str:
    if not has_docs:
        return "create the docs: hotfix-hooks scaffold"
    if status.lower() == "resolved":
        return (
            "finish the post-emergency tasks T005-T007 (hotfix-hooks report shows what is overdue)"
        )
    if not plan_tree:
        return f"write the Rollback Plan in {path} (the push is refused until you do)"
    if not plan_head:
        return f'commit the plan: git add {path} && git commit -m "T003: rollback plan"'
    if not tied:
        return 'commit the fix: git commit -m "T001: <what you fixed>"'
    return "push, deploy and monitor; then: hotfix-hooks resolve (or hotfix-hooks rollback)"


def hotfix_status(ctx: Context, hotfix: HotfixBranch) -> dict[str, object]:
    directory = hotfix_directory(ctx.repo, ctx.config, hotfix.number)
    path = directory / HOTFIX_DOC
    text = read_worktree_doc(ctx.repo.root, path)
    has_docs = (
        text is not None and read_worktree_doc(ctx.repo.root, directory / TASKS_DOC) is not None
    )
    text = text or ""
    now = clock.now()
    created = hotfix_doc.parse_stamp(hotfix_doc.get_field(text, "Created"))
    status = hotfix_doc.get_field(text, "Status") or ("Active" if text else "missing")
    target = timedelta(minutes=ctx.config.target_minutes)
    elapsed = (now - created) if created else None
    tasks, warning = load_tasks(ctx.repo.root, ctx.config, hotfix.number)
    base = hotfix_doc.get_field(text, "Base Commit")
    index = tasks_with_commits(ctx.repo, hotfix.number, tasks, base=base if base else None)
    tree_verdict = judge(text, trigger_required=ctx.config.rollback_trigger_required)
    head_sha = ctx.repo.git("rev-parse", "--verify", "-q", "HEAD", check=False)
    head = check_commit(ctx.repo.root, head_sha, hotfix.number, ctx.config) if head_sha else None
    tree_ok = bool(text) and tree_verdict.passed
    head_ok = bool(head and head.passed)
    tied = sum(len(t.commits) for t in index)
    return {
        "hotfix": hotfix.number,
        "title": hotfix_doc.title_of(text) or hotfix.title,
        "branch": hotfix.name,
        "status": status,
        "created": created.isoformat() if created else None,
        "elapsed_seconds": int(elapsed.total_seconds()) if elapsed else None,
        "elapsed": clock.human(elapsed) if elapsed else None,
        "target_minutes": ctx.config.target_minutes,
        "over_target": bool(elapsed and elapsed > target),
        "tasks": [
            {
                "task": t.task,
                "title": t.title,
                "commits": [{"sha": s, "subject": m} for s, m in t.commits],
            }
            for t in index
        ],
        "rollback_plan": {
            "working_tree": tree_ok,
            "head": head_ok,
            "problems": tree_verdict.problems if text else [f"{path} is missing"],
        },
        "warnings": [warning] if warning else [],
        "file": str(path),
        "next": _next_step(has_docs, tree_ok, head_ok, tied, status, str(path)),
    }


def _print_hotfix(data: dict[str, object], stream: object = None) -> None:
    mark = {True: ui.paint("✓", "green", None), False: ui.paint("✗", "red", None)}
    ui.emit(
        ui.paint(f"🚨 Hotfix {data['hotfix']}: {data['title'] or '[Title]'}", "bold")
        + f"  ({data['branch']})"
    )
    line = f"Status: {data['status']}"
    if data["elapsed"]:
        target = int(str(data["target_minutes"]))
        over = " — OVER TARGET" if data["over_target"] else ""
        limit = clock.human(timedelta(minutes=target))
        line += f" · opened {data['elapsed']} ago (target {limit}){over}"
    ui.emit(line)
    ui.emit("Tasks:")
    tasks = data["tasks"]
    assert isinstance(tasks, list)
    for task in tasks:
        commits = task["commits"]
        summary = (
            ", ".join(f"{c['sha'][:7]} {c['subject']}" for c in commits[:3]) if commits else "—"
        )
        more = f" (+{len(commits) - 3} more)" if len(commits) > 3 else ""
        ui.emit(f"  {task['task']}  {task['title'][:34]:<34}  {summary}{more}")
    plan = data["rollback_plan"]
    assert isinstance(plan, dict)
    ui.emit(f"Rollback plan: working tree {mark[plan['working_tree']]} · HEAD {mark[plan['head']]}")
    for problem in plan["problems"]:
        ui.emit(f"  {problem}")
    for warning in data["warnings"]:  # type: ignore[attr-defined]
        ui.warn(str(warning))
    ui.emit(f"Next: {data['next']}")


def overview(ctx: Context) -> dict[str, object]:
    from hotfix_hooks.inventory import collect

    now = clock.now()
    records = collect(ctx)
    return {
        "hotfix": None,
        "active": [
            {"hotfix": r.number, "title": r.title, "branch": r.branch, "source": r.source}
            for r in records
            if r.active
        ],
        "overdue_postmortems": [r.number for r in records if r.overdue(now)],
    }


@click.command(short_help="Where the hotfix stands against the target.")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(as_json: bool) -> None:
    """Where the current hotfix stands: age against the target, tasks and their
    commits, the rollback gate, and the next step. Elsewhere: active hotfixes."""
    ctx = context()
    hotfix = ctx.hotfix()
    data = hotfix_status(ctx, hotfix) if hotfix else overview(ctx)
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if hotfix:
        _print_hotfix(data)
        return
    active = data["active"]
    overdue = data["overdue_postmortems"]
    assert isinstance(active, list) and isinstance(overdue, list)
    if not active and not overdue:
        ui.emit("no active hotfix")
        return
    for item in active:
        ui.emit(
            f"active: hotfix {item['hotfix']} {item['title'] or ''} ({item['source']})".rstrip()
        )
    for number in overdue:
        ui.emit(f"overdue post-mortem: hotfix {number} (T007 is due within a week of resolution)")


COMMANDS = (status,)
