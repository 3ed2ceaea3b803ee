"""Writing our hook scripts into a repository, without ever losing one that was there."""

from __future__ import annotations

import json
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

from hotfix_hooks import __version__, managers
from hotfix_hooks.errors import UsageError
from hotfix_hooks.git.repo import run
from hotfix_hooks.hook_script import fast_path
from hotfix_hooks.hooks.entry import LOCAL_SUFFIX
from hotfix_hooks.safe_files import replace_file

MARKER = "# hotfix-hooks: managed hook"
CLIENT_HOOKS = ("post-checkout", "commit-msg", "pre-push")
SERVER_HOOKS = ("pre-receive",)
_FAIL_CODE = {"post-checkout": 0}  # what a hook does when its interpreter is gone


@dataclass
class InstallReport:
    hooks_dir: Path
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_local: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    managed: dict[str, str] = field(default_factory=dict)  # hook -> manager owning it
    config_recorded: Path | None = None  # --server: the rules recorded for pre-receive


def hooks_dir(cwd: Path | None = None) -> Path:
    return Path(run("rev-parse", "--path-format=absolute", "--git-path", "hooks", cwd=cwd))


def is_bare(cwd: Path | None = None) -> bool:
    return run("rev-parse", "--is-bare-repository", cwd=cwd) == "true"


def _package_parent() -> str:
    import hotfix_hooks

    return str(Path(hotfix_hooks.__file__).absolute().parent.parent)


def isolated_code(call: str) -> str:
    """Python code for ``python -I -c`` that imports ``call``'s module from where this
    package is installed, and from nowhere else.

    ``-I`` keeps the current directory (a repository's root, which anyone who can
    commit controls), ``PYTHONPATH`` and the user site out of ``sys.path``; the
    package's own directory is appended (after the standard library, so it can
    shadow nothing) for installs that live outside the isolated path, such as
    ``pip install --user``.
    """
    module, _, function = call.rpartition(".")
    parent = _package_parent()
    return (
        f"import sys; p = {json.dumps(parent)}; p in sys.path or sys.path.append(p); "
        f"from {module} import {function}; sys.exit({function}())"
    )


def isolated_argv(call: str, python: str | None = None) -> list[str]:
    """argv that runs ``call`` (``module.function``) isolated, as every hook does."""
    return [python or sys.executable, "-I", "-c", isolated_code(call)]


def script_text(hook: str, python: str | None = None) -> str:
    interpreter = shlex.quote(python or sys.executable)
    code = isolated_code("hotfix_hooks.hooks.entry.run_installed")
    fail = _FAIL_CODE.get(hook, 1)
    return f"""#!/bin/sh
{MARKER} ({hook}, hotfix-hooks {__version__}).
# Written by `hotfix-hooks install`; `hotfix-hooks uninstall` removes it and puts back
# any hook that was here before, which meanwhile runs first as {hook}{LOCAL_SUFFIX}.
PY={interpreter}
if [ ! -x "$PY" ]; then
    echo "hotfix-hooks: $PY no longer exists;" \
        "run 'hotfix-hooks install' again, or 'hotfix-hooks uninstall'" >&2
    exit {fail}
fi
{fast_path(hook, f'"$PY" -I -c {shlex.quote(code)} {hook} "$0" "$@"')}"""


def is_ours(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError:
        return False
    return MARKER.encode() in head


def install(cwd: Path | None = None, *, server: bool = False, force: bool = False) -> InstallReport:
    bare = is_bare(cwd)
    if server and not bare:
        raise UsageError(
            "--server installs a pre-receive hook into a bare repository: run it inside the "
            "server's bare repository (for a working tree, use `hotfix-hooks install`)"
        )
    if bare and not server:
        raise UsageError(
            "this is a bare repository: client hooks never run here; "
            "use `hotfix-hooks install --server` for the pre-receive gate"
        )
    directory = hooks_dir(cwd)
    report = InstallReport(directory)
    names = SERVER_HOOKS if server else CLIENT_HOOKS
    plan: list[tuple[str, bool]] = []  # (hook, move the existing one to .local)
    for name in names:
        path = directory / name
        present = path.is_symlink() or path.exists()
        foreign = present and not is_ours(path)
        manager = None if server else managers.owner(path, directory)
        if manager is not None:  # never renamed, even with --force: see managers.py
            report.managed[name] = manager
        local = directory / (name + LOCAL_SUFFIX)
        if foreign and (not force or local.is_symlink() or local.exists()):
            report.refused.append(name)
        plan.append((name, foreign))
    if report.refused or report.managed:
        return report
    directory.mkdir(parents=True, exist_ok=True)
    for name, foreign in plan:
        path = directory / name
        text = script_text(name)
        if foreign:
            path.rename(directory / (name + LOCAL_SUFFIX))
            report.kept_local.append(name)
        elif path.exists() and path.read_text(encoding="utf-8", errors="replace") == text:
            report.unchanged.append(name)
            continue
        replace_file(path, text.encode("utf-8"), mode=0o755)
        report.written.append(name)
    if server:
        report.config_recorded = _record_server_config(cwd)
    return report


def _record_server_config(cwd: Path | None) -> Path | None:
    """Record the default branch's configuration for pre-receive, unless the server
    already has one (an administrator's choice is never overwritten)."""
    from hotfix_hooks import server_config

    git_dir = run("rev-parse", "--absolute-git-dir", cwd=cwd)
    if server_config.read(git_dir) is not None:
        return None
    config = server_config.from_default_branch(git_dir)
    path = Path(server_config.path_in(git_dir))
    replace_file(path, server_config.render(config).encode("utf-8"), mode=0o644)
    return path


@dataclass
class UninstallReport:
    hooks_dir: Path
    removed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    left_alone: list[str] = field(default_factory=list)


def uninstall(cwd: Path | None = None) -> UninstallReport:
    directory = hooks_dir(cwd)
    report = UninstallReport(directory)
    for name in CLIENT_HOOKS + SERVER_HOOKS:
        path = directory / name
        report.removed.extend(_remove_moved_aside(directory, name))
        if not is_ours(path):
            if path.is_symlink() or path.exists():
                report.left_alone.append(name)
            continue
        path.unlink()
        report.removed.append(name)
        local = directory / (name + LOCAL_SUFFIX)
        if local.is_symlink() or local.exists():
            local.rename(path)
            report.restored.append(name)
    return report


def _remove_moved_aside(directory: Path, name: str) -> list[str]:
    """Our script, moved aside by a manager installed over it (pre-commit and prek keep it
    as ``<name>.legacy`` and run it first): removed with the rest of ours."""
    legacy = directory / (name + ".legacy")
    if not is_ours(legacy):
        return []
    legacy.unlink()
    return [legacy.name]
