"""What the rules judge, gathered from git: the hotfix record in a commit (never the working
tree), the new commits and what git says of their exemptions, the other claims on a number,
a change of our configuration. Each gatherer returns the pure facts of ``policy/rules``;
``enforce/engine`` asks only for those the point's rules read."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

from hotfix_hooks.config.commit import commit_config
from hotfix_hooks.config.features import features_rel
from hotfix_hooks.core.errors import UsageError
from hotfix_hooks.git.blobs import CommitFiles
from hotfix_hooks.incident.location import HOTFIX_DOC, commit_doc_path, commit_tasks
from hotfix_hooks.policy.rollback_plan import Finding, Verdict, finding_from, judge
from hotfix_hooks.policy.rules import (
    CommitFacts,
    ConfigFacts,
    FinishedFacts,
    NumberFacts,
    PlanFacts,
    TieFacts,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import PurePosixPath

    from hotfix_hooks.config.settings import Config
    from hotfix_hooks.document.model import HotfixDocument


class Record:
    """The record read for a hotfix: the plan facts, its Branch field, and where it was
    (the commit and, when it was not the one judged, a label)."""

    __slots__ = ("branch_field", "facts", "rev")

    def __init__(self, facts: PlanFacts, branch_field: str | None, rev: str) -> None:
        self.facts = facts
        self.branch_field = branch_field
        self.rev = rev


def read_plan(
    files: CommitFiles,
    number: str,
    config: Config | None = None,
    cache: VerdictCache | None = None,
) -> Record:
    """hotfix.md of hotfix ``number`` in ``files``'s commit, judged. ``config`` None: read it
    from the commit. ``cache``: the client's passing verdicts by blob id (pre-push only)."""
    cfg = commit_config(files) if config is None else config
    path = commit_doc_path(files, cfg, number, HOTFIX_DOC)
    blob = files.file_id(str(path))
    if blob is None:
        task = _plan_task(files, number, cfg)
        return Record(PlanFacts(str(path), "missing", None, plan_task=task), None, files.rev)
    required = cfg.rollback_trigger_required
    if cache is not None:  # the Status kept with a verdict reads events.md too
        from hotfix_hooks.document.events import EVENTS_DOC

        events = files.file_id(str(path.parent / EVENTS_DOC))
        blob = f"{blob}+{events}" if events else blob
    cached = cache.get(blob, required) if cache is not None else None
    if cached is not None:
        verdict, branch, status = cached
        return Record(PlanFacts(str(path), "ok", verdict, status), branch, files.rev)
    try:
        data = files.read(str(path))
    except UsageError as exc:  # larger than we read: never held whole
        task = _plan_task(files, number, cfg)
        facts = PlanFacts(str(path), "unreadable", None, plan_task=task, unreadable=str(exc))
        return Record(facts, None, files.rev)
    if data is None:
        task = _plan_task(files, number, cfg)
        return Record(PlanFacts(str(path), "missing", None, plan_task=task), None, files.rev)
    from hotfix_hooks.document.model import HotfixDocument  # markdown-it: only to judge

    try:
        doc = HotfixDocument.parse(data, str(path))
    except UsageError as exc:  # not UTF-8, or larger than we read
        task = _plan_task(files, number, cfg)
        facts = PlanFacts(str(path), "unreadable", None, plan_task=task, unreadable=str(exc))
        return Record(facts, None, files.rev)
    verdict = judge(doc, trigger_required=required)
    branch_field = _field_of(doc)
    status = _status_of(doc, files, path)
    if cache is not None and verdict.passed:
        cache.put(blob, verdict, branch_field, status)
    task = "T003" if verdict.passed else _plan_task(files, number, cfg)
    return Record(PlanFacts(str(path), "ok", verdict, status, task), branch_field, files.rev)


def _plan_task(files: CommitFiles, number: str, config: Config) -> str:
    from hotfix_hooks.document.model import model_tasks
    from hotfix_hooks.document.tasks import plan_task

    tasks, _ = commit_tasks(files, config, number, model_tasks)
    return plan_task(tasks)


def _status_of(doc: HotfixDocument, files: CommitFiles, path: PurePosixPath) -> str:
    """The state the hotfix's record says (hotfix.md and events.md beside it, in the
    commit), as its Status text."""
    from hotfix_hooks.document import record
    from hotfix_hooks.document.events import EVENTS_DOC

    events = path.parent / EVENTS_DOC
    try:
        logged = files.read(str(events))
    except UsageError:
        logged = None  # larger than we read: hotfix.md alone says
    return record.read(doc, logged, str(events)).state.value


