"""Event commands: ``[events]`` in the clone's own ``.git/hotfix-hooks.toml`` names a command
per event, run with one JSON document on stdin (a Slack webhook or a pager is one ``curl``
away). Never from a committed file: anyone who can push could make every checkout run a
program.

Run as an argv list (never through a shell), with a timeout (``event_timeout``); a command
that fails, hangs or is missing is reported on stderr and never fails the git operation or
the command that fired it. Only client hooks on hotfix paths and commands fire events; the
server never does. Import-light: ``subprocess`` and ``json`` load only when an event is
configured.
"""

from __future__ import annotations

import os
import sys

from hotfix_hooks.core.errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import subprocess
    from collections.abc import Mapping

    from hotfix_hooks.config.settings import Config

SCHEMA = 1
# set by commands that fire an event themselves around a git run whose hook would too
ENV_QUIET = "HOTFIX_HOOKS_NO_EVENTS"


def _say(text: str) -> None:
    sys.stderr.write(f"hotfix-hooks: warning: {text}\n")
    sys.stderr.flush()


def _actor(root: str) -> dict[str, str]:
    from hotfix_hooks.git.lean import run_git

    code, out, _ = run_git("var", "GIT_AUTHOR_IDENT", cwd=root)
    ident = out.decode("utf-8", "replace").strip() if code == 0 else ""
    name, _, rest = ident.partition(" <")
    return {"name": name.strip(), "email": rest.partition(">")[0]}


def _repository(root: str) -> dict[str, str | None]:
    from hotfix_hooks.git.lean import run_git

    code, out, _ = run_git("config", "--get", "remote.origin.url", cwd=root)
    url = out.decode("utf-8", "replace").strip() if code == 0 else ""
    name = os.path.basename(root)  # noqa: PTH119 - no pathlib on a hook's path
    return {"root": root, "name": name, "remote": without_credentials(url) or None}


def without_credentials(url: str) -> str:
    """``url`` without its user information (``https://bot:TOKEN@host/x`` is
    ``https://host/x``): an event's payload goes to chat rooms and logs. An scp-like
    address (``git@host:org/x``) names a user, never a secret: kept."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    password = authority.partition(":")[2]
    if "@" not in authority and "@" in path and password and not password.isdigit():
        # user:pass with an unencoded "/" in the password (no port is all but digits)
        authority, slash, path = rest.rpartition("@")[2].partition("/")
    return f"{scheme}://{authority.rpartition('@')[2]}{slash}{path}"


def payload(
    event: str,
    root: str,
    *,
    number: str,
    title: str,
    branch: str,
    times: Mapping[str, str | None],
    plan: str | None,
    **extra: object,
) -> dict[str, object]:
    """The JSON document an event command reads on stdin."""
    return {
        "schema": SCHEMA,
        "event": event,
        "hotfix": number,
        "title": title,
        "branch": branch,
        "times": dict(times),
        "rollback_plan": plan,
        "actor": _actor(root),
        "repository": _repository(root),
        **extra,
    }


def local_events(root: str, git_dir: str | None = None) -> Config | None:
    """The clone's own ``.git/hotfix-hooks.toml``, where event commands live (never a
    committed file: those could make anyone's checkout run a program). ``git_dir``: the
    clone's git directory when the caller knows it (hooks do), else git is asked."""
    from hotfix_hooks.config.settings import load_local
    from hotfix_hooks.git import lean

    if git_dir is not None and not os.environ.get("GIT_COMMON_DIR"):
        return load_local(lean.common_dir(git_dir))
    code, out, _ = lean.run_git("rev-parse", "--path-format=absolute", "--git-common-dir", cwd=root)
    git_dir = out.decode("utf-8", "surrogateescape").strip()
    return load_local(git_dir) if code == 0 and git_dir else None


def command_for(root: str, event: str, git_dir: str | None = None) -> tuple[str, ...] | None:
    """The command configured for ``event`` in the clone's ``.git/hotfix-hooks.toml``; None
    when there is none (or the file is broken: said once on stderr)."""
    try:
        local = local_events(root, git_dir)
    except UsageError as exc:
        _say(str(exc))
        return None
    return local.event_command(event) if local is not None else None


