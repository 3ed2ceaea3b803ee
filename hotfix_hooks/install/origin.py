"""Where this installation of hotfix-hooks came from: the commit it was built from, and
the place pip installed it from (PEP 610's ``direct_url.json``).

``hotfix-hooks --version`` prints the commit; ``install`` beside a hook manager puts the
place and the commit in the snippet it prints, so the ``rev:`` it suggests exists. Never on
a hook's path.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlparse

from hotfix_hooks.core.ui import command
from hotfix_hooks.install.version import build

DISTRIBUTION = "hotfix-hooks"
# Where an installation that does not know its origin tells the reader to look.
UNKNOWN_REPO = "https://github.com/YOUR-ORG/hotfix-hooks"


class Origin(NamedTuple):
    repo: str  # a git URL, or the path of a local clone
    commit: str  # "" when not known
    local: bool  # repo is a path on this machine


def _git(cwd: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(
            ("git", "-C", str(cwd), *args), capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def _direct_url() -> dict[str, object] | None:
    from importlib import metadata

    try:
        text = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _local_path(url: str) -> Path | None:
    parsed = urlparse(url)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


def origin() -> Origin | None:
    """The repository and commit this installation came from, when pip recorded it: a git
    URL (``pipx install git+URL@REV``) with the commit pip checked out, or a local clone
    (``pip install /path/to/clone``) with the commit it was built from."""
    data = _direct_url()
    url = data.get("url") if data else None
    if not isinstance(url, str):
        return None
    vcs = data.get("vcs_info") if data else None
    if isinstance(vcs, dict) and vcs.get("vcs") == "git":
        commit = vcs.get("commit_id")
        path = _local_path(url)
        repo = str(path) if path else url
        return Origin(repo, commit if isinstance(commit, str) else "", path is not None)
    path = _local_path(url)
    if path is None or not isinstance(data and data.get("dir_info"), dict):
        return None  # a wheel or an archive: no repository to point at
    found = build()
    commit = found.commit if found else ""
    if commit and _git(path, "cat-file", "-e", f"{commit}^{{commit}}") is None:
        commit = ""  # that clone does not have it
    return Origin(str(path), commit, True)


def install_command() -> str:
    """The command that installs this same hotfix-hooks elsewhere (on ``PATH``, for a hook
    manager that runs ``hotfix-hooks hook …``). It is not on PyPI."""
    found = origin()
    if found is None:
        return f"pipx install git+{UNKNOWN_REPO}  (where your team keeps hotfix-hooks)"
    if found.local:
        return command(["pipx", "install", found.repo])
    rev = f"@{found.commit}" if found.commit else ""
    return command(["pipx", "install", f"git+{found.repo}{rev}"])


def pre_commit_lines() -> tuple[str, str]:
    """The ``repo:`` and ``rev:`` lines of a ``.pre-commit-config.yaml`` entry for this
    installation: its own origin and commit where known; else what to put there."""
    found = origin()
    known = build() if found is None else None
    commit = found.commit if found else (known.commit if known else "")
    repo = found.repo if found else UNKNOWN_REPO
    note = "   # wherever your team keeps hotfix-hooks" if found is None else ""
    if found is not None and found.local:
        # a path works on this machine only: a committed config names the shared place
        shared = _git(Path(found.repo), "config", "--get", "remote.origin.url")
        if shared and _local_path(shared) is None and not shared.startswith(("/", ".")):
            repo, note = shared, "   # where the clone you installed from came from"
        else:
            note = "   # a clone on this machine: for your team, where you keep hotfix-hooks"
    repo_line = f"-   repo: {_yaml(repo)}{note}"
    if commit:
        rev_line = f"    rev: {commit}"
    else:
        if found and found.local:
            ask = command(["git", "-C", repo, "rev-parse", "HEAD"])
        else:
            ask = f"{command(['git', 'ls-remote', repo, 'HEAD'])} | head -n1 | cut -f1"
        rev_line = f"    rev: FULL-COMMIT-SHA   # the 40 characters this prints: {ask}"
    return repo_line, rev_line


def _yaml(text: str) -> str:
    """``text`` as a YAML plain scalar when it can be one, else single-quoted."""
    plain = text and all(c.isalnum() or c in "/._-:~@+" for c in text) and text[0] not in "-:@~"
    return text if plain else "'" + text.replace("'", "''") + "'"
