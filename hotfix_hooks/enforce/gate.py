"""The server and CI gates: the rollback plan in one commit's tree (never the working
tree), and the task tie over the commits a push or a pull request adds."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path, PurePosixPath

from hotfix_hooks.config.commit import commit_config
from hotfix_hooks.config.features import features_rel
from hotfix_hooks.core import ui
from hotfix_hooks.core.errors import UsageError
from hotfix_hooks.git.blobs import CommitFiles
from hotfix_hooks.incident.location import HOTFIX_DOC, commit_doc_path, commit_tasks
from hotfix_hooks.policy.rollback_plan import Finding, Verdict, judge

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from hotfix_hooks.config.settings import Config
    from hotfix_hooks.document.model import HotfixDocument
    from hotfix_hooks.policy.task_tie import Verdict as TieVerdict


class GateResult:
    """The gate on one commit. (A plain class: a dataclass would cost the hooks a millisecond
    to define; see policy/rollback_plan.)"""

    __slots__ = (
        "branch",
        "branch_field",
        "commit",
        "exists",
        "number",
        "path",
        "unreadable",
        "verdict",
    )  # fmt: skip

    def __init__(
        self,
        number: str,
        commit: str,
        path: PurePosixPath,
        exists: bool,
        verdict: Verdict | None,
        branch: str = "",
        unreadable: str = "",  # why the file could not be read as a hotfix document
        branch_field: str | None = None,  # its Branch field, read with the verdict
    ) -> None:
        self.number = number
        self.commit = commit
        self.path = path
        self.exists = exists
        self.verdict = verdict
        self.branch = branch
        self.unreadable = unreadable
        self.branch_field = branch_field

    @property
    def passed(self) -> bool:
        return self.exists and self.verdict is not None and self.verdict.passed

    @property
    def problems(self) -> list[str]:
        if not self.exists:
            return [f"{self.path} does not exist in this commit (or is not a regular file)"]
        if self.verdict is None:
            return [self.unreadable]
        return self.verdict.problems

    def as_json(self) -> dict[str, object]:
        verdict = self.verdict
        return {
            "hotfix": self.number,
            "branch": self.branch,
            "commit": self.commit,
            "file": str(self.path),
            "passed": self.passed,
            "problems": self.problems,
            "warnings": verdict.warnings if verdict else [],
            "rollback_plan": verdict.plan.text if verdict and verdict.plan.real else None,
            "rollback_trigger": verdict.trigger.text if verdict and verdict.trigger.real else None,
        }

    def dumps(self) -> str:
        import json

        return json.dumps(self.as_json(), indent=2)


def check_files(
    files: CommitFiles,
    number: str,
    commit: str,
    config: Config | None = None,
    cache: VerdictCache | None = None,
) -> GateResult:
    """``config`` None: read it from the commit itself (the server does). ``cache``: the
    client's passing verdicts by blob id (pre-push only; the server judges every time)."""
    cfg = commit_config(files) if config is None else config
    path = commit_doc_path(files, cfg, number, HOTFIX_DOC)
    blob = files.file_id(str(path))
    if blob is None:
        return GateResult(number, commit, path, False, None)
    required = cfg.rollback_trigger_required
    cached = cache.get(blob, required) if cache is not None else None
    if cached is not None:
        return GateResult(number, commit, path, True, cached[0], branch_field=cached[1])
    try:
        data = files.read(str(path))
    except UsageError as exc:  # larger than we read: never held whole
        return GateResult(number, commit, path, True, None, unreadable=str(exc))
    if data is None:
        return GateResult(number, commit, path, False, None)
    from hotfix_hooks.document.model import HotfixDocument  # markdown-it: only to judge

    try:
        doc = HotfixDocument.parse(data, str(path))
    except UsageError as exc:  # not UTF-8, or larger than we read
        return GateResult(number, commit, path, True, None, unreadable=str(exc))
    verdict = judge(doc, trigger_required=required)
    branch_field = _field_of(doc)
    if cache is not None and verdict.passed:
        cache.put(blob, verdict, branch_field)
    return GateResult(number, commit, path, True, verdict, branch_field=branch_field)


