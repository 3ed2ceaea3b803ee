"""Build hook: the wheel (and the sdist) record the commit they were built from.

``hotfix_hooks/_build.py`` is written into the archive, never into the source tree:
``COMMIT`` (40 hex digits, or "" when the source is not a git checkout) and ``DIRTY``
(uncommitted changes to tracked files). A wheel built from an sdist keeps the sdist's
file. ``hotfix-hooks --version`` prints it, and ``install`` puts it in the ``rev:`` it
suggests. The package version itself stays a plain release number, which a package index
accepts (a ``+g<sha>`` local version it would refuse).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

TARGET = "hotfix_hooks/_build.py"


def _git(root: str, *args: str) -> str | None:
    try:
        proc = subprocess.run(
            ("git", "-C", root, *args), capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def source_commit(root: str) -> tuple[str, bool] | None:
    """(commit, dirty) when ``root`` is the top of a git work tree; else None."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None or Path(top).resolve() != Path(root).resolve():
        return None  # not a checkout of this project (an sdist unpacked inside another repo)
    commit = _git(root, "rev-parse", "--verify", "HEAD^{commit}")
    if not commit:
        return None
    status = _git(root, "status", "--porcelain", "--untracked-files=no")
    return commit, bool(status)


class CommitHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":  # an editable install asks git at run time
            return
        found = source_commit(self.root)
        kept = Path(self.root, TARGET)
        if found is None and kept.is_file():  # built from an sdist: its record stays
            build_data["force_include"][str(kept)] = TARGET
            return
        commit, dirty = found or ("", False)
        out = Path(tempfile.mkdtemp(prefix="hotfix-hooks-build-")) / "_build.py"
        out.write_text(
            '"""Written by hatch_build.py when this package was built."""\n\n'
            f"COMMIT = {commit!r}\nDIRTY = {dirty!r}\n",
            encoding="utf-8",
        )
        build_data["force_include"][str(out)] = TARGET
