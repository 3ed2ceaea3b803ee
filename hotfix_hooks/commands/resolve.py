from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import PurePosixPath

import click

from hotfix_hooks.commands.rollback import push_after
from hotfix_hooks.core import clock, ui
from hotfix_hooks.core.errors import Refused, UsageError
from hotfix_hooks.core.safe_files import create_exclusive, describe_os_error
from hotfix_hooks.core.state import HotfixState
from hotfix_hooks.core.tie import TIE_GREP
from hotfix_hooks.document import events as ev
from hotfix_hooks.document import fields
from hotfix_hooks.document.events import Event
from hotfix_hooks.events import hotfix as events
from hotfix_hooks.git.log import trailer_log
from hotfix_hooks.incident.record import CurrentDoc, current_doc
from hotfix_hooks.policy.targets import POSTMORTEM_DUE, ROOT_CAUSE_DUE, within_target

POSTMORTEM_DOC = "post-mortem.md"


@click.command(short_help="Record the resolution; schedule T005-T007.")
@click.option("--postmortem", is_flag=True, help="Also create post-mortem.md from the template.")
def resolve(postmortem: bool) -> None:
    """Record the resolution (Status Resolved, time to resolution) and schedule T005-T007.

    Examples:

    \b
        hotfix-hooks resolve
        hotfix-hooks resolve --postmortem   # also post-mortem.md, with the timeline
    """
    doc = current_doc()
    doc.say_news(recording="hotfix-hooks resolve")
    now = clock.stamp_now()
    record = doc.record()
    if record.state is HotfixState.RESOLVED:
        when = record.resolved
        ui.emit(
            f"hotfix {doc.hotfix.number} is already resolved"
            + (f" ({clock.format_stamp(when)})" if when else "")
        )
        if postmortem:  # the draft asked for later: from the resolution recorded
            _, duration = resolution(doc, when or now)
            if _postmortem(doc, when or now, duration, record.rollback is not None):
                ui.emit(f'Commit it: git commit -m "T007: post-mortem draft"{push_after(doc)}')
        return
    if record.state is HotfixState.CANCELLED:
        raise Refused(f"hotfix {doc.hotfix.number} was cancelled: there is nothing to resolve")
    changes, duration = resolution(doc, now)
    if not record_resolution(doc, changes):
        ui.emit(f"hotfix {doc.hotfix.number} is already resolved")
        return
    events.fire_for(doc, "on_resolve")
    target = doc.ctx.config.target_minutes
    within = within_target(duration, target)
    triggered = doc.record().rollback is not None
    ui.emit(ui.paint("✅ EMERGENCY RESOLVED", "green"))
    ui.emit("")
    ui.emit("📊 Resolution:")
    ui.emit(
        f"- Time to fix: {clock.human(duration)} "
        f"({'within' if within else 'over'} the {clock.human(timedelta(minutes=target))} target)"
    )
    ui.emit("- Service status: Restored")
    ui.emit(f"- Rollback triggered: {'Yes' if triggered else 'No'}")
    ui.emit("")
    ui.emit("📋 Post-Emergency Actions Required:")
    for line in due_lines(doc):
        ui.emit(f"- {line}")
    if postmortem:
        _postmortem(doc, now, duration, triggered)
    ui.emit("")
    push = push_after(doc)
    ui.emit(f'Commit it: git commit -am "T004: resolved"{push}')
    if push:
        ui.emit("Then close it: hotfix-hooks finish --push (merge, tag, delete the branch)")
    else:
        ui.emit(f"Then write the Rollback Plan in {doc.rel}: pushing is refused until you do.")


def record_resolution(doc: CurrentDoc, changes: list[tuple[str, str]]) -> bool:
    """The resolution :func:`resolution` computed, recorded: one line in events.md (unless
    the record, as it is now on disk, is closed already) and Status Resolved in hotfix.md.
    False when nothing was recorded."""
    values = dict(changes)
    took = values.get(fields.TIME_TO_RESOLUTION, "")
    event = Event(
        clock.parse(values[fields.RESOLVED]),
        ev.RESOLVED,
        doc.who(),
        f"time to resolution {took}" if took else "",
    )
    if not doc.add_event(event, unless=lambda record: record.state.closed):
        return False
    status = [(fields.STATUS, values.get(fields.STATUS, HotfixState.RESOLVED.value))]
    doc.update(lambda current: fields.with_fields(current, status))
    return True


