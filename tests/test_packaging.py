"""The acceptance of a new user: `pip install .` (non-editable) into a fresh venv."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import PROJECT, git

TEMPLATES = {"hotfix.md", "tasks.md", "post-mortem.md"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        (sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(PROJECT)),
        check=True,
        capture_output=True,
    )
    return next(out.glob("hotfix_hooks-*.whl"))


@pytest.mark.slow
def test_wheel_ships_templates_inside_the_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"hotfix_hooks/templates/{t}" for t in TEMPLATES} <= names
    assert "hotfix_hooks/hooks/entry.py" in names
    assert "hotfix_hooks/report/dashboard.html.j2" in names  # the report page's template


@pytest.mark.slow
def test_fresh_venv_install_then_checkout_scaffolds(
    wheel: Path, tmp_path: Path, repo: Path
) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    proc = subprocess.run(
        (str(python), "-m", "pip", "install", "-q", str(wheel)), capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    tool = env_dir / "bin" / "hotfix-hooks"
    assert subprocess.run((str(tool), "install"), cwd=repo, check=False).returncode == 0
    git(repo, "checkout", "-q", "-b", "hotfix/042-login-500")
    directory = repo / ".specswarm/features/042-hotfix"
    text = (directory / "hotfix.md").read_text(encoding="utf-8")
    assert "YYYY-MM-DD" not in text
    assert "[How to rollback if hotfix fails]" in text and "[Brief description]" in text
    staged = git(repo, "diff", "--cached", "--name-only").stdout.split()
    assert staged == [
        ".specswarm/features/042-hotfix/hotfix.md",
        ".specswarm/features/042-hotfix/tasks.md",
    ]
    version = subprocess.run(
        (str(python), "-m", "hotfix_hooks", "--version"), capture_output=True, text=True
    )
    assert version.stdout.startswith("hotfix-hooks, version")
    head = git(PROJECT, "rev-parse", "HEAD").stdout.strip()
    assert f"(commit {head}" in version.stdout  # recorded in the wheel when it was built
    # the report's dashboard renders from the template the wheel ships, not from a checkout
    page = tmp_path / "report.html"
    proc = subprocess.run(
        (str(tool), "report", "--html", str(page)), cwd=repo, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert "<svg" in page.read_text(encoding="utf-8")
