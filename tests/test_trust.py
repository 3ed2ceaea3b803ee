"""Nothing in a repository's file tree runs when our hooks run (SPEC: Trust)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import fill_plan, git, hh

BRANCH = "hotfix/042-login-500"
# Module names a hook could import: our own package, and standard-library names.
SHADOWS = ("json", "re", "subprocess", "shlex", "tomllib", "dataclasses", "typing", "pathlib")


def plant(repo: Path, sentinel: Path, shadows: tuple[str, ...] = SHADOWS) -> None:
    """Commit modules that would leave ``sentinel`` behind if anything imported them."""
    payload = f"open({str(sentinel)!r}, 'a').write(__name__ + '\\n')\n"
    package = repo / "hotfix_hooks"
    (package / "hooks").mkdir(parents=True)
    for rel in ("__init__.py", "main.py", "cli.py", "hooks/entry.py", "hooks/__init__.py"):
        (package / rel).write_text(payload, encoding="utf-8")
    for name in shadows:
        (repo / f"{name}.py").write_text(payload, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "modules that must never run")
    git(repo, "push", "-q", "origin", "main")


def test_no_code_from_the_working_tree_runs(hooked: Path, tmp_path: Path, remote: Path) -> None:
    sentinel = tmp_path / "SENTINEL"
    # pre-commit's own hook script runs `python -m pre_commit`, which puts the repository
    # root on sys.path: a root `re.py` breaks pre-commit itself before it reaches us (a
    # limit of pre-commit, stated in docs/pre-commit.md). Our package is shadowed under both.
    under_pre_commit = (hooked / ".pre-commit-config.yaml").exists()
    plant(hooked, sentinel, () if under_pre_commit else SHADOWS)
    git(hooked, "checkout", "-q", "-b", BRANCH)  # post-checkout: our scaffold
    assert (hooked / ".specswarm/features/042-hotfix/hotfix.md").is_file()
    refused = git(hooked, "commit", "-q", "--allow-empty", "-m", "no task", check=False)
    assert refused.returncode != 0  # commit-msg: ours refused it
    git(hooked, "commit", "-q", "--allow-empty", "-m", "T001: guard")
    assert "Hotfix: 042" in git(hooked, "log", "-1", "--format=%B").stdout
    assert git(hooked, "push", "-q", "origin", BRANCH, check=False).returncode != 0  # pre-push
    fill_plan(hooked)
    git(hooked, "commit", "-q", "-am", "T003: rollback plan")
    assert git(hooked, "push", "-q", "origin", BRANCH, check=False).returncode == 0
    assert not sentinel.exists(), sentinel.read_text(encoding="utf-8")


def test_global_hooks_path_clone_runs_nothing_of_the_clone(
    repo: Path, tmp_path: Path, remote: Path
) -> None:
    sentinel = tmp_path / "SENTINEL"
    plant(repo, sentinel)
    global_hooks = tmp_path / "global-hooks"
    git(repo, "config", "--global", "core.hooksPath", str(global_hooks))
    proc = hh(repo, "install")
    assert proc.returncode == 0, proc.stderr
    assert (global_hooks / "post-checkout").is_file()
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(clone))  # runs post-checkout in the clone
    git(clone, "checkout", "-q", "-b", BRANCH)
    assert (clone / ".specswarm/features/042-hotfix/hotfix.md").is_file()
    git(clone, "commit", "-q", "--allow-empty", "-m", "T001: guard")
    assert not sentinel.exists(), sentinel.read_text(encoding="utf-8")


@pytest.mark.parametrize("variable", ["PYTHONPATH", "PYTHONSTARTUP", "PYTHONINSPECT"])
def test_python_environment_variables_are_ignored(
    installed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    sentinel = tmp_path / "SENTINEL"
    plant(installed, sentinel)
    value = {"PYTHONPATH": str(installed), "PYTHONSTARTUP": str(installed / "json.py")}
    monkeypatch.setenv(variable, value.get(variable, "1"))
    git(installed, "checkout", "-q", "-b", BRANCH)
    git(installed, "commit", "-q", "--allow-empty", "-m", "T001: guard")
    assert not sentinel.exists()
