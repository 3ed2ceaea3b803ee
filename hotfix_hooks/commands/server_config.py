from __future__ import annotations

from pathlib import Path

import click

from hotfix_hooks.config import server as recorded_rules
from hotfix_hooks.core import ui
from hotfix_hooks.core.errors import UsageError
from hotfix_hooks.core.safe_files import replace_file
from hotfix_hooks.git.discover import require_repo_or_bare
from hotfix_hooks.git.run import run


@click.command("server-config", short_help="Show or change the rules the server gate uses.")
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE", help="Change a key.")
@click.option("--unset", "unsets", multiple=True, metavar="KEY", help="Back to the default.")
@click.option(
    "--from",
    "from_rev",
    metavar="REV",
    help="Record the configuration committed at REV (e.g. HEAD, the default branch).",
)
def server_config(
    assignments: tuple[str, ...], unsets: tuple[str, ...], from_rev: str | None
) -> None:
    """Show, or change, the configuration the pre-receive gate judges pushes by.

    It lives in the bare repository (hotfix-hooks.toml in its git directory), was
    recorded from the default branch by `install --server`, and is never changed by a
    push. Run this inside the server's bare repository. It shows what is recorded, then
    every rule in force, defaults included. The keys are those of .hotfix-hooks.toml
    (docs/configuration.md), [events] aside: the server never runs event commands.

    Examples:

    \b
        hotfix-hooks server-config
        hotfix-hooks server-config --set target_minutes=60
        hotfix-hooks server-config --from HEAD   # record the default branch's again
    """
    place = require_repo_or_bare()
    cwd = place.cwd
    if not place.bare:
        raise UsageError(
            "server-config works in the server's bare repository (e.g. cd /srv/git/app.git); "
            "in a working tree the configuration is .hotfix-hooks.toml or pyproject.toml"
        )
    git_dir = str(place.git_dir)
    path = Path(recorded_rules.path_in(git_dir))
    recorded = recorded_rules.read(git_dir)
    config = recorded or recorded_rules.from_default_branch(git_dir)
    if from_rev is not None:
        if not run("rev-parse", "--verify", "-q", f"{from_rev}^{{commit}}", cwd=cwd, check=False):
            raise UsageError(f"--from {from_rev!r} is not a commit in this repository")
        from hotfix_hooks.config.commit import config_at

        config = config_at(git_dir, from_rev)
    for key in unsets:
        config = recorded_rules.without(config, key)
    for assignment in assignments:
        config = recorded_rules.with_assignment(config, assignment)
    if from_rev is not None or assignments or unsets:
        replace_file(path, recorded_rules.render(config).encode("utf-8"), mode=0o644)
        ui.emit(f"recorded in {path}:")
    elif recorded is None:  # showing writes nothing
        ui.emit(
            f"nothing recorded in {path} yet (hotfix-hooks install --server records it); "
            "until then pre-receive reads the default branch's configuration:"
        )
    else:
        ui.emit(f"{path}:")
    click.echo(recorded_rules.render(config), nl=False)
    click.echo(recorded_rules.in_force(config), nl=False)