def due_lines(doc: CurrentDoc) -> list[str]:
    """T005-T007 with their due dates, counted from the recorded resolution."""
    resolved = doc.record().resolved
    if resolved is None:
        return []
    return [
        f"T005: Root cause analysis — due {clock.format_stamp(resolved + ROOT_CAUSE_DUE)} (48 h)",
        "T006: Permanent fix (if hotfix is temporary) — through the normal workflow",
        f"T007: Post-mortem — due {clock.format_stamp(resolved + POSTMORTEM_DUE)} (1 week)",
    ]


def _postmortem(doc: CurrentDoc, resolved: datetime, duration: timedelta, triggered: bool) -> bool:
    """post-mortem.md written (unless it exists) and staged, and said so; whether it was."""
    rel = _write_postmortem(doc, resolved, duration, triggered)
    if rel is None:
        return False
    staged = doc.ctx.repo.git("add", "--", str(rel), check=False) == "" and _tracked(doc, rel)
    ui.emit(f"✓ Created {rel}" + (" (staged)" if staged else ""))
    if not staged:
        ui.emit(f"  Stage it: {ui.command(['git', 'add', '--', str(rel)])}")
    return staged


def _tracked(doc: CurrentDoc, rel: PurePosixPath) -> bool:
    return bool(doc.ctx.repo.git("ls-files", "--", str(rel), check=False))


def resolution(doc: CurrentDoc, now: datetime) -> tuple[list[tuple[str, str]], timedelta]:
    """The fields ``resolve`` (and ``finish``) record, and the time to resolution."""
    created = doc.doc.field(fields.CREATED)
    started = fields.parse_stamp(created)
    if started is None:
        raise UsageError(
            f"{doc.rel}: **Created** is {created!r}, not a timestamp such as "
            "'2026-11-26 15:30:00 +00:00': fix it, then run resolve again"
        )
    duration = now - started
    changes = [
        (fields.STATUS, HotfixState.RESOLVED.value),
        (fields.RESOLVED, clock.format_stamp(now)),
        (fields.TIME_TO_RESOLUTION, clock.human(duration)),
    ]
    return changes, duration


def _write_postmortem(
    doc: CurrentDoc, now: datetime, duration: timedelta, triggered: bool
) -> PurePosixPath | None:
    """post-mortem.md from the template, next to hotfix.md; None when it exists already."""
    from hotfix_hooks.document.templates import render

    rel = doc.rel.parent / POSTMORTEM_DOC
    target = doc.ctx.repo.root / rel
    if target.exists() or target.is_symlink():
        ui.warn(f"{rel} already exists: left as it is")
        return None
    timeline = [
        (clock.format_stamp(clock.parse(commit.committed)), commit.subject)
        for commit in trailer_log(doc.ctx.repo, "HEAD", grep=("Hotfix", TIE_GREP), reverse=True)
        if doc.hotfix.number in commit.hotfixes  # exactly: hotfix 100 is not 1000
    ]
    context = {
        "number": doc.hotfix.number,
        "title": doc.doc.title,
        "branch": doc.hotfix.name,
        "created": doc.doc.field(fields.CREATED),
        "resolved": clock.format_stamp(now),
        "duration": clock.human(duration),
        "rollback": "Yes" if triggered else "No",
        "timeline": timeline,  # (time, subject) of each tied commit, as before
        "timeline_rows": _timeline_rows(doc),
    }
    text = render(doc.ctx.repo.root, doc.ctx.config, POSTMORTEM_DOC, context)
    try:
        create_exclusive(target, text.encode("utf-8"))
    except FileExistsError:
        ui.warn(f"{rel} already exists: left as it is")
        return None
    except OSError as exc:
        raise UsageError(describe_os_error(exc, str(rel))) from None
    return rel


def _timeline_rows(doc: CurrentDoc) -> list[dict[str, str]]:
    from hotfix_hooks.commands.timeline import incident_rows
    from hotfix_hooks.report.timeline import table

    return table(incident_rows(doc))
