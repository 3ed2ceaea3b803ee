"""Every hotfix the repository knows of: the working tree and the tips of local
and remote-tracking hotfix branches, one record per number (newest wins); and the
same over several repositories at once (``report --repo``)."""

from __future__ import annotations

import copy
import os
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from hotfix_hooks.config import settings as config_mod
from hotfix_hooks.config.context import Context
from hotfix_hooks.config.features import features_rel, hotfix_rel, worktree_features_rel
from hotfix_hooks.core.branch import format_number, parse_branch
from hotfix_hooks.core.errors import GitError, UsageError
from hotfix_hooks.core.tie import TIE_GREP
from hotfix_hooks.document.events import EVENTS_DOC
from hotfix_hooks.git.blobs import CommitFiles
from hotfix_hooks.git.discover import find_in_process
from hotfix_hooks.git.log import trailer_log
from hotfix_hooks.git.refs import hotfix_refs, short_ref
from hotfix_hooks.git.repository import Repository
from hotfix_hooks.incident.cache import RECORDS, ReadCache
from hotfix_hooks.incident.cache import key as cache_key
from hotfix_hooks.incident.location import HOTFIX_DOC, read_folder
from hotfix_hooks.incident.production import production_refs
from hotfix_hooks.incident.record import HotfixRecord
from hotfix_hooks.policy.targets import within_target

_DIR = re.compile(r"^([0-9]+)-hotfix$")


record_from_bytes = HotfixRecord.read  # the one reading of a record's bytes


unreadable_record = HotfixRecord.unreadable


def _newer(a: HotfixRecord, b: HotfixRecord) -> HotfixRecord:
    def key(r: HotfixRecord) -> tuple[int, int, float]:
        last = max((t.timestamp() for t in (r.created, r.resolved) if t), default=0.0)
        closed = r.resolved is not None or r.cancelled
        return (closed, r.rollback_triggered or r.postmortem_done, last)

    return b if key(b) > key(a) else a


def hotfix_dirs(ctx: Context) -> list[tuple[str, PurePosixPath]]:
    """(number, repository-relative directory) of each ``NNN-hotfix`` in the working tree:
    real directories only, reached through no symlink (what ``read_folder`` relies on)."""
    features = worktree_features_rel(ctx.repo.root, ctx.config)
    current = ctx.repo.root
    for part in features.parts:
        current = current / part
        if current.is_symlink() or not current.is_dir():
            return []
    found = []
    try:
        with os.scandir(current) as scan:
            entries = sorted(entry.name for entry in scan if entry.is_dir(follow_symlinks=False))
    except OSError as exc:
        raise UsageError(
            f"cannot read the features directory {features} ({exc.strerror}): "
            "make it readable (chmod u+rx), then run this again"
        ) from None
    for name in entries:
        match = _DIR.match(name)
        if match:
            found.append((format_number(match.group(1)), PurePosixPath(features, name)))
    return found


def _claimant(number: str, branch: str, source: str) -> HotfixRecord:
    """A hotfix branch without a hotfix.md of its own, shown because its number is
    shared with another incident."""
    hotfix = parse_branch(branch)
    return HotfixRecord(
        number=number,
        title=hotfix.title if hotfix else "",
        status="Active",
        created=None,
        resolved=None,
        rollback_triggered=False,
        checklist_done=False,
        source=source,
        path="",
        branch=branch,
        problems=[f"{branch} has no hotfix.md of its own for hotfix {number}"],
    )


def _group(found: list[HotfixRecord], bare: list[tuple[str, str, str]]) -> list[HotfixRecord]:
    """One record per incident: per number and branch (newest reading wins); a number
    with two branches is two records, each marked with the other (never merged)."""
    by_number: dict[str, dict[str, HotfixRecord]] = {}
    unnamed: list[HotfixRecord] = []
    for record in found:
        if not record.branch:
            unnamed.append(record)
            continue
        group = by_number.setdefault(record.number, {})
        known = group.get(record.branch)
        group[record.branch] = record if known is None else _newer(known, record)
    for record in unnamed:  # a hotfix.md without a Branch field: its number's one incident
        group = by_number.setdefault(record.number, {})
        if len(group) == 1:
            key = next(iter(group))
            merged = _newer(group[key], record)
            merged.branch = key
            group[key] = merged
        elif not group:
            group[""] = record
        else:
            group[f"({record.path})"] = record
    for number, branch, source in bare:
        held = by_number.get(number)
        if held and branch not in held:
            held[branch] = _claimant(number, branch, source)
    out = []
    for number in sorted(by_number, key=lambda n: (len(n), n)):
        group = by_number[number]
        names = sorted(group)
        for name in names:
            record = group[name]
            record.conflict = [other for other in names if other != name]
            if record.conflict:
                record.problems.append(
                    f"hotfix {number} is claimed by more than one incident: "
                    f"{', '.join(n for n in names)}; rename all but one branch "
                    "(hotfix-hooks renumber, on each) to the next free number"
                )
            out.append(record)
    return out


