from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hotfix_hooks.hooks import pre_push, pre_receive
from tests.conftest import HOTFIX_DIR, fill_plan, git, hh, start_hotfix

BRANCH = "hotfix/042-login-500"


@pytest.fixture
def hotfix(hooked: Path) -> Path:
    if (hooked / ".pre-commit-config.yaml").exists():  # through pre-commit, as git runs it
        git(hooked, "checkout", "-q", "-b", BRANCH)
    else:
        start_hotfix(hooked, BRANCH)
    git(hooked, "commit", "-q", "-m", "T001: guard null user")
    return hooked


@pytest.fixture
def direct(installed: Path) -> Path:
    start_hotfix(installed, BRANCH)
    git(installed, "commit", "-q", "-m", "T001: guard null user")
    return installed


def push(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return git(repo, "push", "origin", *args, check=False)


def remote_has(remote: Path, ref: str) -> bool:
    return git(remote, "rev-parse", "--verify", "-q", ref, check=False).returncode == 0


def test_refused_then_accepted(hotfix: Path, remote: Path) -> None:
    proc = push(hotfix, BRANCH)
    assert proc.returncode != 0
    sha = git(hotfix, "rev-parse", "--short=10", "HEAD").stdout.strip()
    for expected in (BRANCH, sha, f"{HOTFIX_DIR}/hotfix.md", "Rollback Plan", "git push"):
        assert expected in proc.stdout + proc.stderr, expected  # pre-commit prints to stdout
    assert not remote_has(remote, BRANCH)
    fill_plan(hotfix)
    assert push(hotfix, BRANCH).returncode != 0  # only in the working tree: still refused
    git(hotfix, "commit", "-q", "-am", "T003: rollback plan")
    proc = push(hotfix, BRANCH)
    assert proc.returncode == 0, proc.stderr
    assert remote_has(remote, BRANCH)


@pytest.mark.parametrize("plan", ["TBD", "- TODO", "N/A", "- [later]", "<!-- soon -->", ""])
def test_placeholder_forms_refused(direct: Path, plan: str) -> None:
    fill_plan(direct, plan=plan)
    git(direct, "commit", "-q", "-am", "T003: not really a plan")
    assert push(direct, BRANCH).returncode != 0


def test_deleted_hotfix_md_refused(direct: Path) -> None:
    git(direct, "rm", "-q", f"{HOTFIX_DIR}/hotfix.md")
    git(direct, "commit", "-q", "-m", "T001: oops")
    proc = push(direct, BRANCH)
    assert proc.returncode != 0
    assert "does not exist in this commit" in proc.stderr


def test_other_branches_tags_and_deletions_pass(direct: Path, remote: Path) -> None:
    git(direct, "checkout", "-q", "-b", "feature/x", "main")
    git(direct, "commit", "-q", "--allow-empty", "-m", "feature")
    assert push(direct, "feature/x").returncode == 0
    git(direct, "tag", "-a", "-m", "release", "v1", BRANCH)
    assert push(direct, "v1").returncode == 0
    git(direct, "tag", "hotfix/042-lightweight-tag", BRANCH)
    assert push(direct, "refs/tags/hotfix/042-lightweight-tag").returncode == 0
    # a hotfix branch pushed --no-verify can then be deleted with the hook on
    assert push(direct, "--no-verify", BRANCH).returncode == 0
    assert push(direct, "--delete", BRANCH).returncode == 0
    assert not remote_has(remote, f"refs/heads/{BRANCH}")


def test_multi_ref_push_checks_the_hotfix_ref(direct: Path, remote: Path) -> None:
    git(direct, "checkout", "-q", "main")
    git(direct, "commit", "-q", "--allow-empty", "-m", "main moves")
    proc = push(direct, "main", BRANCH)
    assert proc.returncode != 0
    assert BRANCH in proc.stderr


def test_refspec_to_hotfix_destination(direct: Path) -> None:
    git(direct, "branch", "wip", BRANCH)
    proc = push(direct, "wip:refs/heads/hotfix/043-x")
    assert proc.returncode != 0
    assert "hotfix/043-x" in proc.stderr
    assert "043-hotfix/hotfix.md" in proc.stderr
    proc = push(direct, "HEAD:refs/heads/hotfix/043-y")
    assert "043-hotfix/hotfix.md" in proc.stderr


def test_force_push(direct: Path) -> None:
    fill_plan(direct)
    git(direct, "commit", "-q", "-am", "T003: plan")
    assert push(direct, BRANCH).returncode == 0
    git(direct, "reset", "-q", "--hard", "HEAD~1")
    git(direct, "commit", "-q", "--allow-empty", "-m", "T001: rewritten")
    assert push(direct, "--force", BRANCH).returncode != 0


def test_root_commit_push(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    bare = tmp_path / "fresh.git"
    git(tmp_path, "init", "-q", str(fresh))
    git(tmp_path, "init", "-q", "--bare", str(bare))
    assert hh(fresh, "install").returncode == 0
    git(fresh, "checkout", "-q", "-b", "hotfix/9-root")
    assert hh(fresh, "scaffold").returncode == 0
    git(fresh, "add", "-A")
    git(fresh, "commit", "-q", "-m", "T001: root")
    proc = git(fresh, "push", str(bare), "hotfix/9-root", check=False)
    assert proc.returncode != 0 and "009-hotfix/hotfix.md" in proc.stderr


def test_server_hook_rejects_no_verify_and_accepts_good(direct: Path, remote: Path) -> None:
    assert hh(remote, "install", "--server").returncode == 0
    proc = push(direct, "--no-verify", BRANCH)
    assert proc.returncode != 0
    assert "remote: push of hotfix/042-login-500 refused" in proc.stderr
    assert "pre-receive hook declined" in proc.stderr
    fill_plan(direct)
    git(direct, "commit", "-q", "-am", "T003: plan")
    assert push(direct, "--no-verify", BRANCH).returncode == 0
    assert push(direct, "main").returncode == 0


def test_server_reads_config_from_pushed_commit(direct: Path, remote: Path) -> None:
    assert hh(remote, "install", "--server").returncode == 0
    (direct / ".hotfix-hooks.toml").write_text("bogus = 1\n", encoding="utf-8")
    git(direct, "add", ".hotfix-hooks.toml")
    git(direct, "commit", "-q", "--no-verify", "-m", "T001: bad config")
    proc = push(direct, "--no-verify", BRANCH)
    assert proc.returncode != 0
    assert "bogus" in proc.stderr


def test_check_in_detached_ci_checkout(direct: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fill_plan(direct)
    git(direct, "commit", "-q", "-am", "T003: plan")
    git(direct, "checkout", "-q", "--detach", "HEAD")
    proc = hh(direct, "check")
    assert proc.returncode == 0, proc.stderr  # found through the Hotfix: trailer
    assert hh(direct, "check", "HEAD~1").returncode == 1
    monkeypatch.setenv("GITHUB_HEAD_REF", "hotfix/042-login-500")
    data = json.loads(hh(direct, "check", "--json").stdout)
    assert data["passed"] is True
    assert [v["severity"] for v in data["violations"]] == ["warning"]  # no trigger: warned
    (hotfix,) = data["hotfixes"]
    assert hotfix["hotfix"] == "042" and hotfix["rollback_plan"].startswith("- Revert")
    assert hh(direct, "check", "nope").returncode == 2


ZERO = "0" * 40


@pytest.mark.parametrize(
    "data",
    [
        b"refs/heads/hotfix/042-x\0 abc\n",
        b"\xff\xfe refs/heads/hotfix/042-x\n",
        b"refs/heads/hotfix/042-x not-a-sha refs/heads/hotfix/042-x " + ZERO.encode() + b"\n",
    ],
)
def test_garbage_naming_hotfix_is_refused(direct: Path, data: bytes) -> None:
    assert pre_push.main(["origin", "url"], stdin=data) == 1


def test_garbage_elsewhere_is_ignored(direct: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Lines that name no hotfix branch are none of our business: passed, and silently."""
    assert pre_push.main(["origin", "url"], stdin=b"nonsense line\n\n\xff\n") == 0
    assert capsys.readouterr() == ("", "")


def test_ref_with_spaces_is_still_checked(direct: Path) -> None:
    sha = git(direct, "rev-parse", "HEAD").stdout.strip()
    line = f"my odd ref {sha} refs/heads/{BRANCH} {ZERO}\n".encode()
    assert pre_push.main(["origin", "url"], stdin=line) == 1


def test_sha256_zero_deletion_is_skipped(direct: Path) -> None:
    line = f"(delete) {'0' * 64} refs/heads/{BRANCH} {'a' * 64}\n".encode()
    assert pre_push.main(["origin", "url"], stdin=line) == 0


def test_pre_commit_environment(direct: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sha = git(direct, "rev-parse", "HEAD").stdout.strip()
    monkeypatch.setenv("PRE_COMMIT_LOCAL_BRANCH", f"refs/heads/{BRANCH}")
    monkeypatch.setenv("PRE_COMMIT_REMOTE_BRANCH", f"refs/heads/{BRANCH}")
    assert pre_push.main([], stdin=b"") == 1  # no TO_REF: a root push
    monkeypatch.setenv("PRE_COMMIT_TO_REF", sha)
    assert pre_push.main([], stdin=b"") == 1
    git(direct, "tag", "-a", "-m", "annotated", "t1", sha)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", git(direct, "rev-parse", "t1").stdout.strip())
    assert pre_push.main([], stdin=b"") == 1


def test_pre_receive_garbage(remote: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(remote)
    assert pre_receive.main([], stdin=b"junk refs/heads/hotfix/1\n") == 1
    assert pre_receive.main([], stdin=b"junk\n") == 0
    assert pre_receive.main([], stdin=f"{ZERO} {'1' * 40} refs/tags/v1\n".encode()) == 0


def test_hook_cli_reads_stdin(direct: Path) -> None:
    sha = git(direct, "rev-parse", "HEAD").stdout.strip()
    proc = subprocess.run(
        ("hotfix-hooks", "hook", "pre-push", "origin", "url"),
        cwd=direct,
        input=f"refs/heads/{BRANCH} {sha} refs/heads/{BRANCH} {ZERO}\n",
        capture_output=True,
        text=True,
        env=os.environ,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
@pytest.mark.precommit
def test_pre_commit_limits_are_as_documented(pre_commit_installed: Path, remote: Path) -> None:
    """docs/pre-commit.md "Known limits of pre-commit": these pushes get through pre-commit's
    pre-push stage; the direct install refuses both (tests above)."""
    repo = pre_commit_installed
    git(repo, "checkout", "-q", "-b", BRANCH)
    git(repo, "commit", "-q", "-m", "T001: docs without a plan")
    git(repo, "checkout", "-q", "main")
    git(repo, "commit", "-q", "--allow-empty", "-m", "main moves")
    # 1. only the first ref of a multi-ref push is handed to the hook
    proc = push(repo, "main", BRANCH)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert remote_has(remote, f"refs/heads/{BRANCH}")  # a hotfix branch with no plan got through
    # 2. a new branch whose commits the remote already has runs no pre-push hook
    proc = push(repo, "main:refs/heads/hotfix/044-known-commits")
    assert proc.returncode == 0
    assert remote_has(remote, "refs/heads/hotfix/044-known-commits")


def test_direct_install_checks_a_new_branch_of_known_commits(direct: Path) -> None:
    git(direct, "checkout", "-q", "main")
    proc = push(direct, "main:refs/heads/hotfix/044-known-commits")
    assert proc.returncode != 0
    assert "044-hotfix/hotfix.md" in proc.stderr


CACHE_PROBE = """
import sys
from hotfix_hooks.hooks import pre_push
code = pre_push.main(["origin", "url"], stdin=sys.argv[1].encode())
print(code, "markdown_it" in sys.modules)
"""


def test_a_judged_hotfix_md_is_not_parsed_again_on_the_next_push(direct: Path) -> None:
    fill_plan(direct)
    git(direct, "commit", "-q", "-am", "T003: plan")
    sha = git(direct, "rev-parse", "HEAD").stdout.strip()
    line = f"refs/heads/{BRANCH} {sha} refs/heads/{BRANCH} {ZERO}\n"

    def probe() -> str:
        env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
        return subprocess.run(
            (sys.executable, "-c", CACHE_PROBE, line),
            cwd=direct,
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout.strip()

    assert probe() == "0 True"  # judged: the CommonMark parser loads
    assert list((direct / ".git/hotfix-hooks/verdicts").iterdir())
    git(direct, "commit", "-q", "--allow-empty", "-m", "T001: more")  # hotfix.md unchanged
    sha = git(direct, "rev-parse", "HEAD").stdout.strip()
    line = f"refs/heads/{BRANCH} {sha} refs/heads/{BRANCH} {ZERO}\n"
    assert probe() == "0 False"  # the same blob: the verdict is remembered
    fill_plan(direct, plan="TBD")  # a placeholder is judged, never remembered as passing
    (direct / ".specswarm/features/042-hotfix/hotfix.md").write_text("# Hotfix 042: x\n", "utf-8")
    git(direct, "commit", "-q", "-am", "T003: no plan")
    sha = git(direct, "rev-parse", "HEAD").stdout.strip()
    line = f"refs/heads/{BRANCH} {sha} refs/heads/{BRANCH} {ZERO}\n"
    assert probe() == "1 True"
