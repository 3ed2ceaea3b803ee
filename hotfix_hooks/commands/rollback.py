from __future__ import annotations

import click

from hotfix_hooks import clock, ui
from hotfix_hooks.commands.lifecycle import current_doc, fire_event
from hotfix_hooks.document import fields
from hotfix_hooks.policy.rollback_plan import judge

ESCALATION = (
    "If the rollback fails: CRITICAL — manual intervention required; alert the on-call "
    "engineer and document every action taken.",
    "If the hotfix failed: escalate to a senior engineer / architect and record it for the "
    "post-mortem.",
    "If the emergency worsens: stop the hotfix attempt, consider maintenance mode, escalate "
    "to the incident commander.",
)


@click.command(short_help="Show the rollback plan; record the rollback.")
@click.option("--reason", "-r", help="Why the rollback was triggered (recorded in hotfix.md).")
def rollback(reason: str | None) -> None:
    """Print the Rollback Plan and Trigger, and record that a rollback was triggered."""
    doc = current_doc()
    verdict = judge(doc.doc)
    ui.emit(ui.paint(f"🔄 ROLLBACK INITIATED — Hotfix {doc.hotfix.number}", "bold"))
    ui.emit("")
    ui.emit("Rollback Plan:")
    if verdict.plan.real:
        for line in verdict.plan.text.splitlines():
            ui.emit(f"  {line.strip()}")
    else:
        ui.emit(
            ui.paint(f"  NONE WRITTEN ({verdict.plan.problem}) — improvise and document", "red")
        )
    ui.emit("Rollback Trigger:")
    ui.emit(f"  {verdict.trigger.text.strip() if verdict.trigger.real else '(not written)'}")
    ui.emit("")
    for line in ESCALATION:
        ui.emit(f"⚠ {line}")
    stamp = clock.format_stamp(clock.now())
    changes = [(fields.ROLLBACK_TRIGGERED, f"yes ({stamp})")]
    if reason:
        changes.append((fields.ROLLBACK_REASON, reason))
    doc.save(fields.with_fields(doc.doc, changes))
    fire_event(doc, "on_rollback", reason=reason)
    ui.emit("")
    ui.emit(f"Recorded in {doc.rel}: Rollback Triggered: yes ({stamp})")
    ui.emit('Commit it: git commit -am "T004: rollback triggered" — then hotfix-hooks resolve')


COMMANDS = (rollback,)
