"""Hooks are hot paths: what they import is checked here (timings live in benchmarks/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git

PROBE = """
import sys
from hotfix_hooks.hook_impl import dispatch
code = dispatch(sys.argv[1], sys.argv[2:], stdin=b"")
heavy = sorted(m for m in ("jinja2", "git", "click", "dataclasses", "typing", "pathlib", "subprocess")
               if m in sys.modules)
print(",".join(heavy))
"""


def imported(repo: Path, *args: str) -> set[str]:
    proc = subprocess.run(
        (sys.executable, "-c", PROBE, *args), cwd=repo, capture_output=True, text=True, check=True
    )
    return set(filter(None, proc.stdout.strip().split(",")))


@pytest.mark.parametrize(
    "args",
    [
        ("post-checkout", "0" * 40, "0" * 40, "1"),
        ("commit-msg", "MSG"),
        ("pre-push", "origin", "url"),
    ],
)
def test_non_hotfix_branch_imports_nothing_heavy(repo: Path, args: tuple[str, ...]) -> None:
    (repo / "MSG").write_text("anything\n", encoding="utf-8")
    assert imported(repo, *args) == set()


def test_hotfix_commit_msg_imports_no_jinja_gitpython_or_click(installed: Path) -> None:
    git(installed, "checkout", "-q", "-b", "hotfix/042-x")
    (installed / "MSG").write_text("T001: fix\n", encoding="utf-8")
    heavy = imported(installed, "commit-msg", "MSG")
    assert not heavy & {"jinja2", "git", "click", "dataclasses", "typing", "pathlib", "subprocess"}
    assert "Task: T001" in (installed / "MSG").read_text(encoding="utf-8")
