"""Advice that works when followed (issue 5): each printed command is run as printed."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from tests.conftest import HOTFIX_DIR, fill_plan, git, hh

NOW = "2026-11-26T04:05:00+01:00"


def run_printed(repo: Path, line: str) -> None:
    """Run a printed ``a && b && c`` command line, each part as printed."""
    for part in line.split(" && "):
        argv = shlex.split(part)
        proc = subprocess.run(argv, cwd=repo, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, (part, proc.stdout, proc.stderr)


def test_push_refusal_advice_works_on_a_new_branch(hooked: Path) -> None:
    """The fix sets an upstream when there is none, under pre-commit too (which hands the
    hook the parent of the first new commit as the remote's old value)."""
    git(hooked, "checkout", "-q", "-b", "hotfix/042-login")
    git(hooked, "commit", "-q", "-m", "T001: start")
    proc = git(hooked, "push", "origin", "HEAD", check=False)
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr  # pre-commit's own output goes to stdout
    fix = next(line for line in output.splitlines() if "git commit -m" in line)
    assert fix.strip().endswith("git push -u origin HEAD"), output
    assert "'T003: rollback plan'" in fix
    fill_plan(hooked)
    run_printed(hooked, fix.strip())
    assert git(hooked, "rev-parse", "@{upstream}").returncode == 0


def test_push_refusal_advice_sets_the_upstream_a_branch_lacks(installed: Path) -> None:
    """Pushed once without -u: the remote has the branch, `git push` alone would fail."""
    git(installed, "checkout", "-q", "-b", "hotfix/042-login")
    fill_plan(installed)
    git(installed, "commit", "-q", "-am", "T001: start")
    git(installed, "push", "-q", "origin", "HEAD")
    path = fill_plan(installed, plan="x")
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "Revert the release tag and redeploy v1.4.2", "[How to rollback if hotfix fails]"
        ),
        encoding="utf-8",
    )
    git(installed, "commit", "-q", "-am", "T001: plan lost")
    proc = git(installed, "push", "origin", "HEAD", check=False)
    assert proc.returncode != 0
    fix = next(line for line in proc.stderr.splitlines() if "git commit -m" in line)
    assert fix.strip().endswith("git push -u origin HEAD"), fix


def test_plan_commit_names_a_task_the_hotfix_has(installed: Path) -> None:
    git(installed, "checkout", "-q", "-b", "hotfix/042-login")
    tasks = installed / HOTFIX_DIR / "tasks.md"
    tasks.write_text(
        "# Tasks\n\n### T001: Fix\n\n### T002: Ship and roll back if needed\n", encoding="utf-8"
    )
    git(installed, "add", "-A")
    git(installed, "commit", "-q", "-m", "T001: start")
    proc = git(installed, "push", "origin", "HEAD", check=False)
    fix = next(line for line in proc.stderr.splitlines() if "git commit -m" in line)
    assert "'T002: rollback plan'" in fix
    fill_plan(installed)
    run_printed(installed, fix.strip())


def test_resolve_postmortem_advice_commits_the_new_file(installed: Path) -> None:
    git(installed, "checkout", "-q", "-b", "hotfix/042-login")
    fill_plan(installed)
    git(installed, "add", "-A")
    git(installed, "commit", "-q", "-m", "T001: fix")
    proc = subprocess.run(
        ("hotfix-hooks", "resolve", "--postmortem"),
        cwd=installed,
        capture_output=True,
        text=True,
        env={**os.environ, "HOTFIX_HOOKS_NOW": NOW},
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("Commit it: "))
    assert line.endswith("git push -u origin HEAD")
    run_printed(installed, line[len("Commit it: ") :])
    assert git(installed, "status", "--porcelain").stdout == ""
    tracked = git(installed, "ls-files", str(HOTFIX_DIR / "post-mortem.md")).stdout
    assert tracked.strip()


def test_off_target_figures_are_marked(installed: Path) -> None:
    git(installed, "checkout", "-q", "-b", "hotfix/042-login")
    fill_plan(installed)
    assert hh(installed, "rollback", "--yes").returncode == 0
    text = hh(installed, "report").stdout
    assert "Rollback rate: 100 % (target < 10 %)  ✗ OFF TARGET" in text
    data = hh(installed, "report", "--json").stdout
    assert '"rollback_rate"' in data and '"off_target"' in data


