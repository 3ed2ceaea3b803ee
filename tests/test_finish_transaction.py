"""finish is one transaction (issue 18, items 2 and 3): checked before the first write,
never stuck (the three states a user could not get out of), resumable from a journal
after a SIGKILL between any two steps, undone by --abort; git-flow's develop gets the fix.

Real git throughout: a bare server with ``install --server``, clones with the hooks
installed, a fixed clock (so that an interrupted and an uninterrupted finish make the very
same commits and can be compared ref by ref)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import BIN, COVERAGE_ENV, GITCONFIG, hh

BRANCH = "hotfix/001-login-500"
DOC = ".specswarm/features/001-hotfix/hotfix.md"
NOW = "2026-11-26T04:05:17+00:00"
STEPS = (
    "record:written",  # inside the record step: the resolution written, not yet committed
    "record",
    "merge:main",
    "tag",
    "merge:develop",
    "checkout",
    "delete",
    "push",
)


def env(home: Path, *, measured: bool = True, **extra: str) -> dict[str, str]:
    """Dana's environment at NOW; ``measured=False`` for building a world (setup: the
    hooks and installs it runs are not what a test checks, and run without coverage)."""
    drop = () if measured else COVERAGE_ENV
    return {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("GIT_", "HOTFIX_HOOKS")) and k not in drop
        },
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Dana",
        "GIT_AUTHOR_EMAIL": "dana@example.com",
        "GIT_COMMITTER_NAME": "Dana",
        "GIT_COMMITTER_EMAIL": "dana@example.com",
        "GIT_AUTHOR_DATE": NOW,
        "GIT_COMMITTER_DATE": NOW,
        "HOTFIX_HOOKS_NOW": NOW,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        **extra,
    }


class World:
    """A server and a clone of it, all under one directory (copied whole per case)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"

    @property
    def server(self) -> Path:
        return self.root / "server.git"

    @property
    def clone(self) -> Path:
        return self.root / "a"

    def git(
        self, *args: str, cwd: Path | None = None, check: bool = True, measured: bool = True
    ) -> str:
        proc = subprocess.run(
            ("git", *args),
            cwd=cwd or self.clone,
            env=env(self.home, measured=measured),
            capture_output=True,
            text=True,
            check=False,
        )
        if check and proc.returncode:
            raise AssertionError(f"git {args}: {proc.stdout}{proc.stderr}")
        return proc.stdout.strip()

    def hh(
        self,
        *args: str,
        cwd: Path | None = None,
        measured: bool = True,
        process: bool = False,
        **extra: str,
    ) -> subprocess.CompletedProcess[str]:
        """``hotfix-hooks ARGS`` as Dana: in this process (:func:`tests.conftest.hh`), or
        with ``process=True`` as a real one (one a test kills)."""
        if not process:
            return hh(cwd or self.clone, *args, env=env(self.home, measured=measured, **extra))
        return subprocess.run(
            (str(BIN / "hotfix-hooks"), *args),
            cwd=cwd or self.clone,
            env=env(self.home, measured=measured, **extra),
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            check=False,
            timeout=120,
        )

    def state(self) -> dict[str, str]:
        """Everything a finish changes: refs here and on the server, HEAD, the tree."""
        return {
            "refs": self.git("for-each-ref", "--format=%(refname) %(objectname)"),
            "server": self.git(
                "for-each-ref", "--format=%(refname) %(objectname)", cwd=self.server
            ),
            "head": self.git("symbolic-ref", "-q", "HEAD", check=False),
            "tree": self.git("status", "--porcelain", "--untracked-files=all"),
            "journal": str((self.clone / ".git/hotfix-hooks/finish.json").exists()),
        }


def build(root: Path, *, develop: bool = True, resolved: bool = False) -> World:
    w = World(root)
    w.home.mkdir(parents=True)
    (w.home / ".gitconfig").write_text(GITCONFIG, encoding="utf-8")
    w.git("init", "-q", "--bare", str(w.server), cwd=root)
    w.git("clone", "-q", "server.git", "a", cwd=root)
    w.git("remote", "set-url", "origin", "../server.git")  # relative: copies keep working
    (w.clone / "app.py").write_text("print('hello')\n", encoding="utf-8")
    w.git("add", "app.py")
    w.git("commit", "-q", "-m", "initial")
    w.git("push", "-q", "origin", "main")
    if develop:
        w.git("push", "-q", "origin", "main:develop")
    assert w.hh("install", "--server", cwd=w.server, measured=False).returncode == 0
    assert w.hh("install", measured=False).returncode == 0
    w.git("checkout", "-q", "-b", BRANCH, measured=False)
    doc = w.clone / DOC
    doc.write_text(
        doc.read_text(encoding="utf-8").replace(
            "[How to rollback if hotfix fails]", "Redeploy v1.4.2"
        ),
        encoding="utf-8",
    )
    (w.clone / "app.py").write_text("print('fixed')\n", encoding="utf-8")
    w.git("commit", "-q", "-am", "T001: guard null user", measured=False)
    if resolved:
        assert w.hh("resolve", measured=False).returncode == 0
        w.git("commit", "-q", "-am", "T004: resolved", measured=False)
    w.git("push", "-q", "-u", "origin", BRANCH, measured=False)
    return w


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("finish-template") / "world").root


