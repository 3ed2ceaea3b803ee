from __future__ import annotations

import os
from pathlib import Path

import pytest

from hotfix_hooks.hooks import post_checkout
from tests.conftest import HOTFIX_DIR, git, git_said, hh


def staged(repo: Path) -> set[str]:
    return set(git(repo, "diff", "--cached", "--name-only").stdout.split())


def test_checkout_b_scaffolds_and_stages(hooked: Path) -> None:
    code, said = git_said(hooked, "checkout", "-b", "hotfix/042-login-500")
    assert code == 0
    assert "files were modified by this hook" not in said
    hotfix = (hooked / HOTFIX_DIR / "hotfix.md").read_text(encoding="utf-8")
    assert hotfix.startswith("# Hotfix 042: Login 500\n")
    assert "[How to rollback if hotfix fails]" in hotfix
    assert "YYYY" not in hotfix
    assert "**Branch**: hotfix/042-login-500" in hotfix
    assert "Zoë Ångström <zoe@example.com>" in hotfix
    assert staged(hooked) == {f"{HOTFIX_DIR}/hotfix.md", f"{HOTFIX_DIR}/tasks.md"}
    assert "Hotfix 042" in said


def test_switch_c(hooked: Path) -> None:
    git(hooked, "switch", "-c", "hotfix/7-db")
    assert (hooked / ".specswarm/features/007-hotfix/tasks.md").is_file()


def test_worktree_add_scaffolds_in_new_worktree(hooked: Path, tmp_path: Path) -> None:
    other = tmp_path / "wt"
    git(hooked, "worktree", "add", "-b", "hotfix/043-wt", str(other))
    assert (other / ".specswarm/features/043-hotfix/hotfix.md").is_file()
    assert not (hooked / ".specswarm").exists()
    assert staged(other) == {
        ".specswarm/features/043-hotfix/hotfix.md",
        ".specswarm/features/043-hotfix/tasks.md",
    }


def test_existing_branch_with_missing_docs(hooked: Path) -> None:
    git(hooked, "branch", "hotfix/044-old")
    git(hooked, "checkout", "-q", "hotfix/044-old")
    assert (hooked / ".specswarm/features/044-hotfix/hotfix.md").is_file()


def test_only_missing_file_is_created_and_existing_never_touched(hooked: Path) -> None:
    target = hooked / ".specswarm/features/045-hotfix"
    target.mkdir(parents=True)
    (target / "hotfix.md").write_text("mine ✍\n", encoding="utf-8")
    git(hooked, "checkout", "-q", "-b", "hotfix/045-partial")
    assert (target / "hotfix.md").read_text(encoding="utf-8") == "mine ✍\n"
    assert (target / "tasks.md").is_file()
    assert staged(hooked) == {".specswarm/features/045-hotfix/tasks.md"}


def test_core_hooks_path(repo: Path) -> None:
    git(repo, "config", "core.hooksPath", ".githooks")
    assert hh(repo, "install").returncode == 0
    assert (repo / ".githooks" / "post-checkout").is_file()
    git(repo, "checkout", "-q", "-b", "hotfix/046-hp")
    assert (repo / ".specswarm/features/046-hotfix/hotfix.md").is_file()


@pytest.mark.parametrize("branch", ["main2", "feature/042-x", "hotfix/x", "hotfixes/042"])
def test_other_branches_are_left_alone(hooked: Path, branch: str) -> None:
    proc = git(hooked, "checkout", "-b", branch)
    assert not (hooked / ".specswarm").exists()
    assert proc.stdout == ""


def test_file_checkout_flag_0_does_nothing(hooked: Path) -> None:
    git(hooked, "branch", "hotfix/047-x")
    git(hooked, "checkout", "-q", "hotfix/047-x")
    git(hooked, "reset", "-q", "--hard")
    git(hooked, "clean", "-qfdx")
    git(hooked, "checkout", "--", "app.py")
    assert not (hooked / ".specswarm").exists()


def test_detached_head_does_nothing(hooked: Path) -> None:
    git(hooked, "checkout", "-q", "--detach", "HEAD")
    assert not (hooked / ".specswarm").exists()


def test_nothing_during_rebase(hooked: Path) -> None:
    git(hooked, "commit", "-q", "--allow-empty", "-m", "second")
    git(
        hooked,
        "rebase",
        "--exec",
        "git checkout -q -b hotfix/048-mid-rebase",
        "HEAD~1",
        check=False,
    )
    assert git(hooked, "rev-parse", "--verify", "-q", "hotfix/048-mid-rebase").returncode == 0
    assert not (hooked / ".specswarm").exists()


