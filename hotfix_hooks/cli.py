"""The ``hotfix-hooks`` command line."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

import click

from hotfix_hooks.core.errors import guarded

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# Every subcommand, in the order of the workflow: name -> "module:attribute". A command's
# module is imported only when that command runs (or --help lists it): click's documented
# pattern for lazily loaded subcommands.
COMMANDS = {
    "install": "hotfix_hooks.commands.install:install",
    "uninstall": "hotfix_hooks.commands.install:uninstall",
    "scaffold": "hotfix_hooks.commands.scaffold:scaffold",
    "new": "hotfix_hooks.commands.new:new",
    "status": "hotfix_hooks.commands.status:status",
    "check": "hotfix_hooks.commands.check:check",
    "plan": "hotfix_hooks.commands.rollback:plan",
    "rollback": "hotfix_hooks.commands.rollback:rollback",
    "resolve": "hotfix_hooks.commands.resolve:resolve",
    "finish": "hotfix_hooks.commands.finish:finish",
    "abort": "hotfix_hooks.commands.abort:abort",
    "renumber": "hotfix_hooks.commands.renumber:renumber",
    "timeline": "hotfix_hooks.commands.timeline:timeline",
    "report": "hotfix_hooks.commands.report:report",
    "rules": "hotfix_hooks.commands.rules:rules",
    "demo": "hotfix_hooks.commands.demo:demo",
    "server-config": "hotfix_hooks.commands.server_config:server_config",
    "hook": "hotfix_hooks.commands.hook:hook",
}


class HotfixGroup(click.Group):
    """Loads each subcommand when it is used; turns every user mistake into one line and
    its exit code, never a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)  # the order of the workflow, not the alphabet

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        result = None

        def call() -> int:
            nonlocal result
            result = super(HotfixGroup, self).invoke(ctx)
            return 0

        code = guarded(call)
        if code:
            ctx.exit(code)
        return result


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from hotfix_hooks.install.version import version_text

    click.echo(version_text())
    ctx.exit(0)


@click.group(cls=HotfixGroup, context_settings=CONTEXT_SETTINGS)
@click.option(
    "-V",
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_version,
    help="Show the version and the commit it was built from, and exit.",
)
def cli() -> None:
    """An emergency hotfix process, as git hooks.

    \b
    A branch named hotfix/NNN-slug scaffolds its incident docs (hotfix.md,
    tasks.md); every commit on it names a task (T001..T007) and is stamped
    with Hotfix:/Task: trailers; it cannot be pushed without a real
    rollback plan. Start with `hotfix-hooks install`, or try `hotfix-hooks demo`.
    """


def main(argv: Sequence[str] | None = None) -> int:
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="hotfix-hooks")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
