"""Events about the checked-out hotfix, fired by the commands: the payload read from its
hotfix.md, and the overdue alert. (The hooks use :mod:`~hotfix_hooks.events.dispatch`
directly: this module reads Markdown.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hotfix_hooks.events.dispatch import command_for, fire, incident

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import timedelta

    from hotfix_hooks.config.context import Context
    from hotfix_hooks.document.model import HotfixDocument
    from hotfix_hooks.incident.record import CurrentDoc


def from_record(
    doc: HotfixDocument,
    number: str,
    branch: str,
    title: str = "",
    events: bytes | None = None,
) -> dict[str, object]:
    """:func:`incident`, read from a hotfix's record (its hotfix.md and, when given, its
    events.md): its state, recorded times (ISO 8601) and rollback plan (when real)."""
    from hotfix_hooks.document import record as records
    from hotfix_hooks.policy.rollback_plan import judge

    record = records.read(doc, events)
    cancelled = record.cancellation
    moments = {
        "created": record.created,
        "resolved": record.resolved,
        "cancelled": cancelled.when if cancelled else None,
        "rollback": record.rollback.when if record.rollback else None,
    }
    times = {key: moment.isoformat() if moment else None for key, moment in moments.items()}
    plan = judge(doc).plan
    return incident(
        number,
        doc.title or title,
        branch,
        record.state.value,
        times,
        plan.text.strip() if plan.real else None,
    )


def fire_for(doc: CurrentDoc, event: str, **extra: object) -> bool:
    """Run the command configured for ``event`` (if any) about the checked-out hotfix."""
    root, git_dir = str(doc.ctx.repo.root), str(doc.ctx.repo.git_dir)
    if command_for(root, event, git_dir) is None:
        return False
    from hotfix_hooks.incident.location import read_worktree_bytes

    events = read_worktree_bytes(doc.ctx.repo.root, doc.events_rel)
    hotfix = doc.hotfix
    build = {**from_record(doc.doc, hotfix.number, hotfix.name, hotfix.title, events), **extra}
    return fire(event, root, build, git_dir)


def alert_overdue(
    ctx: Context, status: str, elapsed: timedelta | None, record: Callable[[], CurrentDoc]
) -> None:
    """on_overdue, once per hotfix: the current hotfix is active and past its target.

    A marker in the git directory (``hotfix-hooks/overdue-NNN``) keeps a second
    ``status`` from alerting again; a command that failed is tried again next time.
    """
    from hotfix_hooks.policy.lifecycle import overdue

    if command_for(str(ctx.repo.root), "on_overdue", str(ctx.repo.git_dir)) is None:
        return
    if not overdue(status, elapsed, ctx.config.target_minutes):
        return
    doc = record()
    marker = ctx.repo.git_dir / "hotfix-hooks" / f"overdue-{doc.hotfix.number}"
    if marker.exists():
        return
    minutes = int(elapsed.total_seconds() // 60) if elapsed else None
    if fire_for(
        doc, "on_overdue", elapsed_minutes=minutes, target_minutes=ctx.config.target_minutes
    ):
        marker.parent.mkdir(exist_ok=True)
        marker.write_text(f"{doc.hotfix.name}\n", encoding="utf-8")
