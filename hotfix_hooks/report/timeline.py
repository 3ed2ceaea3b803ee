"""The incident's timeline, from git and the record: exact, never typed by hand.

Sources: hotfix.md's Created / Rollback Triggered / Resolved / Cancelled stamps, the
branch's reflog (when it was created here), every commit stamped ``Hotfix: NNN`` (its
task and author), the remote-tracking reflogs (each push seen from this clone), and
the finish tag. :func:`rows` orders them and measures the gaps (pure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from hotfix_hooks.core import clock
from hotfix_hooks.document import events as ev
from hotfix_hooks.document import fields
from hotfix_hooks.document.model import HotfixDocument
from hotfix_hooks.document.record import Record
from hotfix_hooks.document.tasks import subject_tasks
from hotfix_hooks.git.log import commit_tasks, since_base, trailer_log
from hotfix_hooks.git.repository import Repository

_FULL_SHA = re.compile(r"\b[0-9a-f]{40}(?:[0-9a-f]{24})?\b")
# the order of events that share a second: the story's order
KINDS = ("opened", "branch", "commit", "push", "rollback", "resolved", "cancelled", "finished")


@dataclass(frozen=True)
class Event:
    when: datetime
    kind: str
    text: str
    who: str = ""
    task: str = ""
    commit: str = ""


@dataclass(frozen=True)
class Row:
    event: Event
    offset: timedelta  # since the first event
    since_previous: timedelta | None

    def as_json(self) -> dict[str, object]:
        e = self.event
        return {
            "time": e.when.isoformat(),
            "offset_seconds": clock.seconds(self.offset),
            "since_previous_seconds": clock.seconds(self.since_previous),
            "kind": e.kind,
            "event": e.text,
            "who": e.who or None,
            "task": e.task or None,
            "commit": e.commit or None,
        }


def rows(events: list[Event]) -> list[Row]:
    """Events in time order (ties in the story's order), with offsets and gaps."""
    ordered = sorted(events, key=lambda e: (e.when, KINDS.index(e.kind)))
    out: list[Row] = []
    for i, event in enumerate(ordered):
        previous = ordered[i - 1].when if i else None
        out.append(
            Row(event, event.when - ordered[0].when, event.when - previous if previous else None)
        )
    return out


def durations(timeline: list[Row]) -> dict[str, timedelta]:
    """From the first event to the first of each kind that matters for the post-mortem."""
    if not timeline:
        return {}
    out: dict[str, timedelta] = {}
    labels = {
        "commit": "to first commit",
        "push": "to first push",
        "rollback": "to rollback",
        "resolved": "to resolution",
        "finished": "to finish",
    }
    for row in timeline:
        label = labels.get(row.event.kind)
        if label and label not in out:
            out[label] = row.offset
    return out


def offset_text(delta: timedelta) -> str:
    """``+0:00:00``, ``+0:09:12``, ``+1:05:00``, ``+2d 3:04:00``: exact to the second."""
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 24 * 3600)
    hours, rest = divmod(rest, 3600)
    mins, secs = divmod(rest, 60)
    clock_text = f"{hours}:{mins:02d}:{secs:02d}"
    return f"+{days}d {clock_text}" if days else f"+{clock_text}"


def _reflog(repo: Repository, ref: str) -> list[tuple[datetime, str, str, str]]:
    """(time, new sha, message, who) of each reflog entry of ``ref``, oldest first."""
    out = repo.git(
        "reflog",
        "show",
        "--date=iso-strict",
        "--format=%H%x1f%gd%x1f%gs%x1f%gn",
        ref,
        "--",
        check=False,
    )
    entries = []
    for line in out.splitlines():
        parts = line.split("\x1f")
        if len(parts) != 4 or "@{" not in parts[1]:
            continue
        stamp = parts[1].rsplit("@{", 1)[1].rstrip("}")
        try:
            when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError:
            continue
        entries.append((when, parts[0], parts[2], parts[3]))
    return list(reversed(entries))


