"""The rule book: every rule hotfix-hooks enforces, as data.

A rule has an id (``HH001``), a name (``rollback-plan``), a one-line summary, a longer
explanation (``hotfix-hooks rules HH001``), the facts it reads, and a check that turns those
facts into violations. Rules are pure: what they judge is handed to them (``Facts``, gathered
from git by ``enforce/engine``), and they return ``Violation`` values, never text for one
output: the renderers (``enforce/render``) turn the same violations into terminal text,
JSON, GitHub annotations and a GitLab Code Quality report.

``WHERE`` is the one table of which rule runs at which enforcement point; every point asks
``rules_at(point)`` and runs exactly those. CI (``check``) runs everything the server runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from hotfix_hooks.core.oid import is_zero
from hotfix_hooks.core.state import HotfixState, state_of
from hotfix_hooks.core.tie import postmortem_commit
from hotfix_hooks.core.ui import command, commands

if TYPE_CHECKING:
    from collections.abc import Callable

    from hotfix_hooks.policy.numbers import Claim
    from hotfix_hooks.policy.rollback_plan import Verdict

POINTS = ("pre-push", "pre-receive", "update", "check", "finish", "status")
POINT_HELP = {
    "pre-push": "the client's pre-push hook (skipped by --no-verify)",
    "pre-receive": "the server's hook (install --server): a refusal rejects the whole push",
    "update": "the server's per-ref hook (install --server --per-ref)",
    "check": "hotfix-hooks check, in CI: everything the server runs",
    "finish": "hotfix-hooks finish, before it merges anything",
    "status": "hotfix-hooks status, as warnings",
}


class Violation(NamedTuple):
    """One thing a rule found wrong, with where and how to fix it."""

    rule: str  # "HH001"
    file: str | None  # repository-relative
    line: int | None
    message: str  # what is wrong, one sentence
    fix: tuple[str, ...]  # what to do: a sentence, then commands that paste as they are
    severity: str = "error"  # or "warning": said, never refused
    hotfix: str = ""  # its number
    branch: str = ""  # the hotfix branch, or the branch a push brings it into
    commit: str = ""  # the commit judged
    details: tuple[str, ...] = ()  # more lines: what is missing, the commits at fault
    summary: str = ""  # a headline shared by the violations of one finding (HH003)
    into: str = ""  # the branch a push brings the hotfix into, when not its own


# -- what rules judge ---------------------------------------------------------------------


class PlanFacts(NamedTuple):
    """hotfix.md as recorded at the commit judged (or where the record was found)."""

    path: str
    state: str  # "ok", "missing" or "unreadable"
    verdict: Verdict | None
    status: str = ""  # its Status field
    plan_task: str = "T003"  # the task a commit of the plan names
    unreadable: str = ""  # why it could not be read
    source: str = ""  # where it was read, when not in the commit judged


class CommitFacts(NamedTuple):
    """A new commit, with what git says about the exemption its subject claims."""

    sha: str
    message: bytes
    parents: int
    brings_history: bool | None = None  # a merge: does a parent bring commits not there?
    reverts: bool | None = None  # a revert: does it undo the commit it names?
    # a merge: files it changes beyond what git merged (None: git cannot redo the merge)
    merge_edits: tuple[str, ...] | None = ()


class TieFacts(NamedTuple):
    commits: list[CommitFacts]  # the new commits
    tasks: list[tuple[str, str]]  # (ID, title) from tasks.md
    context: list[tuple[str, str]]  # (sha, subject) of the hotfix's commits, for fixup!s
    warning: str | None = None  # about tasks.md
    default_task: str | None = None
    unbounded: str = ""  # why the new commits cannot be told (nothing is then accepted)
    unbounded_fix: str = ""  # the command that would tell them


class NumberFacts(NamedTuple):
    others: list[Claim]  # the claims that make this branch move
    free: str
    prefix: str


class ConfigFacts(NamedTuple):
    changed: list[str]  # the keys the hotfix branch changes
    invalid: str  # why its configuration does not read
    base: str
    tip: str
    files: str  # where the configuration lives, for the message


class FinishedFacts(NamedTuple):
    """A hotfix whose tag exists: it was finished (``finish``), on the server or here."""

    tag: str
    commit: str  # what the tag points at (the null id: the push creates the tag)
    change: str = ""  # what a push does to the tag itself ("deletes it", "moves it to ...")


class Facts(NamedTuple):
    """One hotfix at one commit, as a point sees it. Facts a point's rules do not read
    are not gathered (None)."""

    number: str
    branch: str  # the hotfix branch ("" when a push brings the hotfix into another)
    commit: str
    push: str = "git push"  # what pushes from where the user is
    into: str = ""  # the branch a push brings the hotfix into, when not its own
    plan: PlanFacts | None = None
    trigger_required: bool = False
    tie: TieFacts | None = None
    claims: NumberFacts | None = None
    config: ConfigFacts | None = None
    finished: FinishedFacts | None = None
    published: bool = False  # the commits judged may be on the remote already (check, in CI)


# A rewritten branch the remote already has goes back with a force that never drops what
# this clone has not seen: --force-if-includes refuses when a fetch brought in a teammate's
# commit that was never merged or rebased here (git 2.30), where a bare --force-with-lease
# would take the fetched remote-tracking branch as its lease and delete that commit.
SAFE_FORCE_PUSH = "git push --force-with-lease --force-if-includes origin HEAD"


# -- the rules -----------------------------------------------------------------------------


def _cancelled(plan: PlanFacts | None) -> bool:
    return plan is not None and state_of(plan.status) is HotfixState.CANCELLED


def _short(sha: str) -> str:
    return sha[:10]


def _found(
    facts: Facts,
    rule: str,
    file: str | None,
    line: int | None,
    message: str,
    fix: tuple[str, ...],
    *,
    severity: str = "error",
    details: tuple[str, ...] = (),
    commit: str = "",
    summary: str = "",
) -> Violation:
    """A violation about the hotfix ``facts`` describe."""
    return Violation(
        rule, file, line, message, fix, severity, facts.number, facts.branch,
        commit or facts.commit, details, summary, facts.into,
    )  # fmt: skip


def check_plan(facts: Facts) -> list[Violation]:
    plan = facts.plan
    if plan is None or _cancelled(plan):
        return []
    commit = _commit_and_push(plan.path, f"{plan.plan_task}: rollback plan", facts.push)
    where = f" ({plan.source})" if plan.source else ""
    message = f"commit {_short(facts.commit)} has no real rollback plan{where}"
    verdict = plan.verdict
    if plan.state == "missing":
        line = None
        fix = (
            "on the hotfix branch, run hotfix-hooks scaffold (it creates the file if it is "
            "missing), write the Rollback Plan in it, then"
        )
        missing = f"{plan.path} does not exist in this commit (or is not a regular file)"
    elif verdict is None:
        line = None
        fix = "make it a readable hotfix document (UTF-8, within the limits), then"
        missing = plan.unreadable
    else:
        finding = verdict.plan
        if finding.real:
            return []
        line = finding.line
        fix = "write there how to roll back this hotfix, then"
        if not finding.found or not line:
            fix = "write how to roll back under a '**3. Rollback Plan**:' line in that file, then"
        missing = str(finding.problem)
    return [
        _found(
            facts, "HH001", plan.path, line, message, (fix, commit),
            details=(f"missing: {missing}",),
        )
    ]  # fmt: skip


def check_trigger(facts: Facts) -> list[Violation]:
    plan = facts.plan
    if plan is None or plan.verdict is None or _cancelled(plan):
        return []
    finding = plan.verdict.trigger
    if finding.real:
        return []
    required = facts.trigger_required
    fix = ["write when to roll back after '**Rollback Trigger**:' in that file"]
    if required:
        fix = [
            fix[0] + ", then",
            _commit_and_push(plan.path, f"{plan.plan_task}: rollback trigger", facts.push),
        ]
    return [
        _found(
            facts,
            "HH002",
            plan.path,
            finding.line,
            f"commit {_short(facts.commit)} has no rollback trigger"
            if required
            else str(finding.problem),
            tuple(fix),
            severity="error" if required else "warning",
            details=(f"missing: {finding.problem}",) if required else (),
        )
    ]


def check_tie(facts: Facts) -> list[Violation]:
    tie = facts.tie
    if tie is None:
        return []
    if tie.unbounded:
        return [
            _found(
                facts,
                "HH003",
                None,
                None,
                f"the new commits cannot be told: {tie.unbounded}",
                (
                    "the server's administrator records the production branch, in the "
                    "server's repository:",
                    tie.unbounded_fix or "hotfix-hooks server-config --set base_branch=main",
                ),
            )
        ]
    judged = [(commit, _tie_failure(commit, tie)) for commit in tie.commits]
    failures = [(commit, why) for commit, why in judged if why]
    if not failures:
        return []
    ids = ", ".join(task for task, _ in tie.tasks)
    checked = sum(1 for _, why in judged if why is not None)
    summary = (
        f"{len(failures)} of {checked} new commit(s) name no task of hotfix {facts.number} ({ids})."
    )
    oldest = _short(failures[-1][0].sha)  # git log lists the newest first
    fix = (
        "name a task in each of these messages (e.g. 'T001: guard null user'):",
        f"{command(['git', 'rebase', '-i', '--rebase-merges', oldest + '^'])}  (mark them "
        "'reword'), then, as only their messages may change: git diff --quiet ORIG_HEAD HEAD "
        f"&& {SAFE_FORCE_PUSH if facts.published else facts.push}",
        "(merges after them are redone; if the diff stops the push, the rebase changed more "
        "than messages: git reset --hard ORIG_HEAD puts the branch back)",
    )
    note = (f"note: {tie.warning}",) if tie.warning else ()
    out = []
    for commit, why in failures:
        subject = _subject(commit.message)
        shown = subject if subject.isprintable() else repr(subject)
        out.append(
            _found(
                facts,
                "HH003",
                None,
                None,
                f"commit {_short(commit.sha)} ({shown[:72] or 'empty message'}) names no task "
                f"of hotfix {facts.number} ({ids}): {why}",
                fix,
                commit=commit.sha,
                details=(f"{_short(commit.sha)} {shown[:60] or '(empty message)'}  [{why}]", *note),
                summary=summary,
            )
        )
    return out


def _subject(message: bytes) -> str:
    for line in message.split(b"\n"):
        if line.strip():
            return line.strip().decode("utf-8", "replace")
    return ""


def _tie_failure(commit: CommitFacts, tie: TieFacts) -> str | None:
    """Why ``commit`` breaks the tie ("" when it does not; None when it is exempt, as git
    confirms)."""
    from hotfix_hooks.policy import task_tie

    valid = {task for task, _ in tie.tasks}
    verdict = task_tie.judge(
        commit.message, valid, default_task=tie.default_task, merge=commit.parents > 1
    )
    refused = ""
    if verdict.kind == task_tie.EXEMPT:
        refused = exemption_refusal(verdict.exemption, commit, tie.context)
        if not refused:
            return None
        verdict = task_tie.judge(commit.message, valid, default_task=tie.default_task, exempt=False)
    if verdict.kind == task_tie.TIED:
        return ""
    if verdict.unknown:
        return f"unknown task {', '.join(verdict.unknown)}"
    return refused or "no task"


def tie_counts(tie: TieFacts) -> tuple[int, int]:
    """(the new commits that had to name a task, the exempt ones: merges, reverts and
    fixups git confirms)."""
    exempt = sum(1 for commit in tie.commits if _tie_failure(commit, tie) is None)
    return len(tie.commits) - exempt, exempt


def exemption_refusal(exemption: str, commit: CommitFacts, context: list[tuple[str, str]]) -> str:
    """Why a commit's claim to be exempt does not hold ("" when it does): a merge must bring
    history not already there, a revert must undo the commit it names, a ``fixup!``,
    ``squash!`` or ``amend!`` must target a commit of the same hotfix."""
    if exemption == "merge":
        if commit.parents > 2:  # git merge-tree merges two: what it did itself is not told
            return f"an octopus merge ({commit.parents} parents) is exempt from nothing, no task"
        if commit.merge_edits is None:
            return "a merge git cannot redo from its parents, no task"
        if commit.merge_edits:
            shown = ", ".join(commit.merge_edits[:3]) + (
                ", …" if len(commit.merge_edits) > 3 else ""
            )
            return f"a merge that also changes {shown} of its own, no task"
        return "" if commit.brings_history else "a merge that brings nothing new, no task"
    if exemption == "revert":
        return (
            ""
            if commit.reverts
            else "a revert that does not exactly undo the commit it names, no task"
        )
    target = _subject(commit.message)
    while True:
        head, _, rest = target.partition(" ")
        if head not in ("fixup!", "squash!", "amend!"):
            break
        target = rest.strip()
    if target and any(
        sha != commit.sha
        and (
            subject == target  # as git commit --fixup writes it: a prefix matched any "T..."
            or (len(target) >= 4 and all(c in "0123456789abcdef" for c in target)
                and sha.startswith(target))
        )
        for sha, subject in context
    ):  # fmt: skip
        return ""
    return f"{exemption} of no commit of this hotfix, no task"


def check_number(facts: Facts) -> list[Violation]:
    claims = facts.claims
    if claims is None or not claims.others:
        return []
    from hotfix_hooks.policy.numbers import conflict_lines, renamed

    branch = facts.branch
    lines = conflict_lines(branch, facts.number, claims.others, claims.free, claims.prefix, "-")
    target = renamed(branch, claims.prefix, claims.free)
    fix = [line.strip().removeprefix("fix:").strip() for line in lines[1:]]
    fix.append(f"and push that: {command(['git', 'push', '-u', 'origin', target])}")
    return [
        _found(
            facts,
            "HH004",
            None,
            None,
            lines[0].removeprefix("-: "),
            tuple(fix),
        )
    ]


def check_config(facts: Facts) -> list[Violation]:
    config = facts.config
    if config is None:
        return []
    if config.invalid:
        return [
            _found(
                facts,
                "HH005",
                None,
                None,
                f"its hotfix-hooks configuration is invalid: {config.invalid}",
                (f"restore {config.files} as it is on the production branch, then push again",),
            )
        ]
    if not config.changed:
        return []
    return [
        _found(
            facts,
            "HH005",
            None,
            None,
            f"it changes hotfix-hooks' configuration ({', '.join(config.changed)}) in "
            f"{config.files}.",
            ("undo that change in a new commit on the branch, then push again",),
            details=(
                "The rules that judge a hotfix are never taken from the hotfix itself: change them",
                "on the production branch, and on this server with `hotfix-hooks server-config`.",
                "see it: "
                + command(["git", "diff", _short(config.base), _short(config.tip), "--", *_FILES]),
            ),
        )
    ]


_FILES = [".hotfix-hooks.toml", "pyproject.toml"]


def check_finished(facts: Facts) -> list[Violation]:
    finished = facts.finished
    if finished is None:
        return []
    number, tag = facts.number, finished.tag
    details: tuple[str, ...] = ()
    if is_zero(finished.commit):  # no tag yet: this push makes it, as only finish may
        message = (
            f"tag {tag} says hotfix {number} is finished, and finish makes it: "
            f"this push {finished.change}."
        )
        fix = (
            "delete the tag where it was made (here it would say the hotfix is "
            "finished), and finish the hotfix once it is resolved; the tag comes with it:",
            f"{command(['git', 'tag', '-d', tag])}   later: hotfix-hooks finish --push",
        )
    elif finished.change:
        message = (
            f"hotfix {number} is finished (tag {tag} at {_short(finished.commit)} on this "
            f"server): this push {finished.change}, and a finished hotfix's tag stays where "
            "finish put it."
        )
        fix = (
            "nothing was changed; a tag made by mistake is removed by the server's "
            "administrator, in the server's repository:",
            command(["git", "tag", "-d", tag]),
        )
    else:
        message = (
            f"hotfix {number} is finished (tag {tag} at {_short(finished.commit)} on "
            "this server): its branch is not re-created and its number is never reused."
        )
        fix = (
            "work that belongs to it (the post-mortem, a backport of the same fix) goes on "
            "any other branch, tied by its subject:",
            postmortem_commit(number),
        )
        details = ("A new emergency is a new hotfix: hotfix-hooks new (with its title)",)
    return [_found(facts, "HH006", None, None, message, fix, details=details)]


def _commit_and_push(path: str, message: str, push: str) -> str:
    return f"{commands(['git', 'add', '--', path], ['git', 'commit', '-m', message])} && {push}"


class Rule(NamedTuple):
    id: str
    name: str
    summary: str  # one line: what it checks
    explanation: str  # what passes, what does not, and how to fix it
    needs: frozenset[str]  # the facts it reads
    check: Callable[[Facts], list[Violation]]


RULES = (
    Rule(
        "HH001",
        "rollback-plan",
        "hotfix.md in the commit holds a real Rollback Plan (a cancelled hotfix needs none)",
        "The Rollback Plan of the hotfix's hotfix.md, as recorded in the commit judged (never "
        "the working tree), must hold at least one step a reader can follow: a command or "
        "code line, a link to a runbook, or a sentence that says what to do to what "
        "('Redeploy v1.4.2', 'git revert abc1234', 'flag checkout_v2 off'). Placeholders, "
        "template hints, hidden or struck-out text and vague text ('revert later', 'see "
        "slack', 'idk') are refused. Fix: write the plan under the Rollback Plan label, "
        "commit it (naming the task that carries it, T003) and push again.",
        frozenset({"plan"}),
        check_plan,
    ),
    Rule(
        "HH002",
        "rollback-trigger",
        "the Rollback Trigger says when to roll back (refused with rollback_trigger_required)",
        "The Rollback Trigger must say when to roll back ('5xx > 2 % for 5 minutes'). Without "
        "one, a warning; with rollback_trigger_required = true in the configuration, a "
        "refusal. A cancelled hotfix needs none.",
        frozenset({"plan"}),
        check_trigger,
    ),
    Rule(
        "HH003",
        "task-tie",
        "every new commit of a hotfix names one of its tasks (exemptions checked)",
        "Every commit a push (or a pull request) adds to a hotfix, on its branch or on any "
        "branch it reaches (by its Hotfix: trailer, by changing the hotfix's directory, or "
        "by bringing its branch), must name a task of that hotfix (T001: ...). Exempt only "
        "when git confirms it: a merge that brings in history not already there and changes "
        "nothing git did not merge (a conflict's resolution aside), a revert "
        "that undoes the commit it names, a fixup!/squash!/amend! of a commit of the same "
        "hotfix. Fix: reword the commits (git rebase -i, 'reword') and push again.",
        frozenset({"tie"}),
        check_tie,
    ),
    Rule(
        "HH004",
        "one-number",
        "a hotfix number belongs to one incident: no second branch shares it",
        "A hotfix number already held by another hotfix branch (on the server, a remote or "
        "here) or named by an existing hotfix.md is never shared: the branch whose docs were "
        "committed first keeps it, every other one moves to the next free number. Fix: "
        "rename the branch (git branch -m), hotfix-hooks scaffold, push the new name.",
        frozenset({"claims"}),
        check_number,
    ),
    Rule(
        "HH005",
        "config-change",
        "a hotfix branch never changes the configuration that judges it",
        "A hotfix branch may not change hotfix-hooks' configuration (.hotfix-hooks.toml or "
        "[tool.hotfix-hooks] in pyproject.toml), nor make it invalid: the rules that judge a "
        "change are never read from that change. Fix: undo the change on the branch; change "
        "the rules on the production branch, and on the server with hotfix-hooks "
        "server-config.",
        frozenset({"config"}),
        check_config,
    ),
    Rule(
        "HH006",
        "finished",
        "a finished hotfix (its tag exists) stays finished: its branch is never re-created, "
        "its tag never deleted or moved (nor made but by finish)",
        "A push that creates a branch of a hotfix whose tag (tag_format, hotfix-NNN) exists is "
        "refused: the hotfix was finished, its branch deleted, and its number is never "
        "reused. So is a push that deletes or moves that tag, or creates it on a commit "
        "whose record of the hotfix does not say Resolved (on the server). Work that "
        "still belongs to it (the post-mortem, a backport) goes on any other branch, tied by "
        "its subject (042/T007: ...); a new emergency is a new hotfix (hotfix-hooks new).",
        frozenset({"finished"}),
        check_finished,
    ),
)
BY_ID = {rule.id: rule for rule in RULES}
BY_NAME = {rule.name: rule for rule in RULES}

# The one table of where each rule runs. The server (pre-receive, update) and CI (check)
# run every rule; the client's pre-push runs what it can judge cheaply before the server
# does (commit-msg ties each commit as it is made, by the same policy/task_tie); finish and
# status judge the plan and the trigger at HEAD (status warns of a shared number from the
# working tree as well, where nothing is committed yet).
WHERE: dict[str, tuple[str, ...]] = {
    "HH001": ("pre-push", "pre-receive", "update", "check", "finish", "status"),
    "HH002": ("pre-push", "pre-receive", "update", "check", "finish", "status"),
    "HH003": ("pre-receive", "update", "check"),
    "HH004": ("pre-push", "pre-receive", "update", "check"),
    "HH005": ("pre-receive", "update", "check"),
    "HH006": ("pre-receive", "update", "check"),
}


def rules_at(point: str) -> tuple[Rule, ...]:
    """The rules ``point`` runs, in the rule book's order."""
    if point not in POINTS:
        raise ValueError(f"unknown enforcement point {point!r}")
    return tuple(rule for rule in RULES if point in WHERE[rule.id])


def find_rule(key: str) -> Rule | None:
    """A rule by id (``HH001``, any case) or by name (``rollback-plan``)."""
    return BY_ID.get(key.upper()) or BY_NAME.get(key.lower())


def run(point: str, facts: Facts) -> list[Violation]:
    """Every violation the rules of ``point`` find in ``facts``."""
    return [violation for rule in rules_at(point) for violation in rule.check(facts)]


def needs(point: str) -> frozenset[str]:
    """The facts the rules of ``point`` read: the only ones worth gathering."""
    return frozenset().union(*(rule.needs for rule in rules_at(point)))