class VerdictCache:
    """Passing verdicts on hotfix.md blobs, in the clone's git directory: the same blob
    (with the same events.md beside it, whose lines the Status kept here reads) under the
    same rules is judged once, so pushes that do not touch hotfix.md skip the
    CommonMark parser (~90 ms to import). Local only: nothing pushed can write it, and the
    server never reads it. A missing or unreadable entry just means judging again.

    An entry is ASCII text, one value a line (not JSON: importing json would cost the hook
    more than reading the entry): the plan's and the trigger's findings, then the Branch
    and the Status fields."""

    FORMAT = "hotfix-hooks verdict 3"
    VALUES = 2 * len(Finding._fields) + 2  # the plan's, the trigger's, Branch, Status

    def __init__(self, git_dir: str) -> None:
        from hotfix_hooks import __version__

        self.directory = Path(git_dir) / "hotfix-hooks" / "verdicts"
        self.version = __version__

    def _path(self, blob: str, required: bool) -> Path:
        return self.directory / f"{blob}-{'t' if required else 'f'}-{self.version}"

    def get(self, blob: str, required: bool) -> tuple[Verdict, str | None, str] | None:
        """(the verdict, the Branch field, the Status) remembered for ``blob``; None if none."""
        from hotfix_hooks.core.safe_files import READ_LIMIT, UnreadableFile, read_regular

        try:  # never through a symlink, never a FIFO or device: a cache, not a stall
            data = read_regular(self._path(blob, required), 16 * READ_LIMIT)
            if data is None:
                return None
            lines = data.decode("ascii").split("\n")
            # the format's line, a line per value, and the "" after the last newline
            if lines[0] != self.FORMAT or len(lines) != self.VALUES + 2 or lines[-1]:
                return None
            values = [_cache_value(line) for line in lines[1:-1]]
        # UnicodeDecodeError is a ValueError; an unknown escape warns (an error under -W error)
        except (UnreadableFile, OSError, ValueError, Warning):
            return None
        half = len(Finding._fields)
        plan, trigger = finding_from(values[:half]), finding_from(values[half:-2])
        branch, status = values[-2], values[-1]
        if (
            plan is None
            or trigger is None
            or not (branch is None or isinstance(branch, str))
            or not isinstance(status, str)
        ):
            return None
        verdict = Verdict(plan, trigger, required)
        return (verdict, branch, status) if verdict.passed else None

    def put(self, blob: str, verdict: Verdict, branch: str | None, status: str) -> None:
        from hotfix_hooks.core.safe_files import replace_file

        values = (*verdict.plan, *verdict.trigger, branch, status)
        text = "".join(f"{_cache_line(value)}\n" for value in values)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            replace_file(
                self._path(blob, verdict.trigger_required),
                f"{self.FORMAT}\n{text}".encode("ascii"),
                durable=False,
            )
        except (OSError, UsageError):
            pass  # a cache: judging again next time is all it costs


