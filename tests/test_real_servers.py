"""The server gate on real servers, started by each test on 127.0.0.1 and stopped by it:
git http-backend behind lighttpd, and gitolite behind sshd (tests/servers.py). The hook is
installed as the serving user; pushes go over HTTP and ssh. The rollback-plan gate, the
task tie and ``--per-ref`` through each; a repository whose HEAD is unborn; gitolite's own
``update`` hook, never renamed, and gitolite's recipe (``repo-specific-hooks``) that runs
ours; ``install --server`` run as root in a repository another user serves."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotfix_hooks.install.installer import script_text
from tests import servers
from tests.conftest import BIN, fill_plan, git
from tests.servers import Gitolite, HttpServer

pytestmark = [pytest.mark.slow, pytest.mark.needs("root")]
HTTP = pytest.mark.needs("lighttpd", "git-http-backend")
GITOLITE = pytest.mark.needs("gitolite", "sshd", "ssh")
BRANCH = "hotfix/042-login-500"


@pytest.fixture(scope="module")
def venv() -> Path:
    return servers.serving_venv()


def said(proc: subprocess.CompletedProcess[str]) -> str:
    return proc.stdout + proc.stderr


def on_server(repo: Path, url: str, branch: str, env: dict[str, str] | None = None) -> bool:
    proc = git(repo, "ls-remote", url, f"refs/heads/{branch}", env={**os.environ, **(env or {})})
    return bool(proc.stdout.strip())


def push(
    repo: Path, url: str, *refs: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A push that skips the client's hooks: only the server judges."""
    return git(
        repo, "push", "--no-verify", url, *refs, check=False, env={**os.environ, **(env or {})}
    )


def plan_less_hotfix(repo: Path) -> None:
    """On BRANCH: the scaffolded documents (no plan) in a task-tied commit."""
    git(repo, "checkout", "-q", "-b", BRANCH)
    assert (repo / ".specswarm/features/042-hotfix/hotfix.md").is_file()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "T001: docs, no plan yet")


def judged_by_the_gate(repo: Path, url: str, env: dict[str, str] | None = None) -> None:
    """The whole server story from a clone: a plan-less hotfix refused, a commit that
    names no task refused, a real plan with task-tied commits accepted; main untouched."""
    plan_less_hotfix(repo)
    refused = push(repo, url, BRANCH, env=env)
    assert refused.returncode != 0, said(refused)
    assert "remote:" in refused.stderr and "has no real rollback plan" in refused.stderr, said(
        refused
    )
    assert "Traceback" not in said(refused)
    assert not on_server(repo, url, BRANCH, env)

    fill_plan(repo)
    git(repo, "commit", "-q", "--no-verify", "-am", "plan, but no task named")
    refused = push(repo, url, BRANCH, env=env)
    assert refused.returncode != 0, said(refused)
    assert "name no task" in refused.stderr, said(refused)
    assert not on_server(repo, url, BRANCH, env)

    git(repo, "commit", "-q", "--no-verify", "--amend", "-m", "T002: the rollback plan")
    accepted = push(repo, url, BRANCH, env=env)
    assert accepted.returncode == 0, said(accepted)
    assert on_server(repo, url, BRANCH, env)


def install_as(
    user: str, bare: Path, venv: Path, *options: str
) -> subprocess.CompletedProcess[str]:
    return servers.run(
        venv / "bin" / "hotfix-hooks",
        "install",
        "--server",
        *options,
        user=user,
        cwd=bare,
        check=False,
    )


# -- git http-backend behind lighttpd ---------------------------------------------------------


@pytest.fixture
def http() -> Iterator[HttpServer]:
    with servers.http_server() as server:
        yield server


@HTTP
def test_http_backend_gate_and_task_tie(http: HttpServer, venv: Path, installed: Path) -> None:
    bare = http.bare()
    url = f"{http.url}/app.git"
    assert push(installed, url, "main").returncode == 0
    proc = install_as(http.user.name, bare, venv)
    assert proc.returncode == 0, said(proc)
    hook = bare / "hooks" / "pre-receive"
    assert hook.stat().st_uid == bare.stat().st_uid  # written by the serving user
    assert f"PY={venv}/bin/python" in hook.read_text()
    judged_by_the_gate(installed, url)


