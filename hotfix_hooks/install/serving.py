"""``install --server`` where the server runs as another user, or owns the hooks itself.

A server runs its hooks as the user it serves the repository as (``git``, ``gitolite3``,
``www-data``): a hook written by root that points at root's Python fails every push, main
included. So ``install --server`` run by anyone but the repository's owner stops, naming the
owner, whether the owner can run this hotfix-hooks, and the command to run instead. A hook
that belongs to the server software (gitolite's ``update``, a link into GitLab's or Gitea's
hooks) is never renamed; gitolite's own recipe runs ours instead (``gitolite_recipe``).
"""

from __future__ import annotations

import grp
import os
import pwd
import shlex
import stat
import sys
from pathlib import Path

from hotfix_hooks.core.errors import UsageError

GITOLITE_RECIPE = """\
Run hotfix-hooks from gitolite's repo-specific hooks instead, as the gitolite user:
  1. in ~/.gitolite.rc: uncomment 'repo-specific-hooks' in ENABLE, and set
     LOCAL_CODE => "$ENV{{HOME}}/local",
  2. mkdir -p ~/local/hooks/repo-specific
     printf '%s\\n' '#!/bin/sh' {exec_line} > ~/local/hooks/repo-specific/hotfix-hooks
     chmod +x ~/local/hooks/repo-specific/hotfix-hooks
  3. in gitolite-admin's conf/gitolite.conf, under each repository:
     option hook.pre-receive = hotfix-hooks
     then commit and push gitolite-admin (gitolite links the hook in as pre-receive)
  4. in each repository (~/repositories/NAME.git), once your production branch is there:
     {program} server-config --from main   # records the rules pre-receive judges by
"""


def gitolite_recipe() -> str:
    """The recipe, naming this hotfix-hooks by its path (gitolite's hooks run with a
    plain PATH)."""
    program = shlex.quote(str(Path(sys.executable).parent / "hotfix-hooks"))
    exec_line = shlex.quote(f"exec {program} hook pre-receive")
    return GITOLITE_RECIPE.format(exec_line=exec_line, program=program)


def server_owned_message(path: Path, owner: str) -> str:
    whose = "gitolite's own hook" if owner == "gitolite" else f"the server's own hook ({owner})"
    return (
        f"{path} is {whose}: nothing was installed, not even with --force (renamed, the "
        "server would refuse everyone, reads included)."
    )


def _git_dir_of(cwd: Path) -> Path | None:
    """The git directory around ``cwd``, found without git (which refuses a repository
    another user owns before we could say why)."""
    for directory in (cwd, *cwd.parents):
        if (directory / "HEAD").is_file() and (directory / "objects").is_dir():
            return directory  # a bare repository, or a .git directory
        dot_git = directory / ".git"
        if dot_git.is_dir():
            return dot_git
    return None


def _user_may(uid: int, gids: set[int], info: os.stat_result, bits: tuple[int, int, int]) -> bool:
    if uid == 0:
        return True
    if info.st_uid == uid:
        return bool(info.st_mode & bits[0])
    if info.st_gid in gids:
        return bool(info.st_mode & bits[1])
    return bool(info.st_mode & bits[2])


_SEARCH = (stat.S_IXUSR, stat.S_IXGRP, stat.S_IXOTH)
_READ = (stat.S_IRUSR, stat.S_IRGRP, stat.S_IROTH)


def unreachable_for(uid: int, path: Path, *, read: bool = False) -> str | None:
    """Why user ``uid`` cannot run (or, ``read``, read) ``path``: the first directory on
    the way it may not search, or the file itself; None if it can."""
    try:
        entry = pwd.getpwuid(uid)
        gids = {entry.pw_gid, *(g.gr_gid for g in grp.getgrall() if entry.pw_name in g.gr_mem)}
    except KeyError:
        gids = set()
    real = Path(os.path.realpath(path))
    for directory in reversed(real.parents):
        try:
            info = directory.stat()
        except OSError:
            return f"{directory} cannot be read"
        if not _user_may(uid, gids, info, _SEARCH):
            return f"{directory} is closed to it"
    try:
        info = real.stat()
    except OSError:
        return f"{real} is missing"
    if not _user_may(uid, gids, info, _READ if read else _SEARCH):
        return f"{real} is not {'readable' if read else 'executable'} by it"
    return None


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


VENV = "/opt/hotfix-hooks"  # suggested: outside any home directory, readable by all


def install_source() -> str | None:
    """What pip installed this hotfix-hooks from (PEP 610's direct_url.json): a
    directory, an archive, or a VCS URL at its commit; None if unknown."""
    import json
    from importlib import metadata
    from urllib.parse import unquote, urlparse

    try:
        found = json.loads(metadata.distribution("hotfix-hooks").read_text("direct_url.json") or "")
    except (metadata.PackageNotFoundError, ValueError):
        return None
    url = found.get("url") if isinstance(found, dict) else None
    if not isinstance(url, str):
        return None
    vcs = found.get("vcs_info")
    if isinstance(vcs, dict) and isinstance(vcs.get("commit_id"), str):
        return f"{vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}"
    if url.startswith("file://"):
        return unquote(urlparse(url).path)
    return url


def check_installer_serves(cwd: Path, *, per_ref: bool) -> None:
    """Refuse ``install --server`` by anyone but the repository's owner, the user the
    server runs its hooks as, saying who that is, whether they can run this hotfix-hooks,
    and the command to run."""
    git_dir = _git_dir_of(cwd)
    if git_dir is None:
        return  # not a repository: the usual message follows
    owner = git_dir.stat().st_uid
    me = os.geteuid()
    if owner == me:
        return
    name, mine = _user_name(owner), _user_name(me)
    package = Path(__file__).resolve().parent.parent
    why = unreachable_for(owner, Path(sys.executable)) or unreachable_for(
        owner, package / "__init__.py", read=True
    )
    options = " --server" + (" --per-ref" if per_ref else "")
    as_owner = f"runuser -u {shlex.quote(name)} --" if me == 0 else f"sudo -u {shlex.quote(name)}"
    head = (
        f"{git_dir} belongs to {name}, the user the server runs its hooks as; you are {mine}, "
        "and git refuses a repository another user owns."
    )
    if why is None:
        program = shlex.quote(str(Path(sys.executable).parent / "hotfix-hooks"))
        raise UsageError(
            f"{head} {name} can run this hotfix-hooks: install as {name}: "
            f"cd {shlex.quote(str(git_dir))} && {as_owner} {program} install{options}"
        )
    source = install_source()
    python = _python_for(owner)
    steps = (
        f"{python} -m venv {VENV} && {VENV}/bin/pip install --quiet {shlex.quote(source)} && "
        if source
        else f"install hotfix-hooks into a virtual environment at {VENV} made by {python}, then "
    )
    ours = sys.executable
    real = os.path.realpath(ours)
    shown = ours if real == ours else f"{ours}, which is {real}"
    raise UsageError(
        f"{head} {name} cannot run this hotfix-hooks ({shown}: {why}): a hook written now "
        f"would fail every push. Install it where {name} can run it, and the hook as "
        f"{name}: {steps}cd {shlex.quote(str(git_dir))} && "
        f"{as_owner} {VENV}/bin/hotfix-hooks install{options}"
    )


def _python_for(uid: int) -> str:
    """A python3 that user ``uid`` can run (a venv links to its interpreter: one made by
    root's own Python under /root would be out of reach as well)."""
    import shutil

    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3", shutil.which("python3")):
        if candidate and Path(candidate).exists() and unreachable_for(uid, Path(candidate)) is None:
            return candidate
    return "python3"