def test_report_write_keeps_values_it_does_not_own(installed: Path) -> None:
    git(installed, "checkout", "-q", "-b", "hotfix/042-login")
    metrics = installed / ".specswarm/workflow-metrics.json"
    metrics.parent.mkdir(parents=True, exist_ok=True)
    metrics.write_text(
        '{"huge": 1e400, "pi": 3.14159265358979323846264338327950288,\n'
        ' "dup": 1, "dup": 2, "big": 123456789012345678901234567890,\n'
        ' "features": {"007-feature": {"score": 0.1000000000000000055511151231257827}},\n'
        ' "summary": {"last_30_days": {"hotfix": {"count": 9, "mine": 1.50}}}}\n',
        encoding="utf-8",
    )
    proc = hh(installed, "report", "--write")
    assert proc.returncode == 0, proc.stderr
    text = metrics.read_text(encoding="utf-8")
    for kept in (
        '"huge": 1e400',
        '"pi": 3.14159265358979323846264338327950288',
        '"dup": 1',
        '"dup": 2',
        '"big": 123456789012345678901234567890',
        '"score": 0.1000000000000000055511151231257827',
        '"mine": 1.50',
    ):
        assert kept in text, kept
    assert '"042-hotfix"' in text and '"count": 0' in text


def test_install_warns_when_hooks_path_leaves_the_repository(repo: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared-hooks"
    git(repo, "config", "core.hooksPath", str(shared))
    proc = hh(repo, "install")
    assert proc.returncode == 0, proc.stderr
    assert "outside this repository" in proc.stderr and str(shared) in proc.stderr
    assert (shared / "commit-msg").exists()
    git(repo, "config", "core.hooksPath", ".githooks")
    proc = hh(repo, "install")
    assert proc.returncode == 0 and "outside" not in proc.stderr


def test_readme_and_docs_tell_a_newcomer_what_works() -> None:
    import re

    root = Path(__file__).resolve().parents[1]
    pages = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    text = "\n".join(page.read_text(encoding="utf-8") for page in pages)
    for rev in re.findall(r"^\s+rev: ([^#\n]+)", text, re.M):
        assert re.fullmatch(r"[0-9a-f]{40}|\$\(git -C \S+ rev-parse HEAD\)", rev.strip()), rev
    assert "| head -n1 | cut -f1" in text  # ls-remote lists origin/HEAD too, against a clone
    warning = "never `pip install hotfix-hooks` by name"  # install.md says so, once
    assert warning in text
    assert not re.search(r"pip install\s+hotfix-hooks\b", text.replace(warning, ""))
    for words in ("the contract", "the workflow's own", "seed"):
        assert words not in text.lower(), words


def test_no_internal_words_in_output(installed: Path) -> None:
    git(installed, "checkout", "-q", "-b", "hotfix/042-login")
    (installed / HOTFIX_DIR / "tasks.md").unlink()
    outputs = [hh(installed, "status"), hh(installed, "report"), hh(installed, "plan")]
    for proc in outputs:
        assert "seed" not in (proc.stdout + proc.stderr).lower()


def test_commit_refusal_keeps_allow_empty_and_amend(hooked: Path) -> None:
    """The fix repeats the options that made the commit: without --allow-empty the
    suggested `git commit -m …` would fail with "nothing to commit"."""
    git(hooked, "checkout", "-q", "-b", "hotfix/042-login")
    git(hooked, "commit", "-q", "-m", "T001: docs")
    proc = git(hooked, "commit", "--allow-empty", "-m", "bump", check=False)
    assert proc.returncode == 1
    output = proc.stdout + proc.stderr
    fix = next(line for line in output.splitlines() if "fix: git commit" in line)
    assert fix.strip() == "fix: git commit --allow-empty -m 'T001: bump'", output
    run_printed(hooked, fix.strip()[len("fix: ") :])
    (hooked / "app.py").write_text("print('fixed')\n", encoding="utf-8")
    git(hooked, "commit", "-q", "-am", "T001: fix")
    proc = git(hooked, "commit", "--amend", "-m", "reworded", check=False)
    output = proc.stdout + proc.stderr
    fix = next(line for line in output.splitlines() if "fix: git commit" in line)
    assert fix.strip() == "fix: git commit --amend -m 'T001: reworded'", output
    run_printed(hooked, fix.strip()[len("fix: ") :])
    assert git(hooked, "log", "-1", "--format=%s").stdout.strip() == "T001: reworded"
