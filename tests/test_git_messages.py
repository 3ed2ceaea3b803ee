"""Messages from the git side of things (issue 8): judged by the cleanup git will apply,
a "Merge branch" subject without a merge is an ordinary message, and a form feed or
vertical tab line ends a trailer block exactly where git says."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from hotfix_hooks.core.trailers import Rules, add_trailers
from tests.conftest import git, start_hotfix


@pytest.fixture
def on_hotfix(installed: Path) -> Path:
    start_hotfix(installed, "hotfix/042-x")
    git(installed, "commit", "-q", "-m", "T001: docs")
    (installed / "app.py").write_text("changed\n", encoding="utf-8")
    git(installed, "add", "app.py")
    return installed


def head_message(repo: Path) -> str:
    return git(repo, "log", "-1", "--format=%B").stdout


def test_hash_message_from_dash_m_is_kept_so_it_is_judged(on_hotfix: Path) -> None:
    before = git(on_hotfix, "rev-parse", "HEAD").stdout
    proc = git(on_hotfix, "commit", "-m", "#123 fix", check=False)
    assert proc.returncode == 1 and "must name a task" in proc.stderr
    assert git(on_hotfix, "rev-parse", "HEAD").stdout == before
    git(on_hotfix, "commit", "-q", "-m", "#123 T001 fix")
    message = head_message(on_hotfix)
    assert message.startswith("#123 T001 fix\n") and "Task: T001" in message


@pytest.mark.parametrize("how", ["option", "config"])
def test_verbatim_comment_lines_are_the_message(on_hotfix: Path, how: str) -> None:
    args = ["--cleanup=verbatim"] if how == "option" else []
    pre = ["-c", "commit.cleanup=verbatim"] if how == "config" else []
    proc = subprocess.run(
        ("git", *pre, "commit", *args, "-m", "# just this"),
        cwd=on_hotfix,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "must name a task" in proc.stderr


def test_merge_subject_without_a_merge_is_ordinary(on_hotfix: Path) -> None:
    proc = git(on_hotfix, "commit", "-m", "Merge branch 'main' into hotfix/042-x", check=False)
    assert proc.returncode == 1 and "must name a task" in proc.stderr


def test_a_real_merge_still_passes(on_hotfix: Path) -> None:
    git(on_hotfix, "commit", "-q", "-m", "T001: change")
    git(on_hotfix, "checkout", "-q", "main")
    (on_hotfix / "other.py").write_text("x\n", encoding="utf-8")
    git(on_hotfix, "add", "other.py")
    git(on_hotfix, "commit", "-q", "-m", "other")
    git(on_hotfix, "checkout", "-q", "hotfix/042-x")
    git(on_hotfix, "merge", "-q", "--no-edit", "main")
    assert head_message(on_hotfix).startswith("Merge branch 'main'")


MESSAGES = [
    b"T001: fix\n\nbody\n\x0c\nSigned-off-by: A <a@example.com>\n",
    b"T001: fix\n\nSigned-off-by: A <a@example.com>\n\x0b\n",
    b"T001: fix\n\nbody\n\x0b\x0c\nReviewed-by: B\nSigned-off-by: A <a@example.com>\n",
    b"T001: fix\n\n\x0cSigned-off-by: A <a@example.com>\n",
]


@pytest.mark.parametrize("message", MESSAGES)
def test_form_feed_and_vertical_tab_as_git_decides(tmp_path: Path, message: bytes) -> None:
    expected = subprocess.run(
        (
            "git",
            "interpret-trailers",
            "--no-divider",
            "--trailer",
            "Hotfix: 042",
            "--trailer",
            "Task: T001",
        ),
        input=message,
        capture_output=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    ours = add_trailers(message, [("Hotfix", "042"), ("Task", "T001")], Rules())
    assert ours == expected