class VerdictCache:
    """Passing verdicts on hotfix.md blobs, in the clone's git directory: the same blob
    under the same rules is judged once, so pushes that do not touch hotfix.md skip the
    CommonMark parser (~90 ms to import). Local only: nothing pushed can write it, and the
    server never reads it. A missing or unreadable entry just means judging again.

    An entry is ASCII text, one value a line (not JSON: importing json would cost the hook
    more than reading the entry): the plan's and the trigger's findings, then the Branch
    field."""

    FORMAT = "hotfix-hooks verdict 2"
    VALUES = 2 * len(Finding._fields) + 1  # the plan's, the trigger's, the Branch field

    def __init__(self, git_dir: str) -> None:
        from hotfix_hooks import __version__

        self.directory = Path(git_dir) / "hotfix-hooks" / "verdicts"
        self.version = __version__

    def _path(self, blob: str, required: bool) -> Path:
        return self.directory / f"{blob}-{'t' if required else 'f'}-{self.version}"

    def get(self, blob: str, required: bool) -> tuple[Verdict, str | None] | None:
        """(the verdict, the Branch field) remembered for ``blob``; None if none."""
        try:
            with open(self._path(blob, required), encoding="ascii") as handle:
                lines = handle.read().split("\n")
            # the format's line, a line per value, and the "" after the last newline
            if lines[0] != self.FORMAT or len(lines) != self.VALUES + 2 or lines[-1]:
                return None
            values = [_cache_value(line) for line in lines[1:-1]]
        # UnicodeDecodeError is a ValueError; an unknown escape warns (an error under -W error)
        except (OSError, ValueError, Warning):
            return None
        half = len(Finding._fields)
        plan, trigger = _finding(values[:half]), _finding(values[half:-1])
        branch = values[-1]
        if plan is None or trigger is None or not (branch is None or isinstance(branch, str)):
            return None
        verdict = Verdict(plan, trigger, required)
        return (verdict, branch) if verdict.passed else None

    def put(self, blob: str, verdict: Verdict, branch: str | None) -> None:
        from hotfix_hooks.core.safe_files import replace_file

        values = (*verdict.plan, *verdict.trigger, branch)
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


def _finding(values: list[str | int | bool | None]) -> Finding | None:
    name, found, real, text, line, note = values
    if not (
        isinstance(name, str)
        and isinstance(found, bool)
        and isinstance(real, bool)
        and isinstance(text, str)
        and (line is None or (isinstance(line, int) and not isinstance(line, bool)))
        and (note is None or isinstance(note, str))
    ):
        return None
    return Finding(name, found, real, text, line, note)


def plan_task_at(files: CommitFiles, number: str, config: Config) -> str:
    """The task a commit of the rollback plan should name, from tasks.md in that commit."""
    from hotfix_hooks.document.tasks import plan_task

    tasks, _ = commit_tasks(files, config, number)
    return plan_task(tasks)


def check_commit(
    cwd: Path | str, rev: str, number: str, config: Config | None = None
) -> GateResult:
    with CommitFiles(cwd, rev) as files:
        return check_files(files, number, rev, config)


def failure_lines(
    result: GateResult,
    short: str,
    action: str = "push of",
    push: str = "git push",
    task: str = "T003",
) -> list[str]:
    """What to tell the pusher (or CI, ``action="gate for"``) when the gate fails:
    ``push`` is the command that works from there (``git push -u origin HEAD`` for a
    branch without an upstream), ``task`` the task the plan's commit names."""
    lines = [
        f"{action} {result.branch or 'hotfix ' + result.number} refused: "
        f"commit {short} has no real rollback plan.",
    ]
    add = ["git", "add", "--", str(result.path)]
    commit = f"{ui.commands(add, ['git', 'commit', '-m', f'{task}: rollback plan'])} && {push}"
    plan = result.verdict.plan if result.verdict is not None else None
    if not result.exists:
        lines += [f"  file: {result.path}"]
        lines += [f"  missing: {problem}" for problem in result.problems]
        lines += [
            "  fix: on the hotfix branch, run hotfix-hooks scaffold (it creates the file if it "
            "is missing), write the Rollback Plan in it, then",
        ]
    elif plan is not None and plan.found and plan.line:
        lines += [f"  file: {result.path}, line {plan.line} ({plan.name})"]
        lines += [f"  missing: {problem}" for problem in result.problems]
        lines += ["  fix: write there how to roll back this hotfix, then"]
    else:
        lines += [f"  file: {result.path}"]
        lines += [f"  missing: {problem}" for problem in result.problems]
        lines += [
            "  fix: write how to roll back under a '**3. Rollback Plan**:' line in that file, then",
        ]
    lines += [f"       {commit}"]
    return lines


class TieResult:
    """The task tie over a set of new commits: the ones that break it."""

    __slots__ = ("checked", "exempt", "failures", "number", "tasks", "warning")

    def __init__(
        self,
        number: str,
        checked: int,
        failures: list[tuple[str, TieVerdict]],  # (sha, verdict)
        tasks: list[tuple[str, str]],
        warning: str | None = None,
        exempt: int = 0,
    ) -> None:
        self.number = number
        self.checked = checked  # the commits that had to name a task
        self.exempt = exempt  # merges, reverts, fixup!/squash!/amend!: not counted above
        self.failures = failures
        self.tasks = tasks
        self.warning = warning

    @property
    def passed(self) -> bool:
        return not self.failures

    def as_json(self) -> dict[str, object]:
        return {
            "checked": self.checked,
            "exempt": self.exempt,
            "passed": self.passed,
            "failures": [
                {
                    "commit": sha,
                    "subject": verdict.subject.decode("utf-8", "replace"),
                    "unknown": verdict.unknown,
                }
                for sha, verdict in self.failures
            ],
        }