def fire(
    event: str,
    root: str,
    build: Mapping[str, object],
    git_dir: str | None = None,
) -> bool:
    """Run the command configured for ``event`` (in the clone's ``.git/hotfix-hooks.toml``)
    with ``payload(event, root, **build)`` on stdin. True when it ran and exited 0; False
    otherwise (and when none is configured)."""
    if os.environ.get(ENV_QUIET):
        return False
    try:
        local = local_events(root, git_dir)
    except UsageError as exc:
        _say(str(exc))
        return False
    argv = local.event_command(event) if local is not None else None
    if argv is None or local is None:
        return False
    document = payload(event, root, **build)  # type: ignore[arg-type]
    return run(argv, document, local.event_timeout, event, root)


KEEP = 4096  # bytes of an event command's stderr kept for the warning (its last ones)


def run(
    argv: tuple[str, ...], document: Mapping[str, object], timeout: float, event: str, cwd: str
) -> bool:
    import json
    import subprocess

    data = (json.dumps(document, ensure_ascii=False) + "\n").encode("utf-8")
    shown = f"{event} command {argv[0]!r}"
    try:
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: a timeout ends its children too
        )
    except OSError as exc:
        _say(f"{shown} could not start: {exc.strerror or exc}")
        return False
    err = _exchange(proc, data, timeout)
    if err is None:
        _stop(proc)
        _say(f"{shown} did not finish within {timeout:g} s: stopped (raise event_timeout?)")
        return False
    if proc.returncode != 0:
        lines = err.decode("utf-8", "replace").strip().splitlines()
        detail = f": {lines[-1][:200]}" if lines else ""
        _say(f"{shown} exited {proc.returncode}{detail}")
        return False
    return True


def _exchange(proc: subprocess.Popen[bytes], data: bytes, timeout: float) -> bytes | None:
    """Write ``data`` to the command's stdin while reading its stderr, keeping only the
    last ``KEEP`` bytes (a command may write gigabytes), until it exits; None when
    ``timeout`` seconds pass first."""
    import selectors
    import time

    assert proc.stdin is not None and proc.stderr is not None
    deadline = time.monotonic() + timeout
    tail = bytearray()
    pending = memoryview(data)
    selector = selectors.DefaultSelector()
    os.set_blocking(proc.stdin.fileno(), False)
    selector.register(proc.stdin, selectors.EVENT_WRITE)
    selector.register(proc.stderr, selectors.EVENT_READ)
    with selector:
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            for key, _ in selector.select(left):
                if key.fileobj is proc.stderr:
                    chunk = os.read(key.fd, 1 << 16)
                    if not chunk:
                        selector.unregister(proc.stderr)
                    tail += chunk
                    del tail[:-KEEP]
                    continue
                try:
                    pending = pending[os.write(key.fd, pending[: 1 << 16]) :]
                except BrokenPipeError:  # it does not read its stdin: fine
                    pending = pending[:0]
                if not pending:
                    selector.unregister(proc.stdin)
                    proc.stdin.close()
    try:
        proc.wait(max(deadline - time.monotonic(), 0))
    except subprocess.TimeoutExpired:
        return None
    return bytes(tail)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End a command that ran out of time, and every process it started."""
    import contextlib
    import signal
    import subprocess

    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(2)
    for stream in (proc.stdin, proc.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


# -- what an event says about a hotfix: built here, once, from its record ---------------------


def incident(
    number: str,
    title: str,
    branch: str,
    status: str,
    times: Mapping[str, str | None],
    plan: str | None,
) -> dict[str, object]:
    """The part of every event's payload that describes the hotfix (``payload``'s
    keyword arguments): the one shape, whoever fires."""
    from hotfix_hooks.core import clock

    return {
        "number": number,
        "title": title,
        "branch": branch,
        "times": {**times, "now": clock.now().isoformat()},
        "plan": plan,
        "status": status,
    }


class quiet:
    """Hooks started by git inside this block fire no event: the command fires its own."""

    def __enter__(self) -> None:
        self.before = os.environ.get(ENV_QUIET)
        os.environ[ENV_QUIET] = "1"

    def __exit__(self, *exc: object) -> None:
        if self.before is None:
            os.environ.pop(ENV_QUIET, None)
        else:
            os.environ[ENV_QUIET] = self.before
