"""Writing our hook scripts into a repository, without ever losing one that was there."""

from __future__ import annotations

import functools
import json
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from hotfix_hooks import __version__
from hotfix_hooks.core.errors import UsageError
from hotfix_hooks.core.safe_files import (
    describe_os_error,
    locked,
    replace_file,
)
from hotfix_hooks.git.discover import Place
from hotfix_hooks.install import managers
from hotfix_hooks.install.hook_file import (
    CHECKSUM,
    CLIENT_HOOKS,
    EDITED,
    FAIL_CODE,
    FOREIGN,
    MARKER,
    OURS,
    SERVER_HOOKS,
    digest,
    hook_state,
    is_executable,
    is_ours,
)
from hotfix_hooks.install.names import LOCAL_SUFFIX
from hotfix_hooks.install.script import fast_path

_R = TypeVar("_R")


@dataclass
class InstallReport:
    hooks_dir: Path
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_local: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)  # ours, but git ignored it
    removed: list[str] = field(default_factory=list)  # the other server hook's mode
    refused: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)  # refused: ours, edited since
    managed: dict[str, str] = field(default_factory=dict)  # hook -> manager owning it
    # --server: hook -> the server software it belongs to (gitolite, or a link into one)
    server_owned: dict[str, str] = field(default_factory=dict)
    config_recorded: Path | None = None  # --server: the rules recorded for pre-receive


def _package_parent() -> str:
    import hotfix_hooks

    return str(Path(hotfix_hooks.__file__).absolute().parent.parent)


def isolated_code(call: str, path: Sequence[str] | None = None, fail: int = 1) -> str:
    """Python code for ``python -I -c`` that imports ``call``'s module from where this
    package is installed, and from nowhere else.

    ``-I`` keeps the current directory (a repository's root, which anyone who can
    commit controls), ``PYTHONPATH`` and the user site out of ``sys.path``; the
    package's own directory is appended (after the standard library, so it can
    shadow nothing) for installs that live outside the isolated path, such as
    ``pip install --user``. ``path``: for ``python -I -S -c``, the entries ``site``
    would have added (``isolated_path``), put back without running ``site``. ``fail``:
    the exit code when the package can no longer be imported from there.
    """
    module, _, function = call.rpartition(".")
    parent = _package_parent()
    if path is None:
        setup = f"import sys; p = {json.dumps(parent)}; p in sys.path or sys.path.append(p)"
    else:
        entries = json.dumps(list(dict.fromkeys([*path, parent])))
        # Under coverage.py's subprocess measurement (its documented environment variables),
        # ``site`` runs after all, so that its .pth file can start coverage in the hook.
        setup = (
            f"import sys, os; sys.path += [p for p in {entries} if p not in sys.path]; "
            '(os.environ.get("COVERAGE_PROCESS_START") or '
            'os.environ.get("COVERAGE_PROCESS_CONFIG")) and __import__("site").main()'
        )
    # The package gone from where install found it (uninstalled, or reinstalled another
    # way, say editable): one line that says what to do, never a traceback.
    gone = json.dumps(
        "hotfix-hooks: {} cannot import hotfix_hooks any more (uninstalled, or reinstalled "
        "another way since `hotfix-hooks install`): run 'hotfix-hooks install' again, or "
        "'hotfix-hooks uninstall'\n"
    )
    return (
        f"{setup}\n"
        "try:\n"
        f"    from {module} import {function}\n"
        "except ModuleNotFoundError as exc:\n"
        "    if not (exc.name or '').startswith('hotfix_hooks'):\n"
        "        raise\n"
        f"    sys.stderr.write({gone}.format(sys.executable))\n"
        f"    sys.exit({fail})\n"
        f"sys.exit({function}())"
    )


@functools.cache
def isolated_path(python: str) -> tuple[str, ...] | None:
    """``sys.path`` of ``python -I``, read once when the hooks are written. The scripts
    run ``python -I -S`` and put these entries back themselves: the same modules load,
    and neither ``site`` nor any ``.pth`` file runs (``site`` alone costs a hook a few
    milliseconds on every checkout, commit and push). None if it cannot be read: the
    scripts then run ``python -I``."""
    import subprocess

    probe = "import json, sys; print(json.dumps(sys.path))"
    try:
        proc = subprocess.run(
            (python, "-I", "-c", probe), capture_output=True, text=True, timeout=60, check=False
        )
        entries = json.loads(proc.stdout) if proc.returncode == 0 else None
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        return None
    return tuple(e for e in entries if e)


