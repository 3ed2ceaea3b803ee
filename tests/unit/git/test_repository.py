"""The one repository object: questions asked once, asked early (prefetch) with the same
answers as asked late, and the remote-tracking copies of a branch as git names them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hotfix_hooks.git.discover import require_repo
from tests.conftest import git


def _children() -> int:
    """Child processes of this one not yet waited for (zombies included)."""
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            count += int(fields[1]) == os.getpid()
    return count


@pytest.mark.parametrize("early", [False, True])
def test_a_question_asked_early_is_answered_as_asked_late(repo: Path, early: bool) -> None:
    (repo / "app.py").write_text("changed\n")
    rep = require_repo(repo)
    questions = (
        ("status", "--porcelain", "--", "app.py"),
        ("rev-parse", "--verify", "-q", "no-such-ref"),
        rep.branch_refs_question("main"),
    )
    if early:
        rep.prefetch(*questions)
    answers = [rep.ask(*q) for q in questions]
    main = "refs/heads/main\0\0\nrefs/remotes/origin/main\0\0"  # no upstream: not pushed -u
    assert answers == [" M app.py", None, main]
    assert _children() == 0


def test_what_is_started_and_never_asked_is_waited_for(repo: Path) -> None:
    rep = require_repo(repo)
    rep.prefetch(("log", "--oneline"), ("for-each-ref",))
    rep.settle()
    assert _children() == 0
    assert rep.ask("log", "--oneline") is not None  # asked afresh, and answered


def test_upstream_and_tracking(repo: Path) -> None:
    git(repo, "remote", "add", "second", str(repo.parent / "remote.git"))
    git(repo, "checkout", "-q", "-b", "hotfix/001-x")
    git(repo, "push", "-q", "origin", "HEAD")
    rep = require_repo(repo)
    assert rep.upstream("hotfix/001-x") is None
    assert rep.tracking("hotfix/001-x") == "origin/hotfix/001-x"
    git(repo, "push", "-q", "-u", "second", "HEAD")
    rep = require_repo(repo)
    assert rep.upstream("hotfix/001-x") == rep.tracking("hotfix/001-x") == "second/hotfix/001-x"
    assert rep.push_command("hotfix/001-x") == "git push"
    # the upstream's remote-tracking ref is gone (pruned): no upstream, as git says
    git(repo, "update-ref", "-d", "refs/remotes/second/hotfix/001-x")
    rep = require_repo(repo)
    assert rep.upstream("hotfix/001-x") is None
    assert rep.tracking("hotfix/001-x") == "origin/hotfix/001-x"
    assert rep.push_command("hotfix/001-x") == "git push -u origin HEAD"


def test_a_remote_named_with_a_slash_is_found(repo: Path) -> None:
    """`refs/remotes/*/<branch>` matches one path component: a remote named team/a is
    asked of git, and the branch pushed there is seen as pushed."""
    git(repo, "remote", "add", "team/a", str(repo.parent / "remote.git"))
    git(repo, "config", "checkout.defaultRemote", "team/a")
    git(repo, "checkout", "-q", "-b", "hotfix/001-x")
    git(repo, "push", "-q", "team/a", "HEAD")
    rep = require_repo(repo)
    assert rep.upstream("hotfix/001-x") is None
    assert rep.tracking("hotfix/001-x") == "team/a/hotfix/001-x"


def test_the_pull_advised_works_diverged_and_without_an_upstream(
    repo: Path, remote: Path, tmp_path: Path
) -> None:
    """Diverged under git's defaults, a plain `git pull` stops ("divergent branches"); with
    no upstream it has nothing to pull from. The command advised works in both."""
    import shlex

    git(repo, "checkout", "-q", "-b", "hotfix/042-x")
    git(repo, "push", "-q", "origin", "hotfix/042-x")  # no -u: no upstream
    mate = tmp_path / "mate"
    git(tmp_path, "clone", "-q", "-b", "hotfix/042-x", str(remote), str(mate))
    git(mate, "commit", "-q", "--allow-empty", "-m", "theirs")
    git(mate, "push", "-q")
    git(repo, "commit", "-q", "--allow-empty", "-m", "ours")
    git(repo, "fetch", "-q")
    advised = require_repo(str(repo)).pull_command()
    assert advised == "git pull --no-rebase origin hotfix/042-x"
    assert git(repo, *shlex.split(advised)[1:]).returncode == 0  # word for word
    git(repo, "branch", "-q", "-u", "origin/hotfix/042-x")
    assert require_repo(str(repo)).pull_command() == "git pull --no-rebase"


def test_an_upstream_of_another_name_is_a_start_point_not_the_branch_s_copy(
    repo: Path,
) -> None:
    """`git checkout -b hotfix/002-x origin/main` tracks origin/main: its push is one that
    sets the branch's own upstream (a plain `git push` refuses a different name), and its
    remote copy is origin/hotfix/002-x, never main."""
    import shlex

    git(repo, "fetch", "-q", "origin")
    git(repo, "checkout", "-q", "-b", "hotfix/002-x", "--track", "origin/main")
    found = require_repo(str(repo))
    assert found.upstream() is None and found.tracking("hotfix/002-x") is None
    advised = found.push_command()
    assert advised == "git push -u origin HEAD"
    assert git(repo, *shlex.split(advised)[1:]).returncode == 0  # word for word
    found = require_repo(str(repo))
    assert found.upstream() == "origin/hotfix/002-x" and found.push_command() == "git push"
