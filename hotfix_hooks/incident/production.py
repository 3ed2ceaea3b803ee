"""The production branch: where a hotfix starts (``new``) and where it lands (``finish``).

One answer for both: the configured ``base_branch``, else the branch the remote's HEAD
names, else ``main`` or ``master``; a branch counts when it exists locally or as the
remote's. And one way to bring the remote's branches up to date first, bounded in time.
"""

from __future__ import annotations

import os
import subprocess

from hotfix_hooks.core.errors import UsageError
from hotfix_hooks.git.repository import Repository

FETCH_TIMEOUT = 60  # seconds: an unreachable remote must not hang a 3 a.m. command


def remote_for(repo: Repository, branch: str | None = None) -> str | None:
    """The remote ``branch`` tracks (``branch.<name>.remote``), else ``origin``; None when
    the repository has no such remote."""
    remotes = repo.git("remote", check=False).split()
    if branch:
        configured = repo.git("config", "--get", f"branch.{branch}.remote", check=False)
        if configured in remotes:
            return configured
    return "origin" if "origin" in remotes else None


class Branches:
    """Which branches exist here and on ``remote``, and what the remote's HEAD names, read
    from one ``git for-each-ref`` (asking git ref by ref cost a process each: up to eight
    for a ``finish``)."""

    def __init__(self, repo: Repository, remote: str | None) -> None:
        self.remote = remote
        self.names: set[str] = set()
        self.head = ""
        out = repo.git(
            "for-each-ref",
            "--format=%(refname) %(symref)",
            "refs/heads/",
            "refs/remotes/",
            check=False,
        )
        for line in out.splitlines():
            name, _, target = line.partition(" ")
            self.names.add(name)
            if remote and name == f"refs/remotes/{remote}/HEAD":
                self.head = target.removeprefix(f"refs/remotes/{remote}/")

    def refs(self, name: str) -> list[str]:
        remote = self.remote
        return [f"refs/heads/{name}"] + ([f"refs/remotes/{remote}/{name}"] if remote else [])

    def has(self, ref: str) -> bool:
        return ref in self.names

    def exists(self, name: str) -> bool:
        return any(self.has(ref) for ref in self.refs(name))


def production_branch(repo: Repository, configured: str | None, remote: str | None) -> str:
    """The production branch's name; exit 2 when there is none to be found."""
    return production_choice(repo, configured, remote)[0]


def production_choice(
    repo: Repository,
    configured: str | None,
    remote: str | None,
    branches: Branches | None = None,
) -> tuple[str, str]:
    """(the production branch, why it is that one, as ``finish`` says it)."""
    known = branches or Branches(repo, remote)
    where = f"here, nor on {remote}" if remote else "here"
    if configured:
        if known.exists(configured):
            return configured, "base_branch in the configuration"
        raise UsageError(
            f"base_branch {configured!r} names no branch {where}: fix the configuration "
            "(base_branch), or create that branch"
        )
    head = known.head
    if head and known.exists(head):
        return head, f"{remote}'s HEAD names it"
    for name in ("main", "master"):
        if known.exists(name):
            return name, f"{name} exists and base_branch is not set"
    raise UsageError(
        f"cannot tell the production branch (no {remote or 'origin'}/HEAD, no main or master "
        f"{where}): set base_branch in the configuration"
    )


def develop_choice(
    repo: Repository,
    configured: str | None,
    remote: str | None,
    branches: Branches | None = None,
) -> tuple[str | None, str]:
    """(the development branch that gets the fix too, or None; why), as git-flow does it:
    ``develop_branch`` when set (``""``: none), else ``develop`` when it exists here or on
    the remote."""
    if configured == "":
        return None, 'develop_branch = "" in the configuration: no development branch'
    known = branches or Branches(repo, remote)
    if configured:
        if known.exists(configured):
            return configured, "develop_branch in the configuration"
        where = f"here, nor on {remote}" if remote else "here"
        raise UsageError(
            f"develop_branch {configured!r} names no branch {where}: fix the configuration "
            '(develop_branch; "" for none), or create that branch'
        )
    if known.exists(GIT_FLOW_DEVELOP):
        return GIT_FLOW_DEVELOP, (
            "it exists and develop_branch is not set (git-flow's default; "
            'develop_branch = "" turns it off)'
        )
    return None, "no develop branch here or on the remote"


GIT_FLOW_DEVELOP = "develop"


def production_refs(repo: Repository, configured: str | None) -> list[str]:
    """The production branch here and as its remote has it (the refs that exist): where
    finished hotfixes' records are, whatever is checked out (one ``git for-each-ref``)."""
    remote = remote_for(repo, configured)
    branches = Branches(repo, remote)
    try:
        name, _why = production_choice(repo, configured, remote, branches)
    except UsageError:
        return []
    return [ref for ref in branches.refs(name) if branches.has(ref)]


def start_point(repo: Repository, name: str, remote: str | None) -> str:
    """Where new work on ``name`` starts: the remote's copy when there is one (what is in
    production), else the local branch."""
    if remote and repo.resolve(f"refs/remotes/{remote}/{name}"):
        return f"{remote}/{name}"
    return name


def fetch(repo: Repository, remote: str, timeout: float = FETCH_TIMEOUT) -> str | None:
    """``git fetch --prune REMOTE``, never prompting, within ``timeout`` seconds: None when
    it worked, else why not (one line)."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    try:
        proc = subprocess.run(
            ("git", "fetch", "--quiet", "--prune", remote),
            cwd=repo.root,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"no answer in {timeout:g} s"
    except OSError as exc:
        return exc.strerror or str(exc)
    if proc.returncode == 0:
        return None
    lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else f"git fetch exited {proc.returncode}"
