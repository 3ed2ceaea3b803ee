"""The hand-written readers on the commit-msg path agree with git and with their regexes."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_names_branch_by_hand_matches_the_whole_word_rule() -> None:
    import re

    from hypothesis import given
    from hypothesis import strategies as st

    from hotfix_hooks.incident.numbers import names_branch

    @given(st.text("ab/-.x 1\n", max_size=30), st.sampled_from(["a/1-b", "a/1", "x"]))
    def same(text: str, branch: str) -> None:
        data = text.encode()
        pattern = rb"(?<![\w/.-])" + re.escape(branch.encode()) + rb"(?![\w/.-])"
        assert names_branch(data, branch) == (re.search(pattern, data) is not None)

    same()


def _for_each_ref(cwd: Path, prefix: str) -> list[str]:
    """The rule, from git's own full listing: local and remote-tracking branches whose
    name (after a one-component remote) starts with the prefix, nested names included."""
    from tests.conftest import git

    out = git(cwd, "for-each-ref", "--format=%(refname)", "refs/heads/", "refs/remotes/").stdout
    keep = []
    for ref in out.splitlines():
        if ref.startswith("refs/heads/"):
            name = ref[len("refs/heads/") :]
        else:
            name = ref[len("refs/remotes/") :].partition("/")[2]
        if name.startswith(prefix):
            keep.append(ref)
    return sorted(set(keep))


@pytest.mark.parametrize("prefix", ["hotfix/", "hf-", "team/hotfix-"])
def test_branch_refs_from_files_agree_with_for_each_ref(repo: Path, prefix: str) -> None:
    """Loose, packed, remote-tracking, nested and look-alike refs, in the main worktree and
    a linked one: the files say what git says, and both listings give the same hotfixes."""
    from hotfix_hooks.git import refs
    from tests.conftest import git

    names = [f"{prefix}001-a", f"{prefix}002/nested", f"{prefix}003-b.c", f"x{prefix}004"]
    names.append(f"{prefix}010-db/failover")
    for name in names:
        git(repo, "branch", name)
    git(repo, "update-ref", f"refs/remotes/origin/{prefix}005-r", "HEAD")
    git(repo, "update-ref", f"refs/remotes/origin/{prefix}011-r/deep", "HEAD")
    git(repo, "update-ref", f"refs/remotes/a/b/{prefix}006", "HEAD")
    git(repo, "pack-refs", "--all")
    git(repo, "branch", f"{prefix}007-loose")
    git(repo, "branch", f"{prefix}012-loose/nested")
    git(repo, "update-ref", "-d", f"refs/heads/{prefix}001-a")
    git(repo, "worktree", "add", "-q", "-b", f"{prefix}008-wt", str(repo.parent / "wt"))
    for cwd, git_dir in ((repo, repo / ".git"), (repo.parent / "wt", None)):
        if git_dir is None:
            git_dir = Path(git(cwd, "rev-parse", "--absolute-git-dir").stdout.strip())
        expected = _for_each_ref(cwd, prefix)
        assert refs._from_files(str(git_dir), prefix, True) == expected
        heads = [r for r in expected if r.startswith("refs/heads/")]
        assert refs._from_files(str(git_dir), prefix, False) == heads
        by_files = refs.hotfix_refs(prefix, git_dir=str(git_dir))
        by_git = refs.hotfix_refs(prefix, cwd=str(cwd))
        assert [r.ref for r in by_files] == [r.ref for r in by_git]
    listed = {r.branch: r for r in by_git}
    assert f"{prefix}010-db/failover" in listed and f"{prefix}012-loose/nested" in listed
    assert listed[f"{prefix}011-r/deep"].remote == "origin"
    assert f"{prefix}002/nested" not in listed and f"x{prefix}004" not in listed
    assert f"refs/heads/{prefix}007-loose" in expected
    assert f"refs/remotes/origin/{prefix}005-r" in expected


def test_branch_refs_leave_the_unusual_to_git(repo: Path) -> None:
    from hotfix_hooks.git import refs
    from tests.conftest import git

    git_dir = str(repo / ".git")
    assert refs._from_files(git_dir, "hot*fix/", True) is None
    git(repo, "symbolic-ref", "refs/heads/hotfix/009-sym", "refs/heads/main")
    assert refs._from_files(git_dir, "hotfix/", True) is None


@pytest.mark.parametrize("packed", [False, True])
def test_a_tag_is_found_in_the_ref_files_as_git_finds_it(repo: Path, packed: bool) -> None:
    """``tag_exists`` reads the ref files on the hooks' path: a tag is there whether it is
    loose or packed, and packed-refs of any size is read (a megabyte of it is ~17,000 refs,
    a repository's own growth; it once read as no tag at all, and a finished hotfix's
    number was given again)."""
    from hotfix_hooks.incident.numbers import tag_exists
    from tests.conftest import git

    head = git(repo, "rev-parse", "HEAD").stdout.strip()
    if packed:  # written as git pack-refs writes it, sorted, git's own reading checked
        refs = sorted(
            [f"refs/tags/{'x' * 60}-{n}" for n in range(20_000)] + ["refs/tags/hotfix-042"]
        )
        text = "# pack-refs with: peeled fully-peeled sorted \n" + "".join(
            f"{head} {ref}\n" for ref in refs
        )
        (repo / ".git" / "packed-refs").write_text(text, encoding="ascii")
        assert len(text) > 1 << 20
        assert (
            git(repo, "rev-parse", "-q", "--verify", "refs/tags/hotfix-042").stdout.strip() == head
        )
    else:
        git(repo, "tag", "hotfix-042")
    git_dir = str(repo / ".git")
    assert tag_exists("hotfix-042", cwd=str(repo), git_dir=git_dir)
    assert not tag_exists("hotfix-043", cwd=str(repo), git_dir=git_dir)
    assert tag_exists("x" * 60 + "-19999", cwd=str(repo), git_dir=git_dir) is packed
