from __future__ import annotations

import click

from hotfix_hooks.commands.common import interactive, number_option
from hotfix_hooks.config.context import context
from hotfix_hooks.core import ui
from hotfix_hooks.core.errors import UsageError
from hotfix_hooks.incident.scaffold import print_scaffold
from hotfix_hooks.incident.scaffold import scaffold as make_scaffold


@click.command(short_help="Create missing hotfix.md/tasks.md by hand.")
@click.option("--number", "-n", help="Hotfix number, when the branch does not name one.")
def scaffold(number: str | None) -> None:
    """Create the current hotfix's missing hotfix.md and tasks.md by hand.

    On a hotfix branch the number comes from the branch; elsewhere give
    --number (asked for on a terminal). Existing files are never touched.

    Examples:

    \b
        hotfix-hooks scaffold              # on hotfix/NNN-slug
        hotfix-hooks scaffold --number 42  # on a branch that names no number
    """
    ctx = context()
    hotfix = ctx.hotfix()
    chosen = number_option(number)
    if chosen is None and hotfix is not None:
        chosen = hotfix.number
    if chosen is None:
        if not interactive():
            raise UsageError(
                f"{ctx.branch or 'HEAD'} is not a hotfix branch: pass --number N "
                f"(or check out {ctx.config.branch_prefix}NNN-<slug>)"
            )
        ui.emit("🚨 HOTFIX WORKFLOW - EMERGENCY MODE")
        ui.emit("No hotfix branch detected. Provide hotfix number:")
        chosen = number_option(click.prompt("Hotfix number", type=str))
    assert chosen is not None
    base = ctx.repo.resolve("HEAD") or ""
    result = make_scaffold(
        ctx.repo,
        ctx.config,
        chosen,
        branch=ctx.branch or "(detached HEAD)",
        title=hotfix.title if hotfix and hotfix.number == chosen else "",
        base_commit=base,
    )
    if not result.created:
        ui.emit(f"hotfix {chosen} already has hotfix.md and tasks.md in {result.directory}")
        return
    print_scaffold(chosen, ctx.branch or "(detached HEAD)", result)
