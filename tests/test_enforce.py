"""Issue 8.3-8.6: every path that skipped a gate, through real git, refused after the fix."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import BIN, fill_plan, git, hh, unmeasured_env

BRANCH = "hotfix/042-login-500"


def push(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return git(repo, "push", "origin", *args, check=False)


def remote_has(remote: Path, ref: str) -> bool:
    return git(remote, "rev-parse", "--verify", "-q", ref, check=False).returncode == 0


def hooks_dir(repo: Path) -> Path:
    return Path(
        git(repo, "rev-parse", "--path-format=absolute", "--git-path", "hooks").stdout.strip()
    )


@pytest.fixture
def planned(installed: Path, remote: Path) -> Path:
    """A hotfix branch with a real rollback plan; the server gate installed."""
    proc = hh(remote, "install", "--server", env=unmeasured_env())
    assert proc.returncode == 0, proc.stderr
    git(installed, "checkout", "-q", "-b", BRANCH, env=unmeasured_env())
    fill_plan(installed)
    git(installed, "commit", "-q", "-am", "T003: rollback plan", env=unmeasured_env())
    return installed


def untied(repo: Path, message: str = "guard null user") -> str:
    git(repo, "commit", "-q", "--allow-empty", "--no-verify", "-m", message)
    return git(repo, "rev-parse", "HEAD").stdout.strip()


# -- 3. the task tie on the server and in CI ------------------------------------------


def test_server_refuses_no_verify_commit_without_task(planned: Path, remote: Path) -> None:
    sha = untied(planned)
    proc = push(planned, "--no-verify", BRANCH)
    assert proc.returncode != 0
    assert "1 of 2 new commit(s) name no task of hotfix 042" in proc.stderr
    assert f"{sha[:10]} guard null user  [no task]" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not remote_has(remote, BRANCH)
    git(planned, "commit", "-q", "--amend", "--no-verify", "--allow-empty", "-m", "T001: guard")
    assert push(planned, "--no-verify", BRANCH).returncode == 0


def follow_reword_advice(repo: Path, refusal: str, tmp_path: Path) -> str:
    """Run the refusal's `git rebase -i --rebase-merges <oldest>^`, marking the commits it
    lists 'reword' and putting a task before each of their messages (the editors scripted);
    the command line it says comes next (the check that only messages changed, the push)."""
    import re
    import shlex
    import sys

    found = re.search(
        r"git rebase -i --rebase-merges (\S+)  \(mark them 'reword'\), then, as only their "
        r"messages may change: (git diff --quiet ORIG_HEAD HEAD && git push .*)",
        refusal,
    )
    assert found is not None, refusal
    # 'reword' on the commits the refusal lists, and on no other (a teammate's stays picked)
    listed = re.findall(r"^(?:remote: )?\s+([0-9a-f]{10}) .*\[", refusal, flags=re.M)
    assert listed, refusal
    sequence = tmp_path / "sequence.py"
    sequence.write_text(
        f"import re, sys\np = sys.argv[1]\nt = open(p).read()\nfor sha in {listed!r}:\n"
        "    t = re.sub(rf'^pick {sha[:7]}\\w*', lambda m: 'reword' + m.group(0)[4:], t, "
        "flags=re.M)\nopen(p, 'w').write(t)\n",
        encoding="utf-8",
    )
    message = tmp_path / "message.py"
    message.write_text(
        "import sys\np = sys.argv[1]\nt = open(p).read()\nopen(p, 'w').write('T001: ' + t)\n",
        encoding="utf-8",
    )
    env = {
        "GIT_SEQUENCE_EDITOR": f"{sys.executable} {sequence}",
        "GIT_EDITOR": f"{sys.executable} {message}",
    }
    rebased = subprocess.run(
        ("git", "rebase", "-i", "--rebase-merges", *shlex.split(found.group(1))), cwd=repo,
        env={**os.environ, **env},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert rebased.returncode == 0, rebased.stderr
    return found.group(2).rstrip()  # git pads the server's lines


def untied_pair(repo: Path) -> str:
    """Two commits naming no task (real changes: git will not reword an empty commit); the
    older one's id."""
    for name in ("guard", "session"):
        (repo / f"{name}.py").write_text(f"{name} = 1\n", encoding="utf-8")
        git(repo, "add", f"{name}.py")
        git(repo, "commit", "-q", "--no-verify", "-m", f"{name} fixed")
    return git(repo, "rev-parse", "HEAD~1").stdout.strip()


def teammate_pushes(remote: Path, tmp_path: Path) -> str:
    """A teammate's commit on the hotfix branch, pushed from a clone of their own."""
    mate = tmp_path / "mate"
    git(tmp_path, "clone", "-q", "-b", BRANCH, str(remote), str(mate))
    git(mate, "commit", "-q", "--allow-empty", "--no-verify", "-m", "T002: smoke test")
    git(mate, "push", "-q", "--no-verify", "origin", BRANCH)
    return git(mate, "rev-parse", "HEAD").stdout.strip()


