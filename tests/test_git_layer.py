"""The git layer: blobs read by git's own protocol and tree modes, GitPython for commands."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hotfix_hooks.core.errors import GitError, NotARepositoryError, UsageError
from hotfix_hooks.git.blobs import CommitFiles
from hotfix_hooks.git.discover import find_repo, require_repo
from tests.conftest import git, hh

PLAN = "# Hotfix 042: x\n\n**3. Rollback Plan**:\n- revert v2 and redeploy v1.4.2\n"


def commit_file(repo: Path, rel: str, text: str) -> str:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    git(repo, "add", "--", rel)
    git(repo, "commit", "-q", "--no-verify", "-m", f"add {rel}")
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def test_paths_with_spaces_and_missing_answers(repo: Path) -> None:
    sha = commit_file(repo, "dir with space/a b missing", "x\n")
    with CommitFiles(repo, sha) as files:
        assert files.read("dir with space/a b missing") == b"x\n"
        assert files.read("dir with space/nope missing") is None
        assert files.read("no dir/x missing") is None
        assert files.is_dir("dir with space")
        assert not files.is_dir("dir with space/a b missing")
        assert files.read("app.py", rev="HEAD~1") == b"print('hello')\n"


def test_symlink_and_submodule_entries_are_not_files(repo: Path) -> None:
    commit_file(repo, "real.md", PLAN)
    os.symlink("real.md", repo / "link.md")
    git(repo, "add", "link.md")
    git(repo, "commit", "-q", "-m", "link")
    with CommitFiles(repo, "HEAD") as files:
        assert files.read("real.md") == PLAN.encode()
        assert files.read("link.md") is None


def test_features_dir_with_a_space_gates_without_traceback(installed: Path) -> None:
    commit_file(installed, ".hotfix-hooks.toml", 'features_dir = "inc ident docs"\n')
    git(installed, "checkout", "-q", "-b", "hotfix/042-x")
    assert (installed / "inc ident docs/042-hotfix/hotfix.md").is_file()
    git(installed, "commit", "-q", "-m", "T001: x")
    proc = git(installed, "push", "origin", "hotfix/042-x", check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "inc ident docs/042-hotfix/hotfix.md" in proc.stderr


def test_hotfix_md_committed_as_symlink_is_no_hotfix_md(installed: Path, tmp_path: Path) -> None:
    git(installed, "checkout", "-q", "-b", "hotfix/042-x")
    doc = installed / ".specswarm/features/042-hotfix/hotfix.md"
    doc.unlink()
    os.symlink(PLAN, doc)  # link text that reads like a plan
    git(installed, "add", "-A")
    git(installed, "commit", "-q", "-m", "T001: x")
    proc = hh(installed, "check")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "does not exist" in proc.stderr


def test_repository_through_gitpython(repo: Path, tmp_path: Path) -> None:
    found = require_repo(repo / "sub" if (repo / "sub").is_dir() else repo)
    assert found.root == repo
    head = found.resolve("HEAD")
    assert head and found.resolve("nope") is None
    assert found.is_ancestor(head, head)
    assert found.merge_base("HEAD", "HEAD") == head
    assert found.commit_time("HEAD").utcoffset() is not None
    assert found.git("rev-parse", "HEAD") == head
    assert found.git("rev-parse", "--verify", "-q", "nope", check=False) == ""
    with pytest.raises(GitError):
        found.git("rev-parse", "--verify", "nope")
    with pytest.raises(NotARepositoryError):
        require_repo(tmp_path / "home")
    assert find_repo(tmp_path / "home", required=False) is None
    bare = tmp_path / "remote.git"
    with pytest.raises(UsageError, match="bare repository"):
        require_repo(bare)
    proc = hh(bare, "status")
    assert proc.returncode == 2 and "bare repository" in proc.stderr
