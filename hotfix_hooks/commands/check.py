from __future__ import annotations

import os
import sys

import click

from hotfix_hooks import ui
from hotfix_hooks.branch import HotfixBranch, parse_branch
from hotfix_hooks.context import Context, context
from hotfix_hooks.errors import OK, POLICY_FAILED, UsageError
from hotfix_hooks.gate import check_commit, failure_lines

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
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
def check(rev: str, branch: str | None, as_json: bool) -> None:
    """The rollback-plan gate on one commit (default HEAD), for CI.

    Exit 0 pass (or not a hotfix commit), 1 fail, 2 bad usage.
    """
    ctx = context()
    sha = ctx.repo.git("rev-parse", "--verify", "-q", f"{rev}^{{commit}}", check=False)
    if not sha:
        raise UsageError(f"{rev!r} is not a commit in this repository")
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
