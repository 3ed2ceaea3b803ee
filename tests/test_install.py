from __future__ import annotations

import stat
from pathlib import Path

import pytest

from hotfix_hooks.install.hook_file import CLIENT_HOOKS, MARKER
from tests.conftest import git, hh

FOREIGN = '#!/bin/sh\necho "foreign $(basename "$0") ran: $*" >> foreign.log\nexit 0\n'


def hooks_dir(repo: Path) -> Path:
    return Path(
        git(repo, "rev-parse", "--path-format=absolute", "--git-path", "hooks").stdout.strip()
    )


def write_hook(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_install_writes_executable_scripts_and_is_idempotent(repo: Path) -> None:
    first = hh(repo, "install")
    assert first.returncode == 0, first.stderr
    for name in CLIENT_HOOKS:
        path = hooks_dir(repo) / name
        assert MARKER in path.read_text(encoding="utf-8")
        assert path.stat().st_mode & stat.S_IXUSR
    second = hh(repo, "install")
    assert second.returncode == 0
    assert second.stdout.count("already installed") == 3


def test_foreign_hook_refused_without_force(repo: Path) -> None:
    hook = hooks_dir(repo) / "commit-msg"
    write_hook(hook, FOREIGN)
    proc = hh(repo, "install")
    assert proc.returncode == 1
    assert "--force" in proc.stderr
    assert hook.read_text(encoding="utf-8") == FOREIGN
    assert not (hooks_dir(repo) / "post-checkout").exists()  # nothing written half-way


def test_force_keeps_foreign_hook_as_local_and_runs_it_first(repo: Path) -> None:
    hook = hooks_dir(repo) / "post-checkout"
    write_hook(hook, FOREIGN)
    proc = hh(repo, "install", "--force")
    assert proc.returncode == 0, proc.stderr
    assert (hooks_dir(repo) / "post-checkout.local").read_text(encoding="utf-8") == FOREIGN
    git(repo, "checkout", "-q", "-b", "hotfix/042-x")
    assert "foreign post-checkout.local ran" in (repo / "foreign.log").read_text(encoding="utf-8")
    assert (repo / ".specswarm/features/042-hotfix/hotfix.md").is_file()
    uninstall = hh(repo, "uninstall")
    assert uninstall.returncode == 0
    assert hook.read_text(encoding="utf-8") == FOREIGN
    assert not (hooks_dir(repo) / "post-checkout.local").exists()
    assert not (hooks_dir(repo) / "commit-msg").exists()


def test_local_hook_exit_code_is_respected(repo: Path) -> None:
    write_hook(hooks_dir(repo) / "commit-msg", "#!/bin/sh\necho 'policy: no' >&2\nexit 3\n")
    assert hh(repo, "install", "--force").returncode == 0
    proc = git(repo, "commit", "--allow-empty", "-m", "anything", check=False)
    assert proc.returncode != 0
    assert "policy: no" in proc.stderr


def test_local_pre_push_gets_stdin_too(repo: Path) -> None:
    write_hook(hooks_dir(repo) / "pre-push", "#!/bin/sh\ncat > pushed.txt\n")
    assert hh(repo, "install", "--force").returncode == 0
    git(repo, "commit", "-q", "--allow-empty", "-m", "more")
    git(repo, "push", "-q", "origin", "main")
    assert "refs/heads/main" in (repo / "pushed.txt").read_text(encoding="utf-8")


def test_force_refuses_when_local_slot_taken(repo: Path) -> None:
    write_hook(hooks_dir(repo) / "pre-push", FOREIGN)
    write_hook(hooks_dir(repo) / "pre-push.local", FOREIGN)
    plain = hh(repo, "install")
    assert plain.returncode == 1 and "Re-run with --force" in plain.stderr
    forced = hh(repo, "install", "--force")
    assert forced.returncode == 1
    assert "pre-push.local is taken too" in forced.stderr and "--force to" not in forced.stderr


def test_symlinked_foreign_hook_is_moved_not_followed(repo: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared-hook"
    write_hook(shared, FOREIGN)
    hooks_dir(repo).mkdir(parents=True, exist_ok=True)
    (hooks_dir(repo) / "commit-msg").symlink_to(shared)
    assert hh(repo, "install", "--force").returncode == 0
    assert shared.read_text(encoding="utf-8") == FOREIGN
    assert (hooks_dir(repo) / "commit-msg.local").is_symlink()


def test_uninstall_leaves_foreign_hooks(repo: Path) -> None:
    write_hook(hooks_dir(repo) / "pre-push", FOREIGN)
    proc = hh(repo, "uninstall")
    assert proc.returncode == 0
    assert "left" in proc.stdout
    assert (hooks_dir(repo) / "pre-push").read_text(encoding="utf-8") == FOREIGN


def test_worktree_shares_hooks(installed: Path, tmp_path: Path) -> None:
    other = tmp_path / "wt"
    git(installed, "worktree", "add", "-q", str(other))
    proc = hh(other, "install")
    assert proc.returncode == 0
    assert proc.stdout.count("already installed") == 3


def test_missing_interpreter_message(installed: Path) -> None:
    hook = hooks_dir(installed) / "commit-msg"
    text = hook.read_text(encoding="utf-8").replace("PY=", "PY=/nonexistent/python #", 1)
    hook.write_text(text, encoding="utf-8")
    proc = git(installed, "commit", "--allow-empty", "-m", "x", check=False)
    assert proc.returncode == 1
    assert "no longer exists" in proc.stderr


def test_server_install_needs_bare(repo: Path, remote: Path) -> None:
    assert hh(repo, "install", "--server").returncode == 2
    proc = hh(remote, "install")
    assert proc.returncode == 2 and "--server" in proc.stderr
    proc = hh(remote, "install", "--server")
    assert proc.returncode == 0, proc.stderr
    assert (remote / "hooks" / "pre-receive").is_file()


@pytest.mark.parametrize("args", [("install",), ("uninstall",)])
def test_outside_repo(tmp_path: Path, args: tuple[str, ...]) -> None:
    proc = hh(tmp_path, *args)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "not a git repository" in proc.stderr
