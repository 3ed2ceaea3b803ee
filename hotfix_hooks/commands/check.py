from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from hotfix_hooks.config import settings as config_mod
from hotfix_hooks.config.commit import config_at
from hotfix_hooks.config.context import Context
from hotfix_hooks.core import ui
from hotfix_hooks.core.branch import parse_branch
from hotfix_hooks.core.errors import OK, POLICY_FAILED, UsageError
from hotfix_hooks.enforce import engine
from hotfix_hooks.enforce.github import under_github_actions, violation_annotations
from hotfix_hooks.enforce.reach import hotfixes_brought
from hotfix_hooks.enforce.render import as_json, refusal_lines, warning_lines
from hotfix_hooks.git.discover import require_repo
from hotfix_hooks.git.log import MalformedLog
from hotfix_hooks.git.refs import branch_of_ref, hotfix_refs
from hotfix_hooks.git.repository import Repository
from hotfix_hooks.policy.rules import tie_counts

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hotfix_hooks.config.settings import Config
    from hotfix_hooks.enforce.reach import Evidence

# Where CI systems name the branch of a detached checkout, pull-request sources first
# (some systems name the *target* in their plain branch variable on a pull request).
CI_BRANCH_VARIABLES = (
    "GITHUB_HEAD_REF",  # GitHub Actions, pull request
    "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",  # GitLab, merge request
    "SYSTEM_PULLREQUEST_SOURCEBRANCH",  # Azure Pipelines, pull request
    "CHANGE_BRANCH",  # Jenkins multibranch, pull request
    "BITBUCKET_BRANCH",  # Bitbucket Pipelines
    "BUILDKITE_BRANCH",  # Buildkite
    "DRONE_SOURCE_BRANCH",  # Drone, pull request source
    "CI_COMMIT_SOURCE_BRANCH",  # Woodpecker, pull request source
    "CIRCLE_BRANCH",  # CircleCI
    "GITHUB_REF_NAME",  # GitHub Actions, push (gh-readonly-queue/... in a merge queue)
    "CI_COMMIT_REF_NAME",  # GitLab
    "BUILD_SOURCEBRANCH",  # Azure Pipelines (refs/heads/..., refs/pull/N/merge on a PR)
    "DRONE_BRANCH",  # Drone
    "CI_COMMIT_BRANCH",  # Woodpecker, GitLab
    "BRANCH_NAME",  # Jenkins multibranch, TeamCity
    "GIT_BRANCH",  # Jenkins git plugin (origin/...)
)
MERGE_QUEUE = "gh-readonly-queue/"  # GitHub's merge queue: names the target, not the branch


# Where CI systems name the branch a pull request targets.
CI_TARGET_VARIABLES = (
    "GITHUB_BASE_REF",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
    "SYSTEM_PULLREQUEST_TARGETBRANCH",
    "CHANGE_TARGET",
    "BITBUCKET_PR_DESTINATION_BRANCH",
    "BUILDKITE_PULL_REQUEST_BASE_BRANCH",
    "DRONE_TARGET_BRANCH",
    "CI_COMMIT_TARGET_BRANCH",
)


def target_ref(repo: Repository) -> str | None:
    """The branch a pull request targets (a CI variable), else the remote's default
    branch (origin/HEAD), as a ref that exists here; None when there is none."""
    targets = [branch_of_ref(os.environ.get(name, "")) for name in CI_TARGET_VARIABLES]
    for target in [t for t in targets if t] + ["HEAD"]:
        for candidate in (f"refs/remotes/origin/{target}", f"refs/heads/{target}"):
            if target == "HEAD" and candidate.startswith("refs/heads/"):
                continue
            if repo.git("rev-parse", "--verify", "-q", f"{candidate}^{{commit}}", check=False):
                return candidate
    return None


def config_source(repo: Repository, sha: str, given: str | None) -> str | None:
    """The commit whose configuration judges ``sha``: ``--config-from``, else the merge
    base with the target branch a CI variable names, else with the remote's default
    branch; None (the working tree's) when none of these exists."""
    if given is not None:
        rev = repo.resolve(given)
        if not rev:
            raise UsageError(f"--config-from {given!r} is not a commit in this repository")
        return rev
    target = target_ref(repo)
    if target is None:
        return None
    return repo.git("merge-base", sha, target, check=False) or None


