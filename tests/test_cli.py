from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotfix_hooks import __version__
from hotfix_hooks import cli as cli_module
from hotfix_hooks.cli import cli, main
from hotfix_hooks.main import LEAN_COMMANDS
from tests.conftest import hh

COMMANDS = [
    ("install",),
    ("uninstall",),
    ("new", "x"),
    ("scaffold", "--number", "1"),
    ("status",),
    ("check",),
    ("rollback",),
    ("resolve",),
    ("report",),
    ("hook", "post-checkout", "a", "b", "1"),
    ("hook", "commit-msg", "MSG"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0] + (a[1] if a[0] == "hook" else ""))
def test_every_command_outside_a_repo_exits_2_with_one_line(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    proc = hh(tmp_path, *args)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().count("\n") == 0
    assert "not a git repository" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize("command", list(cli_module.COMMANDS))
def test_help_everywhere(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_unknown_command_is_usage_error() -> None:
    assert main(["frobnicate"]) == 2


def test_python_dash_m(tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        (sys.executable, "-m", "hotfix_hooks", "--version"), capture_output=True, text=True
    )
    assert proc.returncode == 0 and __version__ in proc.stdout


def test_a_reader_that_went_away_is_no_error(repo: Path) -> None:
    """`hotfix-hooks report | head -1`: quiet, as git is, and exit 141 like a SIGPIPE."""
    import os

    # --help: click's own EPIPE handling; report: ours
    for command, codes in (("--help", (0, 1)), ("report", (141,)), ("status", (141,))):
        read_end, write_end = os.pipe()
        os.close(read_end)
        proc = subprocess.run(
            ("hotfix-hooks", command), cwd=repo, stdout=write_end, stderr=subprocess.PIPE,
            text=True, check=False,
        )  # fmt: skip
        os.close(write_end)
        assert proc.stderr == "" and proc.returncode in codes, command


def test_a_closed_stdout_is_no_traceback(repo: Path) -> None:
    """Started with standard output closed (``exec 1>&-``): Python has no sys.stdout."""
    import subprocess

    from tests.conftest import BIN

    for command in ("status", "status --json", "report --json", "--help"):
        proc = subprocess.run(
            ("sh", "-c", f"exec 1>&-; {BIN / 'hotfix-hooks'} {command}"),
            cwd=repo,
            capture_output=True,
            text=True,
            check=False,
        )
        assert "Traceback" not in proc.stderr, (command, proc.stderr)


@pytest.mark.parametrize("args", sorted(LEAN_COMMANDS), ids=" ".join)
@pytest.mark.parametrize("where", ["outside", "main", "hotfix", "hotfix-unreadable", "bad-config"])
def test_status_without_click_answers_as_click_does(
    repo: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], where: str
) -> None:
    """``main`` runs ``status`` and ``status --json`` without click; the same argv through
    the click command line gives the same output, byte for byte, and the same exit code."""
    from tests.conftest import git

    cwd = repo
    if where == "outside":
        cwd = repo.parent
    elif where.startswith("hotfix"):
        assert hh(repo, "new", "login 500").returncode == 0
        if where == "hotfix-unreadable":
            (repo / ".specswarm/features/001-hotfix/hotfix.md").write_bytes(b"\xff\xfe")
    elif where == "bad-config":
        (repo / ".hotfix-hooks.toml").write_text("target_minutes = [\n")
        git(repo, "checkout", "-q", "-b", "hotfix/002-x")
    monkeypatch.setenv("HOTFIX_HOOKS_NOW", "2030-01-01T00:00:00+00:00")
    lean = hh(cwd, *args)
    monkeypatch.setattr("hotfix_hooks.main.LEAN_COMMANDS", {})
    clicked = hh(cwd, *args)
    assert (lean.returncode, lean.stdout, lean.stderr) == (
        clicked.returncode,
        clicked.stdout,
        clicked.stderr,
    )
    assert "Traceback" not in lean.stderr