def _cache_line(value: str | int | bool | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "+" if value else "!"
    if isinstance(value, int):
        return f"#{value}"
    return "=" + value.encode("unicode_escape").decode("ascii")


def _cache_value(line: str) -> str | int | bool | None:
    tag, body = line[:1], line[1:]
    if tag == "=":
        text = body.encode("ascii").decode("unicode_escape")
        if _cache_line(text) != line:  # only what put() writes: no unknown escape, no \N{...}
            raise ValueError(line)
        return text
    if tag == "#" and body.isdigit():
        return int(body)
    if body:
        raise ValueError(line)
    if tag == "-":
        return None
    if tag in "+!" and tag:
        return tag == "+"
    raise ValueError(line)


def tie_facts(
    cwd: Path | str,
    new: Sequence[str],
    number: str,
    record: CommitFiles,
    config: Config,
    context: Sequence[str],
    only: set[str] | None = None,
) -> TieFacts | None:
    """The new commits ``git log NEW`` lists (``only``: just those of them), with what git
    says of each exemption they claim; the tasks from tasks.md in ``record`` (the commit the
    record was read from); for a ``fixup!``, the hotfix's commits (``git log CONTEXT``).
    None when the configuration turns the tie off (``require_task = false``)."""
    from hotfix_hooks.document.model import model_tasks
    from hotfix_hooks.git import history
    from hotfix_hooks.git.log import commit_messages
    from hotfix_hooks.policy.task_tie import EXEMPT_PREFIXES

    if not config.require_task:
        return None
    tasks, warning = commit_tasks(record, config, number, model_tasks)
    commits = []
    fixups = False
    for commit in commit_messages(cwd, new):
        if only is not None and commit.sha not in only:
            continue
        subject = commit.message.lstrip().split(b"\n", 1)[0]
        brings = reverts = None
        edits: tuple[str, ...] | None = ()
        if commit.parents > 1:
            brings = history.brings_history(cwd, commit.parent_ids)
            edits = history.merge_edits(cwd, commit.sha, commit.parent_ids)
        elif subject.startswith(b'Revert "'):
            reverts = history.reverts(cwd, commit.sha, commit.message)
        elif subject.startswith(EXEMPT_PREFIXES):
            fixups = True
        commits.append(
            CommitFacts(commit.sha, commit.message, commit.parents, brings, reverts, edits)
        )
    known = history.subjects(cwd, context) if fixups else []
    return TieFacts(commits, tasks, known, warning, config.default_task)


def number_facts(
    cwd: Path | str,
    branch: str,
    number: str,
    tip: str,
    config: Config,
    record: Record | None,
    *,
    remotes: bool = True,
    files: CommitFiles | None = None,
    git_dir: str | None = None,
    pushed: Sequence[tuple[str, str]] = (),
    creating: bool | None = None,
) -> NumberFacts:
    """Who else claims ``number``: another hotfix branch, or the Branch field of the
    hotfix.md at ``tip`` naming another branch. ``record``: the record already read at
    ``tip`` (its Branch field); ``files``: ``tip``'s files when the caller has them open;
    ``git_dir``: the clone's git directory, to read the branch list from its files;
    ``pushed``: the other hotfix branches the same push brings, (branch, commit);
    ``creating``: on a server, whether the push creates ``branch`` (``numbers.judge``)."""
    from hotfix_hooks.core.branch import parse_branch
    from hotfix_hooks.incident import numbers
    from hotfix_hooks.policy.numbers import Claim

    prefix = config.branch_prefix
    if record is not None and record.facts.state != "missing":
        named = record.branch_field
        path = record.facts.path
        features = str(Path(path).parent.parent)
    else:
        with CommitFiles(cwd, tip) if files is None else nullcontext(files) as tree:
            features = str(features_rel(config, tree.is_dir))
            path = str(commit_doc_path(tree, config, number, HOTFIX_DOC))
            named = _branch_field(tree.read(path), path)
    extra = []
    if named and named != branch:
        other = parse_branch(named, prefix)
        if other is not None and other.number == number:
            since = numbers.doc_added(tip, path, str(cwd))
            extra.append(Claim(number, named, f"Branch field of {path}", since, True))
    verdict = numbers.judge(
        branch, number, prefix, features, tip=tip, remotes=remotes, cwd=str(cwd),
        extra=extra, git_dir=git_dir, tag_format=config.tag_format, pushed=pushed,
        creating=creating,
    )  # fmt: skip
    return NumberFacts(verdict.others, verdict.free, prefix)


def config_facts(tip: CommitFiles, base: str) -> ConfigFacts:
    """Whether the hotfix branch at ``tip`` changes our configuration from ``base`` (""
    when there is nothing to compare with), or makes it invalid."""
    from hotfix_hooks.config.commit import config_in
    from hotfix_hooks.config.settings import DEDICATED, PYPROJECT

    files = f"{DEDICATED} or [tool.hotfix-hooks] in {PYPROJECT}"
    try:
        pushed = config_in(tip).settings()
    except UsageError as exc:
        return ConfigFacts([], str(exc), base, tip.rev, files)
    if not base:
        return ConfigFacts([], "", base, tip.rev, files)
    try:
        before = config_in(tip.at(base)).settings()
    except UsageError:
        return ConfigFacts([], "", base, tip.rev, files)  # broken before: not this push's doing
    changed = sorted(key for key in pushed if pushed[key] != before.get(key))
    return ConfigFacts(changed, "", base, tip.rev, files)


def finished_facts(
    cwd: Path | str, number: str, config: Config, git_dir: str | None = None
) -> FinishedFacts | None:
    """The hotfix's tag (``tag_format``), when it exists: the hotfix was finished.
    ``git_dir``: where to read the tag from the ref files (see ``numbers.tag_exists``)."""
    from hotfix_hooks.core.branch import tag_name
    from hotfix_hooks.git.history import resolve
    from hotfix_hooks.incident.numbers import tag_exists

    tag = tag_name(config.tag_format, number)
    if not tag_exists(tag, cwd=str(cwd), git_dir=git_dir):
        return None
    return FinishedFacts(tag, resolve(cwd, f"refs/tags/{tag}"))


def _branch_field(data: bytes | None, name: str) -> str | None:
    if data is None:
        return None
    from hotfix_hooks.document.model import HotfixDocument

    try:
        doc = HotfixDocument.parse(data, name)
    except UsageError:
        return None
    return _field_of(doc)


def _field_of(doc: HotfixDocument) -> str | None:
    from hotfix_hooks.document import fields

    return (doc.field(fields.BRANCH) or "").strip() or None
