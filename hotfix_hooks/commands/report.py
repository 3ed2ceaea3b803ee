from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from hotfix_hooks.config.context import Context, context
from hotfix_hooks.core import clock, ui
from hotfix_hooks.core.errors import USAGE, UsageError
from hotfix_hooks.core.safe_files import describe_os_error, replace_file
from hotfix_hooks.incident.record import HotfixRecord
from hotfix_hooks.report.inventory import (
    RepoArg,
    RepositoryReport,
    collect,
    collect_repositories,
    open_repositories,
    read_repo_list,
    summarize,
)
from hotfix_hooks.report.outputs import (
    postmortem_cell,
    row,
    stamp,
    status_cell,
    summary_lines,
    update_metrics,
)


@click.command(short_help="Time to resolution and the team's record.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print rows and summary as JSON (in one repository: a shard for --merge).",
)
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
@click.option(
    "--repo",
    "repos",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="Report on this clone (repeatable): one report over all of them, with a "
    "repository column. Default: the current repository alone.",
)
@click.option(
    "--repos-from",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Report on the clones FILE lists: one path per line (relative to FILE), "
    "blank lines and # comments ignored. Combines with --repo.",
)
@click.option(
    "--merge",
    is_flag=True,
    help="Report on the SHARDs: files that `report --json` wrote, one per repository (a CI "
    "matrix job each); the same report --repo over those repositories gives.",
)
@click.option(
    "--name",
    metavar="NAME",
    help="With --json in one repository: its name in a merged report (default: its "
    "directory's name).",
)
@click.argument("shards", nargs=-1, type=click.Path(path_type=Path), metavar="[SHARD]...")
def report(
    as_json: bool,
    since: str | None,
    write: bool,
    html_file: Path | None,
    repos: tuple[Path, ...],
    repos_from: Path | None,
    merge: bool,
    name: str | None,
    shards: tuple[Path, ...],
) -> None:
    """Every hotfix with its time to resolution; median/mean against the target,
    rollback rate, post-mortems done and overdue.

    Examples:

    \b
        hotfix-hooks report
        hotfix-hooks report --json --since 2026-01-01
        hotfix-hooks report --html hotfixes.html   # the dashboard, one file
        hotfix-hooks report --json --name api   # a shard: report --merge reads them
    """
    now = clock.now()
    if write and (repos or repos_from is not None):
        raise UsageError(
            "--write refreshes one repository's workflow-metrics.json: run it in that "
            "repository, without --repo/--repos-from"
        )
    _check_merge_usage(merge, shards, repos, repos_from, write, name)
    if merge:
        from hotfix_hooks.report.shards import merge as merge_shards

        found = merge_shards(list(shards))
        records = [r for repo in found for r in repo.records]
        target = _common_target(found)
        targets = {repo.name: repo.target_minutes for repo in found}
        several: list[RepositoryReport] | None = found
    else:
        records, target, targets, several = _gather(repos, repos_from)
    records = _created_since(records, since)
    for problem in dict.fromkeys(
        f"{record.repository}: {p}" if record.repository else p
        for record in records
        for p in record.problems
    ):
        ui.warn(problem)
    summary = summarize(records, now, target)
    rows = [row(r, now, targets.get(r.repository, target)) for r in records]
    if several is not None:
        summary.repositories = len([repo for repo in several if not repo.problem])
    if write:
        repo = context().repo
        root = repo.root
        path = update_metrics(root, records, now, repo.git_dir)
        ui.emit(f"updated {path.relative_to(root)}", sys.stderr)
    if html_file is not None:
        from hotfix_hooks.report.dashboard import html_page  # Jinja2: only for --html

        _write_html(html_file, html_page(rows, summary, now))
    if as_json:
        data: dict[str, object] = {"hotfixes": rows, "summary": summary.as_json()}
        if several is None:
            data["repository"] = _shard_header(context(), name, target)
        if several is not None:
            data["repositories"] = [
                {"repository": repo.name, "path": str(repo.root), "hotfixes": len(repo.records)}
                | ({"problem": repo.problem} if repo.problem else {})
                for repo in several
            ]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif not rows:
        ui.emit("no hotfixes found")
    else:
        _print_table(rows, several is not None)
        ui.emit("")
        for line in summary_lines(summary):
            ui.emit(line)
    if several and any(repo.problem for repo in several):
        raise click.exceptions.Exit(USAGE)  # reported without the repositories named above


