"""Hooks are hot paths: what they import is checked here (timings live in benchmarks/)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git

HEAVY = ("jinja2", "git", "click", "dataclasses", "typing", "pathlib", "subprocess")
PROBE = f"""
import sys
already = set(sys.modules)
if sys.argv[1] != "-":
    from hotfix_hooks.hooks.entry import dispatch
    dispatch(sys.argv[1], sys.argv[2:], stdin=b"")
print(",".join(m for m in {HEAVY!r} if m in sys.modules and m not in already))
"""


def imported(repo: Path, *args: str) -> set[str]:
    """Heavy modules a hook imports (beyond what interpreter start-up, e.g. a
    coverage .pth under `pytest --cov`, had loaded already)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    proc = subprocess.run(
        (sys.executable, "-c", PROBE, *args),
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        env=env,
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
