"""Adopting hotfix-hooks without a package index (issue 22, items 2 and 3): a clone of this
repository and a wheelhouse are all a team needs. Installed from the clone, offline,
``--version`` names the commit, and ``install`` beside pre-commit prints a snippet whose
``repo:`` and ``rev:`` work when pasted: pre-commit then installs all three hooks, offline
too, and the scaffold runs on ``git checkout -b``."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from hotfix_hooks.install import origin
from tests.conftest import PROJECT, git, unmeasured_env


def run(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, f"{args}: {proc.stdout}{proc.stderr}"
    return proc.stdout


def test_version_names_the_commit_of_a_checkout() -> None:
    """Run from this checkout (an editable install): the commit is git's HEAD here."""
    head = git(PROJECT, "rev-parse", "HEAD").stdout.strip()
    from hotfix_hooks.install.version import version_text

    text = version_text()
    assert text.startswith("hotfix-hooks, version ") and f"(commit {head}" in text


def test_snippet_for_an_unknown_origin_says_how_to_get_the_rev(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(origin, "origin", lambda: None)
    monkeypatch.setattr(origin, "build", lambda: None)
    repo, rev = origin.pre_commit_lines()
    assert repo.startswith(f"-   repo: {origin.UNKNOWN_REPO}")
    assert "git ls-remote https://github.com/YOUR-ORG/hotfix-hooks HEAD | head -n1 | cut -f1" in rev


def test_snippet_for_a_git_url_install_pins_its_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    found = origin.Origin("https://git.example.com/ops/hotfix-hooks", sha, False)
    monkeypatch.setattr(origin, "origin", lambda: found)
    assert origin.pre_commit_lines() == (
        "-   repo: https://git.example.com/ops/hotfix-hooks",
        f"    rev: {sha}",
    )
    assert origin.install_command() == (
        f"pipx install git+https://git.example.com/ops/hotfix-hooks@{sha}"
    )


def test_snippet_for_a_local_clone_names_the_shared_place(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A path works on this machine only: a committed .pre-commit-config.yaml must name
    where the team keeps hotfix-hooks, so the clone's own origin is suggested, or the
    line says the path is this machine's."""
    sha = "0123456789abcdef0123456789abcdef01234567"
    clone = tmp_path / "hotfix-hooks"
    git(tmp_path, "init", "-q", str(clone))
    monkeypatch.setattr(origin, "origin", lambda: origin.Origin(str(clone), sha, True))
    repo, rev = origin.pre_commit_lines()
    assert (
        repo
        == f"-   repo: {clone}   # a clone on this machine: for your team, where you keep hotfix-hooks"
    )
    git(clone, "remote", "add", "origin", "https://git.example.com/ops/hotfix-hooks")
    repo, rev = origin.pre_commit_lines()
    assert repo.startswith("-   repo: https://git.example.com/ops/hotfix-hooks   # where the clone")
    assert rev == f"    rev: {sha}"


@pytest.mark.slow
@pytest.mark.precommit
def test_offline_from_a_clone_and_a_wheelhouse(
    tmp_path: Path, repo: Path, hook_repo_rev: tuple[Path, str]
) -> None:
    snapshot, sha = hook_repo_rev
    clone = tmp_path / "hotfix-hooks"
    git(tmp_path, "clone", "-q", str(snapshot), str(clone))
    wheels = tmp_path / "wheelhouse"
    env = unmeasured_env()
    # On a machine with the index: the package's wheels and hatchling (to build it)
    run(tmp_path, sys.executable, "-m", "pip", "wheel", "-q", "-w", str(wheels), str(clone),
        "hatchling", env=env)  # fmt: skip
    # From here on, no index at all: pip (and pre-commit's pip) take the wheelhouse
    offline = {**env, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)}
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    run(tmp_path, str(env_dir / "bin" / "pip"), "install", "-q", str(clone), env=offline)
    tool = str(env_dir / "bin" / "hotfix-hooks")
    assert sha in run(repo, tool, "--version", env=offline)
    # pre-commit owns the hooks: install prints the snippet for this installation
    pre_commit = str(Path(sys.executable).parent / "pre-commit")
    (repo / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    run(repo, pre_commit, "install", "--hook-type", "commit-msg", env=offline)
    proc = subprocess.run((tool, "install"), cwd=repo, capture_output=True, text=True, env=offline)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.splitlines()
    start = lines.index("# .pre-commit-config.yaml")
    end = lines.index("then: pre-commit install")
    snippet = "\n".join(lines[start:end]) + "\n"
    assert f"    rev: {sha}" in snippet and f"-   repo: {clone}" in snippet, snippet
    (repo / ".pre-commit-config.yaml").write_text(snippet, encoding="utf-8")
    git(repo, "add", ".pre-commit-config.yaml")
    git(repo, "commit", "-q", "-m", "hotfix-hooks under pre-commit")
    home = {**offline, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}  # built afresh
    run(repo, pre_commit, "install", env=home)
    run(repo, pre_commit, "install-hooks", env=home)
    for hook in ("post-checkout", "commit-msg", "pre-push"):
        assert (repo / ".git" / "hooks" / hook).is_file(), hook
    assert "already runs hotfix-hooks" in run(repo, tool, "install", env=home)
    git(repo, "checkout", "-q", "-b", "hotfix/042-login-500", env=home)
    assert (repo / ".specswarm/features/042-hotfix/hotfix.md").is_file()
    assert os.environ.get("PIP_NO_INDEX") is None  # the rest of the suite keeps its index
