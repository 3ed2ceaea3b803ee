"""A small on-call team in a box: one bare server with ``install --server``, several clones
of it with the hooks installed, each command run as that clone's engineer at a moment of
the incident's clock (git's dates and ``HOTFIX_HOOKS_NOW`` alike)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import BIN, COVERAGE_ENV, GITCONFIG, hh

DAY = "2026-11-26"
BRANCH = "hotfix/001-login-500"
DOCS = ".specswarm/features/001-hotfix"
PLAN = "Redeploy v1.4.2"


class Clone:
    def __init__(self, team: Team, name: str) -> None:
        self.team = team
        self.name = name
        self.path = team.root / name

    def env(self, at: str | None = None, *, measured: bool = True, **extra: str) -> dict[str, str]:
        """The clone's engineer at ``at``; ``measured=False`` for a setup step (the team, a
        clone, the opened hotfix): the hooks it runs are not what the test is about, and
        coverage would cost each of them ~150 ms more (:func:`tests.conftest.unmeasured_env`)."""
        moment = f"{DAY}T{at or self.team.clock}+00:00"
        drop = () if measured else COVERAGE_ENV
        keep = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("GIT_", "HOTFIX_")) and k not in drop
        }
        return {
            **keep,
            "HOME": str(self.team.home),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": self.name.capitalize(),
            "GIT_AUTHOR_EMAIL": f"{self.name}@example.com",
            "GIT_COMMITTER_NAME": self.name.capitalize(),
            "GIT_COMMITTER_EMAIL": f"{self.name}@example.com",
            "GIT_AUTHOR_DATE": moment,
            "GIT_COMMITTER_DATE": moment,
            "HOTFIX_HOOKS_NOW": moment,
            "GIT_TERMINAL_PROMPT": "0",
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            **extra,
        }

    def run(
        self,
        *argv: str,
        at: str | None = None,
        check: bool = False,
        measured: bool = True,
        **extra: str,
    ) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            argv,
            cwd=self.path,
            env=self.env(at, measured=measured, **extra),
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            check=False,
            timeout=120,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"{self.name}: {argv} -> {proc.returncode}\n{proc.stdout}{proc.stderr}"
            )
        return proc

    def git(self, *args: str, at: str | None = None, measured: bool = True) -> str:
        return self.run("git", *args, at=at, check=True, measured=measured).stdout.strip()

    def hh(
        self, *args: str, at: str | None = None, measured: bool = True, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        """``hotfix-hooks ARGS`` as this engineer (:func:`tests.conftest.hh`: in this
        process; the hooks git runs meanwhile are real processes)."""
        return hh(self.path, *args, env=self.env(at, measured=measured, **extra))

    def ok(self, *args: str, at: str | None = None, measured: bool = True) -> str:
        proc = self.hh(*args, at=at, measured=measured)
        assert proc.returncode == 0, f"{self.name}: hotfix-hooks {args}\n{proc.stdout}{proc.stderr}"
        return proc.stdout

    def write(self, rel: str, text: str) -> None:
        path = self.path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def read(self, rel: str) -> str:
        return (self.path / rel).read_text(encoding="utf-8")


class Team:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.clock = "10:00:00"
        self.home.mkdir(parents=True)
        (self.home / ".gitconfig").write_text(GITCONFIG, encoding="utf-8")
        self.server = root / "server.git"
        first = Clone(self, "ana")
        subprocess.run(
            ("git", "init", "-q", "--bare", str(self.server)), env=first.env(), check=True
        )
        subprocess.run(("git", "init", "-q", str(first.path)), env=first.env(), check=True)
        first.write("app.py", "print('hello')\n")
        first.git("add", "app.py")
        first.git("commit", "-q", "-m", "initial")
        first.git("remote", "add", "origin", str(self.server))
        first.git("push", "-q", "-u", "origin", "main")
        first.git("remote", "set-head", "origin", "--auto")
        server = hh(self.server, "install", "--server", env=first.env(measured=False))
        assert server.returncode == 0, server.stderr
        first.ok("install", measured=False)
        self.clones = {"ana": first}

    def at(self, clock: str) -> None:
        self.clock = clock

    def clone(self, name: str, *, hooks: bool = True) -> Clone:
        c = Clone(self, name)
        subprocess.run(
            ("git", "clone", "-q", str(self.server), str(c.path)), env=c.env(), check=True
        )
        if hooks:
            c.ok("install", measured=False)
        self.clones[name] = c
        return c

    def start(self, who: Clone, *, push: bool = True) -> None:
        """``who`` opens hotfix 001 with a real plan and a fix, and pushes it."""
        who.git("checkout", "-q", "-b", BRANCH, measured=False)
        doc = f"{DOCS}/hotfix.md"
        who.write(doc, who.read(doc).replace("[How to rollback if hotfix fails]", PLAN))
        who.write("app.py", "print('fixed')\n")
        who.git("commit", "-q", "-am", "T001: guard null user", measured=False)
        if push:
            who.git("push", "-q", "-u", "origin", BRANCH, measured=False)