def named_branch(ctx: Context, branch: str | None) -> str | None:
    """The branch REV is on, as named: ``--branch``, the branch checked out, else a CI
    variable (a merge queue's and a pull request's merge ref name none)."""
    for candidate in [branch, ctx.branch] + [os.environ.get(v) for v in CI_BRANCH_VARIABLES]:
        if not candidate or candidate.startswith(("refs/pull/", "refs/merge-requests/")):
            continue
        name = branch_of_ref(candidate)
        if not name.startswith(MERGE_QUEUE):
            return name
    return None


def _branch_named(repo: Repository, rev: str) -> str | None:
    """The branch ``rev`` names (``hotfix/042-x``, ``origin/hotfix/042-x``), if any."""
    for ref, strip in ((f"refs/heads/{rev}", ""), (f"refs/remotes/{rev}", "/")):
        if repo.git("rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False):
            return rev.split(strip, 1)[1] if strip else rev
    return None


def _commit(repo: Repository, rev: str, what: str) -> str:
    sha = repo.git(
        "rev-parse", "--verify", "-q", "--end-of-options", f"{rev}^{{commit}}", check=False
    )
    if not sha:
        raise UsageError(f"{what}{rev!r} is not a commit in this repository")
    return sha


def _range(repo: Repository, spec: str) -> tuple[str, str]:
    """(base, tip) object ids of ``A..B``."""
    base, sep, tip = spec.partition("..")
    if not sep or tip.startswith(".") or not base or not tip:
        raise UsageError(f"--range {spec!r}: expected A..B (two commits)")
    return _commit(repo, base, f"--range {spec!r}: "), _commit(repo, tip, f"--range {spec!r}: ")


def _new_commits(repo: Repository, sha: str, base: str | None) -> tuple[list[str], list[str]]:
    """(revisions listing the commits to judge, what they exclude): A..B, else what REV
    adds over the CI target branch, else over origin/HEAD, else what REV itself brings
    (a merge: every commit its other parents bring)."""
    exclude = [base] if base else []
    if not exclude:
        target = target_ref(repo)
        parent = repo.git("rev-parse", "--verify", "-q", f"{sha}^1", check=False)
        exclude = [target] if target else [parent] if parent else []
    new = [sha, "--not", *exclude] if exclude else [sha]
    return new, exclude


class Checked:
    """One hotfix judged by ``check``: how it was found, and the judgment."""

    __slots__ = ("evidence", "judgment")

    def __init__(self, judgment: engine.Judgment, evidence: list[str]) -> None:
        self.judgment = judgment
        self.evidence = evidence

    def as_json(self) -> dict[str, object]:
        facts = self.judgment.facts
        plan = facts.plan
        verdict = plan.verdict if plan is not None else None
        counts = tie_counts(facts.tie) if facts.tie is not None else (0, 0)
        return {
            "hotfix": facts.number,
            "branch": facts.branch,
            "into": facts.into,
            "commit": facts.commit,
            "file": plan.path if plan is not None else None,
            "status": plan.status if plan is not None else None,
            "passed": self.judgment.passed,
            "rollback_plan": verdict.plan.text if verdict and verdict.plan.real else None,
            "rollback_trigger": verdict.trigger.text if verdict and verdict.trigger.real else None,
            "commits_checked": counts[0],
            "commits_exempt": counts[1],
            "evidence": self.evidence,
        }


def _judge(
    repo: Repository, config: Config, sha: str, named: str | None, base: str | None,
    source: str | None,
) -> tuple[list[Checked], dict[str, Evidence]]:  # fmt: skip
    """Every hotfix REV's commits belong to: the hotfix branch named, else every hotfix the
    commits bring (by trailer, directory or branch), each judged by the rules of ``check``."""
    new, exclude = _new_commits(repo, sha, base)
    hotfix = parse_branch(named, config.branch_prefix) if named else None
    if hotfix is not None:
        scope = engine.Scope(
            repo.root, hotfix.number, sha, config, branch=hotfix.name, new=new, context=new,
            claims=True, remotes=True, config_base=source or "", creates=True, published=True,
        )  # fmt: skip
        return [Checked(engine.judge("check", scope), ["branch"])], {}
    refs = hotfix_refs(config.branch_prefix, remotes=True, cwd=str(repo.root))
    found = hotfixes_brought(repo.root, new, exclude, _features(repo, config, sha), refs)
    checked = []
    for number, evidence in sorted(found.items()):
        own = [ref for ref in refs if ref.hotfix.number == number]
        records = [(ref.ref, f"as recorded on {ref.short}") for ref in own]
        records += [(rev, f"as recorded on {rev}") for rev in exclude[:1]]
        scope = engine.Scope(
            repo.root, number, sha, config, branch=own[0].branch if own else "",
            into=named or "", records=records, new=new, only=evidence.commits, context=new,
            published=True,
        )  # fmt: skip
        checked.append(Checked(engine.judge("check", scope), sorted(evidence.kinds)))
    return checked, found


def _features(repo: Repository, config: Config, sha: str) -> str:
    from hotfix_hooks.config.features import features_rel
    from hotfix_hooks.git.blobs import CommitFiles

    with CommitFiles(repo.root, sha) as files:
        return str(features_rel(config, files.is_dir))


def _strict_or_warn(strict: bool, problem: str) -> None:
    """A doubt about what to judge: a warning that passes, or with --strict an error
    (exit 1)."""
    if strict:
        ui.error(f"{problem} (--strict)")
        raise click.exceptions.Exit(POLICY_FAILED)
    ui.warn(f"{problem}; --strict makes this a failure")


def _rules(
    repo: Repository, sha: str, given: str | None, strict: bool
) -> tuple[Config, str | None]:
    source = config_source(repo, sha, given)
    if source is None and (strict or os.environ.get("CI")):
        _strict_or_warn(strict, _no_target(repo))
    return (config_at(repo.root, source) if source else config_mod.load(repo.root)), source


_MAIN_REFSPEC = "main:refs/remotes/origin/main"  # a single-branch clone fetches only its own


def _no_target(repo: Repository) -> str:
    """Why no target branch could be found, and how to give it one: a shallow or
    single-branch clone (what CI checkouts make) fetches only the branch judged."""
    shallow = repo.git("rev-parse", "--is-shallow-repository", check=False) == "true"
    what = "this clone is shallow and has" if shallow else "this clone has"
    fetch = ui.commands(
        ["git", "fetch", *(["--unshallow"] if shallow else []), "origin", _MAIN_REFSPEC],
        ["git", "remote", "set-head", "origin", "main"],
    )
    return (
        f"no target branch here ({what} no origin/HEAD, no CI target variable names a fetched "
        "branch, no --config-from): the rules would come from the change being judged. "
        f"Fetch the production branch first (for main: {fetch}), or pass --config-from REV"
    )


def _print(checked: list[Checked], sha: str) -> None:
    for item in checked:
        judgment = item.judgment
        facts = judgment.facts
        number = facts.number
        errors = {v.rule for v in judgment.errors}
        plan = facts.plan
        if plan is not None and "HH001" not in errors:
            real = plan.verdict is not None and plan.verdict.plan.real
            done = "has a rollback plan" if real else "is cancelled: it needs no plan"
            ui.emit(f"✓ hotfix {number}: {plan.path} at {sha[:10]} {done}")
        if judgment.passed:  # a refusal says what blocks the change, and only that
            for line in warning_lines(judgment.warnings):
                ui.warn(line)
        for line in refusal_lines(judgment.errors, action="gate for"):
            ui.emit(line, sys.stderr)
        if facts.tie is not None and "HH003" not in errors:
            count, exempt = tie_counts(facts.tie)
            more = f" ({exempt} exempt: merges, reverts, fixups)" if exempt else ""
            ui.emit(
                f"✓ hotfix {number}: {count} commit(s) each name a task{more}"
                if count
                else f"✓ hotfix {number}: no new commit to tie to a task{more}"
            )


def _gitlab(path: str, checked: list[Checked]) -> None:
    from hotfix_hooks.core.safe_files import replace_file
    from hotfix_hooks.enforce.gitlab import issue

    issues = []
    for item in checked:
        plan = item.judgment.facts.plan
        fallback = plan.path if plan is not None else "."
        issues += [issue(violation, fallback) for violation in item.judgment.violations]
    import json

    replace_file(Path(path), (json.dumps(issues, indent=2) + "\n").encode("utf-8"))


@click.command(short_help="Every rule the server runs, on a commit or a range, for CI.")
@click.argument("rev", default="HEAD")
@click.option(
    "--branch", help="The hotfix branch REV belongs to (default: from HEAD, CI, the commits)."
)
@click.option(
    "--range",
    "range_",
    metavar="A..B",
    help="Judge every commit of A..B, and B (instead of REV). Default: the commits REV adds "
    "over the CI target branch, else over origin/HEAD, else what REV itself brings.",
)
@click.option(
    "--config-from",
    metavar="REV",
    help="Take the rules from this commit (default: the merge base with the CI target "
    "branch, else with origin/HEAD), never from the change being judged.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 1) when the branch of REV cannot be told, when only a Hotfix: trailer "
    "ties a commit to a hotfix, or when the rules would come from the change itself.",
)
@click.option("--json", "as_json_", is_flag=True, help="Print the violations as JSON.")
@click.option(
    "--gitlab-codequality",
    "codequality",
    metavar="FILE",
    help="Also write the violations to FILE as a GitLab Code Quality report.",
)
def check(
    rev: str,
    branch: str | None,
    range_: str | None,
    config_from: str | None,
    strict: bool,
    as_json_: bool,
    codequality: str | None,
) -> None:
    """Every rule the server runs (hotfix-hooks rules lists them), for CI: on the hotfix
    branch REV is on, or on every hotfix whose commits REV brings.

    Exit 0 pass (or no hotfix), 1 a rule refused, 2 bad usage.

    Examples:

    \b
        hotfix-hooks check                   # HEAD, in a CI job
        hotfix-hooks check --strict --json
        hotfix-hooks check --range origin/main..HEAD
        hotfix-hooks check --gitlab-codequality gl-code-quality-report.json
    """
    repo = require_repo()
    base: str | None = None
    if range_ is not None:
        base, sha = _range(repo, range_)
        rev = range_
    else:
        sha = _commit(repo, rev, "")
    if branch is None and range_ is None:
        branch = _branch_named(repo, rev)  # `check hotfix/042-x`: REV names its branch
    config, source = _rules(repo, sha, config_from, strict)
    named = named_branch(Context(repo, config), branch)
    try:
        checked, found = _judge(repo, config, sha, named, base, source)
    except MalformedLog as exc:
        raise UsageError(f"cannot read the commits of {rev}: {exc}") from None
    failed = _strict_failures(strict, rev, named, found) if strict else False
    if not checked:
        bounded = base is not None or target_ref(repo) is not None
        _nothing(rev, named is not None or bounded, strict, as_json_)
    violations = [v for item in checked for v in item.judgment.violations]
    passed = not failed and all(item.judgment.passed for item in checked)
    if as_json_:
        click.echo(as_json(passed, [item.as_json() for item in checked], violations))
    else:
        _print(checked, sha)
    if under_github_actions():  # ::error file=...,line=...:: annotations on the PR
        for line in violation_annotations(repo.root, violations):
            ui.emit(line, sys.stderr if as_json_ else sys.stdout)
    if codequality:
        _gitlab(codequality, checked)
    raise click.exceptions.Exit(OK if passed else POLICY_FAILED)


def _strict_failures(strict: bool, rev: str, named: str | None, found: dict[str, Evidence]) -> bool:
    """--strict: a hotfix that only a ``Hotfix:`` trailer names is a failure (a commit can
    say anything; the branch, or the hotfix's own directory, must say it too)."""
    failed = False
    for number, evidence in sorted(found.items()):
        if evidence.trailer_only:
            ui.error(
                f"only a Hotfix: trailer ties {rev} to hotfix {number} (no hotfix branch, no "
                "change to its directory), and a commit can say anything: with --strict, "
                "pass --branch"
            )
            failed = True
    return failed


def _nothing(rev: str, known: bool, strict: bool, as_json_: bool) -> None:
    """No hotfix to judge: say why, and stop (exit 1 under --strict when it cannot tell)."""
    if not known:
        _strict_or_warn(
            strict,
            f"cannot tell which branch {rev} is on (no --branch, no checked-out branch, no "
            "CI branch variable) and it brings no hotfix's commits: not checked as a hotfix",
        )
    if as_json_:
        click.echo(as_json(True, [], []))
    else:
        ui.emit(f"{rev} is not on a hotfix branch and brings no hotfix: nothing to check")
    raise click.exceptions.Exit(OK)