def isolated_argv(call: str, python: str | None = None) -> list[str]:
    """argv that runs ``call`` (``module.function``) isolated, as every hook does."""
    return [python or sys.executable, "-I", "-c", isolated_code(call)]


_REINSTALL = {
    "pre-receive": "hotfix-hooks install --server",
    "update": "hotfix-hooks install --server --per-ref",
}


def _interpreter_check(hook: str, fail: int) -> str:
    """The script's first lines: when the interpreter cannot be run, say why (gone, not
    executable by the user git runs the hook as, or behind a directory closed to that
    user: a server installed by root in a repository another user serves) and which
    install to run again."""
    again = _REINSTALL.get(hook, "hotfix-hooks install")
    return f"""if [ ! -x "$PY" ]; then
    who=$(id -un 2>/dev/null || id -u); why="no longer exists"; d=$PY
    while d=${{d%/*}}; [ -n "$d" ]; do
        if [ -d "$d" ] && [ ! -x "$d" ]; then
            why="is out of reach of $who ($d is closed to it)"; break
        fi
    done
    if [ -e "$PY" ]; then why="is not executable by $who"; fi
    echo "hotfix-hooks: $PY $why;" "run '{again}' again as $who," \\
        "with a hotfix-hooks $who can run, or 'hotfix-hooks uninstall'" >&2
    exit {fail}
fi"""


def script_text(hook: str, python: str | None = None) -> str:
    interpreter = shlex.quote(python or sys.executable)
    path = isolated_path(python or sys.executable)
    fail = FAIL_CODE.get(hook, 1)
    code = isolated_code("hotfix_hooks.hooks.entry.main_installed", path, fail)
    flags = "-I" if path is None else "-I -S"
    body = f"""#!/bin/sh
{MARKER} ({hook}, hotfix-hooks {__version__}).
# Written by `hotfix-hooks install`; `hotfix-hooks uninstall` removes it and puts back
# any hook that was here before, which meanwhile runs first as {hook}{LOCAL_SUFFIX}.
PY={interpreter}
{_interpreter_check(hook, fail)}
{fast_path(hook, f'"$PY" {flags} -c {shlex.quote(code)} {hook} "$0" "$@"')}"""
    return body + CHECKSUM + digest(body.encode("utf-8")) + "\n"


def install(
    place: Place, *, server: bool = False, force: bool = False, per_ref: bool = False
) -> InstallReport:
    bare = place.bare
    if server and not bare:
        raise UsageError(
            "--server installs a pre-receive hook into a bare repository: run it inside the "
            "server's bare repository (for a working tree, use `hotfix-hooks install`)"
        )
    if per_ref and not server:
        raise UsageError("--per-ref goes with --server: it installs an update hook on the server")
    if bare and not server:
        raise UsageError(
            "this is a bare repository: use `hotfix-hooks install --server` for the server "
            "gate (a bare clone you push from picks up client hooks through core.hooksPath)"
        )
    return _locked(place, lambda: _install(place, server, force, per_ref))


def _locked(place: Place, work: Callable[[], _R]) -> _R:
    """Run an install or uninstall holding the hooks directory's lock (in the git
    directory): two at once would each move the user's hook to <name>.local, the second
    over the first."""
    directory = place.hooks_dir
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with locked(directory / "hooks", place.git_dir, shown=f"the hooks in {directory}"):
            return work()
    except OSError as exc:
        raise UsageError(describe_os_error(exc, f"the hooks in {directory}")) from None


def _keep_as_local(path: Path, local: Path) -> None:
    """Move a hook aside to <name>.local, never over one that is there already."""
    os.link(path, local)  # FileExistsError rather than replacing the kept hook
    path.unlink()