def copy_of(template: Path, tmp_path: Path) -> World:
    root = tmp_path / "world"
    shutil.copytree(template, root, symlinks=True)
    return World(root)


# -- never stuck: the three states of the issue --------------------------------------------


def test_a_develop_only_on_the_remote_that_has_the_fix_is_not_pushed_by_a_refspec_that_fails(
    tmp_path: Path,
) -> None:
    w = build(tmp_path / "w", resolved=True)
    (w.clone / ".hotfix-hooks.toml").write_text('develop_branch = "develop"\n', encoding="utf-8")
    w.git("push", "-q", "--no-verify", "origin", f"{BRANCH}:develop")  # develop has the fix already
    w.git("fetch", "-q")
    proc = w.hh("finish", "--push")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "develop already contains" in proc.stdout
    assert w.git("rev-parse", "main") == w.git("rev-parse", "main", cwd=w.server)
    assert w.git("rev-parse", "hotfix-001", cwd=w.server)
    assert not (w.clone / ".git/hotfix-hooks/finish.json").exists()


def test_production_only_on_the_remote_beside_a_path_of_its_name(tmp_path: Path) -> None:
    w = build(tmp_path / "w", develop=False, resolved=True)
    (w.clone / "main").mkdir()
    (w.clone / "main" / "notes.txt").write_text("a directory called main\n", encoding="utf-8")
    w.git("add", "main")
    w.git("commit", "-q", "-m", "T001: notes")
    w.git("push", "-q")
    w.git("push", "-q", "--no-verify", "origin", f"{BRANCH}:main")  # merged by a pull request
    w.git("fetch", "-q")
    w.git("branch", "-q", "-D", "main")
    proc = w.hh("finish", "--push")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert w.git("symbolic-ref", "--short", "HEAD") == "main"
    assert w.git("rev-parse", "--abbrev-ref", "main@{upstream}") == "origin/main"
    assert w.git("rev-parse", "hotfix-001^{commit}", cwd=w.server) == w.git("rev-parse", "main")
    assert BRANCH not in w.git("branch", "-a")


def test_sha256_repository_with_production_only_remote_tracking(tmp_path: Path) -> None:
    w = World(tmp_path / "w")
    w.home.mkdir(parents=True)
    (w.home / ".gitconfig").write_text(GITCONFIG, encoding="utf-8")
    w.git("init", "-q", "--bare", "--object-format=sha256", str(w.server), cwd=w.root)
    w.git("init", "-q", "--object-format=sha256", "a", cwd=w.root)
    w.git("remote", "add", "origin", "../server.git")
    (w.clone / "app.py").write_text("print('hello')\n", encoding="utf-8")
    w.git("add", "app.py")
    w.git("commit", "-q", "-m", "initial")
    w.git("push", "-q", "origin", "main")
    w.git("fetch", "-q", "origin")
    assert w.hh("install").returncode == 0
    w.git("checkout", "-q", "-b", BRANCH)
    w.git("branch", "-q", "-D", "main")
    doc = w.clone / DOC
    doc.write_text(
        doc.read_text(encoding="utf-8").replace(
            "[How to rollback if hotfix fails]", "Redeploy v1.4.2"
        ),
        encoding="utf-8",
    )
    w.git("commit", "-q", "-am", "T001: fix")
    proc = w.hh("finish", "--push")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(w.git("rev-parse", "main")) == 64
    assert w.git("rev-parse", "main", cwd=w.server) == w.git("rev-parse", "main")


# -- resumable: killed after each step, continued -----------------------------------------


