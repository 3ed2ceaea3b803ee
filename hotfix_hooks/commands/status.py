"""``hotfix-hooks status``: the click command of ``commands/standing``."""

from __future__ import annotations

import click

from hotfix_hooks.commands.standing import show


@click.command(short_help="Where the hotfix stands against the target.")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(as_json: bool) -> None:
    """Where the current hotfix stands: age against the target, tasks and their
    commits, the rollback gate, and the next step. Elsewhere: active hotfixes.

    Examples:

    \b
        hotfix-hooks status
        hotfix-hooks status --json
    """
    show(as_json)
