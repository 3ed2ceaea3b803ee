"""``abort``: a hotfix opened by mistake. Status ``Cancelled``; it stays in the record
(its number is never reused), and counts in no metric."""

from __future__ import annotations

import click

from hotfix_hooks.core import clock, ui
from hotfix_hooks.core.errors import Refused
from hotfix_hooks.core.state import HotfixState, state_of
from hotfix_hooks.document import fields
from hotfix_hooks.incident.record import current_doc
from hotfix_hooks.policy.lifecycle import abort_refusal


@click.command(short_help="Cancel a hotfix opened by mistake.")
@click.option("--reason", "-r", help="Why it is cancelled (recorded in hotfix.md).")
def abort(reason: str | None) -> None:
    """Cancel the current hotfix (opened by mistake): Status Cancelled, with the time
    and reason. It stays in the record, its number is never reused, and it counts in
    no metric of `report`.

    Example:

    \b
        hotfix-hooks abort --reason "false alarm: the monitor was misconfigured"
    """
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
    stamp = clock.format_stamp(clock.now())
    changes = [(fields.STATUS, HotfixState.CANCELLED.value), (fields.CANCELLED, stamp)]
    if reason:
        changes.append((fields.CANCEL_REASON, reason))
    doc.save(fields.with_fields(doc.doc, changes))
    ui.emit(f"✓ Hotfix {doc.hotfix.number} cancelled ({stamp}) in {doc.rel}")
    ui.emit(
        f"  It stays in the record; number {doc.hotfix.number} is not reused; no metric counts it."
    )
    ui.emit(
        f'Commit it: git commit -am "T004: cancelled" (keep {doc.hotfix.name}: it is the record)'
    )
