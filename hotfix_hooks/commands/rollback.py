from __future__ import annotations

import json

import click

from hotfix_hooks.commands.common import interactive
from hotfix_hooks.core import clock, ui
from hotfix_hooks.core.errors import Refused, UsageError
from hotfix_hooks.core.state import HotfixState
from hotfix_hooks.document import events as ev
from hotfix_hooks.document.events import Event
from hotfix_hooks.events import hotfix as events
from hotfix_hooks.incident.record import CurrentDoc, current_doc
from hotfix_hooks.policy.rollback_plan import judge

ESCALATION = (
    "If the rollback fails: CRITICAL — manual intervention required; alert the on-call "
    "engineer and document every action taken.",
    "If the hotfix failed: escalate to a senior engineer / architect and record it for the "
    "post-mortem.",
    "If the emergency worsens: stop the hotfix attempt, consider maintenance mode, escalate "
    "to the incident commander.",
)


def push_after(doc: CurrentDoc) -> str:
    """`` && git push ...`` to follow a commit of a record, when the push can pass (the
    gate refuses a hotfix branch without a real rollback plan); else nothing."""
    verdict = judge(doc.doc, trigger_required=doc.ctx.config.rollback_trigger_required)
    return f" && {doc.ctx.repo.push_command()}" if verdict.passed else ""


def _show_plan(doc: CurrentDoc) -> None:
    verdict = judge(doc.doc)
    ui.emit("Rollback Plan:")
    if verdict.plan.real:
        for line in verdict.plan.text.splitlines():
            ui.emit(f"  {line.strip()}")
    else:
        ui.emit(
            ui.paint(f"  NONE WRITTEN ({verdict.plan.problem}) — improvise and document", "red")
        )
    ui.emit("Rollback Trigger:")
    trigger = verdict.trigger
    ui.emit(f"  {trigger.text.strip() if trigger.real else f'(not written: {trigger.problem})'}")
    recorded = doc.record().rollback
    if recorded is not None:
        ui.emit(f"Rollback Triggered: {_said(recorded)}")


def _said(event: Event) -> str:
    by = f", by {event.who}" if event.who else ""
    return f"yes ({clock.format_stamp(event.when)}{by})"


def _plan_json(doc: CurrentDoc) -> dict[str, object]:
    verdict = judge(doc.doc, trigger_required=doc.ctx.config.rollback_trigger_required)
    return {
        "hotfix": doc.hotfix.number,
        "branch": doc.hotfix.name,
        "file": str(doc.rel),
        "rollback_plan": verdict.plan.text.strip() if verdict.plan.real else None,
        "rollback_trigger": verdict.trigger.text.strip() if verdict.trigger.real else None,
        "passed": verdict.passed,
        "problems": verdict.problems,
        "rollback_triggered": _said(first) if (first := doc.record().rollback) else None,
    }


@click.command(short_help="Show the rollback plan and trigger (read-only).")
@click.option("--json", "as_json", is_flag=True, help="Print the plan and trigger as JSON.")
def plan(as_json: bool) -> None:
    """Print the current hotfix's Rollback Plan and Trigger. Records nothing: to record
    that a rollback was triggered, run `hotfix-hooks rollback`.

    Examples:

    \b
        hotfix-hooks plan
        hotfix-hooks plan --json
    """
    doc = current_doc()
    doc.say_news()
    if as_json:
        click.echo(json.dumps(_plan_json(doc), indent=2, ensure_ascii=False))
        return
    ui.emit(ui.paint(f"Hotfix {doc.hotfix.number}: rollback plan ({doc.rel})", "bold"))
    _show_plan(doc)


@click.command(short_help="Record that a rollback was triggered (asks first).")
@click.option("--reason", "-r", help="Why the rollback was triggered (recorded in events.md).")
@click.option("--yes", "-y", is_flag=True, help="Record without asking (needed off a terminal).")
def rollback(reason: str | None, yes: bool) -> None:
    """Print the Rollback Plan and Trigger and, once confirmed, record in events.md that a
    rollback was triggered (it counts in the rollback rate). Only reading the plan:
    `hotfix-hooks plan`. On a terminal it asks first; elsewhere pass --yes.

    Example:

    \b
        hotfix-hooks rollback --yes --reason "error rate doubled after the deploy"
    """
    doc = current_doc()
    doc.say_news(recording="hotfix-hooks rollback")
    if doc.record().state is HotfixState.CANCELLED:
        raise Refused(
            f"hotfix {doc.hotfix.number} was cancelled: there is no rollback to record "
            "(to read its plan: hotfix-hooks plan)"
        )
    if not yes and not interactive():
        raise UsageError(
            "rollback records that a rollback was triggered (it counts in the rollback "
            "rate): pass --yes to record it; to only read the plan, run hotfix-hooks plan"
        )
    ui.emit(ui.paint(f"🔄 ROLLBACK — Hotfix {doc.hotfix.number}", "bold"))
    ui.emit("")
    _show_plan(doc)
    ui.emit("")
    for line in ESCALATION:
        ui.emit(f"⚠ {line}")
    ui.emit("")
    if doc.record().rollback is not None:
        _kept(doc)
        return
    if not yes and not click.confirm(
        f"Record in {doc.events_rel} that a rollback of hotfix {doc.hotfix.number} was triggered?",
        default=False,
    ):
        ui.emit("Nothing recorded (to only read the plan: hotfix-hooks plan).")
        return
    event = Event(clock.stamp_now(), ev.ROLLBACK, doc.who(), reason or "")
    # recorded meanwhile, by another hotfix-hooks: the first stays
    if not doc.add_event(event, unless=lambda record: record.rollback is not None):
        _kept(doc)
        return
    events.fire_for(doc, "on_rollback", reason=reason)
    if not yes:
        ui.emit("")
    ui.emit(f"Recorded in {doc.events_rel}: Rollback Triggered: {_said(event)}")
    ui.emit(f'Commit it: git commit -am "T004: rollback triggered"{push_after(doc)}')
    if not doc.record().state.closed:
        ui.emit(
            "Then fix forward (commit and push the next fix), or once the service is restored: "
            "hotfix-hooks resolve"
        )


def _kept(doc: CurrentDoc) -> None:
    """A rollback is recorded already: its time stays (time to rollback counts from the
    first), and nothing is recorded over it."""
    recorded = doc.record().rollback
    said = _said(recorded) if recorded else "yes"
    ui.emit(
        f"A rollback is recorded already (Rollback Triggered: {said}): "
        "kept, as the time to rollback counts from the first. Nothing recorded."
    )