def collect(
    repo: Repository,
    record: Record,
    number: str,
    branch: str,
    *,
    tag: str | None = None,
) -> list[Event]:
    doc = record.doc
    events: list[Event] = []
    created = record.created
    if created:
        events.append(Event(created, "opened", f"hotfix {number} opened (hotfix.md Created)"))
    local = repo.resolve(f"refs/heads/{branch}")
    history = _reflog(repo, f"refs/heads/{branch}") if local else []
    if history:
        when, _sha, message, who = history[0]
        how = message.split(": ", 1)[-1] if message else "created"
        how = _FULL_SHA.sub(lambda m: m.group(0)[:7], how)
        text = f"branch {branch}: {how[:1].lower()}{how[1:]}"
        events.append(Event(when, "branch", text, who=who))
    tip = f"refs/heads/{branch}" if local else "HEAD"
    events += _commits(repo, number, tip, doc.field(fields.BASE_COMMIT) or None, own=bool(local))
    remotes = repo.git("remote", check=False).split()
    for remote in remotes:
        for when, sha, message, who in _reflog(repo, f"refs/remotes/{remote}/{branch}"):
            # a push of commits a force-push removed since is not the incident's history
            if "update by push" in message and repo.is_ancestor(sha, tip):
                text = f"pushed {sha[:7]} to {remote}"
                events.append(Event(when, "push", text, who=who, commit=sha))
    events += _recorded(record)
    if tag:
        out = repo.git(
            "for-each-ref", "--format=%(taggerdate:iso-strict)", f"refs/tags/{tag}", check=False
        ).strip()
        try:
            tagged = datetime.fromisoformat(out.replace("Z", "+00:00")) if out else None
        except ValueError:  # a tag date git writes and Python cannot read
            tagged = None
        if tagged is not None:
            events.append(Event(tagged, "finished", f"finished: tagged {tag}"))
    return events


def _commits(
    repo: Repository, number: str, tip: str, base: str | None, *, own: bool
) -> list[Event]:
    """The incident's commits: every one tied to it; on its own branch since it started,
    also what ties to no task by rule (a revert, a fixup!, a merge) and what a teammate
    without the hooks tied by its subject alone. What a merge brings in from elsewhere is
    the merge, not the incident's history. ``own``: ``tip`` is the hotfix branch (once it
    is finished, only what is tied to the hotfix is)."""
    ranged = since_base(repo, tip, base)
    spec = f"{base}..{tip}" if ranged else tip
    own = own and ranged
    first_parent = set(repo.git("rev-list", "--first-parent", spec, "--").split()) if own else set()
    out = []
    for commit in reversed(trailer_log(repo, spec)):
        tasks = commit_tasks(commit, number, subject_tasks if own else None)
        if tasks is None and (commit.hotfixes or commit.sha not in first_parent):
            continue  # another hotfix's, or brought in by a merge
        out.append(
            Event(
                clock.parse(commit.committed),
                "commit",
                f"commit {commit.sha[:7]} {commit.subject}",
                who=commit.author,
                task=", ".join(tasks or []),
                commit=commit.sha,
            )
        )
    return out


def _recorded(record: Record) -> list[Event]:
    """Every event of the record (events.md, and the fields older versions wrote)."""
    out = []
    for found in record.events:
        by = found.who
        if found.kind == ev.ROLLBACK:
            text = "rollback triggered" + (f": {found.note}" if found.note else "")
        elif found.kind == ev.RESOLVED:
            took = clock.human_or_none(record.time_to_resolution)
            text = "resolved" + (f" (time to resolution {took})" if took else "")
        else:
            text = "cancelled" + (f": {found.note}" if found.note else "")
        out.append(Event(found.when, found.kind, text, who=by))  # the kinds are KINDS'  names
    return out


def zone(doc: HotfixDocument) -> tzinfo | None:
    """The incident's time zone: the Created stamp's offset."""
    created = fields.stamp(doc, fields.CREATED)
    return created.tzinfo if created else None


def in_zone(timeline: list[Row], tz: tzinfo | None) -> list[Row]:
    if tz is None:
        return timeline
    return [
        Row(
            Event(r.event.when.astimezone(tz), *(getattr(r.event, f) for f in _FIELDS)),
            r.offset,
            r.since_previous,
        )
        for r in timeline
    ]


_FIELDS = ("kind", "text", "who", "task", "commit")


def table(timeline: list[Row]) -> list[dict[str, str]]:
    """Display cells, for the text, the Markdown table and the post-mortem template."""
    return [
        {
            "time": clock.format_stamp(r.event.when),
            "offset": offset_text(r.offset),
            "since": clock.human(r.since_previous) if r.since_previous is not None else "—",
            "event": r.event.text,
            "who": r.event.who,
            "task": r.event.task,
        }
        for r in timeline
    ]


def markdown(cells: list[dict[str, str]]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [
        "| Time | Offset | Since previous | Event | Task | Who |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for c in cells:
        lines.append(
            f"| {c['time']} | {c['offset']} | {c['since']} | {cell(c['event'])} | "
            f"{c['task'] or '—'} | {cell(c['who']) or '—'} |"
        )
    return "\n".join(lines) + "\n"
