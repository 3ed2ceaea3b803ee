"""The console entry in-process (its real processes run `python -I`, unseen by coverage):
`hook <type>` is dispatched without click, anything else goes to click."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

from hotfix_hooks import main as entry
from tests.conftest import git, unmeasured_env

MANIFEST_ENTRY = "from hotfix_hooks.main import run_hook; run_hook()"  # .pre-commit-hooks.yaml


def test_hook_on_a_non_hotfix_branch_is_dispatched_without_click(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    message = repo / "MSG"
    message.write_text("no task here\n", encoding="utf-8")
    assert entry.lean_hook(["hook", "commit-msg", str(message)]) == 0
    assert entry.main(["hook", "post-checkout", "0" * 40, "0" * 40, "1"]) == 0
    assert capsys.readouterr().err == ""


def test_a_refusal_on_a_hotfix_branch(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "checkout", "-q", "-b", "hotfix/042-x")
    message = repo / "MSG"
    message.write_text("no task here\n", encoding="utf-8")
    assert entry.main(["hook", "commit-msg", str(message)]) == 1
    assert "commit refused" in capsys.readouterr().err


def test_under_pre_commit_a_refusal_still_reaches_stderr(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRE_COMMIT", "1")
    git(repo, "checkout", "-q", "-b", "hotfix/042-x")
    message = repo / "MSG"
    message.write_text("no task here\n", encoding="utf-8")
    assert entry.main(["hook", "commit-msg", str(message)]) == 1
    assert "commit refused" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["hook"],
        ["hook", "no-such-hook"],
        ["hook", "commit-msg", "--help"],
        ["status"],
    ],
)
def test_anything_else_is_clicks(argv: list[str]) -> None:
    assert entry.lean_hook(argv) is None


def test_outside_a_repository_click_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert entry.lean_hook(["hook", "pre-receive"]) is None  # not a bare repository here
    assert entry.main(["hook", "commit-msg", "MSG"]) == 2
    assert "not a git repository" in capsys.readouterr().err


def test_run_hook_is_the_manifest_entry(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    message = repo / "MSG"
    message.write_text("x\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["-c", "commit-msg", str(message)])
    # under coverage's measurement the hook's process ends normally (coverage saves at exit)
    monkeypatch.setenv("COVERAGE_PROCESS_CONFIG", "")
    monkeypatch.setenv("COVERAGE_PROCESS_START", "x")
    try:
        with pytest.raises(SystemExit) as info:
            entry.run_hook()
    finally:
        gc.enable()  # the hook's process runs without the cyclic collector; this one goes on
    assert info.value.code == 0


@pytest.mark.parametrize("branch", ["main", "hotfix/042-x"])
def test_the_manifest_entry_exits_at_once_with_all_it_wrote(repo: Path, branch: str) -> None:
    """Its own process skips the interpreter's teardown: the exit code and every line it
    wrote still arrive, on pipes as on files."""
    import subprocess

    if branch != "main":
        git(repo, "checkout", "-q", "-b", branch)
    message = repo / "MSG"
    message.write_text("no task here\n", encoding="utf-8")
    env = unmeasured_env()  # its own exit, not coverage's
    proc = subprocess.run(
        (sys.executable, "-I", "-c", MANIFEST_ENTRY, "commit-msg", str(message)),
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if branch == "main":
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    else:
        assert proc.returncode == 1
        assert "commit refused" in proc.stderr
        assert proc.stderr.endswith("\n")


def test_the_manifest_entry_with_stdout_and_stderr_closed(repo: Path) -> None:
    """Python starts with ``sys.stdout``/``sys.stderr`` None then: still the hook's code."""
    import subprocess

    message = repo / "MSG"
    message.write_text("no task here\n", encoding="utf-8")
    env = unmeasured_env()  # its own exit, not coverage's
    script = 'exec "$0" -I -c "$1" commit-msg "$2" 1>&- 2>&-'
    proc = subprocess.run(
        ("sh", "-c", script, sys.executable, MANIFEST_ENTRY, str(message)),
        cwd=repo,
        env=env,
        check=False,
    )
    assert proc.returncode == 0
