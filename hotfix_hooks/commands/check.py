from __future__ import annotations

import json
import os
import sys

import click

from hotfix_hooks.config import settings as config_mod
from hotfix_hooks.config.commit import config_at
from hotfix_hooks.config.context import Context
from hotfix_hooks.core import ui
from hotfix_hooks.core.branch import HotfixBranch, parse_branch
from hotfix_hooks.core.errors import OK, POLICY_FAILED, UsageError
from hotfix_hooks.enforce.gate import check_commit, check_ties, failure_lines, tie_failure_lines
from hotfix_hooks.enforce.github import check_annotations, under_github_actions
from hotfix_hooks.git.discover import require_repo
from hotfix_hooks.git.log import MalformedLog, trailer_log
from hotfix_hooks.git.refs import branch_of_ref
from hotfix_hooks.git.repository import Repository

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


def _trailer_hotfix(ctx: Context, rev: str) -> HotfixBranch | None:
    prefix = ctx.config.branch_prefix
    commits = trailer_log(ctx.repo, f"{rev}^!")  # that commit alone, by the one trailer reader
    number = commits[0].hotfixes[0] if commits and commits[0].hotfixes else ""
    return parse_branch(f"{prefix}{number}", prefix) if number.isdigit() else None


def hotfix_of_commit(
    ctx: Context, sha: str, branch: str | None
) -> tuple[HotfixBranch | None, bool]:
    """(the hotfix a commit belongs to, whether the branch could be told at all): the
    branch given or checked out, a CI variable, the commit's own ``Hotfix:`` trailer,
    else, when nothing names a branch (GitHub's merge queue names only the target), a
    merge commit's merged-in parents' trailers."""
    prefix = ctx.config.branch_prefix
    candidates = [branch, ctx.branch] + [os.environ.get(v) for v in CI_BRANCH_VARIABLES]
    known = False
    for candidate in candidates:
        if not candidate or candidate.startswith(("refs/pull/", "refs/merge-requests/")):
            continue
        name = branch_of_ref(candidate)
        if name.startswith(MERGE_QUEUE):
            continue
        known = True
        hotfix = parse_branch(name, prefix)
        if hotfix is not None:
            return hotfix, True
    found = _trailer_hotfix(ctx, sha)
    if found is not None:
        return found, True
    if known:
        return None, True
    parents = ctx.repo.git("rev-list", "--no-walk", "--parents", sha).split()[1:]
    for parent in parents[1:]:  # the merged-in side of a merge commit
        found = _trailer_hotfix(ctx, parent)
        if found is not None:
            return found, True
    return None, known


