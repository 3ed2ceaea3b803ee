from __future__ import annotations

import os
import sys

import click

from hotfix_hooks import config as config_mod
from hotfix_hooks import ui
from hotfix_hooks.branch import HotfixBranch, parse_branch
from hotfix_hooks.context import Context
from hotfix_hooks.document.location import config_at
from hotfix_hooks.errors import OK, POLICY_FAILED, UsageError
from hotfix_hooks.gate import check_commit, failure_lines
from hotfix_hooks.git.repository import Repository, require_repo

# Where CI systems name the branch of a detached checkout.
CI_BRANCH_VARIABLES = (
    "GITHUB_HEAD_REF",
    "GITHUB_REF_NAME",
    "CI_COMMIT_REF_NAME",
    "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
    "BUILDKITE_BRANCH",
    "CIRCLE_BRANCH",
    "BRANCH_NAME",
    "GIT_BRANCH",
)


# Where CI systems name the branch a pull request targets.
CI_TARGET_VARIABLES = (
    "GITHUB_BASE_REF",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
    "SYSTEM_PULLREQUEST_TARGETBRANCH",
    "CHANGE_TARGET",
    "BITBUCKET_PR_DESTINATION_BRANCH",
    "BUILDKITE_PULL_REQUEST_BASE_BRANCH",
)


def config_source(repo: Repository, sha: str, given: str | None) -> str | None:
    """The commit whose configuration judges ``sha``: ``--config-from``, else the merge
    base with the target branch a CI variable names, else with the remote's default
    branch; None (the working tree's) when none of these exists."""
    if given is not None:
        rev = repo.resolve(given)
        if not rev:
            raise UsageError(f"--config-from {given!r} is not a commit in this repository")
        return rev
    targets = [os.environ.get(name, "") for name in CI_TARGET_VARIABLES]
    for target in [t.removeprefix("refs/heads/") for t in targets if t] + ["origin/HEAD"]:
        for candidate in (f"refs/remotes/origin/{target}", target):
            if repo.resolve(candidate):
                base = repo.merge_base(sha, candidate)
                if base:
                    return base
    return None


def hotfix_of_commit(ctx: Context, sha: str, branch: str | None) -> HotfixBranch | None:
    """The hotfix a commit belongs to: the branch given or checked out, a CI
    variable, else the commit's own ``Hotfix:`` trailer."""
    prefix = ctx.config.branch_prefix
    candidates = [branch, ctx.branch] + [os.environ.get(v) for v in CI_BRANCH_VARIABLES]
    for candidate in candidates:
        if candidate:
            name = candidate.removeprefix("refs/heads/").removeprefix("origin/")
            hotfix = parse_branch(name, prefix)
            if hotfix is not None:
                return hotfix
    trailer = ctx.repo.git(
        "log", "-1", "--format=%(trailers:key=Hotfix,valueonly,separator=%x2C)", sha
    ).strip()
    number = trailer.split(",")[0].strip()
    return parse_branch(f"{prefix}{number}", prefix) if number.isdigit() else None


@click.command(short_help="The rollback-plan gate on one commit, for CI.")
@click.argument("rev", default="HEAD")
@click.option(
    "--branch", help="The hotfix branch REV belongs to (default: from HEAD, CI, trailers)."
)
@click.option(
    "--config-from",
    metavar="REV",
    help="Take the rules from this commit (default: the merge base with the CI target "
    "branch, else with origin/HEAD), never from the change being judged.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
def check(rev: str, branch: str | None, config_from: str | None, as_json: bool) -> None:
    """The rollback-plan gate on one commit (default HEAD), for CI.

    Exit 0 pass (or not a hotfix commit), 1 fail, 2 bad usage.
    """
    repo = require_repo()
    sha = repo.resolve(rev)
    if not sha:
        raise UsageError(f"{rev!r} is not a commit in this repository")
    source = config_source(repo, sha, config_from)
    config = config_at(repo.root, source) if source else config_mod.load(repo.root)
    ctx = Context(repo, config)
    hotfix = hotfix_of_commit(ctx, sha, branch)
    if hotfix is None:
        if as_json:
            click.echo('{"hotfix": null, "passed": true, "problems": []}')
        else:
            ui.emit(f"{rev} is not on a hotfix branch: nothing to check")
        raise click.exceptions.Exit(OK)
    result = check_commit(ctx.repo.root, sha, hotfix.number, ctx.config)
    result.branch = hotfix.name if branch or ctx.hotfix() else ""
    if as_json:
        click.echo(result.dumps())
    elif result.passed:
        assert result.verdict is not None
        ui.emit(f"✓ hotfix {hotfix.number}: {result.path} at {sha[:10]} has a rollback plan")
        for warning in result.verdict.warnings:
            ui.warn(warning)
    else:
        for line in failure_lines(result, sha[:10], action="gate for"):
            ui.emit(line, sys.stderr)
    raise click.exceptions.Exit(OK if result.passed else POLICY_FAILED)


COMMANDS = (check,)
