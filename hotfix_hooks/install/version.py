"""Which commit this hotfix-hooks was built from, as ``--version`` says it: the commit
recorded in the wheel (``hotfix_hooks/_build.py``, written by hatch_build.py), else that of
the source checkout it runs from. Import-light: ``--version`` answers without click, and
without ``subprocess`` or ``json`` (git runs through ``lean.run_git``'s spawn)."""

from __future__ import annotations

import os

import hotfix_hooks
from hotfix_hooks.core.oid import is_oid
from hotfix_hooks.git import lean


class Build:
    """A commit, and whether the tree it runs from had uncommitted changes."""

    __slots__ = ("commit", "dirty")

    def __init__(self, commit: str, dirty: bool) -> None:
        self.commit = commit
        self.dirty = dirty

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Build) and (self.commit, self.dirty) == (other.commit, other.dirty)

    def __hash__(self) -> int:
        return hash((self.commit, self.dirty))

    def __repr__(self) -> str:
        return f"Build({self.commit!r}, {self.dirty!r})"


def _git(root: str, *args: str) -> tuple[int, str]:
    code, out, _ = lean.run_git("-C", root, *args)
    return code, out.decode("utf-8", "replace").strip()


def checkout_build(root: str) -> Build | None:
    """The commit of a source checkout of this project at ``root`` (an editable install,
    or the package run from a clone), asked of git; None when ``root`` is not one."""
    markers = ("pyproject.toml", ".pre-commit-hooks.yaml")
    if not all(os.path.isfile(os.path.join(root, name)) for name in markers):
        return None
    code, top = _git(root, "rev-parse", "--show-toplevel", "HEAD")
    lines = top.splitlines()
    if code != 0 or len(lines) != 2 or not is_oid(lines[1]):
        return None
    if os.path.realpath(lines[0]) != os.path.realpath(root):
        return None
    dirty, _ = _git(root, "diff-index", "--quiet", "HEAD", "--")
    return Build(lines[1], dirty == 1)


def build() -> Build | None:
    """The commit this package was built from, else the commit of the source checkout it
    runs from; None when neither is known."""
    try:
        from hotfix_hooks import _build  # type: ignore[attr-defined]
    except ImportError:
        _build = None
    commit = getattr(_build, "COMMIT", None)
    if isinstance(commit, str) and commit:
        return Build(commit, getattr(_build, "DIRTY", False) is True)
    package = os.path.dirname(os.path.realpath(hotfix_hooks.__file__))
    return checkout_build(os.path.dirname(package))


def version_text() -> str:
    """``--version``: the release and the commit."""
    found = build()
    if found is None:
        where = "commit unknown: not built from a git checkout"
    else:
        where = f"commit {found.commit}" + (", with uncommitted changes" if found.dirty else "")
    return f"hotfix-hooks, version {hotfix_hooks.__version__} ({where})"