def test_the_tie_refusal_advice_works_as_written(
    planned: Path, remote: Path, tmp_path: Path
) -> None:
    """`git rebase -i <oldest>^`, reword, then the push: followed literally, the branch goes
    through. The refused commits never reached the server, so the push is a plain one."""
    assert push(planned, BRANCH).returncode == 0
    oldest = untied_pair(planned)
    proc = push(planned, "--no-verify", BRANCH)
    assert proc.returncode != 0
    assert f"git rebase -i --rebase-merges '{oldest[:10]}^'  (mark" in proc.stderr  # ^ quoted
    then = follow_reword_advice(planned, proc.stderr, tmp_path)
    # the server cannot tell an upstream
    assert then == "git diff --quiet ORIG_HEAD HEAD && git push origin HEAD"
    again = subprocess.run(("sh", "-c", then), cwd=planned, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr


@pytest.mark.parametrize("point", ["pre-receive", "check"])
def test_the_reword_advice_never_drops_a_teammates_fetched_commit(
    planned: Path, remote: Path, tmp_path: Path, point: str
) -> None:
    """A teammate pushes while the refused engineer rewords, and a fetch (an IDE's, in the
    background) brings that commit in: following the advice word for word is refused, and
    the teammate's commit stays on the server. `check` judges commits the remote may hold
    already, so its push is a force, one that refuses what was fetched and never merged."""
    assert push(planned, BRANCH).returncode == 0
    untied_pair(planned)
    if point == "pre-receive":
        proc = push(planned, "--no-verify", BRANCH)
    else:  # pushed past a server without the gate, then judged in CI
        git(remote, "config", "core.hooksPath", os.devnull)
        assert push(planned, "--no-verify", BRANCH).returncode == 0
        proc = hh(planned, "check")
    assert proc.returncode == 1, proc.stderr
    theirs = teammate_pushes(remote, tmp_path)
    git(planned, "fetch", "-q", "origin")
    then = follow_reword_advice(planned, proc.stderr, tmp_path)
    expected = "git push --force-with-lease --force-if-includes origin HEAD"
    pushed = expected if point == "check" else "git push origin HEAD"
    assert then == f"git diff --quiet ORIG_HEAD HEAD && {pushed}"
    again = subprocess.run(("sh", "-c", then), cwd=planned, capture_output=True, text=True)
    assert again.returncode != 0, again.stdout
    assert git(remote, "rev-parse", BRANCH).stdout.strip() == theirs


def test_server_refuses_unknown_task_and_checks_only_new_commits(
    planned: Path, remote: Path
) -> None:
    assert push(planned, BRANCH).returncode == 0
    untied(planned, "T099: not a task of ours")
    proc = push(planned, "--no-verify", BRANCH)
    assert proc.returncode != 0 and "[unknown task T099]" in proc.stderr
    assert "1 of 1 new commit(s)" in proc.stderr  # the commit already there is not re-read


def test_server_exemptions_are_the_commit_msg_hooks(planned: Path, remote: Path) -> None:
    git(planned, "checkout", "-q", "-b", "side", "main")
    untied(planned, "side work")
    git(planned, "checkout", "-q", BRANCH)
    git(planned, "merge", "-q", "--no-ff", "--no-verify", "-m", "merged in", "side")
    untied(planned, "fixup! T003: rollback plan")
    # the merge is exempt, the commit it brings in is not: it is not in production
    proc = push(planned, "--no-verify", BRANCH)
    assert proc.returncode != 0 and "side work" in proc.stderr
    assert "merged in" not in proc.stderr and "fixup!" not in proc.stderr
    assert push(planned, "--no-verify", "side").returncode == 0  # on the server, not production
    proc = push(planned, "--no-verify", BRANCH)
    assert proc.returncode != 0 and "side work" in proc.stderr
    git(planned, "checkout", "-q", "main")
    git(planned, "merge", "-q", "--ff-only", "side")
    assert push(planned, "--no-verify", "main").returncode == 0  # now production has it
    assert push(planned, "--no-verify", BRANCH).returncode == 0


def test_server_does_not_trust_a_merge_subject(planned: Path) -> None:
    untied(planned, "Merge branch 'x' into hotfix/042-login-500")  # one parent
    proc = push(planned, "--no-verify", BRANCH)
    assert proc.returncode != 0 and "Merge branch 'x'" in proc.stderr


def test_server_require_task_false_turns_the_tie_off(planned: Path, remote: Path) -> None:
    untied(planned)
    assert hh(remote, "server-config", "--set", "require_task=false").returncode == 0
    assert push(planned, "--no-verify", BRANCH).returncode == 0


def test_pushed_tasks_md_defines_the_tasks_at_the_tip(planned: Path) -> None:
    tasks = planned / ".specswarm/features/042-hotfix/tasks.md"
    tasks.write_text("# Tasks\n\n### T001: only one\n", encoding="utf-8")
    git(planned, "commit", "-q", "-am", "T001: one task")
    untied(planned, "T002: gone now")
    proc = push(planned, "--no-verify", BRANCH)
    assert proc.returncode != 0 and "[unknown task T002]" in proc.stderr


def test_check_range_and_pull_request(planned: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = git(planned, "rev-parse", "main").stdout.strip()
    assert hh(planned, "check", "--range", f"{base}..HEAD").returncode == 0
    sha = untied(planned)
    git(planned, "checkout", "-q", "--detach", "HEAD")
    proc = hh(planned, "check", "--range", f"{base}..{sha}", "--branch", BRANCH)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"{sha[:10]} guard null user" in proc.stderr and "Traceback" not in proc.stderr
    # a pull request: every commit the branch adds over its target
    monkeypatch.setenv("GITHUB_HEAD_REF", BRANCH)
    monkeypatch.setenv("GITHUB_BASE_REF", "main")
    proc = hh(planned, "check", "--json")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    (hotfix,) = data["hotfixes"]
    assert data["passed"] is False and hotfix["rollback_plan"] is not None
    assert hotfix["commits_checked"] == 2
    errors = [v for v in data["violations"] if v["severity"] == "error"]
    assert [(v["rule"], v["commit"]) for v in errors] == [("HH003", sha)]
    for bad in ("nope..HEAD", "HEAD", "HEAD...main", "--output=x..HEAD"):
        proc = hh(planned, "check", "--range", bad)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, (bad, proc.stderr)


def test_check_counts_exempt_merges_apart(planned: Path) -> None:
    """ "N commit(s) each name a task" counts the commits that had to: a merge is exempt."""
    git(planned, "checkout", "-q", "-b", "side", "main")
    git(planned, "commit", "-q", "--allow-empty", "-m", "side work")
    git(planned, "checkout", "-q", BRANCH)
    git(planned, "merge", "-q", "--no-ff", "--no-edit", "side")
    proc = hh(planned, "check", "--range", "main..HEAD", "--branch", BRANCH)
    assert proc.returncode == 1  # "side work" names no task: it came in with the merge
    git(planned, "reset", "-q", "--hard", "HEAD~1")
    git(planned, "checkout", "-q", "side")
    git(planned, "commit", "-q", "--amend", "--allow-empty", "-m", "T002: side work")
    git(planned, "checkout", "-q", BRANCH)
    git(planned, "merge", "-q", "--no-ff", "--no-edit", "side")
    proc = hh(planned, "check", "--range", "main..HEAD", "--branch", BRANCH)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 commit(s) each name a task (1 exempt: merges, reverts, fixups)" in proc.stdout
    data = json.loads(
        hh(planned, "check", "--json", "--range", "main..HEAD", "--branch", BRANCH).stdout
    )
    (hotfix,) = data["hotfixes"]
    assert hotfix["commits_checked"] == 2 and hotfix["commits_exempt"] == 1


# -- 4. push paths that skipped the gate --------------------------------------------


def test_tag_pushed_to_a_hotfix_branch_is_judged_by_destination(hooked: Path, remote: Path) -> None:
    git(hooked, "checkout", "-q", "-b", "wip")
    git(hooked, "commit", "-q", "--allow-empty", "-m", "no plan here")
    git(hooked, "tag", "v1")
    proc = push(hooked, "refs/tags/v1:refs/heads/hotfix/042-x")
    assert proc.returncode != 0
    assert "042-hotfix/hotfix.md" in proc.stdout + proc.stderr
    assert not remote_has(remote, "refs/heads/hotfix/042-x")


def test_bare_clone_with_hooks_path_runs_pre_push(repo: Path, remote: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared-hooks"
    git(repo, "config", "--global", "core.hooksPath", str(shared))
    assert hh(repo, "install").returncode == 0
    assert (shared / "pre-push").is_file()
    bare = tmp_path / "mirror.git"
    git(tmp_path, "clone", "-q", "--bare", str(remote), str(bare))
    git(bare, "branch", "hotfix/043-from-bare", "main")
    proc = git(bare, "push", "origin", "hotfix/043-from-bare", check=False)
    assert proc.returncode != 0
    assert "043-hotfix/hotfix.md" in proc.stderr and "Traceback" not in proc.stderr
    assert not remote_has(remote, "refs/heads/hotfix/043-from-bare")
    assert git(bare, "push", "origin", "main").returncode == 0  # nothing else is in the way


LEFTHOOK_NO_STDIN = """\
pre-push:
  commands:
    hotfix-rollback-plan:
      run: hotfix-hooks hook pre-push {1} {2}
"""


@pytest.mark.parametrize(
    "manager", ["sh", pytest.param("lefthook", marks=pytest.mark.needs("lefthook"))]
)
def test_hook_manager_that_swallows_stdin(repo: Path, remote: Path, manager: str) -> None:
    """lefthook without `use_stdin: true` runs the hook with nothing on stdin."""
    if manager == "lefthook":
        (repo / "lefthook.yml").write_text(LEFTHOOK_NO_STDIN, encoding="utf-8")
        git(repo, "add", "lefthook.yml")
        git(repo, "commit", "-q", "-m", "lefthook")
        subprocess.run(
            (str(BIN / "lefthook"), "install"), cwd=repo, check=True, capture_output=True
        )
    else:  # any wrapper that does not pass stdin on
        hook = hooks_dir(repo) / "pre-push"
        hook.parent.mkdir(parents=True, exist_ok=True)
        hook.write_text('#!/bin/sh\nexec hotfix-hooks hook pre-push "$@" < /dev/null\n', "utf-8")
        hook.chmod(0o755)
    git(repo, "checkout", "-q", "-b", BRANCH)
    assert hh(repo, "scaffold").returncode == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "T001: docs, no plan")
    proc = push(repo, BRANCH)
    assert proc.returncode != 0 and "042-hotfix/hotfix.md" in proc.stdout + proc.stderr
    assert not remote_has(remote, BRANCH)
    git(repo, "checkout", "-q", "main")
    assert push(repo, "main").returncode == 0  # not a hotfix branch: nothing gated
    git(repo, "checkout", "-q", BRANCH)
    fill_plan(repo)
    git(repo, "commit", "-q", "-am", "T003: plan")
    assert push(repo, BRANCH).returncode == 0
    assert push(repo, BRANCH).returncode == 0  # up to date: nothing to gate


@pytest.mark.parametrize(
    "env",
    [
        {"BUILD_SOURCEBRANCH": f"refs/heads/{BRANCH}"},
        {"SYSTEM_PULLREQUEST_SOURCEBRANCH": f"refs/heads/{BRANCH}"},
        {"GIT_BRANCH": f"origin/{BRANCH}"},
        {"CHANGE_BRANCH": BRANCH},
        {"BITBUCKET_BRANCH": BRANCH},
        {"BUILDKITE_BRANCH": BRANCH},
        {"DRONE_SOURCE_BRANCH": BRANCH, "DRONE_BRANCH": "main"},
        {"CI_COMMIT_SOURCE_BRANCH": BRANCH},
        {"CIRCLE_BRANCH": BRANCH},
    ],
)
def test_check_names_the_branch_on_every_ci(
    repo: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    git(repo, "checkout", "-q", "--detach")
    git(repo, "commit", "-q", "--allow-empty", "-m", "no trailers, no plan")
    assert hh(repo, "check").returncode == 0  # cannot tell: passes, but says so
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    proc = hh(repo, "check")
    assert proc.returncode == 1, (env, proc.stdout, proc.stderr)
    assert "042-hotfix/hotfix.md" in proc.stderr


def test_check_in_a_merge_queue_judges_what_the_merge_brings(
    direct_hotfix: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(direct_hotfix, "checkout", "-q", "--detach", "main")
    git(direct_hotfix, "merge", "-q", "--no-ff", "--no-verify", "-m", "Merge PR #1", BRANCH)
    monkeypatch.setenv("GITHUB_REF_NAME", "gh-readonly-queue/main/pr-1-0123456789abcdef")
    proc = hh(direct_hotfix, "check")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"gate for {BRANCH} refused" in proc.stderr and "042-hotfix/hotfix.md" in proc.stderr
    # a push to main that brings hotfix 042's commits is judged by hotfix 042's rules
    monkeypatch.setenv("GITHUB_REF_NAME", "main")
    proc = hh(direct_hotfix, "check")
    assert proc.returncode == 1 and "gate for main (hotfix 042) refused" in proc.stderr


def test_check_says_when_it_cannot_tell(repo: Path) -> None:
    git(repo, "checkout", "-q", "--detach")
    proc = hh(repo, "check")
    assert proc.returncode == 0 and "cannot tell which branch" in proc.stderr
    proc = hh(repo, "check", "--strict")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    # a failure is an error, not a warning that fails
    assert proc.stderr.startswith("hotfix-hooks: no target branch here"), proc.stderr
    assert "warning" not in proc.stderr
    git(repo, "checkout", "-q", "main")
    proc = hh(repo, "check", "--strict")  # the rules would come from the change itself
    assert (
        proc.returncode == 1 and "the rules would come from the change being judged" in proc.stderr
    )
    assert "warning" not in proc.stderr and proc.stderr.count("\n") == 1
    proc = hh(repo, "check", "--strict", "--config-from", "main")  # it is not a hotfix
    assert proc.returncode == 0 and "cannot tell" not in proc.stderr


def test_strict_check_does_not_take_a_trailer_at_its_word(planned: Path) -> None:
    git(planned, "checkout", "-q", "--detach")
    # the commit changes hotfix 042's directory: that says which hotfix it is
    proc = hh(planned, "check", "--strict", "--config-from", "main")
    assert proc.returncode == 0 and "pass --branch" not in proc.stderr, proc.stderr
    git(planned, "commit", "-q", "--allow-empty", "--no-verify", "-m", "T001: x\n\nHotfix: 042")
    proc = hh(planned, "check", "--strict", "--config-from", "main")
    assert proc.returncode == 1 and "pass --branch" in proc.stderr
    proc = hh(planned, "check", "--strict", "--config-from", "main", "--branch", BRANCH)
    assert proc.returncode == 0 and "pass --branch" not in proc.stderr


@pytest.fixture
def direct_hotfix(installed: Path) -> Path:
    git(installed, "checkout", "-q", "-b", BRANCH, env=unmeasured_env())
    git(installed, "commit", "-q", "-m", "T001: guard null user", env=unmeasured_env())
    git(installed, "checkout", "-q", "main", env=unmeasured_env())
    return installed


# -- 5. the update hook: only the offending ref is rejected ----------------------------


def test_pre_receive_rejects_the_whole_push(direct_hotfix: Path, remote: Path) -> None:
    assert hh(remote, "install", "--server").returncode == 0
    git(direct_hotfix, "commit", "-q", "--allow-empty", "-m", "main moves")
    proc = push(direct_hotfix, "--no-verify", "main", BRANCH)
    assert proc.returncode != 0
    assert git(remote, "rev-parse", "main").stdout != git(direct_hotfix, "rev-parse", "main").stdout


def test_update_hook_rejects_only_the_bad_ref(direct_hotfix: Path, remote: Path) -> None:
    proc = hh(remote, "install", "--server", "--per-ref")
    assert proc.returncode == 0, proc.stderr
    assert (remote / "hooks" / "update").is_file()
    assert "the rules the update hook judges by" in proc.stdout, proc.stdout
    assert "pre-receive" not in proc.stdout
    assert not (remote / "hooks" / "pre-receive").exists()
    git(direct_hotfix, "commit", "-q", "--allow-empty", "-m", "main moves")
    untied(direct_hotfix, "main moves again")  # main is never judged
    git(direct_hotfix, "checkout", "-q", BRANCH)
    untied(direct_hotfix)
    proc = push(direct_hotfix, "--no-verify", "main", BRANCH)
    assert proc.returncode != 0
    assert "042-hotfix/hotfix.md" in proc.stderr and "guard null user" in proc.stderr
    assert "hook declined" in proc.stderr
    assert git(remote, "rev-parse", "main").stdout == git(direct_hotfix, "rev-parse", "main").stdout
    assert not remote_has(remote, BRANCH)
    # back to pre-receive: the update hook goes
    assert hh(remote, "install", "--server").returncode == 0
    assert not (remote / "hooks" / "update").exists()
    assert hh(remote, "hook", "update", "x").returncode == 2


# -- 6. hook scripts that git would ignore, and edited ones ---------------------------


def test_non_executable_hook_is_repaired(installed: Path) -> None:
    hook = hooks_dir(installed) / "commit-msg"
    hook.chmod(0o644)
    git(installed, "checkout", "-q", "-b", BRANCH)
    git(installed, "commit", "-q", "--allow-empty", "-m", "untied", check=True)  # git skipped it
    proc = hh(installed, "status")
    assert "commit-msg is not executable: git ignores it" in proc.stderr
    proc = hh(installed, "install")
    assert proc.returncode == 0 and "repaired" in proc.stdout, proc.stdout
    assert hook.stat().st_mode & stat.S_IXUSR
    assert git(installed, "commit", "--allow-empty", "-m", "untied", check=False).returncode == 1
    assert "not executable" not in hh(installed, "status").stderr


def test_edited_hook_is_neither_overwritten_nor_deleted(installed: Path) -> None:
    hook = hooks_dir(installed) / "pre-push"
    text = hook.read_text(encoding="utf-8")
    edited = text.replace("PY=", 'echo "my edit ran" >&2\nPY=', 1)
    hook.write_text(edited, encoding="utf-8")
    proc = hh(installed, "install")
    assert proc.returncode == 1 and "was edited since" in proc.stderr
    assert hook.read_text(encoding="utf-8") == edited
    assert "was edited" in hh(installed, "status").stderr
    proc = hh(installed, "uninstall")
    assert proc.returncode == 0 and "edited" in proc.stderr
    assert hook.read_text(encoding="utf-8") == edited
    assert not (hooks_dir(installed) / "commit-msg").exists()  # the unedited ones went
    proc = hh(installed, "install", "--force")
    assert proc.returncode == 0, proc.stderr
    assert (hooks_dir(installed) / "pre-push.local").read_text(encoding="utf-8") == edited
    # the edit still runs first; our gate runs once
    git(installed, "checkout", "-q", "-b", BRANCH)
    git(installed, "commit", "-q", "--allow-empty", "-m", "T001: x")
    proc = push(installed, BRANCH)
    assert proc.returncode != 0
    assert proc.stderr.count("my edit ran") == 1 and proc.stderr.count("refused") == 1
    assert hh(installed, "uninstall").returncode == 0
    assert hook.read_text(encoding="utf-8") == edited  # put back as it was
    assert hh(installed, "uninstall", "--force").returncode == 0
    assert not hook.exists()


def test_script_from_before_checksums_is_upgraded_not_refused(installed: Path) -> None:
    hook = hooks_dir(installed) / "commit-msg"
    # what hotfix-hooks 0.1 wrote: the interpreter check, then one exec line, no checksum
    legacy = """#!/bin/sh
# hotfix-hooks: managed hook (commit-msg, hotfix-hooks 0.1.0).
# Written by `hotfix-hooks install`; `hotfix-hooks uninstall` removes it and puts back
# any hook that was here before, which meanwhile runs first as commit-msg.local.
PY=/old/venv/bin/python
if [ ! -x "$PY" ]; then
    echo "hotfix-hooks: $PY no longer exists;" \\
        "run 'hotfix-hooks install' again, or 'hotfix-hooks uninstall'" >&2
    exit 1
fi
"""
    legacy += 'exec "$PY" -c \'import sys; from hotfix_hooks.hook_impl import run_installed; '
    legacy += 'sys.exit(run_installed())\' commit-msg "$0" "$@"\n'
    hook.write_text(legacy, encoding="utf-8")
    proc = hh(installed, "install")
    assert proc.returncode == 0, proc.stderr
    assert f"installed {hook}" in proc.stdout
    hook.write_text(legacy.replace("exit 1", "exit 0"), encoding="utf-8")  # edited
    assert hh(installed, "install").returncode == 1


def test_many_untied_commits_are_summed_up(planned: Path) -> None:
    git(planned, "rm", "-q", ".specswarm/features/042-hotfix/tasks.md")
    git(planned, "commit", "-q", "-m", "T001: no tasks.md")
    for n in range(12):
        untied(planned, f"untied {n}")
    proc = push(planned, "--no-verify", BRANCH)
    assert proc.returncode != 0
    assert "12 of 14 new commit(s)" in proc.stderr and "... and 2 more" in proc.stderr
    assert "tasks.md is missing; using the standard hotfix tasks T001-T007" in proc.stderr


@pytest.mark.parametrize("server_flags", [("--server",), ("--server", "--per-ref")])
@pytest.mark.parametrize("carrier", ["refs/heads/aaa-carrier", "refs/tmp/stash", "refs/tags/v9"])
def test_commits_parked_on_another_ref_are_still_judged(
    installed: Path, remote: Path, server_flags: tuple[str, ...], carrier: str
) -> None:
    assert hh(remote, "install", *server_flags).returncode == 0
    setup = unmeasured_env()  # the server's hooks are what is checked here
    git(installed, "checkout", "-q", "-b", "hotfix/055-one", env=setup)
    fill_plan(installed, number="055")
    git(installed, "add", "-A")
    git(installed, "commit", "-q", "-m", "T003: plan", env=setup)
    git(installed, "commit", "-q", "--no-verify", "--allow-empty", "-m", "untied")
    # in one push, the carrier first; or parked in an earlier push
    proc = git(
        installed, "push", "--no-verify", "origin", f"HEAD:{carrier}", "hotfix/055-one", check=False
    )
    assert proc.returncode != 0
    assert (
        git(
            remote, "rev-parse", "-q", "--verify", "refs/heads/hotfix/055-one", check=False
        ).returncode
        != 0
    )
    git(installed, "push", "-q", "--no-verify", "origin", f"HEAD:{carrier}-2", check=False)
    proc = git(installed, "push", "--no-verify", "origin", "hotfix/055-one", check=False)
    assert proc.returncode != 0 and "name no task" in proc.stderr


def test_strict_check_in_a_shallow_clone_says_how_to_fetch_the_target(
    repo: Path, remote: Path, tmp_path: Path
) -> None:
    """A CI checkout fetches one branch, shallow: the refusal names that, and its fetch
    command, pasted, gives check the target branch it judges by."""
    import subprocess

    git(repo, "push", "-q", "--no-verify", "origin", "main:hotfix/001-x")
    clone = tmp_path / "ci"
    branch = ("--branch", "hotfix/001-x")
    git(tmp_path, "clone", "-q", "--depth", "1", *branch, f"file://{remote}", str(clone))
    proc = hh(clone, "check", "--strict")
    assert proc.returncode == 1 and "this clone is shallow" in proc.stderr, proc.stderr
    fetch = proc.stderr.split("for main: ", 1)[1].split("), or", 1)[0]
    assert subprocess.run(fetch, shell=True, cwd=clone, check=False).returncode == 0
    proc = hh(clone, "check", "--strict")
    assert "no target branch" not in proc.stderr, proc.stderr


DOC_002 = ".specswarm/features/002-hotfix/hotfix.md"


def commit_record(repo: Path, when: str | None = None) -> None:
    """Commit the working tree's record (``when``: its date, the pusher's to write)."""
    dated = {**os.environ, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when} if when else None
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "T003: plan", env=dated)


def rival_branch(repo: Path, name: str, of: str, when: str) -> None:
    """``name``, from main: the same number as ``of`` for another incident, its record
    copied from ``of`` and naming ``name``, committed at ``when``."""
    git(repo, "-c", f"core.hooksPath={os.devnull}", "checkout", "-q", "-b", name, "main")
    git(repo, "checkout", of, "--", ".specswarm")
    doc = repo / DOC_002
    doc.write_text(doc.read_text(encoding="utf-8").replace(of, name), encoding="utf-8")
    commit_record(repo, when)


def test_two_branches_of_one_number_in_one_push_are_refused(installed: Path, remote: Path) -> None:
    """pre-receive judges each ref against the refs from before the push: two branches of
    hotfix 002 pushed together each saw no rival. The later record moves, as when pushed
    one at a time (which the per-ref update hook does)."""
    from tests.conftest import start_hotfix

    assert hh(remote, "install", "--server", env=unmeasured_env()).returncode == 0
    start_hotfix(installed, "hotfix/002-a")
    fill_plan(installed, "002")
    commit_record(installed, "2026-11-26T03:00:00")
    rival_branch(installed, "hotfix/002-b", "hotfix/002-a", "2026-11-26T03:05:00")
    proc = push(installed, "--no-verify", "hotfix/002-a", "hotfix/002-b")
    assert proc.returncode != 0
    assert "hotfix/002-b" in proc.stderr and "pushed with it" in proc.stderr, proc.stderr
    assert "HH004" in proc.stderr
    assert not remote_has(remote, "hotfix/002-a") and not remote_has(remote, "hotfix/002-b")
    assert push(installed, "--no-verify", "hotfix/002-a").returncode == 0
    assert push(installed, "--no-verify", "hotfix/002-b").returncode != 0


def test_a_hotfix_tag_is_finishs_to_make(planned: Path, remote: Path) -> None:
    """The tag that says hotfix 042 is finished is made by finish, on a commit whose record
    says Resolved: pushed by hand on main, or on the active branch, it is refused (it would
    keep finish from tagging, and could not be deleted again). A tag of another spelling is
    no hotfix's: anyone's to push and delete."""
    assert push(planned, BRANCH).returncode == 0
    for source, says in (("main", "says nothing (no record)"), (BRANCH, "says Active")):
        proc = push(planned, f"{source}:refs/tags/hotfix-042")
        assert proc.returncode != 0 and says in proc.stderr, proc.stderr
        assert "HH006" in proc.stderr and "hotfix-hooks finish --push" in proc.stderr
    assert not remote_has(remote, "refs/tags/hotfix-042")
    # made here too, by the same push: the advice deletes it, and the clone is not finished
    git(planned, "tag", "hotfix-042", "main")
    proc = push(planned, "hotfix-042")
    assert "git tag -d hotfix-042   later: hotfix-hooks finish --push" in proc.stderr
    git(planned, "tag", "-d", "hotfix-042")
    assert "Finished" not in hh(planned, "status").stdout
    assert push(planned, "main:refs/tags/hotfix-42").returncode == 0
    assert push(planned, ":refs/tags/hotfix-42").returncode == 0


@pytest.mark.parametrize("server_flags", [(), ("--per-ref",)])
def test_a_branch_the_server_has_keeps_its_number_against_a_backdated_newcomer(
    installed: Path, remote: Path, server_flags: tuple[str, ...]
) -> None:
    """A record's commit date is the pusher's to write: a branch the push creates never
    takes the number of one the server has, however old its record claims to be (it took
    it, and locked the live branch out of its own pushes)."""
    from tests.conftest import start_hotfix

    assert hh(remote, "install", "--server", *server_flags, env=unmeasured_env()).returncode == 0
    start_hotfix(installed, "hotfix/002-live")
    fill_plan(installed, "002")
    commit_record(installed)
    assert push(installed, "--no-verify", "hotfix/002-live").returncode == 0
    rival_branch(installed, "hotfix/002-z", "hotfix/002-live", "2020-01-01T00:00:00")
    proc = push(installed, "--no-verify", "hotfix/002-z")
    assert proc.returncode != 0 and "HH004" in proc.stderr, proc.stderr
    git(installed, "checkout", "-q", "hotfix/002-live")
    git(installed, "commit", "-q", "--allow-empty", "--no-verify", "-m", "T001: still live")
    assert push(installed, "--no-verify", "hotfix/002-live").returncode == 0


@pytest.mark.parametrize("edit", [False, True], ids=["clean-merge", "merge-with-an-edit"])
def test_the_reword_advice_keeps_a_teammates_merge(
    planned: Path, remote: Path, tmp_path: Path, edit: bool
) -> None:
    """A teammate merged main into the hotfix branch (and, in one case, edited a file while
    merging) on top of the untied commits, and this clone pulled it: `check`'s advice redoes
    the merge (--rebase-merges), and pushes only if nothing but messages changed; a merge
    git cannot redo as it was stops before the push, and the server keeps the teammate's."""
    git(remote, "config", "core.hooksPath", os.devnull)  # a server without the gate
    assert push(planned, BRANCH).returncode == 0
    untied_pair(planned)
    assert push(planned, "--no-verify", BRANCH).returncode == 0
    mate = tmp_path / "mate"
    git(tmp_path, "clone", "-q", str(remote), str(mate))
    (mate / "main.py").write_text("on main\n", encoding="utf-8")
    git(mate, "add", "main.py")
    git(mate, "commit", "-q", "--no-verify", "-m", "main moves on")
    git(mate, "push", "-q", "origin", "main")
    git(mate, "checkout", "-q", BRANCH)
    git(mate, "merge", "-q", "--no-commit", "--no-ff", "main")
    if edit:
        (mate / "settings.py").write_text("TIMEOUT = 5\n", encoding="utf-8")
        git(mate, "add", "settings.py")
    git(mate, "commit", "-q", "--no-verify", "-m", "Merge main into the hotfix")
    git(mate, "push", "-q", "origin", BRANCH)
    theirs = git(mate, "rev-parse", "HEAD").stdout.strip()
    git(planned, "fetch", "-q", "origin")  # main, as CI sees it
    git(planned, "pull", "-q", "--no-rebase", "origin", BRANCH)
    proc = hh(planned, "check", "--range", "origin/main..HEAD")  # what CI judges
    assert proc.returncode == 1, proc.stderr
    then = follow_reword_advice(planned, proc.stderr, tmp_path)
    again = subprocess.run(("sh", "-c", then), cwd=planned, capture_output=True, text=True)
    server = git(remote, "rev-parse", BRANCH).stdout.strip()
    if edit:
        assert again.returncode != 0 and server == theirs
        assert "git reset --hard ORIG_HEAD" in proc.stderr
    else:
        assert again.returncode == 0, again.stderr
        assert (
            git(remote, "merge-base", "--is-ancestor", "main", BRANCH, check=False).returncode == 0
        )
        assert hh(planned, "check", "--range", "origin/main..HEAD").returncode == 0


@pytest.mark.parametrize(
    "merge", ["clean", "conflict-resolved", "conflict-resolved-café", "with-an-edit", "unrelated"]
)
def test_a_merge_is_exempt_only_for_what_git_merged(
    planned: Path, remote: Path, merge: str
) -> None:
    """A merge of main names no task and passes: git made it. An edit made while merging
    (a file neither side has) is the pusher's own change, and needs a task; a conflict's
    resolution is the merge's work, and does not (whatever the file's name). A merge of an
    unrelated root that edits the branch is redone by git as well, and refused."""
    name = "café.py" if merge.endswith("café") else "app.py"
    (planned / name).write_text("branch\n", encoding="utf-8")
    git(planned, "add", "-A")
    git(planned, "commit", "-q", "-m", "T001: fix")
    assert push(planned, BRANCH).returncode == 0
    if merge == "unrelated":
        empty = git(planned, "hash-object", "-t", "tree", "/dev/null").stdout.strip()
        root = git(planned, "commit-tree", empty, "-m", "T002: root").stdout.strip()
        (planned / name).write_text("guard removed\n", encoding="utf-8")
        git(planned, "add", "-A")
        tree = git(planned, "write-tree").stdout.strip()
        fake = git(
            planned, "commit-tree", tree, "-p", "HEAD", "-p", root, "-m", "Merge branch 'x'"
        ).stdout.strip()
        git(planned, "reset", "-q", "--hard", fake)
        proc = push(planned, "--no-verify", BRANCH)
        assert proc.returncode != 0 and f"changes {name} of its own" in proc.stderr, proc.stderr
        return
    git(planned, "checkout", "-q", "main")
    other = name if merge.startswith("conflict") else "main.py"
    (planned / other).write_text("main\n", encoding="utf-8")
    git(planned, "add", "-A")
    git(planned, "commit", "-q", "--no-verify", "-m", "main moves on")
    git(planned, "push", "-q", "--no-verify", "origin", "main")
    git(planned, "checkout", "-q", BRANCH)
    git(planned, "merge", "-q", "--no-commit", "--no-ff", "main", check=False)
    if merge.startswith("conflict"):
        (planned / name).write_text("branch and main\n", encoding="utf-8")
        git(planned, "add", name)
    if merge == "with-an-edit":
        (planned / "sneaky.txt").write_text("untied\n", encoding="utf-8")
        git(planned, "add", "sneaky.txt")
    git(planned, "commit", "-q", "--no-verify", "-m", "Merge branch 'main' into the hotfix")
    proc = push(planned, "--no-verify", BRANCH)
    if merge == "with-an-edit":
        assert proc.returncode != 0
        assert "a merge that also changes sneaky.txt of its own, no task" in proc.stderr
    else:
        assert proc.returncode == 0, proc.stderr


def test_an_octopus_merge_names_a_task(planned: Path, remote: Path) -> None:
    """git merge-tree merges two parents: what an octopus merge changed of its own cannot be
    told, so it is exempt from nothing."""
    assert push(planned, BRANCH).returncode == 0
    for name in ("a", "b"):
        git(planned, "checkout", "-q", "-b", f"side-{name}", "main")
        (planned / f"{name}.py").write_text(f"{name}\n", encoding="utf-8")
        git(planned, "add", "-A")
        git(planned, "commit", "-q", "--no-verify", "-m", f"side {name}")
    git(planned, "checkout", "-q", BRANCH)
    git(planned, "merge", "-q", "--no-edit", "side-a", "side-b")
    proc = push(planned, "--no-verify", BRANCH)
    assert proc.returncode != 0 and "an octopus merge" in proc.stderr, proc.stderr


@pytest.mark.parametrize("extra", ["none", "spaces", "chmod", "empty-file"])
def test_a_revert_is_exempt_only_when_it_undoes_exactly(
    planned: Path, remote: Path, extra: str
) -> None:
    """A `Revert "..."` names no task when it undoes exactly the commit it names: not with
    whitespace changed (a dedent changes what Python runs), a mode changed or an empty file
    added, none of which a patch id sees."""
    app = planned / "app.py"
    app.write_text("x = 1\n", encoding="utf-8")
    (planned / "run.sh").write_text("true\n", encoding="utf-8")
    git(planned, "add", "-A")
    git(planned, "commit", "-q", "-m", "T001: app")
    app.write_text("x = 2\n", encoding="utf-8")
    git(planned, "commit", "-q", "-am", "T001: two")
    assert push(planned, BRANCH).returncode == 0
    target = git(planned, "rev-parse", "HEAD").stdout.strip()
    app.write_text("x  =  1\n" if extra == "spaces" else "x = 1\n", encoding="utf-8")
    if extra == "chmod":
        (planned / "run.sh").chmod(0o755)
    if extra == "empty-file":
        (planned / "pkg.py").write_text("", encoding="utf-8")
    git(planned, "add", "-A")
    message = f'Revert "two"\n\nThis reverts commit {target}.'  # a subject with no task
    git(planned, "commit", "-q", "--no-verify", "-m", message)
    proc = push(planned, "--no-verify", BRANCH)
    if extra == "none":
        assert proc.returncode == 0, proc.stderr
    else:
        assert proc.returncode != 0
        assert "does not exactly undo the commit it names" in proc.stderr, proc.stderr