def _install(place: Place, server: bool, force: bool, per_ref: bool) -> InstallReport:
    directory = place.hooks_dir
    report = InstallReport(directory)
    if server:
        names: tuple[str, ...] = ("update",) if per_ref else ("pre-receive",)
        other = "pre-receive" if per_ref else "update"
    else:
        names, other = CLIENT_HOOKS, ""
    plan: list[tuple[str, bool]] = []  # (hook, move the existing one to .local)
    for name in names:
        path = directory / name
        state = hook_state(path)
        keep = state in (FOREIGN, EDITED)
        manager = None if server else managers.owner(path, directory)
        if manager is not None:  # never renamed, even with --force: see managers.py
            report.managed[name] = manager
        owner = server_software(path) if server else None
        if owner is not None:  # never renamed either: the server would lock everyone out
            report.server_owned[name] = owner
        local = directory / (name + LOCAL_SUFFIX)
        if keep and (not force or local.is_symlink() or local.exists()):
            (report.edited if state == EDITED else report.refused).append(name)
        plan.append((name, keep))
    if report.refused or report.edited or report.managed or report.server_owned:
        return report
    directory.mkdir(parents=True, exist_ok=True)
    for name, keep in plan:
        path = directory / name
        text = script_text(name)
        if keep:
            _keep_as_local(path, directory / (name + LOCAL_SUFFIX))
            report.kept_local.append(name)
        elif path.exists() and path.read_text(encoding="utf-8", errors="replace") == text:
            if is_executable(path):
                report.unchanged.append(name)
                continue
            report.repaired.append(name)  # git silently skips a hook it cannot execute
        replace_file(path, text.encode("utf-8"), mode=0o755)
        report.written.append(name)
    if other and _remove_ours(directory, other):
        report.removed.append(other)
    if server:
        report.config_recorded = _record_server_config(str(place.git_dir))
    return report


GITOLITE = "gitolite"


def server_software(path: Path) -> str | None:
    """Whose hook ``path`` is, when it belongs to the server software itself: ``gitolite``
    (its ``update`` hook is a link to ``~/.gitolite/hooks/common/update``, and gitolite
    refuses every access, reads included, once it is renamed), or ``a link to TARGET``
    for any hook that is a symbolic link out of the hooks directory (GitLab's, Gitea's,
    a shared hooks tree). None for a plain hook of the repository's own."""
    if not path.is_symlink():
        return GITOLITE if b"gitolite" in managers.head(path).lower() else None
    try:
        target = str(path.readlink())
    except OSError:
        return None
    if "gitolite" in target.lower() or b"gitolite" in managers.head(path).lower():
        return GITOLITE
    resolved = (path.parent / target).resolve()
    if resolved.parent != path.parent.resolve():
        return f"a link to {target}"
    return None


def _remove_ours(directory: Path, name: str, force: bool = False) -> bool:
    """Remove our hook ``name`` (an edited one only with ``force``), putting back the
    hook it had kept as ``<name>.local``."""
    path = directory / name
    state = hook_state(path)
    if state != OURS and not (force and state == EDITED):
        return False
    path.unlink()
    local = directory / (name + LOCAL_SUFFIX)
    if local.is_symlink() or local.exists():
        local.rename(path)
    return True


def _record_server_config(git_dir: str) -> Path | None:
    """Record the default branch's configuration for pre-receive, unless the server
    already has one (an administrator's choice is never overwritten)."""
    from hotfix_hooks.config import server as server_config

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
    edited: list[str] = field(default_factory=list)  # ours, edited: kept without --force


def uninstall(place: Place, *, force: bool = False) -> UninstallReport:
    directory = place.hooks_dir
    if not directory.is_dir():
        return UninstallReport(directory)
    return _locked(place, lambda: _uninstall(directory, force))


def _uninstall(directory: Path, force: bool) -> UninstallReport:
    report = UninstallReport(directory)
    for name in CLIENT_HOOKS + SERVER_HOOKS:
        path = directory / name
        report.removed.extend(_remove_moved_aside(directory, name))
        state = hook_state(path)
        if state == FOREIGN:
            report.left_alone.append(name)
            continue
        if state == EDITED and not force:
            report.edited.append(name)
            continue
        local = directory / (name + LOCAL_SUFFIX)
        had_local = local.is_symlink() or local.exists()
        if _remove_ours(directory, name, force=force):
            report.removed.append(name)
            if had_local:
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
