"""``abort``: a hotfix opened by mistake. Status ``Cancelled``; it stays in the record
(its number is never reused), and counts in no metric."""

from __future__ import annotations

import click

from hotfix_hooks.commands.common import interactive
from hotfix_hooks.core import clock, ui
from hotfix_hooks.core.errors import Refused, UsageError
from hotfix_hooks.core.state import HotfixState, state_of
from hotfix_hooks.document import fields
from hotfix_hooks.incident.record import current_doc
from hotfix_hooks.policy.lifecycle import abort_refusal


@click.command(short_help="Cancel a hotfix opened by mistake.")
@click.option("--reason", "-r", help="Why it is cancelled (recorded in hotfix.md).")
@click.option("--yes", "-y", is_flag=True, help="Cancel without asking (needed off a terminal).")
def abort(reason: str | None, yes: bool) -> None:
    """Cancel the current hotfix (opened by mistake): Status Cancelled, with the time
    and reason. It stays in the record, its number is never reused, and it counts in
    no metric of `report`. Asks first on a terminal; --yes otherwise."""
    doc = current_doc()
    status = fields.status(doc.doc)
    if state_of(status) is HotfixState.CANCELLED:
        ui.emit(
            f"hotfix {doc.hotfix.number} is already cancelled ({doc.doc.field(fields.CANCELLED)})"
        )
        return
    why = abort_refusal(status)
    if why:
        raise Refused(f"hotfix {doc.hotfix.number} cannot be cancelled: {why}")
    if not yes and not interactive():
        raise UsageError(
            f"abort cancels hotfix {doc.hotfix.number} (Status Cancelled: it leaves every "
            "metric): pass --yes to cancel it"
        )
    if not yes and not click.confirm(
        f"Cancel hotfix {doc.hotfix.number} ({doc.hotfix.name}): it was opened by mistake?",
        default=False,
    ):
        ui.emit("Nothing recorded.")
        return
    stamp = clock.format_stamp(clock.stamp_now())
    changes = [(fields.STATUS, HotfixState.CANCELLED.value), (fields.CANCELLED, stamp)]
    if reason:
        changes.append((fields.CANCEL_REASON, reason))
    doc.save(fields.with_fields(doc.doc, changes))
    ui.emit(f"✓ Hotfix {doc.hotfix.number} cancelled ({stamp}) in {doc.rel}")
    ui.emit(
        f"  It stays in the record; number {doc.hotfix.number} is not reused; no metric counts it."
    )
    ui.emit(
        f'Commit it: git commit -am "T004: cancelled" && {doc.ctx.repo.push_command()}'
        f"   (keep {doc.hotfix.name}: it is the record, and the pushed branch keeps its number)"
    )