def collect(ctx: Context) -> list[HotfixRecord]:
    found: list[HotfixRecord] = []
    bare: list[tuple[str, str, str]] = []  # (number, branch, ref): no hotfix.md of its own
    read: dict[tuple[str, str, bytes, bytes | None], HotfixRecord] = {}
    cache = ReadCache(ctx.repo.git_dir, RECORDS)

    def parse_once(
        number: str, data: bytes, source: str, path: str, events: bytes | None
    ) -> HotfixRecord:
        """The same document (a branch and its remote-tracking twin at one commit, a
        merged hotfix still on its branch) is parsed once; each reading its own record."""
        key = (number, path, data, events)
        known = read.get(key)
        if known is None:
            entry = cache_key(number, path, data, events)
            stored = cache.get_record(entry)
            if stored is not None:
                known = HotfixRecord(**stored, source=source)
            else:
                known = record_from_bytes(number, data, source, path, events)
                cache.put_record(entry, known)
            read[key] = known
        reading = copy.copy(known)  # each reading its own record, its own lists
        reading.source = source
        reading.problems = list(known.problems)
        reading.postmortem_commits = list(known.postmortem_commits)
        reading.conflict = list(known.conflict)
        return reading

    root = str(ctx.repo.root)
    for number, directory in hotfix_dirs(ctx):
        rel = directory / HOTFIX_DOC
        try:
            docs = read_folder(f"{root}/{directory}", (HOTFIX_DOC, EVENTS_DOC), str(directory))
        except UsageError as exc:  # larger than we read: shown, never counted
            found.append(unreadable_record(number, "working tree", str(rel), str(exc)))
            continue
        data = docs[HOTFIX_DOC]
        if data is not None:
            events = docs[EVENTS_DOC]
            found.append(parse_once(number, data, "working tree", str(rel), events))
    refs = hotfix_refs(ctx.config.branch_prefix, cwd=str(ctx.repo.root))
    production = production_refs(ctx.repo, ctx.config.base_branch)
    if refs or production:
        with CommitFiles(ctx.repo.root, "HEAD") as files:
            for ref in production:  # finished hotfixes' records, whatever is checked out
                for number, path, blob, logged in _records_at(ctx, files, ref):
                    found.append(parse_once(number, blob, short_ref(ref), path, logged))
            for branch_ref in refs:
                ref, hotfix = branch_ref.ref, branch_ref.hotfix

                def exists(rel: str, at: str = ref) -> bool:
                    return files.is_dir(rel, rev=at)

                rel_features = features_rel(ctx.config, exists)
                rel = hotfix_rel(rel_features, hotfix.number) / HOTFIX_DOC
                try:
                    data = files.read(str(rel), rev=ref)
                    events = files.read(str(rel.parent / EVENTS_DOC), rev=ref)
                except UsageError as exc:  # larger than we read: never held
                    found.append(
                        unreadable_record(hotfix.number, branch_ref.short, str(rel), str(exc))
                    )
                    continue
                if data is None:
                    bare.append((hotfix.number, hotfix.name, branch_ref.short))
                    continue
                record = parse_once(hotfix.number, data, branch_ref.short, str(rel), events)
                if record.branch and record.branch != hotfix.name:
                    # the folder holds another incident's document: this branch has none
                    bare.append((hotfix.number, hotfix.name, branch_ref.short))
                record.branch = record.branch or hotfix.name
                found.append(record)
    cache.save()
    records = _group(found, bare)
    _attach_postmortem_commits(ctx, records, [*production, *(r.ref for r in refs)])
    _mark_finished(ctx, records)
    return records


