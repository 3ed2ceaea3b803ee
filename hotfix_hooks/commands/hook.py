from __future__ import annotations

import click

from hotfix_hooks.core.errors import NotARepositoryError
from hotfix_hooks.git.run import ok
from hotfix_hooks.hooks.entry import HOOKS, dispatch


@click.command(
    short_help="Run one hook as git would (installed hooks call this).",
    context_settings={"ignore_unknown_options": True},
)
@click.argument("hook_name", metavar="HOOK", type=click.Choice(list(HOOKS)))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def hook(hook_name: str, args: tuple[str, ...]) -> None:
    """Run one hook as git would (what the installed hooks and pre-commit call).

    \b
    post-checkout PREV NEW FLAG   (no arguments under pre-commit)
    commit-msg MSGFILE
    pre-push REMOTE URL           (ref lines on stdin)
    pre-receive                   (ref updates on stdin, in a bare repository)
    update REFNAME OLDSHA NEWSHA  (one ref, in a bare repository; --per-ref)

    Example:

    \b
        hotfix-hooks hook commit-msg .git/COMMIT_EDITMSG   # judge the last message again
    """
    if not ok("rev-parse", "--git-dir"):  # bare or not; GitPython stays off this path
        raise NotARepositoryError()
    raise click.exceptions.Exit(dispatch(hook_name, args))