def test_symlinked_features_dir_outside_repo_gets_nothing(hooked: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (hooked / ".specswarm").mkdir()
    os.symlink(outside, hooked / ".specswarm" / "features")
    code, said = git_said(hooked, "checkout", "-b", "hotfix/050-sym")
    assert code == 0
    assert list(outside.iterdir()) == []
    assert "symlink" in said


def test_symlinked_doc_is_not_written_through(installed: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    target = installed / ".specswarm/features/051-hotfix"
    target.mkdir(parents=True)
    os.symlink(victim, target / "hotfix.md")
    git(installed, "checkout", "-q", "-b", "hotfix/051-sym")
    assert victim.read_text(encoding="utf-8") == "keep"


@pytest.mark.parametrize(
    "slug",
    [
        "$(touch${IFS}pwned)",
        "`touch${IFS}pwned`",
        "a;touch${IFS}pwned",
        "a|touch${IFS}pwned",
        "x'\"&&touch${IFS}pwned",
        "$HOME>pwned",
    ],
)
def test_shell_metacharacters_in_branch_run_nothing(installed: Path, slug: str) -> None:
    proc = git(installed, "checkout", "-b", f"hotfix/052-{slug}", check=False)
    if proc.returncode != 0:
        pytest.skip(f"git refuses the name: {proc.stderr.strip()}")
    assert not (installed / "pwned").exists()
    assert (installed / ".specswarm/features/052-hotfix/hotfix.md").is_file()


def test_stage_scaffold_false(installed: Path) -> None:
    (installed / ".hotfix-hooks.toml").write_text("stage_scaffold = false\n", encoding="utf-8")
    git(installed, "checkout", "-q", "-b", "hotfix/053-x")
    assert (installed / ".specswarm/features/053-hotfix/hotfix.md").is_file()
    assert staged(installed) == set()


def test_legacy_features_dir(installed: Path) -> None:
    (installed / "features").mkdir()
    (installed / "features" / "README").write_text("legacy\n", encoding="utf-8")
    git(installed, "checkout", "-q", "-b", "hotfix/054-x")
    assert (installed / "features/054-hotfix/hotfix.md").is_file()
    assert not (installed / ".specswarm").exists()


def test_configured_features_dir_and_prefix(installed: Path) -> None:
    (installed / ".hotfix-hooks.toml").write_text(
        'features_dir = "docs/incidents"\nbranch_prefix = "hf-"\n', encoding="utf-8"
    )
    git(installed, "checkout", "-q", "-b", "hf-55-cache")
    assert (installed / "docs/incidents/055-hotfix/hotfix.md").is_file()


def test_broken_override_scaffolds_nothing(installed: Path) -> None:
    templates = installed / ".specswarm" / "templates"
    templates.mkdir(parents=True)
    (templates / "tasks.md").write_text("{{ nope( }}", encoding="utf-8")
    proc = git(installed, "checkout", "-b", "hotfix/056-x")
    assert proc.returncode == 0
    assert ".specswarm/templates/tasks.md" in proc.stderr
    assert not (installed / ".specswarm/features").exists()


def test_hook_always_exits_0_on_internal_error(installed: Path) -> None:
    (installed / ".specswarm").write_text("a file where a directory should be", encoding="utf-8")
    proc = git(installed, "checkout", "-b", "hotfix/057-x")
    assert proc.returncode == 0
    assert "hotfix-hooks: post-checkout" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_main_with_bad_arguments_exits_0(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert post_checkout.main(("only-one",)) == 0
    assert "expected PREV NEW FLAG" in capsys.readouterr().err


def test_main_under_pre_commit_env(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(repo, "checkout", "-q", "-b", "hotfix/058-env")
    sha = git(repo, "rev-parse", "HEAD").stdout.strip()
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", sha)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", sha)
    monkeypatch.setenv("PRE_COMMIT_CHECKOUT_TYPE", "1")
    assert post_checkout.main(()) == 0
    assert (repo / ".specswarm/features/058-hotfix/hotfix.md").is_file()


def test_scaffold_command(repo: Path) -> None:
    proc = hh(repo, "scaffold")
    assert proc.returncode == 2 and "--number" in proc.stderr
    proc = hh(repo, "scaffold", "--number", "0099")
    assert proc.returncode == 0, proc.stderr
    assert (repo / ".specswarm/features/099-hotfix/hotfix.md").is_file()
    again = hh(repo, "scaffold", "--number", "99")
    assert again.returncode == 0 and "already has" in again.stdout
    assert hh(repo, "scaffold", "--number", "abc").returncode == 2