def _records_at(
    ctx: Context, files: CommitFiles, ref: str
) -> list[tuple[str, str, bytes, bytes | None]]:
    """(number, path, hotfix.md, events.md) of every record in ``ref``'s tree."""
    from hotfix_hooks.incident.numbers import tree_numbers

    def exists(rel: str) -> bool:
        return files.is_dir(rel, rev=ref)

    features = features_rel(ctx.config, exists)
    out = []
    for number in tree_numbers(ref, str(features), cwd=str(ctx.repo.root)):
        rel = hotfix_rel(features, number) / HOTFIX_DOC
        data = files.read(str(rel), rev=ref)
        if data is not None:
            events = files.read(str(rel.parent / EVENTS_DOC), rev=ref)
            out.append((number, str(rel), data, events))
    return out


def _mark_finished(ctx: Context, records: list[HotfixRecord]) -> None:
    """A resolved hotfix whose tag exists (``tag_format``) was landed by ``finish``."""
    from hotfix_hooks.core.branch import tag_name

    if not any(r.resolved for r in records):
        return
    tags = set(ctx.repo.git("for-each-ref", "--format=%(refname:strip=2)", "refs/tags/").split())
    for record in records:
        if record.resolved and tag_name(ctx.config.tag_format, record.number) in tags:
            record.finished = True


def _attach_postmortem_commits(ctx: Context, records: list[HotfixRecord], refs: list[str]) -> None:
    """T007 commits, to the incident of their number (both, when a number is shared:
    a trailer names a number, not a branch)."""
    if not records:
        return
    by_number: dict[str, list[HotfixRecord]] = {}
    for record in records:
        by_number.setdefault(record.number, []).append(record)
    # the production branch (here and on its remote) and the hotfix branches, never HEAD:
    # two up-to-date clones count the same post-mortems whatever they have checked out
    if not refs:
        return
    for commit in trailer_log(ctx.repo, *refs, grep=("T007", TIE_GREP)):
        if "T007" not in commit.tasks:
            continue
        for number in set(commit.hotfixes):
            for record in by_number.get(number, []):
                if commit.sha not in record.postmortem_commits:
                    record.postmortem_commits.append(commit.sha)


@dataclass
class Summary:
    count: int
    resolved: int
    median_minutes: float | None
    mean_minutes: float | None
    within_target: float | None
    rollback_rate: float | None
    postmortems_done: float | None
    overdue: list[str]
    target_minutes: int
    cancelled: int = 0  # shown in the rows, counted in no figure above
    postmortems_due: int = 0  # done, or past the week: what postmortems_done counts over
    conflicts: list[str] = field(default_factory=list)  # numbers held by two incidents
    over_target: list[str] = field(default_factory=list)  # active hotfixes past the target
    repositories: int | None = None  # how many, in a report over several (--repo)

    def as_json(self) -> dict[str, object]:
        several = {} if self.repositories is None else {"repositories": self.repositories}
        return several | {
            "count": self.count,
            "resolved": self.resolved,
            "median_minutes": self.median_minutes,
            "mean_minutes": self.mean_minutes,
            "target_minutes": self.target_minutes,
            "within_target": self.within_target,
            "rollback_rate": self.rollback_rate,
            "rollback_rate_target": 0.10,
            "postmortems_done": self.postmortems_done,
            "postmortems_target": 1.0,
            "postmortems_due": self.postmortems_due,
            "overdue_postmortems": self.overdue,
            "cancelled": self.cancelled,
            "number_conflicts": self.conflicts,
            "active_over_target": self.over_target,
            "off_target": self.off_target,
        }

    @property
    def off_target(self) -> list[str]:
        """Which figures miss their target: time_to_resolve, rollback_rate, postmortems."""
        out = []
        if self.median_minutes is not None and self.median_minutes >= self.target_minutes:
            out.append("median_minutes")
        if self.mean_minutes is not None and self.mean_minutes >= self.target_minutes:
            out.append("mean_minutes")
        if self.rollback_rate is not None and self.rollback_rate >= 0.10:
            out.append("rollback_rate")
        if self.postmortems_done is not None and self.postmortems_done < 1.0:
            out.append("postmortems_done")
        return out