def _gather(
    repos: tuple[Path, ...], repos_from: Path | None
) -> tuple[list[HotfixRecord], int, dict[str, int], list[RepositoryReport] | None]:
    """(records, the summary's target, each repository's own target, the repositories
    when there are several): this repository's, or those --repo/--repos-from name."""
    if not repos and repos_from is None:
        ctx = context()
        return collect(ctx), ctx.config.target_minutes, {}, None
    args = [RepoArg(path, f"--repo {path}") for path in repos]
    if repos_from is not None:
        args += read_repo_list(repos_from)
    several = _readable(collect_repositories(open_repositories(args)))
    records = [r for repo in several for r in repo.records]
    targets = {repo.name: repo.target_minutes for repo in several if not repo.problem}
    readable = [repo for repo in several if not repo.problem]
    return records, _common_target(readable), targets, several


def _shard_header(ctx: Context, name: str | None, target: int) -> dict[str, object]:
    """``report --json``'s ``repository`` object: what ``--merge`` needs of a shard."""
    from hotfix_hooks.report.inventory import repository_names
    from hotfix_hooks.report.shards import shard_header

    root = Path(os.path.realpath(ctx.repo.root))
    return shard_header(name or repository_names([root])[root], root, target)


def _check_merge_usage(
    merge: bool,
    shards: tuple[Path, ...],
    repos: tuple[Path, ...],
    repos_from: Path | None,
    write: bool,
    name: str | None,
) -> None:
    if shards and not merge:
        raise UsageError(
            f"unexpected argument {str(shards[0])!r}: shards go with --merge "
            "(hotfix-hooks report --merge SHARD...)"
        )
    if merge and not shards:
        raise UsageError("--merge needs the shards: hotfix-hooks report --merge SHARD...")
    if merge and (repos or repos_from is not None or write):
        raise UsageError("--merge reads shards only: leave out --repo, --repos-from and --write")
    if name is not None and (merge or repos or repos_from is not None):
        raise UsageError("--name names the one repository of a shard: leave out --merge/--repo")


def _created_since(records: list[HotfixRecord], since: str | None) -> list[HotfixRecord]:
    if not since:
        return records
    try:
        start = clock.parse(since if " " in since or "T" in since else f"{since} 00:00")
    except clock.BadTimestampError:
        raise UsageError(f"--since {since!r}: expected a date such as 2026-11-01") from None
    return [r for r in records if r.created and r.created >= start]


def _write_html(html_file: Path, page: str) -> None:
    try:
        replace_file(html_file, page.encode("utf-8"))
    except OSError as exc:
        raise UsageError(
            f"--html {html_file}: {describe_os_error(exc, str(html_file))}"
            + (" (its directory does not exist)" if not html_file.parent.is_dir() else "")
        ) from None
    ui.emit(f"wrote {html_file}", sys.stderr)


def _print_table(rows: list[dict[str, Any]], several: bool) -> None:
    width = max([len(str(r.get("repository", ""))) for r in rows] + [len("Repository")]) + 1

    def column(name: str) -> str:
        return f"{name:<{width}} " if several else ""

    ui.emit(
        f"{column('Repository')}{'Hotfix':<7} {'Status':<9} {'Created':<26} "
        f"{'Resolved in':<12} {'Rollback':<9} {'Post-mortem':<12} Branch"
    )
    for r in rows:
        created = stamp(r["created"])
        flags = status_cell(r)[len(str(r["status"])) :]
        ui.emit(
            f"{column(r.get('repository', ''))}"
            f"{r['hotfix']:<7} {r['status'][:9]:<9} {created:<26} "
            f"{r['time_to_resolution'] or '—':<12} "
            f"{'yes' if r['rollback_triggered'] else 'no':<9} {postmortem_cell(r):<12} "
            f"{r['branch']}{flags}"
        )


def _readable(several: list[RepositoryReport]) -> list[RepositoryReport]:
    """Each repository that could not be read is one line on stderr (and a ``problem`` in
    the JSON); the others are reported, and the command then exits 2. None readable: exit
    2 at once."""
    for repo in several:
        if repo.problem:
            ui.error(f"{repo.problem}; left out of this report")
    if all(repo.problem for repo in several):
        raise click.exceptions.Exit(USAGE)
    return several


def _common_target(several: list[RepositoryReport]) -> int:
    """The target the summary judges by: the repositories' own when they agree, else the
    strictest of them (said once on stderr). A repository with no hotfix judges nothing."""
    targets = sorted({repo.target_minutes for repo in several if repo.records})
    if not targets:
        targets = sorted({repo.target_minutes for repo in several}) or [120]
    if len(targets) > 1:
        ui.warn(
            f"the repositories set different target_minutes ({', '.join(map(str, targets))}): "
            f"the summary judges against the strictest, {targets[0]}; each row against its own"
        )
    return targets[0]