@HTTP
def test_http_backend_per_ref(http: HttpServer, venv: Path, installed: Path) -> None:
    bare = http.bare()
    url = f"{http.url}/app.git"
    assert push(installed, url, "main").returncode == 0
    proc = install_as(http.user.name, bare, venv, "--per-ref")
    assert proc.returncode == 0, said(proc)
    assert (bare / "hooks" / "update").is_file() and not (bare / "hooks" / "pre-receive").exists()
    plan_less_hotfix(installed)
    git(installed, "checkout", "-q", "main")
    git(installed, "commit", "-q", "--allow-empty", "-m", "main moves on")
    proc = push(installed, url, "main", BRANCH)
    assert proc.returncode != 0
    assert "has no real rollback plan" in proc.stderr, said(proc)
    # per ref: main lands, the hotfix branch does not
    main = git(installed, "rev-parse", "main").stdout.strip()
    assert git(installed, "ls-remote", url, "refs/heads/main").stdout.split()[0] == main
    assert not on_server(installed, url, BRANCH)


@HTTP
def test_http_backend_unborn_head(http: HttpServer, venv: Path, installed: Path) -> None:
    """The hook installed into an empty repository (HEAD names a branch that does not
    exist yet, as a fresh server repository's does): the first pushes are judged all the
    same, with no traceback."""
    bare = http.bare()
    assert (
        servers.run("git", "-C", bare, "symbolic-ref", "HEAD", user=http.user.name).stdout.strip()
        == "refs/heads/master"
    )
    proc = install_as(http.user.name, bare, venv)
    assert proc.returncode == 0, said(proc)
    url = f"{http.url}/app.git"
    plan_less_hotfix(installed)
    proc = push(installed, url, "main", BRANCH)
    assert proc.returncode != 0 and "Traceback" not in said(proc), said(proc)
    assert "has no real rollback plan" in proc.stderr, said(proc)
    assert not on_server(installed, url, BRANCH)


@HTTP
def test_install_as_root_in_a_repository_another_user_serves(
    http: HttpServer, installed: Path, tmp_path: Path
) -> None:
    """Root runs `install --server` where the serving user owns the repository: one line
    naming the owner, why it could not run root's hotfix-hooks, and the command; pasted,
    that command installs a hook the server runs."""
    bare = http.bare()
    url = f"{http.url}/app.git"
    assert push(installed, url, "main").returncode == 0
    hh = BIN / "hotfix-hooks"
    proc = subprocess.run(
        (str(hh), "install", "--server"), cwd=bare, capture_output=True, text=True
    )
    assert proc.returncode == 2, said(proc)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    line = lines[0]
    assert f"belongs to {http.user.name}, the user the server runs its hooks as" in line
    assert not (bare / "hooks" / "pre-receive").exists()
    command = line.rsplit(": ", 1)[1]
    if f"{http.user.name} can run this hotfix-hooks" not in line:
        assert (
            f"{http.user.name} cannot run this hotfix-hooks" in line
            and "/opt/hotfix-hooks" in command
        )
    pasted = subprocess.run(("sh", "-c", command), capture_output=True, text=True, timeout=600)
    assert pasted.returncode == 0, said(pasted)
    hook = bare / "hooks" / "pre-receive"
    assert hook.is_file() and hook.stat().st_uid == (bare / "HEAD").stat().st_uid
    judged_by_the_gate(installed, url)


@HTTP
def test_a_hook_the_serving_user_cannot_run_says_why(
    http: HttpServer, installed: Path, tmp_path: Path
) -> None:
    """A hook written by root with root's interpreter (what an install before the owner
    check did): every push fails, and the message names the real cause and the command,
    not "no longer exists; run 'hotfix-hooks install'"."""
    bare = http.bare()
    closed = servers.world_dir("hh-closed-")
    try:
        closed.chmod(0o700)
        python = closed / "python3"
        python.symlink_to(sys.executable)
        hook = bare / "hooks" / "pre-receive"
        hook.write_text(script_text("pre-receive", python=str(python)))
        hook.chmod(0o755)
        proc = push(installed, f"{http.url}/app.git", "main")
        assert proc.returncode != 0
        user = http.user.name
        expected = (
            f"hotfix-hooks: {python} is out of reach of {user} ({closed} is closed to it); "
            f"run 'hotfix-hooks install --server' again as {user}"
        )
        assert expected in proc.stderr, said(proc)
    finally:
        closed.chmod(0o755)
        subprocess.run(("rm", "-rf", str(closed)), check=False)


# -- gitolite behind sshd ---------------------------------------------------------------------


@pytest.fixture
def gitolite(isolated_env: Path) -> Iterator[Gitolite]:
    with servers.gitolite_server(isolated_env) as server:
        yield server