def median_minutes(minutes: list[float]) -> float | None:
    """The median of times in minutes, as a figure (to 4 decimals: a second is 0.0167 min,
    so a figure reads as the rows' times do); None for none."""
    return round(statistics.median(minutes), 4) if minutes else None


def summarize(records: list[HotfixRecord], now: datetime, target_minutes: int) -> Summary:
    """The figures; a cancelled hotfix (opened by mistake) counts in none of them."""
    cancelled = sum(r.cancelled for r in records)
    records = [r for r in records if not r.cancelled]
    durations = [r.duration for r in records if r.duration is not None]
    minutes = [d.total_seconds() / 60 for d in durations]
    resolved = [r for r in records if r.resolved is not None]
    # a post-mortem counts once it is done or due (a week after the resolution): right
    # after resolve, nothing is due yet and nothing is missing
    due = [r for r in resolved if r.postmortem_done or r.overdue(now)]

    def share(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    return Summary(
        count=len(records),
        resolved=len(resolved),
        median_minutes=median_minutes(minutes),
        mean_minutes=round(statistics.fmean(minutes), 4) if minutes else None,
        within_target=share(
            sum(within_target(d, target_minutes) for d in durations), len(durations)
        ),
        rollback_rate=share(sum(r.rollback_triggered for r in records), len(records)),
        postmortems_done=share(sum(r.postmortem_done for r in due), len(due)),
        postmortems_due=len(due),
        overdue=[label(r) for r in records if r.overdue(now)],
        target_minutes=target_minutes,
        cancelled=cancelled,
        conflicts=list(
            dict.fromkeys(
                f"{r.repository}:{r.number}" if r.repository else r.number
                for r in records
                if r.conflict
            )
        ),
        over_target=[label(r) for r in records if r.over_target(now, target_minutes)],
    )


def label(record: HotfixRecord) -> str:
    """``042``, or ``042 (hotfix/042-x)`` when another incident shares the number;
    ``api:042`` in a report over several repositories."""
    number = f"{record.repository}:{record.number}" if record.repository else record.number
    return f"{number} ({record.branch})" if record.conflict else number


# -- several repositories (report --repo / --repos-from) --------------------------------------


@dataclass(frozen=True)
class RepoArg:
    """A repository path as the user gave it: ``shown`` is what an error names
    (``--repo PATH`` or ``FILE:LINE: PATH``)."""

    path: Path
    shown: str


@dataclass
class RepositoryReport:
    """One repository of a multi-repository report: its name (unique in the report), its
    top-level directory, its configuration's target and the hotfixes read from it."""

    name: str
    root: Path
    target_minutes: int
    records: list[HotfixRecord] = field(default_factory=list)
    problem: str | None = None  # why nothing could be read from it (one line)


@dataclass(frozen=True)
class Unreadable:
    """A repository named for a report whose content cannot be read (its configuration is
    broken or hostile): reported in one line, the others still reported."""

    root: Path
    problem: str


def read_repo_list(file: Path) -> list[RepoArg]:
    """The repositories a ``--repos-from`` file names: one path per line, blank lines
    and ``#`` comments ignored, a relative path taken relative to the file."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise UsageError(f"--repos-from {file}: cannot read it ({why})") from None
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        try:
            path = Path(entry).expanduser()
        except RuntimeError:  # ~user, and no such user
            raise UsageError(f"{file}:{number}: {entry}: no such user's home") from None
        path = path if path.is_absolute() else file.parent / path
        out.append(RepoArg(path, f"{file}:{number}: {path}"))
    if not out:
        raise UsageError(f"--repos-from {file}: names no repository (one path per line)")
    return out


def open_repositories(args: Sequence[RepoArg]) -> list[tuple[Context | Unreadable, str]]:
    """(context, name) of each distinct repository named, in the order first named.
    Every path must be a git working tree, checked before anything is read: one that is
    not stops the report (exit 2), since figures silently missing a repository would
    mislead. Two paths into the same repository count once. One whose configuration
    cannot be read is :class:`Unreadable`: said in one line, the others still reported."""
    seen: dict[Path, Context | Unreadable] = {}
    shared_dirs: set[Path] = set()
    for arg in args:
        if not arg.path.is_dir():
            raise UsageError(f"{arg.shown}: no such directory")
        try:
            repo = find_in_process(arg.path)
        except UsageError as exc:
            raise UsageError(f"{arg.shown}: {exc}") from None
        if repo is None:
            raise UsageError(
                f"{arg.shown}: not in a git working tree (a bare repository has none): "
                "name a clone's directory, or leave it out"
            )
        root = Path(os.path.realpath(repo.root))
        # linked worktrees of one repository share its branches: one repository
        shared = repo.common_dir()
        if root in seen or shared in shared_dirs:
            continue
        shared_dirs.add(shared)
        try:
            seen[root] = Context(repo, config_mod.load(repo.root))
        except UsageError as exc:
            seen[root] = Unreadable(repo.root, f"{arg.shown}: {exc}")
    names = repository_names(list(seen))
    return [(ctx, names[root]) for root, ctx in seen.items()]


def repository_names(roots: Sequence[Path]) -> dict[Path, str]:
    """A short, unique name per repository: its directory's name, with as many parent
    directories as it takes to tell two of the same name apart (``team-a/api``)."""
    depth = dict.fromkeys(roots, 1)

    def name(root: Path) -> str:
        parts = root.parts[-depth[root] :]
        return "/".join(p for p in parts if p != root.anchor) or str(root)

    while True:
        by_name: dict[str, list[Path]] = {}
        for root in roots:
            by_name.setdefault(name(root), []).append(root)
        clashes = [group for group in by_name.values() if len(group) > 1]
        grown = False
        for group in clashes:
            for root in group:
                if depth[root] < len(root.parts):
                    depth[root] += 1
                    grown = True
        if not grown:
            return {root: name(root) for root in roots}


def collect_repositories(
    contexts: Sequence[tuple[Context | Unreadable, str]], workers: int | None = None
) -> list[RepositoryReport]:
    """:func:`collect` on each repository, each record carrying its repository's name.
    Hotfix numbers are per repository: the same number in two repositories is two
    hotfixes, never a conflict.

    Reading a hotfix.md is CPU work in Python (the CommonMark parse), which threads do
    not share out, so many repositories are read by one process per CPU (``workers``,
    default ``os.cpu_count()``; 1 reads them here)."""
    jobs = [
        (ctx.repo.root, ctx.repo.git_dir, name, ctx.config)
        for ctx, name in contexts
        if isinstance(ctx, Context)
    ]
    broken = {
        name: RepositoryReport(name, ctx.root, 0, problem=ctx.problem)
        for ctx, name in contexts
        if isinstance(ctx, Unreadable)
    }
    read = {report.name: report for report in _collect_all(jobs, workers)}
    return [read.get(name) or broken[name] for _, name in contexts]


def _collect_all(
    jobs: list[tuple[Path, Path, str, config_mod.Config]], workers: int | None
) -> list[RepositoryReport]:
    if workers is None:
        workers = min(_usable_cpus(), len(jobs) // MIN_REPOS_PER_WORKER)
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor  # only for many repositories

        try:
            pool = ProcessPoolExecutor(max_workers=workers)
        except (OSError, ImportError, NotImplementedError):  # no semaphores (some sandboxes)
            pool = None
        if pool is not None:
            with pool:
                chunk = max(1, len(jobs) // (workers * 4))
                return list(pool.map(_collect_one, jobs, chunksize=chunk))
    return [_collect_one(job) for job in jobs]


def _usable_cpus() -> int:
    affinity = getattr(os, "sched_getaffinity", None)  # Linux: the CPUs we may run on
    return len(affinity(0)) if affinity else os.cpu_count() or 1


MIN_REPOS_PER_WORKER = 4  # fewer: starting a process costs more than it saves


def _collect_one(job: tuple[Path, Path, str, config_mod.Config]) -> RepositoryReport:
    """One repository of :func:`collect_repositories` (top level: a worker runs it)."""
    root, git_dir, name, config = job
    try:
        records = collect(Context(Repository(root, git_dir), config))
    except (UsageError, GitError) as exc:  # one line: the other repositories are reported
        return RepositoryReport(
            name, root, config.target_minutes, problem=f"{name} ({root}): {exc}"
        )
    for record in records:
        record.repository = name
    return RepositoryReport(name, root, config.target_minutes, records)
