"""`--help` a person can learn from (issue 22, item 4): every command shows an example, and
every example runs as printed; a short flag means one thing everywhere; `--json` wherever a
script reads the result."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from hotfix_hooks import cli as cli_module
from hotfix_hooks.cli import cli
from tests.conftest import BIN, fill_plan, git, hh, unmeasured_env

COMMANDS = sorted(cli_module.COMMANDS)
NOW = "2026-11-26T04:05:00+00:00"


def help_text(name: str) -> str:
    result = CliRunner().invoke(cli, [name, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.output


def examples(name: str) -> list[str]:
    """The command lines under a command's ``Example(s):`` heading, comments cut off."""
    lines = help_text(name).splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() in ("Example:", "Examples:"))
    found = []
    for line in lines[start + 1 :]:
        if not line.strip() and not found:
            continue
        if not line.startswith("      hotfix-hooks "):
            break
        found.append(line.split("  #", 1)[0].strip())
    return found


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_shows_an_example(name: str) -> None:
    found = examples(name)
    assert found and all(line.split()[1] == name for line in found), found


def test_a_short_flag_means_one_thing_everywhere() -> None:
    meaning: dict[str, set[str]] = {}
    for name in COMMANDS:
        command = cli.get_command(click.Context(cli), name)
        assert command is not None
        for param in command.params:
            if isinstance(param, click.Option):
                longs = [o for o in param.opts if o.startswith("--")]
                for short in (o for o in param.opts if not o.startswith("--")):
                    meaning.setdefault(short, set()).update(longs)
    assert {short: longs for short, longs in meaning.items() if len(longs) > 1} == {}
    assert meaning["-n"] == {"--number"}


@pytest.mark.parametrize("name", ["status", "check", "plan", "finish", "timeline", "report"])
def test_json_where_a_script_wants_it(name: str) -> None:
    assert "--json" in help_text(name)


def test_help_says_what_a_person_must_know() -> None:
    assert "asks for the title" in help_text("new")
    assert "bare repository" in help_text("install").split("Options:")[1]  # --server's own help


# -- every example, run as printed ---------------------------------------------------------


@pytest.fixture
def states(installed: Path, remote: Path, tmp_path: Path) -> dict[str, Path]:
    """Where the examples run: a hotfix branch with its plan pushed (``hotfix``), and the
    server's bare repository with the gate installed (``bare``)."""
    git(installed, "remote", "set-head", "origin", "--auto")
    assert hh(remote, "install", "--server", env=unmeasured_env()).returncode == 0
    git(installed, "checkout", "-q", "-b", "hotfix/001-login-returns-500")
    fill_plan(installed, "001")
    git(installed, "commit", "-q", "-am", "T003: rollback plan")
    git(installed, "push", "-q", "-u", "origin", "HEAD")
    return {"hotfix": installed, "bare": remote, "root": tmp_path}


def where(line: str) -> str:
    return "bare" if "--server" in line or "server-config" in line else "hotfix"


@pytest.mark.slow  # each example in a fresh copy of its state: about 40 commands
def test_every_example_runs_as_printed(states: dict[str, Path], tmp_path: Path) -> None:
    env = {**unmeasured_env(), "HOTFIX_HOOKS_NOW": NOW}
    failures = []
    for index, line in enumerate(line for name in COMMANDS for line in examples(name)):
        copy = tmp_path / f"copy{index}"
        shutil.copytree(states["root"], copy, symlinks=True, ignore=shutil.ignore_patterns("copy*"))
        cwd = copy / states[where(line)].relative_to(states["root"])
        argv = shlex.split(line)
        proc = subprocess.run(
            [str(BIN / argv[0]), *argv[1:]],
            cwd=cwd,
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        if proc.returncode != 0:
            failures.append(f"{line} (exit {proc.returncode}): {proc.stderr.strip()}")
        elif "--json" in argv:
            json.loads(proc.stdout)
        shutil.rmtree(copy)
    assert not failures, "\n".join(failures)


def test_plan_and_finish_speak_json(states: dict[str, Path]) -> None:
    repo = states["hotfix"]
    data = json.loads(hh(repo, "plan", "--json").stdout)
    assert data["hotfix"] == "001" and data["passed"] is True
    assert data["rollback_plan"] == "- Revert the release tag and redeploy v1.4.2"  # as written
    assert data["rollback_trigger"] is None and data["rollback_triggered"] is None
    import os
    from datetime import datetime, timezone

    # one moment for both: the planned and the recorded resolution carry the same second
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    env = {**os.environ, "HOTFIX_HOOKS_NOW": now}
    dry = hh(repo, "finish", "--dry-run", "--push", "--json", env=env)
    assert dry.returncode == 0, dry.stderr
    planned = json.loads(dry.stdout)
    assert planned["dry_run"] is True and planned["tag"] == "hotfix-001"
    assert not any(step["done"] for step in planned["steps"])
    done = hh(repo, "finish", "--push", "--json", env=env)
    assert done.returncode == 0, done.stderr
    finished = json.loads(done.stdout)
    assert finished["dry_run"] is False and finished["merged_into"] == "main"
    assert finished["pushed_to"] == "origin" and all(step["done"] for step in finished["steps"])
    assert [step["step"] for step in finished["steps"]] == [s["step"] for s in planned["steps"]]
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD").stdout.strip() == "main"