def check_ties(
    cwd: Path | str, revs: Sequence[str], number: str, tip: str, config: Config
) -> TieResult:
    """Every non-merge commit ``git log REVS`` lists must name a task of hotfix ``number``
    (tasks.md at ``tip``, else the seed's); one ``git log`` for all of them."""
    from hotfix_hooks.git.log import commit_messages
    from hotfix_hooks.policy import task_tie

    if not config.require_task:
        return TieResult(number, 0, [], [])
    with CommitFiles(cwd, tip) as files:
        tasks, warning = commit_tasks(files, config, number)
    valid = {task for task, _ in tasks}
    commits = commit_messages(cwd, revs)
    failures = []
    exempt = 0
    for commit in commits:
        verdict = task_tie.judge(
            commit.message,
            valid,
            require_task=True,
            default_task=config.default_task,
            merge=commit.parents > 1,
        )
        if verdict.kind in (task_tie.UNNAMED, task_tie.UNKNOWN, task_tie.EMPTY):
            failures.append((commit.sha, verdict))
        elif verdict.kind == task_tie.EXEMPT:
            exempt += 1
    return TieResult(number, len(commits) - exempt, failures, tasks, warning, exempt)


SHOWN_FAILURES = 10


def tie_failure_lines(result: TieResult, where: str, action: str = "push of") -> list[str]:
    """What to tell the pusher (or CI) when commits name no task of the hotfix."""
    count = len(result.failures)
    ids = ", ".join(task for task, _ in result.tasks)
    lines = [
        f"{action} {where} refused: {count} of {result.checked} new commit(s) name no task "
        f"of hotfix {result.number} ({ids}).",
    ]
    for sha, verdict in result.failures[:SHOWN_FAILURES]:
        subject = verdict.subject.decode("utf-8", "replace")
        subject = subject if subject.isprintable() else repr(subject)
        why = f"unknown task {', '.join(verdict.unknown)}" if verdict.unknown else "no task"
        lines.append(f"  {sha[:10]} {subject[:60] or '(empty message)'}  [{why}]")
    if count > SHOWN_FAILURES:
        lines.append(f"  ... and {count - SHOWN_FAILURES} more")
    if result.warning:
        lines.append(f"  note: {result.warning}")
    oldest = result.failures[-1][0][:10]  # git log lists the newest first
    lines += [
        "  fix: name a task in each of these messages (e.g. 'T001: guard null user'):",
        f"       {ui.command(['git', 'rebase', '-i', oldest + '^'])}  (mark them 'reword'), "
        "then: git push --force-with-lease origin HEAD",
    ]
    return lines


def number_conflict_lines(
    cwd: Path | str,
    branch: str,
    number: str,
    tip: str,
    config: Config,
    *,
    remotes: bool = True,
    action: str = "push of",
    judged: GateResult | None = None,
    files: CommitFiles | None = None,
    git_dir: str | None = None,
) -> list[str]:
    """Why ``branch`` may not be pushed under its number (nothing when it may): another
    hotfix branch, or the ``Branch`` field of the hotfix.md at ``tip``, holds it.
    ``judged``: the gate's result on ``tip``, whose Branch field is read already.
    ``files``: ``tip``'s files, when the caller has them open. ``git_dir``: the clone's
    git directory, to read the branch list from its files (a client's pre-push)."""
    from hotfix_hooks.core.branch import parse_branch
    from hotfix_hooks.incident import numbers
    from hotfix_hooks.policy.numbers import Claim, conflict_lines, renamed

    prefix = config.branch_prefix
    if judged is not None and judged.exists:
        named = judged.branch_field
        path = judged.path
        features = str(path.parent.parent)
    else:
        with CommitFiles(cwd, tip) if files is None else nullcontext(files) as tree:
            features = str(features_rel(config, tree.is_dir))
            path = commit_doc_path(tree, config, number, HOTFIX_DOC)
            named = _branch_field(tree.read(str(path)), str(path))
    extra = []
    if named and named != branch:
        other = parse_branch(named, prefix)
        if other is not None and other.number == number:
            since = numbers.doc_added(tip, str(path), str(cwd))
            extra.append(Claim(number, named, f"Branch field of {path}", since, True))
    verdict = numbers.judge(
        branch,
        number,
        prefix,
        features,
        tip=tip,
        remotes=remotes,
        cwd=str(cwd),
        extra=extra,
        git_dir=git_dir,
        tag_format=config.tag_format,
    )
    if not verdict.others:
        return []
    lines = conflict_lines(
        branch, number, verdict.others, verdict.free, prefix, f"{action} {branch} refused"
    )
    push = ui.command(["git", "push", "-u", "origin", renamed(branch, prefix, verdict.free)])
    lines.append(f"       and push that: {push}")
    return lines


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
