"""Event commands: a real command records what it reads on stdin."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from hotfix_hooks.config.settings import parse
from hotfix_hooks.core.errors import ConfigError
from tests.conftest import HOTFIX_DIR, fill_plan, git, hh
from tests.test_lifecycle import run

BRANCH = "hotfix/042-login-500"
RECORDER = """\
import json, sys
data = sys.stdin.read()
json.loads(data)  # one JSON document
with open(sys.argv[1], "a", encoding="utf-8") as out:
    out.write(data if data.endswith("\\n") else data + "\\n")
"""


def configure(repo: Path, events: dict[str, list[str]], timeout: int | None = None) -> Path:
    """The clone's own .git/hotfix-hooks.toml: [events] whose commands record their stdin."""
    lines = [] if timeout is None else [f"event_timeout = {timeout}"]
    lines.append("[events]")
    lines += [f"{name} = {json.dumps(argv)}" for name, argv in events.items()]
    (repo / ".git" / "hotfix-hooks.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return repo


def test_committed_events_are_ignored_with_one_warning(installed: Path, tmp_path: Path) -> None:
    """[events] in a committed file is never run, and never blocks anything: one warning line
    on every branch (issue 19), the rest of the configuration applies."""
    sentinel = tmp_path / "ran"
    (installed / "pyproject.toml").write_text(
        f"[tool.hotfix-hooks.events]\non_start = {json.dumps(['touch', str(sentinel)])}\n",
        encoding="utf-8",
    )
    git(installed, "add", "pyproject.toml")
    proc = git(installed, "commit", "-m", "events from a commit", check=False)
    assert proc.returncode == 0, proc.stderr
    (warning,) = [line for line in proc.stderr.splitlines() if "hotfix-hooks" in line]
    assert "pyproject.toml: tool.hotfix-hooks.events: ignored" in warning
    proc = git(installed, "checkout", "-b", "hotfix/042-x", check=False)
    assert proc.returncode == 0 and not sentinel.exists()
    assert "never read from a committed file" in proc.stderr
    assert (installed / HOTFIX_DIR / "hotfix.md").is_file()  # scaffolded all the same
    proc = hh(installed, "status")
    assert proc.returncode == 0 and not sentinel.exists()
    assert proc.stderr.count("tool.hotfix-hooks.events: ignored") == 1


@pytest.fixture
def recorder(tmp_path: Path) -> tuple[list[str], Path]:
    script = tmp_path / "record.py"
    script.write_text(RECORDER, encoding="utf-8")
    log = tmp_path / "events.jsonl"
    return [sys.executable, str(script), str(log)], log


def records(log: Path) -> list[dict[str, object]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


ALL = ("on_start", "on_push", "on_rollback", "on_resolve", "on_finish", "on_overdue")


def test_every_event_reaches_the_command(installed: Path, recorder: tuple[list[str], Path]) -> None:
    argv, log = recorder
    configure(installed, {name: argv for name in ALL})
    git(installed, "checkout", "-q", "-b", BRANCH)  # post-checkout scaffolds: on_start
    (start,) = records(log)
    assert start["event"] == "on_start" and start["hotfix"] == "042"
    assert start["title"] == "Login 500" and start["branch"] == BRANCH
    assert start["actor"] == {"name": "Zoë Ångström", "email": "zoe@example.com"}
    assert start["repository"]["root"] == str(installed)  # type: ignore[index]
    assert start["repository"]["remote"].endswith("remote.git")  # type: ignore[index]
    assert start["rollback_plan"] is None and start["times"]["created"]  # type: ignore[index]

    fill_plan(installed, plan="kubectl rollout undo deploy/login")
    git(installed, "commit", "-q", "-am", "T001: guard null user")
    git(installed, "push", "-q", "origin", BRANCH)  # the gate passes: on_push
    push = records(log)[-1]
    assert (
        push["event"] == "on_push"
        and push["rollback_plan"] == "- kubectl rollout undo deploy/login"
    )
    assert push["commit"] == git(installed, "rev-parse", "HEAD").stdout.strip()

    assert run(installed, "rollback", "--yes", "--reason", "errors up", now=None).returncode == 0
    rollback = records(log)[-1]
    assert rollback["event"] == "on_rollback" and rollback["reason"] == "errors up"
    assert rollback["times"]["rollback"]  # type: ignore[index]

    far = "2099-01-01T00:00:00+00:00"
    assert run(installed, "status", now=far).returncode == 0  # past target: on_overdue, once
    assert run(installed, "status", now=far).returncode == 0
    assert [r["event"] for r in records(log)].count("on_overdue") == 1

    assert run(installed, "resolve", now=None).returncode == 0
    resolve = records(log)[-1]
    assert resolve["event"] == "on_resolve" and resolve["status"] == "Resolved"
    assert resolve["times"]["resolved"]  # type: ignore[index]
    git(installed, "commit", "-q", "-am", "T004: resolved")

    assert run(installed, "finish", now=None).returncode == 0
    finish = records(log)[-1]
    assert finish["event"] == "on_finish" and finish["tag"] == "hotfix-042"
    assert finish["merged_into"] == "main"
    common = {"schema", "event", "hotfix", "title", "branch", "status", "times"}
    common |= {"rollback_plan", "actor", "repository"}
    for record in records(log):
        assert common <= set(record), record["event"]
        assert {"created", "resolved", "cancelled", "rollback", "now"} <= set(record["times"])  # type: ignore[arg-type]
    assert [r["event"] for r in records(log)] == [
        "on_start",
        "on_push",
        "on_rollback",
        "on_overdue",
        "on_resolve",
        "on_finish",
    ]


def test_new_fires_on_start_once_with_its_fields(
    installed: Path, recorder: tuple[list[str], Path]
) -> None:
    argv, log = recorder
    configure(installed, {"on_start": argv})
    proc = run(installed, "new", "Login returns 500", "--rollback", "revert to v1.4.2")
    assert proc.returncode == 0, proc.stderr
    (start,) = records(log)
    assert start["title"] == "Login returns 500"
    assert start["rollback_plan"] == "- revert to v1.4.2"
    assert start["branch"] == "hotfix/001-login-returns-500"


def test_a_hanging_command_is_cut_and_git_goes_on(
    installed: Path, recorder: tuple[list[str], Path]
) -> None:
    hang = [sys.executable, "-c", "import time; time.sleep(60)"]
    configure(installed, {"on_start": hang, "on_push": hang}, timeout=1)
    began = time.monotonic()
    proc = git(installed, "checkout", "-b", BRANCH)
    assert "on_start command" in proc.stderr and "did not finish within 1 s" in proc.stderr
    assert (installed / HOTFIX_DIR / "hotfix.md").is_file()
    fill_plan(installed)
    commit = git(installed, "commit", "-q", "-am", "T001: fix")
    assert commit.returncode == 0
    push = git(installed, "push", "-q", "origin", BRANCH)
    assert "on_push command" in push.stderr and "did not finish within 1 s" in push.stderr
    assert time.monotonic() - began < 30
    assert git(installed, "ls-remote", "origin", BRANCH).stdout.strip()


def test_a_failing_or_missing_command_only_warns(installed: Path, tmp_path: Path) -> None:
    fail = [sys.executable, "-c", "import sys; sys.exit('webhook said 503')"]
    configure(installed, {"on_start": fail, "on_resolve": [str(tmp_path / "nope")]})
    proc = git(installed, "checkout", "-b", BRANCH)
    assert "on_start command" in proc.stderr and "exited 1: webhook said 503" in proc.stderr
    proc = run(installed, "resolve", now=None)
    assert proc.returncode == 0
    assert "on_resolve command" in proc.stderr and "could not start" in proc.stderr


def test_never_a_shell(installed: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (installed / "pyproject.toml").write_text(
        f'[tool.hotfix-hooks.events]\non_start = "{sys.executable} -c pass ; touch {marker}"\n',
        encoding="utf-8",
    )
    git(installed, "checkout", "-q", "-b", BRANCH)
    assert not marker.exists()


def test_the_server_never_runs_events(
    installed: Path, remote: Path, recorder: tuple[list[str], Path]
) -> None:
    argv, log = recorder
    configure(installed, {"on_push": argv, "on_start": argv})
    assert hh(remote, "install", "--server").returncode == 0
    assert "events" not in (remote / "hotfix-hooks.toml").read_text(encoding="utf-8")
    git(installed, "checkout", "-q", "-b", BRANCH)
    fill_plan(installed)
    git(installed, "commit", "-q", "-am", "T001: fix")
    log.unlink()
    git(installed, "push", "-q", "--no-verify", "origin", BRANCH)  # only pre-receive runs
    assert records(log) == []


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("[events]\non_deploy = 'x'\n", "events.on_deploy", "unknown event"),
        ("[events]\non_push = 3\n", "events.on_push", "command line or a list"),
        ("[events]\non_push = ''\n", "events.on_push", "must name a command"),
        ("[events]\non_push = 'a \"b'\n", "events.on_push", "cannot split"),
        ("events = 'curl'\n", "events", "a table"),
        ("event_timeout = 0\n", "event_timeout", "positive"),
        ("tag_format = 'hotfix'\n", "tag_format", "{number}"),
        ("tag_format = 'hf {number}'\n", "tag_format", "not a valid tag name"),
        ("base_branch = 'a..b'\n", "base_branch", "branch name"),
    ],
)
def test_bad_event_settings(text: str, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse(text, ".hotfix-hooks.toml", in_pyproject=False)
    assert str(info.value).startswith(f".hotfix-hooks.toml: {key}: ")
    assert words in str(info.value)


def test_event_settings_parse() -> None:
    config = parse(
        "event_timeout = 3\n[events]\non_push = 'curl -fsS -d @- https://hooks.example/x'\n"
        "on_start = ['notify', 'a b']\n",
        ".hotfix-hooks.toml",
        in_pyproject=False,
    )
    assert config is not None and config.event_timeout == 3
    assert config.event_command("on_push") == (
        "curl",
        "-fsS",
        "-d",
        "@-",
        "https://hooks.example/x",
    )
    assert config.event_command("on_start") == ("notify", "a b")
    assert config.event_command("on_finish") is None
