from __future__ import annotations

import sys
from pathlib import Path

import click

from hotfix_hooks.core import ui
from hotfix_hooks.core.errors import OK, POLICY_FAILED
from hotfix_hooks.git.discover import Place, require_repo_or_bare
from hotfix_hooks.git.run import run
from hotfix_hooks.install.hook_file import CLIENT_HOOKS
from hotfix_hooks.install.installer import install as install_hooks
from hotfix_hooks.install.installer import uninstall as uninstall_hooks

SERVER_ADVICE = (
    "run hotfix-hooks install --server inside the server's bare repository "
    "(the one you push to, e.g. cd /srv/git/app.git)"
)


@click.command(short_help="Install the hooks (client, or --server pre-receive).")
@click.option(
    "--server",
    is_flag=True,
    help="Install the pre-receive gate; run it inside the server's bare repository.",
)
@click.option(
    "--per-ref",
    is_flag=True,
    help="With --server: an update hook instead, which rejects only the offending ref "
    "(pre-receive rejects the whole push).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Keep an existing foreign (or edited) hook as <name>.local; it still runs first.",
)
def install(server: bool, per_ref: bool, force: bool) -> None:
    """Write the post-checkout, commit-msg and pre-push hooks into this clone (or, with
    --server, the pre-receive gate into a bare repository: run it there, on the server;
    --server --per-ref: an update hook instead).

    Honours core.hooksPath and worktrees. Re-running is harmless, and repairs a hook of
    ours that lost its executable bit. Where pre-commit, prek, lefthook or husky owns the
    hooks it writes nothing and prints what to add to that manager's configuration.

    Examples:

    \b
        hotfix-hooks install            # in your clone
        hotfix-hooks install --server   # in the server's bare repository (e.g. /srv/git/app.git)
    """
    if server:
        from hotfix_hooks.install import serving

        serving.check_installer_serves(Path.cwd(), per_ref=per_ref)
    place = require_repo_or_bare(advice=SERVER_ADVICE if server else None)
    report = install_hooks(place, server=server, force=force, per_ref=per_ref)
    outside = hooks_outside(place)
    if outside:
        ui.warn(outside)
    if report.managed:
        raise click.exceptions.Exit(_beside_manager(place, report.managed))
    if report.server_owned:
        from hotfix_hooks.install import serving

        for name, owner in report.server_owned.items():
            ui.error(serving.server_owned_message(report.hooks_dir / name, owner))
        ui.emit(serving.gitolite_recipe().rstrip("\n"), sys.stderr)
        raise click.exceptions.Exit(POLICY_FAILED)
    if report.refused or report.edited:
        for name in report.refused + report.edited:
            ui.error(_refusal(report.hooks_dir, name, name in report.edited, force))
        raise click.exceptions.Exit(POLICY_FAILED)
    for name in report.kept_local:
        ui.emit(f"kept your existing {name} hook as {name}.local (it runs first)")
    for name in report.repaired:
        ui.emit(f"repaired {report.hooks_dir / name}: it was not executable, git ignored it")
    for name in report.removed:
        ui.emit(f"removed {report.hooks_dir / name} (replaced by the hook installed now)")
    for name in report.written:
        ui.emit(f"installed {report.hooks_dir / name}")
    for name in report.unchanged:
        ui.emit(f"already installed: {report.hooks_dir / name}")
    if report.config_recorded is not None:
        gate = "the update hook" if per_ref else "pre-receive"
        ui.emit(
            f"recorded the rules {gate} judges by in {report.config_recorded} "
            "(from the default branch; pushes never change them; see `hotfix-hooks server-config`)"
        )
    raise click.exceptions.Exit(OK)


def _beside_manager(place: Place, managed: dict[str, str]) -> int:
    """A hook manager owns the hooks: say so, and how to add ours to it (nothing written)."""
    from hotfix_hooks.install import managers

    names = sorted(set(managed.values()))
    root = place.top or place.cwd
    hooks = ", ".join(managed)
    if len(managed) == len(CLIENT_HOOKS) and all(
        managers.runs_ours(manager, root, hook) for hook, manager in managed.items()
    ):
        ui.emit(f"{' and '.join(names)} owns the hooks here and already runs hotfix-hooks")
        return OK
    ui.error(
        f"{' and '.join(names)} owns the hooks here ({hooks}): nothing was installed "
        "(not even with --force: the manager would overwrite ours, or stop running its own). "
        "Add hotfix-hooks to its configuration instead:"
    )
    for manager in names:
        ui.emit(managers.snippet(manager).rstrip("\n"), sys.stderr)
    return POLICY_FAILED


def hooks_outside(place: Place) -> str | None:
    """A warning when core.hooksPath sends the hooks outside this repository (a shared
    or global hooks directory: every repository using it gets them)."""
    configured = run("config", "--get", "core.hooksPath", cwd=place.cwd, check=False)
    if not configured:
        return None
    where = place.hooks_dir.resolve()
    for inside in (place.top, place.git_dir):
        if inside and where.is_relative_to(inside.resolve()):
            return None
    return (
        f"core.hooksPath is {configured!r}: the hooks went to {where}, outside this "
        "repository, so every repository using that directory runs them (and hooks "
        "already there are what git runs here). To keep them to this repository: "
        "git config --unset core.hooksPath, then hotfix-hooks install again"
    )


def _refusal(hooks_dir: Path, name: str, edited: bool, force: bool) -> str:
    """Why ``name`` was not installed over, and the way out that works from here."""
    what = "is ours but was edited since" if edited else "exists and is not ours"
    local = hooks_dir / f"{name}.local"
    if force and (local.is_symlink() or local.exists()):
        return (
            f"{hooks_dir / name} {what}, and {local} is taken too (--force keeps a hook as "
            f"{name}.local, never over another): nothing was installed. Move one of them "
            "away, then run install again."
        )
    kept = "your edit" if edited else "it"
    return (
        f"{hooks_dir / name} {what}: nothing was installed. Re-run with --force to keep "
        f"{kept} as {name}.local (it will still run first), or remove it."
    )


@click.command(short_help="Remove our hooks; restore the ones they replaced.")
@click.option("--force", is_flag=True, help="Remove a hook of ours even if it was edited.")
def uninstall(force: bool) -> None:
    """Remove our hooks and put back any hook they had kept as <name>.local.

    Example:

    \b
        hotfix-hooks uninstall
    """
    report = uninstall_hooks(require_repo_or_bare(), force=force)
    for name in report.edited:
        ui.warn(
            f"left {report.hooks_dir / name} alone: it was edited since hotfix-hooks "
            "installed it (uninstall --force removes it)"
        )
    for name in report.removed:
        ui.emit(f"removed {report.hooks_dir / name}")
    for name in report.restored:
        ui.emit(f"restored your original {name} hook")
    for name in report.left_alone:
        ui.emit(f"left {report.hooks_dir / name} alone (not installed by hotfix-hooks)")
    if not (report.removed or report.left_alone or report.edited):
        ui.emit("no hotfix-hooks hooks were installed here")