@pytest.fixture(scope="module")
def uninterrupted(template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    w = copy_of(template, tmp_path_factory.mktemp("uninterrupted"))
    proc = w.hh("finish", "--push")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for step in ("the fix goes to main", "the fix goes to develop: the development branch"):
        assert step in proc.stdout, proc.stdout
    return w.state()


FAST = {"record:written", "tag", "push"}  # the rest run with the slow set (CI runs them all)


def steps(names: tuple[str, ...]) -> list[object]:
    return [pytest.param(name, marks=() if name in FAST else (pytest.mark.slow,)) for name in names]


@pytest.mark.parametrize("step", steps(STEPS))
def test_finish_killed_after_a_step_is_continued_to_the_same_end(
    step: str, template: Path, tmp_path: Path, uninterrupted: dict[str, str]
) -> None:
    w = copy_of(template, tmp_path)
    killed = w.hh("finish", "--push", process=True, HOTFIX_HOOKS_KILL_AFTER=step)
    assert killed.returncode == -9, killed.stdout + killed.stderr
    assert (w.clone / ".git/hotfix-hooks/finish.json").exists()
    status = w.hh("status")
    assert "a finish of hotfix 001 (hotfix/001-login-500) is in progress" in status.stdout
    assert "Next: complete it: hotfix-hooks finish --continue" in status.stdout
    again = w.hh("finish", "--push")
    assert again.returncode == 1 and "finish --continue" in again.stderr
    proc = w.hh("finish", "--continue")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "✓ (done" in proc.stdout or step == "record:written"
    assert w.state() == uninterrupted


@pytest.mark.parametrize("step", steps(("record:written", "record", "tag", "checkout", "delete")))
def test_finish_abort_puts_everything_back(step: str, template: Path, tmp_path: Path) -> None:
    w = copy_of(template, tmp_path)
    before = w.state()
    killed = w.hh("finish", "--push", process=True, HOTFIX_HOOKS_KILL_AFTER=step)
    assert killed.returncode == -9
    proc = w.hh("finish", "--abort")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert w.state() == before
    proc = w.hh("finish", "--push")  # and it can be finished afterwards
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_push_the_server_refuses_is_continued_once_it_accepts(
    template: Path, tmp_path: Path, uninterrupted: dict[str, str]
) -> None:
    w = copy_of(template, tmp_path)
    hook = w.server / "hooks" / "pre-receive"
    real = hook.read_text(encoding="utf-8")
    hook.write_text("#!/bin/sh\necho 'frozen: release in progress' >&2\nexit 1\n", encoding="utf-8")
    proc = w.hh("finish", "--push")
    assert proc.returncode == 1
    assert "the push failed (everything local is done" in proc.stderr
    assert "retry: hotfix-hooks finish --continue" in proc.stderr
    assert "frozen: release in progress" in proc.stderr
    hook.write_text(real, encoding="utf-8")
    proc = w.hh("finish", "--continue")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert w.state() == uninterrupted


def test_a_teammates_push_during_a_finish_is_named_and_the_way_out_works(
    template: Path, tmp_path: Path
) -> None:
    """A teammate pushes to the hotfix branch after finish took its lease and before it
    pushed: no retry can succeed (the lease protects their commit), so --continue says
    whose commit, and the advice, followed as written, lands both on main."""
    w = copy_of(template, tmp_path)
    killed = w.hh("finish", "--push", process=True, HOTFIX_HOOKS_KILL_AFTER="delete")
    assert killed.returncode == -9, killed.stdout + killed.stderr
    mate = tmp_path / "ben"
    w.git("clone", "-q", "-b", BRANCH, str(w.server), str(mate), cwd=tmp_path, measured=False)
    w.git("commit", "-q", "--allow-empty", "-m", "T002: ben's smoke test", cwd=mate)
    w.git("push", "-q", "--no-verify", "origin", BRANCH, cwd=mate)
    theirs = w.git("rev-parse", "HEAD", cwd=mate)
    proc = w.hh("finish", "--continue")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"  {theirs[:7]}" in proc.stderr and "T002: ben's smoke test (Dana)" in proc.stderr
    advice = proc.stderr.strip().splitlines()[-1]
    assert "hotfix-hooks finish --abort" in advice and "retry" not in advice, advice
    assert f"git merge --no-edit origin/{BRANCH} on {BRANCH}" in advice
    assert w.hh("finish", "--abort").returncode == 0
    w.git("merge", "-q", "--no-edit", f"origin/{BRANCH}")
    proc = w.hh("finish", "--push")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "main" in w.git("branch", "--contains", theirs, cwd=w.server).split()


def test_continue_and_abort_without_a_finish_in_progress(template: Path, tmp_path: Path) -> None:
    w = copy_of(template, tmp_path)
    for option in ("--continue", "--abort"):
        proc = w.hh("finish", option)
        assert proc.returncode == 2 and "no finish is in progress" in proc.stderr
    assert w.hh("finish", "--continue", "--push").returncode == 2


# -- git-flow: develop gets the fix ----------------------------------------------------------


def test_develop_gets_the_fix_by_default_and_the_plan_says_why(
    template: Path, tmp_path: Path
) -> None:
    w = copy_of(template, tmp_path)
    dry = w.hh("finish", "--dry-run", "--push")
    assert dry.returncode == 0, dry.stderr
    assert "the fix goes to main: the production branch" in dry.stdout
    assert "the fix goes to develop: the development branch — it exists and develop_branch" in (
        dry.stdout
    )
    assert "merge hotfix/001-login-500 back into develop" in dry.stdout
    (w.clone / ".hotfix-hooks.toml").write_text('develop_branch = ""\n', encoding="utf-8")
    w.git("add", ".hotfix-hooks.toml")
    w.git("commit", "-q", "-m", "T001: no develop here")  # committed: finish needs a clean tree
    proc = w.hh("finish")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'no development branch gets it: develop_branch = "" in the configuration' in (
        proc.stdout
    )
    assert "develop" not in w.git("for-each-ref", "--format=%(refname)", "refs/heads")
