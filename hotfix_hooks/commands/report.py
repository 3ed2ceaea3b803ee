from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from hotfix_hooks import clock, ui
from hotfix_hooks.context import context
from hotfix_hooks.errors import UsageError
from hotfix_hooks.report.dashboard import html_page
from hotfix_hooks.report.inventory import collect, summarize
from hotfix_hooks.report.outputs import (
    postmortem_cell,
    row,
    stamp,
    status_cell,
    summary_lines,
    update_metrics,
)
from hotfix_hooks.safe_files import describe_os_error, replace_file


@click.command(short_help="Time to resolution and the team's record.")
@click.option("--json", "as_json", is_flag=True, help="Print rows and summary as JSON.")
@click.option(
    "--since", metavar="DATE", help="Only hotfixes created on or after DATE (YYYY-MM-DD)."
)
@click.option("--write", is_flag=True, help="Refresh .specswarm/workflow-metrics.json.")
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write an HTML dashboard (one self-contained file).",
)
def report(as_json: bool, since: str | None, write: bool, html_file: Path | None) -> None:
    """Every hotfix with its time to resolution; median/mean against the target,
    rollback rate, post-mortems done and overdue."""
    ctx = context()
    now = clock.now()
    records = collect(ctx)
    if since:
        try:
            start = clock.parse(since if " " in since or "T" in since else f"{since} 00:00")
        except clock.BadTimestampError:
            raise UsageError(f"--since {since!r}: expected a date such as 2026-11-01") from None
        records = [r for r in records if r.created and r.created >= start]
    for problem in dict.fromkeys(p for record in records for p in record.problems):
        ui.warn(problem)
    summary = summarize(records, now, ctx.config.target_minutes)
    rows = [row(r, now, ctx.config.target_minutes) for r in records]
    if write:
        path = update_metrics(ctx.repo.root, records, now)
        ui.emit(f"updated {path.relative_to(ctx.repo.root)}", sys.stderr)
    if html_file is not None:
        try:
            replace_file(html_file, html_page(rows, summary, now).encode("utf-8"))
        except OSError as exc:
            raise UsageError(
                f"--html {html_file}: {describe_os_error(exc, str(html_file))}"
                + (" (its directory does not exist)" if not html_file.parent.is_dir() else "")
            ) from None
        ui.emit(f"wrote {html_file}", sys.stderr)
    if as_json:
        click.echo(
            json.dumps(
                {"hotfixes": rows, "summary": summary.as_json()}, indent=2, ensure_ascii=False
            )
        )
        return
    if not rows:
        ui.emit("no hotfixes found")
        return
    ui.emit(
        f"{'Hotfix':<7} {'Status':<9} {'Created':<24} {'Resolved in':<12} "
        f"{'Rollback':<9} {'Post-mortem':<12} Branch"
    )
    for r in rows:
        created = stamp(r["created"])
        flags = status_cell(r)[len(str(r["status"])) :]
        ui.emit(
            f"{r['hotfix']:<7} {r['status'][:9]:<9} {created:<24} "
            f"{r['time_to_resolution'] or '—':<12} "
            f"{'yes' if r['rollback_triggered'] else 'no':<9} {postmortem_cell(r):<12} "
            f"{r['branch']}{flags}"
        )
    ui.emit("")
    for line in summary_lines(summary):
        ui.emit(line)


COMMANDS = (report,)
