"""``timeline``: the incident's events from git and the record, in time order."""

from __future__ import annotations

import json
import sys

import click

from hotfix_hooks.commands.common import number_option
from hotfix_hooks.config.context import Context, context
from hotfix_hooks.core import clock, ui
from hotfix_hooks.core.branch import HotfixBranch, parse_branch, tag_name
from hotfix_hooks.core.errors import UsageError
from hotfix_hooks.document import fields
from hotfix_hooks.document.model import HotfixDocument
from hotfix_hooks.incident.location import HOTFIX_DOC, hotfix_directory, read_worktree_bytes
from hotfix_hooks.incident.record import CurrentDoc, current_doc
from hotfix_hooks.report import timeline as tl
from hotfix_hooks.report.inventory import hotfix_dirs


def incident_rows(doc: CurrentDoc) -> list[tl.Row]:
    """The timeline of ``doc``'s hotfix, in the incident's time zone."""
    config = doc.ctx.config
    tag = tag_name(config.tag_format, doc.hotfix.number)
    events = tl.collect(doc.ctx.repo, doc.record(), doc.hotfix.number, doc.hotfix.name, tag=tag)
    return tl.in_zone(tl.rows(events), tl.zone(doc.doc))


def _doc_for(number: str) -> CurrentDoc:
    """A hotfix's record from the working tree, by number (its branch may be gone)."""
    ctx = context()
    rel = hotfix_directory(ctx.repo, ctx.config, number) / HOTFIX_DOC
    data = read_worktree_bytes(ctx.repo.root, rel)
    if data is None:
        raise UsageError(f"{rel} is not in this working tree: check out a branch that has it")
    doc = HotfixDocument.parse(data, str(rel))
    branch = doc.field(fields.BRANCH) or ""
    hotfix = parse_branch(branch, ctx.config.branch_prefix)
    if hotfix is None or hotfix.number != number:
        hotfix = HotfixBranch(f"{ctx.config.branch_prefix}{number}", number, "")
    return CurrentDoc(ctx, hotfix, rel, doc)


def _latest(ctx: Context) -> str:
    """Off a hotfix branch (say, on main after ``finish``): the hotfix of this working tree
    opened last, said on stderr with how to name another."""
    found: list[tuple[float, str]] = []  # (Created, number)
    for number, directory in hotfix_dirs(ctx):
        data = read_worktree_bytes(ctx.repo.root, directory / HOTFIX_DOC)
        if data is not None:
            created = fields.stamp(HotfixDocument.parse(data, str(directory)), fields.CREATED)
            found.append((created.timestamp() if created else 0.0, number))
    where = ctx.branch or "HEAD"
    if not found:
        raise UsageError(
            f"{where} is not a hotfix branch and this working tree holds no hotfix record: "
            f"check out {ctx.config.branch_prefix}NNN-<slug>, or a branch where the hotfix "
            "was merged, then run hotfix-hooks timeline"
        )
    number = max(found)[1]
    others = sorted(n for _, n in found if n != number)
    more = f"; another ({', '.join(others)}): hotfix-hooks timeline --number NNN" if others else ""
    ui.emit(
        f"{where} is not a hotfix branch: the timeline of hotfix {number}, opened last{more}",
        sys.stderr,
    )
    return number


@click.command(short_help="The incident's events from git, in time order.")
@click.option("--number", "-n", help="A hotfix in this working tree (default: the current one).")
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
@click.option("--markdown", is_flag=True, help="Print a Markdown table.")
def timeline(number: str | None, as_json: bool, markdown: bool) -> None:
    """The incident, from git: when it was opened and the branch created, each tied
    commit (task, author), each push seen in the remote-tracking reflog, the rollback,
    resolve and finish records, with the offset from the start and the gap between
    events. Off a hotfix branch (on main after finish): the hotfix opened last.

    Examples:

    \b
        hotfix-hooks timeline
        hotfix-hooks timeline --number 1 --markdown
    """
    chosen = number_option(number)
    if chosen is None:
        ctx = context()
        if ctx.hotfix() is None:
            chosen = _latest(ctx)
    doc = _doc_for(chosen) if chosen else current_doc()
    if not chosen:
        doc.say_news()
    rows = incident_rows(doc)
    cells = tl.table(rows)
    if as_json:
        data = {
            "hotfix": doc.hotfix.number,
            "title": doc.doc.title,
            "branch": doc.hotfix.name,
            "events": [row.as_json() for row in rows],
            "durations_seconds": {k: clock.seconds(v) for k, v in tl.durations(rows).items()},
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if markdown:
        click.echo(ui.shown(tl.markdown(cells)), nl=False)
        return
    title = f": {doc.doc.title}" if doc.doc.title else ""
    ui.emit(f"Timeline of hotfix {doc.hotfix.number}{title} ({doc.hotfix.name})")
    if not cells:
        ui.emit("  nothing recorded yet")
        return
    width = max(len(c["event"]) for c in cells)
    for c in cells:
        who = f"  {c['who']}" if c["who"] else ""
        line = f"  {c['time']}  {c['offset']:>8}  {c['since']:>7}  {c['event']:<{width}}{who}"
        ui.emit(line.rstrip())
    spans = tl.durations(rows)
    if spans:
        ui.emit("  " + " · ".join(f"{k}: {clock.human(v)}" for k, v in spans.items()))
    if any(row.event.kind in ("branch", "push") for row in rows):
        ui.emit(
            "  (the branch and push rows come from this clone's reflogs: what this clone saw, "
            "which another clone may not have)"
        )
