"""The one engine every enforcement point calls with its name (``policy/rules.POINTS``).

A point describes the hotfix it judges as a ``Scope`` (where git runs, the hotfix, the
commit, and where each fact lives); ``judge`` gathers from git only the facts that the
point's rules read (``policy/rules.WHERE``), runs exactly those rules, and returns their
violations. Printing is apart (``enforce/render``, ``enforce/github``, ``enforce/gitlab``).
"""

from __future__ import annotations

from pathlib import Path

from hotfix_hooks.enforce.gate import (
    Record,
    VerdictCache,
    config_facts,
    finished_facts,
    number_facts,
    read_plan,
    tie_facts,
)
from hotfix_hooks.git.blobs import CommitFiles
from hotfix_hooks.policy import rules
from hotfix_hooks.policy.rules import Facts, TieFacts, Violation

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from hotfix_hooks.config.settings import Config


class Scope:
    """One hotfix to judge at one commit, and where to find what its rules read.

    ``branch``: the hotfix branch ("" when unknown); ``into``: the branch a push brings the
    hotfix into, when it is not its own; ``files``: ``tip``'s files, when the caller has them
    open (every commit the rules read is read through them);
    ``claims``: whether ``branch`` is the hotfix's own branch, whose number is judged;
    ``records``: more places to read the record from, (rev, label), when ``tip`` has none
    (a backport carries the fix, not the docs); ``new``: the revisions listing the new
    commits (None: no tie to judge) and ``only``: just those of them; ``context``: the
    revisions listing the hotfix's commits (what a ``fixup!`` may target); ``unbounded``:
    why the new commits cannot be told, and the command that would tell them;
    ``config_base``: the commit whose configuration a hotfix branch must not change (""
    when there is none; None: not judged here); ``creates``: whether the push creates the
    hotfix's branch (a finished hotfix's is never re-created); ``published``: the new
    commits may be on the remote already (``check``), so a rewrite of them needs a force;
    ``pushed``: (branch, commit) of the other hotfix branches the same push brings;
    ``creating``: on a server, whether the push creates ``branch``, which then never takes
    the number of a branch the server has."""

    def __init__(
        self,
        cwd: Path | str,
        number: str,
        tip: str,
        config: Config,
        *,
        branch: str = "",
        into: str = "",
        push: str = "git push",
        files: CommitFiles | None = None,
        cache: VerdictCache | None = None,
        records: Sequence[tuple[str, str]] = (),
        new: Sequence[str] | None = None,
        only: set[str] | None = None,
        context: Sequence[str] = (),
        unbounded: tuple[str, str] | None = None,
        claims: bool = False,
        remotes: bool = True,
        git_dir: str | None = None,
        config_base: str | None = None,
        creates: bool = False,
        published: bool = False,
        pushed: Sequence[tuple[str, str]] = (),
        creating: bool | None = None,
    ) -> None:
        self.cwd = cwd
        self.number = number
        self.tip = tip
        self.config = config
        self.branch = branch
        self.into = into
        self.push = push
        self.files = files
        self.cache = cache
        self.records = records
        self.new = new
        self.only = only
        self.context = context
        self.unbounded = unbounded
        self.claims = claims
        self.remotes = remotes
        self.git_dir = git_dir
        self.config_base = config_base
        self.creates = creates
        self.published = published
        self.pushed = pushed
        self.creating = creating


class Judgment:
    """What one point found about one hotfix: the facts read, and the violations."""

    __slots__ = ("facts", "record", "violations")

    def __init__(self, facts: Facts, violations: list[Violation], record: Record | None) -> None:
        self.facts = facts
        self.violations = violations
        self.record = record

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "error"]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if v.severity != "error"]

    @property
    def passed(self) -> bool:
        return not self.errors

    def pushed_with(self, point: str, push: str) -> Judgment:
        """The same judgment with fixes that end in ``push`` (the rules run again on the
        facts already read: they are pure, and cheap)."""
        facts = self.facts._replace(push=push)
        return Judgment(facts, rules.run(point, facts), self.record)


def judge(point: str, scope: Scope) -> Judgment:
    """Run the rules of ``point`` on ``scope``, gathering only the facts they read: every
    commit's files through one ``git cat-file`` (``scope.files``'s, or one opened here)."""
    if scope.files is not None:
        return _judge(point, scope, scope.files)
    with CommitFiles(scope.cwd, scope.tip) as files:
        return _judge(point, scope, files)


def _judge(point: str, scope: Scope, files: CommitFiles) -> Judgment:
    needs = rules.needs(point)
    record = None
    if (
        "plan" in needs
        or ("claims" in needs and scope.claims)
        or ("tie" in needs and scope.new is not None)
    ):
        record = _record(scope, files)
    tie = None
    if "tie" in needs and scope.new is not None:
        if scope.unbounded:
            why, fix = scope.unbounded
            tie = TieFacts([], [], [], unbounded=why, unbounded_fix=fix)
        else:
            tie = tie_facts(
                scope.cwd, scope.new, scope.number, files.at(record.rev) if record else files,
                scope.config, scope.context, scope.only,
            )  # fmt: skip
    claims = None
    if "claims" in needs and scope.claims:
        claims = number_facts(
            scope.cwd, scope.branch, scope.number, scope.tip, scope.config,
            record if record is not None and record.rev == scope.tip else None,
            remotes=scope.remotes, files=files, git_dir=scope.git_dir, pushed=scope.pushed,
            creating=scope.creating,
        )  # fmt: skip
    config = None
    if "config" in needs and scope.config_base is not None:
        config = config_facts(files, scope.config_base)
    finished = None
    if "finished" in needs and scope.creates:
        finished = finished_facts(scope.cwd, scope.number, scope.config, scope.git_dir)
    facts = Facts(
        scope.number,
        scope.branch,
        scope.tip,
        scope.push,
        into=scope.into,
        plan=record.facts if record is not None and "plan" in needs else None,
        trigger_required=scope.config.rollback_trigger_required,
        tie=tie,
        claims=claims,
        config=config,
        finished=finished,
        published=scope.published,
    )
    return Judgment(facts, rules.run(point, facts), record)


def _record(scope: Scope, files: CommitFiles) -> Record:
    """The hotfix's record at ``tip``, else at the first of ``records`` that has one."""
    found = read_plan(files, scope.number, scope.config, scope.cache)
    if found.facts.state != "missing":
        return found
    for rev, label in scope.records:
        other = read_plan(files.at(rev), scope.number, scope.config)
        if other.facts.state != "missing":
            other.facts = other.facts._replace(source=label)
            return other
    return found


def judge_commit(
    point: str,
    cwd: Path | str,
    sha: str,
    number: str,
    config: Config,
    *,
    branch: str = "",
    push: str = "git push",
    new: Sequence[str] | None = None,
    files: CommitFiles | None = None,
    cache: VerdictCache | None = None,
) -> Judgment:
    """One hotfix at one commit, for the commands (``finish``, ``status``); ``files``: that
    commit's, when the caller has them open; ``cache``: the clone's passing verdicts (see
    ``VerdictCache``)."""
    scope = Scope(
        cwd, number, sha, config, branch=branch, push=push, new=new, context=new or (),
        files=files, cache=cache,
    )  # fmt: skip
    return judge(point, scope)
