"""``abort``: a hotfix opened by mistake. Status ``Cancelled``; it stays in the record
(its number is never reused), and counts in no metric."""

from __future__ import annotations

import click

from hotfix_hooks.commands.common import interactive
from hotfix_hooks.core import clock, ui
from hotfix_hooks.core.errors import Refused, UsageError
from hotfix_hooks.core.state import HotfixState
from hotfix_hooks.document import events as ev
from hotfix_hooks.document import fields
from hotfix_hooks.document.events import Event
from hotfix_hooks.incident.record import current_doc
from hotfix_hooks.policy.lifecycle import abort_refusal


@click.command(short_help="Cancel a hotfix opened by mistake.")
@click.option("--reason", "-r", help="Why it is cancelled (recorded in events.md).")
@click.option("--yes", "-y", is_flag=True, help="Cancel without asking (needed off a terminal).")
def abort(reason: str | None, yes: bool) -> None:
    """Cancel the current hotfix (opened by mistake): Status Cancelled, with the time
    and reason. It stays in the record, its number is never reused, and it counts in
    no metric of `report`. Asks first on a terminal; --yes otherwise.

    Example:

    \b
        hotfix-hooks abort --yes --reason "false alarm: the monitor was misconfigured"
    """
    doc = current_doc()
    doc.say_news(recording="hotfix-hooks abort")
    record = doc.record()
    if record.state is HotfixState.CANCELLED:
        when = record.cancellation
        ui.emit(
            f"hotfix {doc.hotfix.number} is already cancelled"
            + (f" ({clock.format_stamp(when.when)})" if when else "")
        )
        return
    why = abort_refusal(record.state.value)
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
    event = Event(clock.stamp_now(), ev.CANCELLED, doc.who(), reason or "")
    if not doc.add_event(event, unless=lambda current: current.state.closed):
        raise Refused(
            f"hotfix {doc.hotfix.number} was closed meanwhile (resolved or cancelled): "
            "nothing recorded"
        )
    status = [(fields.STATUS, HotfixState.CANCELLED.value)]
    doc.update(lambda current: fields.with_fields(current, status))
    stamp = clock.format_stamp(event.when)
    ui.emit(f"✓ Hotfix {doc.hotfix.number} cancelled ({stamp}): {doc.rel}, {doc.events_rel}")
    ui.emit(
        f"  It stays in the record; number {doc.hotfix.number} is not reused; no metric counts it."
    )
    ui.emit(
        f'Commit it: git commit -am "T004: cancelled" && {doc.ctx.repo.push_command()}'
        f"   (keep {doc.hotfix.name}: it is the record, and the pushed branch keeps its number)"
    )