def gitolite_admin(server: Gitolite, tmp_path: Path, conf: str) -> None:
    """Add ``conf`` to gitolite.conf through the admin repository, as an admin does."""
    admin = tmp_path / "gitolite-admin"
    env = {**os.environ, **server.ssh_env}
    if not admin.exists():
        git(tmp_path, "clone", "-q", server.url("gitolite-admin"), str(admin), env=env)
    path = admin / "conf" / "gitolite.conf"
    path.write_text(path.read_text() + conf)
    git(admin, "commit", "-q", "-am", "conf")
    git(admin, "push", "-q", "origin", "HEAD", env=env)


@pytest.fixture
def gitolite_app(gitolite: Gitolite, tmp_path: Path, installed: Path) -> Path:
    """Repository `app` created by gitolite (HEAD -> master, the team pushes main), main
    pushed from the client."""
    gitolite_admin(gitolite, tmp_path, "\nrepo app\n    RW+ = admin\n")
    url = gitolite.url("app")
    assert push(installed, url, "main", env=gitolite.ssh_env).returncode == 0
    return gitolite.repositories / "app.git"


@GITOLITE
def test_gitolite_pre_receive(
    gitolite: Gitolite, gitolite_app: Path, venv: Path, installed: Path
) -> None:
    proc = install_as(gitolite.user.name, gitolite_app, venv)
    assert proc.returncode == 0, said(proc)
    judged_by_the_gate(installed, gitolite.url("app"), gitolite.ssh_env)


@GITOLITE
def test_gitolite_update_hook_is_never_renamed(
    gitolite: Gitolite, gitolite_app: Path, venv: Path, installed: Path, tmp_path: Path
) -> None:
    update = gitolite_app / "hooks" / "update"
    assert update.is_symlink() and ".gitolite/hooks/common/update" in os.readlink(update)
    before = os.readlink(update)
    proc = install_as(gitolite.user.name, gitolite_app, venv, "--per-ref", "--force")
    assert proc.returncode == 1, said(proc)
    assert f"{update} is gitolite's own hook: nothing was installed" in proc.stderr
    assert "repo-specific-hooks" in proc.stderr
    assert os.readlink(update) == before and not (gitolite_app / "hooks" / "update.local").exists()
    # gitolite still serves everyone: reads and writes
    clone = tmp_path / "clone"
    git(
        tmp_path,
        "clone",
        "-q",
        gitolite.url("app"),
        str(clone),
        env={**os.environ, **gitolite.ssh_env},
    )
    assert (
        push(installed, gitolite.url("app"), "main:feature/x", env=gitolite.ssh_env).returncode == 0
    )


@GITOLITE
def test_gitolite_repo_specific_hooks_recipe(
    gitolite: Gitolite, gitolite_app: Path, venv: Path, installed: Path, tmp_path: Path
) -> None:
    """The recipe `install --server` prints under gitolite, followed step by step: the
    gate runs from gitolite's own repo-specific hooks."""
    proc = install_as(gitolite.user.name, gitolite_app, venv, "--per-ref")
    assert proc.returncode == 1
    printed = proc.stderr
    program = str(venv / "bin" / "hotfix-hooks")
    assert f"exec {program} hook pre-receive" in printed, printed  # the user's own program
    # 1. ~/.gitolite.rc
    rc = gitolite.user.home / ".gitolite.rc"
    text = rc.read_text()
    text = re.sub(r"#\s*'repo-specific-hooks',", "'repo-specific-hooks',", text)
    text = re.sub(
        r'#\s*LOCAL_CODE\s*=>\s*"\$ENV\{HOME\}/local",', 'LOCAL_CODE => "$ENV{HOME}/local",', text
    )
    assert "'repo-specific-hooks'," in text and 'LOCAL_CODE => "$ENV{HOME}/local"' in text
    rc.write_text(text)
    # 2. the script, by the printed lines, as the gitolite user
    shown = [re.sub(r"^\d+\.\s+", "", line.strip()) for line in printed.splitlines()]
    lines = [line for line in shown if line.startswith(("mkdir ", "printf ", "chmod "))]
    assert len(lines) == 3, printed
    gitolite.as_gitolite("sh", "-c", "\n".join(lines), cwd=gitolite.user.home)
    # 3. the option, through gitolite-admin
    gitolite_admin(gitolite, tmp_path, "    option hook.pre-receive = hotfix-hooks\n")
    hook = gitolite_app / "hooks" / "pre-receive"
    assert hook.is_symlink(), list((gitolite_app / "hooks").iterdir())
    # 4. the rules, from the production branch
    step4 = next(line.strip() for line in printed.splitlines() if "server-config" in line)
    gitolite.as_gitolite("sh", "-c", step4.split("#")[0], cwd=gitolite_app)
    judged_by_the_gate(installed, gitolite.url("app"), gitolite.ssh_env)
