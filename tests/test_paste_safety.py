"""Every command we print is safe to paste (issue 19.2): a branch named
``hotfix/002-x$(touch${IFS}PWNED)`` is a valid ref name, and a committed configuration can
name a features directory or a production branch likewise. Each advice line is produced
through real git, pasted into ``sh`` as printed, with ``git`` and ``hotfix-hooks`` replaced
by stubs that record their arguments: it must run exactly the intended commands, and
``touch`` never."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import fill_plan, git, hh
from tests.test_lifecycle import run

PAYLOAD = "$(touch${IFS}PWNED)"
BRANCH = f"hotfix/002-x{PAYLOAD}"
STUB = """#!{python}
import json, os, sys
with open(os.environ["PASTE_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps([os.path.basename(sys.argv[0]), *sys.argv[1:]]) + "\\n")
"""


@pytest.fixture
def paste(tmp_path: Path):  # type: ignore[no-untyped-def]
    """``paste(command_line) -> [argv, ...]``: what a shell runs for the pasted line."""
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    for name in ("git", "hotfix-hooks"):
        stub = stubs / name
        stub.write_text(STUB.format(python=sys.executable), encoding="utf-8")
        stub.chmod(0o755)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    log = tmp_path / "paste.log"

    def pasted(line: str) -> list[list[str]]:
        log.write_text("", encoding="utf-8")
        env = {**os.environ, "PATH": f"{stubs}{os.pathsep}{os.environ['PATH']}"}
        proc = subprocess.run(
            ("sh", "-c", line), cwd=scratch, env={**env, "PASTE_LOG": str(log)}, check=False
        )
        assert proc.returncode == 0, line
        assert not list(scratch.iterdir()), f"{line!r} ran more than git: {os.listdir(scratch)}"
        return [json.loads(entry) for entry in log.read_text(encoding="utf-8").splitlines()]

    return pasted


def after(text: str, label: str, end: str | None = None) -> str:
    """The command printed after ``label`` on its line (up to ``end``, if given)."""
    line = next(line for line in text.splitlines() if label in line)
    command = line.split(label, 1)[1]
    return command.split(end, 1)[0] if end else command


@pytest.mark.parametrize(
    "word",
    [
        PAYLOAD,
        "it's",
        'a "quoted" word',
        "back\\slash `tick` $HOME ${IFS} !bang *.py ~user",
        "new\nline",
        "-n",
        "",
        "é ünïcode",
    ],
)
def test_a_command_line_is_its_argv(paste, word: str) -> None:  # type: ignore[no-untyped-def]
    from hotfix_hooks.core import ui

    argv = ["git", "checkout", word]
    assert paste(ui.command(argv)) == [argv]
    assert paste(ui.commands(argv, ["hotfix-hooks", "status", word])) == [
        argv,
        ["hotfix-hooks", "status", word],
    ]


@pytest.fixture
def hostile(installed: Path) -> Path:
    """``installed`` with a committed configuration whose features directory and production
    branch carry the payload, and a checked-out hotfix branch that carries it too."""
    (installed / ".hotfix-hooks.toml").write_text(
        f'features_dir = "hf{PAYLOAD}"\n', encoding="utf-8"
    )
    git(installed, "add", ".hotfix-hooks.toml")
    git(installed, "commit", "-q", "-m", "configure")
    git(installed, "push", "-q", "origin", "main")
    proc = git(installed, "checkout", "-b", BRANCH)
    assert (installed / f"hf{PAYLOAD}" / "002-hotfix" / "hotfix.md").is_file(), proc.stderr
    return installed


DOC = f"hf{PAYLOAD}/002-hotfix/hotfix.md"


def test_status_advice(hostile: Path, paste) -> None:  # type: ignore[no-untyped-def]
    git(hostile, "commit", "-q", "-m", "T001: start")
    doc = hostile / DOC
    plan = "Revert the release tag and redeploy v1.4.2"
    doc.write_text(
        doc.read_text("utf-8").replace("[How to rollback if hotfix fails]", plan), "utf-8"
    )
    proc = hh(hostile, "status")
    assert paste(after(proc.stdout, "Next: commit the plan: ")) == [
        ["git", "add", "--", DOC],
        ["git", "commit", "-m", "T003: rollback plan"],
    ]
    git(hostile, "commit", "-q", "-am", "T003: rollback plan")
    remote = f"o{PAYLOAD}"
    git(hostile, "config", "checkout.defaultRemote", remote)
    proc = hh(hostile, "status")
    assert paste(after(proc.stdout, "Next: push it: ")) == [["git", "push", "-u", remote, "HEAD"]]
    git(hostile, "checkout", "-q", "main")
    proc = hh(hostile, "status")
    assert paste(after(proc.stdout, "Next: ")) == [
        ["git", "checkout", BRANCH],
        ["hotfix-hooks", "status"],
    ]


def test_gate_advice(hostile: Path, paste) -> None:  # type: ignore[no-untyped-def]
    git(hostile, "commit", "-q", "-m", "T001: start")
    remote = f"o{PAYLOAD}"
    url = git(hostile, "remote", "get-url", "origin").stdout.strip()
    git(hostile, "remote", "add", remote, url)
    proc = git(hostile, "push", remote, "HEAD", check=False)
    assert proc.returncode == 1
    fix = next(line for line in proc.stderr.splitlines() if "git commit -m" in line)
    assert paste(fix) == [
        ["git", "add", "--", DOC],
        ["git", "commit", "-m", "T003: rollback plan"],
        ["git", "push", "-u", remote, "HEAD"],
    ]


def test_number_advice(installed: Path, paste) -> None:  # type: ignore[no-untyped-def]
    """Two incidents on 002: the newer one (the payload) is told how to move, at checkout,
    at commit and at push."""
    git(installed, "checkout", "-q", "-b", "hotfix/002-first")
    git(installed, "commit", "-q", "-m", "T001: first incident")
    git(installed, "push", "-q", "--no-verify", "origin", "hotfix/002-first")
    git(installed, "checkout", "-q", "main")
    moved = f"hotfix/003-x{PAYLOAD}"
    renumber = [["git", "checkout", BRANCH, "--"], ["hotfix-hooks", "renumber", "003"]]
    proc = git(installed, "checkout", "-b", BRANCH)
    assert paste(after(proc.stderr, "fix: ", "   (")) == renumber
    delete = after(proc.stderr, "was pushed already: ")
    assert paste(delete) == [["git", "push", "origin", "--delete", BRANCH]]
    proc = git(installed, "commit", "--allow-empty", "-m", "T001: second", check=False)
    assert proc.returncode == 1
    assert paste(after(proc.stderr, "fix: ", "   (")) == renumber
    git(installed, "commit", "-q", "--allow-empty", "--no-verify", "-m", "T001: second")
    proc = git(installed, "push", "origin", BRANCH, check=False)
    assert proc.returncode == 1
    assert paste(after(proc.stderr, "and push that: ")) == [["git", "push", "-u", "origin", moved]]


def test_commit_msg_refusal_advice(hostile: Path, paste) -> None:  # type: ignore[no-untyped-def]
    subject = f"guard the login {PAYLOAD} path"
    proc = git(hostile, "commit", "--allow-empty", "-m", subject, check=False)
    assert proc.returncode == 1
    fix = [["git", "commit", "--allow-empty", "-m", f"T001: {subject}"]]
    assert paste(after(proc.stderr, "fix: ")) == fix
    edit = paste(after(proc.stderr, "to edit it instead: "))
    assert edit == [["git", "commit", "--allow-empty", "-e", "-F", ".git/COMMIT_EDITMSG"]]


def test_new_advice(repo: Path, paste) -> None:  # type: ignore[no-untyped-def]
    proc = run(repo, "new", "Login", PAYLOAD, "--rollback", "redeploy v1.4.2")
    assert proc.returncode == 0, proc.stderr
    assert paste(after(proc.stdout, "Push: ")) == [["git", "push", "-u", "origin", "HEAD"]]


def test_finish_advice(installed: Path, remote: Path, paste) -> None:  # type: ignore[no-untyped-def]
    """A teammate's commit on the hotfix branch: finish names the merge that brings it in."""
    git(installed, "checkout", "-q", "-b", BRANCH)
    fill_plan(installed, "002")
    git(installed, "add", "-A")
    git(installed, "commit", "-q", "-m", "T001: guard null user")
    git(installed, "push", "-q", "origin", BRANCH)
    other = remote.parent / "teammate"
    git(remote.parent, "clone", "-q", "-b", BRANCH, str(remote), str(other))
    git(other, "commit", "-q", "--allow-empty", "--no-verify", "-m", "T002: more")
    git(other, "push", "-q", "--no-verify", "origin", BRANCH)
    proc = run(installed, "finish", "--push", now=None)
    assert proc.returncode == 1, proc.stderr
    assert paste(after(proc.stderr, "bring them in first (", "), then")) == [
        ["git", "merge", "--no-edit", f"origin/{BRANCH}"]
    ]