def _branch_named(repo: Repository, rev: str) -> str | None:
    """The branch ``rev`` names (``hotfix/042-x``, ``origin/hotfix/042-x``), if any."""
    for ref, strip in ((f"refs/heads/{rev}", ""), (f"refs/remotes/{rev}", "/")):
        if repo.git("rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False):
            return rev.split(strip, 1)[1] if strip else rev
    return None


def _range(repo: Repository, spec: str) -> tuple[str, str]:
    """(base, tip) object ids of ``A..B``."""
    base, sep, tip = spec.partition("..")
    if not sep or tip.startswith(".") or not base or not tip:
        raise UsageError(f"--range {spec!r}: expected A..B (two commits)")
    out = []
    for rev in (base, tip):
        sha = repo.git(
            "rev-parse", "--verify", "-q", "--end-of-options", f"{rev}^{{commit}}", check=False
        )
        if not sha:
            raise UsageError(f"--range {spec!r}: {rev!r} is not a commit in this repository")
        out.append(sha)
    return out[0], out[1]


def _strict_or_warn(strict: bool, problem: str) -> None:
    """A doubt about what to judge: a warning that passes, or with --strict an error
    (exit 1)."""
    if strict:
        ui.error(f"{problem} (--strict)")
        raise click.exceptions.Exit(POLICY_FAILED)
    ui.warn(f"{problem}; --strict makes this a failure")


@click.command(short_help="The rollback-plan gate and the task tie, for CI.")
@click.argument("rev", default="HEAD")
@click.option(
    "--branch", help="The hotfix branch REV belongs to (default: from HEAD, CI, trailers)."
)
@click.option(
    "--range",
    "range_",
    metavar="A..B",
    help="Tie every commit of A..B to a task, and gate B (instead of REV). Default: "
    "the commits REV adds over the CI target branch, else over origin/HEAD, else REV alone.",
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
    help="Fail (exit 1) when the branch of REV cannot be told, or when the rules would come "
    "from the change itself (no --config-from, no target branch).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
def check(  # noqa: C901 - split up by issues 18 and 20
    rev: str,
    branch: str | None,
    range_: str | None,
    config_from: str | None,
    strict: bool,
    as_json: bool,
) -> None:
    """The rollback-plan gate on one commit (default HEAD), and the task tie on every
    commit the hotfix branch adds, for CI.

    Exit 0 pass (or not a hotfix commit), 1 fail, 2 bad usage.

    Examples:

    \b
        hotfix-hooks check                   # HEAD, in a CI job
        hotfix-hooks check --strict --json
        hotfix-hooks check --range origin/main..HEAD
    """
    repo = require_repo()
    base: str | None = None
    if range_ is not None:
        base, sha = _range(repo, range_)
        rev = range_
    else:
        sha = repo.git(
            "rev-parse", "--verify", "-q", "--end-of-options", f"{rev}^{{commit}}", check=False
        )
        if not sha:
            raise UsageError(f"{rev!r} is not a commit in this repository")
    if branch is None and range_ is None:
        branch = _branch_named(repo, rev)  # `check hotfix/042-x`: REV names its branch
    source = config_source(repo, sha, config_from)
    if source is None and (strict or os.environ.get("CI")):
        _strict_or_warn(
            strict,
            "no target branch here (no --config-from, no CI target variable naming a fetched "
            "branch, no origin/HEAD): the rules come from the change being judged",
        )
    config = config_at(repo.root, source) if source else config_mod.load(repo.root)
    ctx = Context(repo, config)
    hotfix, known = hotfix_of_commit(ctx, sha, branch)
    named = branch or ctx.branch or any(os.environ.get(v) for v in CI_BRANCH_VARIABLES)
    if strict and hotfix is not None and not named:
        ui.error(
            f"only the commit's own Hotfix: trailer says {rev} belongs to hotfix "
            f"{hotfix.number}, and a commit can say anything: with --strict, pass --branch"
        )
        raise click.exceptions.Exit(POLICY_FAILED)
    if hotfix is None:
        if not known:
            _strict_or_warn(
                strict,
                f"cannot tell which branch {rev} is on (no --branch, no checked-out branch, no "
                "CI branch variable, no Hotfix: trailer): not checked as a hotfix",
            )
        if as_json:
            click.echo('{"hotfix": null, "passed": true, "problems": []}')
        else:
            ui.emit(f"{rev} is not on a hotfix branch: nothing to check")
        raise click.exceptions.Exit(OK)
    if base is None:
        target = target_ref(repo)
        revs = [sha, "--not", target] if target else [sha, "--max-count=1"]
    else:
        revs = [sha, "--not", base]
    result = check_commit(ctx.repo.root, sha, hotfix.number, ctx.config)
    result.branch = hotfix.name if branch or ctx.hotfix() else ""
    try:
        ties = check_ties(ctx.repo.root, revs, hotfix.number, sha, ctx.config)
    except MalformedLog as exc:
        raise UsageError(f"cannot read the commits of {rev}: {exc}") from None
    passed = result.passed and ties.passed
    where = result.branch or f"hotfix {hotfix.number}"
    if as_json:
        data = result.as_json()
        data["rollback_plan_passed"] = data["passed"]
        data["passed"] = passed
        data["task_tie"] = ties.as_json()
        # "##[" only occurs inside JSON strings, where "#\u0023[" means the same: a CI log
        # must not read it as the old form of a workflow command (`##[stop-commands]`)
        click.echo(json.dumps(data, indent=2).replace("##[", "#\\u0023["))
    else:
        if result.passed:
            assert result.verdict is not None
            ui.emit(f"✓ hotfix {hotfix.number}: {result.path} at {sha[:10]} has a rollback plan")
            at = result.verdict.trigger.line
            where = f"{result.path}, line {at}" if at else str(result.path)
            for warning in result.verdict.warnings:
                ui.warn(f"{warning} ({where})")
        else:
            for line in failure_lines(result, sha[:10], action="gate for"):
                ui.emit(line, sys.stderr)
        if ties.passed and ctx.config.require_task:
            exempt = f" ({ties.exempt} exempt: merges, reverts, fixups)" if ties.exempt else ""
            if ties.checked:
                ui.emit(
                    f"✓ hotfix {hotfix.number}: {ties.checked} commit(s) each name a task{exempt}"
                )
            else:
                ui.emit(f"✓ hotfix {hotfix.number}: no new commit to tie to a task{exempt}")
        elif not ties.passed:
            for line in tie_failure_lines(ties, where, action="gate for"):
                ui.emit(line, sys.stderr)
    if under_github_actions():  # ::error file=...,line=...:: annotations on the PR
        for line in check_annotations(repo.root, result, ties):
            ui.emit(line, sys.stderr if as_json else sys.stdout)
    raise click.exceptions.Exit(OK if passed else POLICY_FAILED)
