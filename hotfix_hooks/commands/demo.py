from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import click

from hotfix_hooks.core import clock, ui
from hotfix_hooks.core.errors import UsageError
from hotfix_hooks.document.model import HotfixDocument
from hotfix_hooks.install.installer import isolated_argv
from hotfix_hooks.policy.rollback_plan import block_is_real

BRANCH = "hotfix/001-login-returns-500"
PLAN = "Revert the hotfix commit and redeploy the last release tag (v1.4.2)"
TRIGGER = "Login error rate above 2 % for 5 minutes after deploy"


class Narrator:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = {
            **os.environ,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_AUTHOR_NAME": "Demo On-Call",
            "GIT_AUTHOR_EMAIL": "oncall@example.com",
            "GIT_COMMITTER_NAME": "Demo On-Call",
            "GIT_COMMITTER_EMAIL": "oncall@example.com",
            "GIT_TERMINAL_PROMPT": "0",
        }
        for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "HOTFIX_HOOKS_NOW"):
            self.env.pop(name, None)
        self.step_number = 0

    def step(self, title: str) -> None:
        self.step_number += 1
        ui.emit("")
        ui.emit(ui.paint(f"▶ {self.step_number}. {title}", "bold", sys.stdout))

    def run(
        self, args: Sequence[str], cwd: Path, *, expect: int | None = 0, shown: str | None = None
    ) -> int:
        display = shown or ui.command(args)
        ui.emit(ui.paint(f"$ {display}", "blue", sys.stdout))
        command = list(args)
        if command[0] == "hotfix-hooks":
            command = [*isolated_argv("hotfix_hooks.cli.main"), *command[1:]]
        proc = subprocess.run(
            command,
            cwd=cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        for line in proc.stdout.splitlines():
            ui.emit(f"    {line}")
        if expect is not None and proc.returncode != expect:
            raise UsageError(
                f"demo step failed: `{display}` exited {proc.returncode}, expected {expect}"
            )
        return proc.returncode

    def at(self, minutes: int) -> None:
        """The incident clock: the demo's hotfix runs from 03:12 and resolves in 53 minutes."""
        start = clock.now().replace(hour=3, minute=12, second=0, microsecond=0)
        moment = (start + timedelta(minutes=minutes)).isoformat()
        # commits, reflogs and our records share the incident clock: the timeline is exact
        for name in (clock.ENV_NOW, "GIT_COMMITTER_DATE", "GIT_AUTHOR_DATE"):
            self.env[name] = moment

    def say(self, text: str) -> None:
        ui.emit(ui.paint(f"  {text}", "dim", sys.stdout))


def _events_config(log: Path) -> str:
    command = json.dumps(["tee", "-a", str(log)])
    lines = ["[events]"]
    lines += [
        f"{event} = {command}" for event in ("on_start", "on_push", "on_resolve", "on_finish")
    ]
    return "\n".join(lines) + "\n"


def _workspace(directory: Path | None) -> Path:
    if directory is None:
        return Path(tempfile.mkdtemp(prefix="hotfix-hooks-demo-"))
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UsageError(f"{directory} exists and is not an empty directory: give a new path")
    directory.mkdir(parents=True, exist_ok=True)
    return directory.resolve()


def run_demo(directory: Path | None) -> Path:
    root = _workspace(directory)
    remote, app = root / "remote.git", root / "app"
    n = Narrator(root)
    n.step("A production repository and its server (a local bare remote)")
    n.run(["git", "init", "-q", "--bare", str(remote)], root, shown="git init --bare remote.git")
    n.run(["git", "init", "-q", "-b", "main", str(app)], root, shown="git init app")
    (app / "login.py").write_text("def login(user):\n    return user.name\n", encoding="utf-8")
    log = root / "events.jsonl"
    (app / ".git" / "hotfix-hooks.toml").write_text(_events_config(log), encoding="utf-8")
    n.say(".git/hotfix-hooks.toml (this clone's own, never committed): every hotfix event")
    n.say("is appended to events.jsonl by `tee -a` (a Slack webhook is the same line with curl)")
    n.run(["git", "add", "login.py"], app)
    n.run(["git", "commit", "-q", "-m", "Login service"], app)
    n.run(
        ["git", "remote", "add", "origin", str(remote)],
        app,
        shown="git remote add origin ../remote.git",
    )
    n.run(["git", "push", "-q", "origin", "main"], app)

    n.step(
        "Install the hooks: client (post-checkout, commit-msg, pre-push) and server (pre-receive)"
    )
    n.run(["hotfix-hooks", "install"], app)
    n.run(["hotfix-hooks", "install", "--server"], remote)

    n.step("03:12 — login returns 500. Start a hotfix")
    n.at(0)
    n.run(
        [
            "hotfix-hooks",
            "new",
            "Login returns 500",
            "--summary",
            "Login returns HTTP 500 for users without a profile",
            "--impact",
            "Every user without a profile cannot log in",
        ],
        app,
    )

    n.step("A commit that names no task is refused")
    n.at(9)
    (app / "login.py").write_text(
        "def login(user):\n    if user is None:\n        return None\n    return user.name\n",
        encoding="utf-8",
    )
    n.run(["git", "commit", "-q", "-am", "guard null user"], app, expect=1)

    n.step("Name the task: the commit is stamped with Hotfix/Task trailers")
    n.run(["git", "commit", "-q", "-am", "T001: guard null user"], app)
    n.run(["git", "log", "-1", "--format=%B"], app)

    n.step("Push without a rollback plan: refused by pre-push")
    n.at(14)
    n.run(["git", "push", "-q", "origin", BRANCH], app, expect=1)
    n.say("--no-verify skips client hooks; the server's pre-receive hook still says no:")
    n.run(["git", "push", "-q", "--no-verify", "origin", BRANCH], app, expect=1)

    n.step("Write the rollback plan and trigger, commit, push: accepted")
    doc = app / ".specswarm" / "features" / "001-hotfix" / "hotfix.md"
    data = HotfixDocument.parse(doc.read_bytes()).with_section_body(
        "3. Rollback Plan", PLAN, is_real=block_is_real
    )
    data = HotfixDocument.parse(data).with_section_body(
        "Rollback Trigger", TRIGGER, is_real=block_is_real
    )
    doc.write_bytes(data)
    n.say(f"Rollback Plan: {PLAN}")
    n.run(["git", "commit", "-q", "-am", "T003: rollback plan for the login hotfix"], app)
    n.run(["git", "push", "-q", "origin", BRANCH], app)
    n.run(["hotfix-hooks", "check", "HEAD"], app)

    n.step("03:31 — where do we stand? And the rollback, should the deploy go wrong")
    n.at(19)
    n.run(["hotfix-hooks", "status"], app)
    n.run(["hotfix-hooks", "timeline"], app)

    n.step("04:05 — deployed and monitored: resolve, with the timeline for the post-mortem")
    n.at(53)
    n.run(["hotfix-hooks", "resolve", "--postmortem"], app)
    n.run(["hotfix-hooks", "timeline", "--markdown"], app)
    n.run(["git", "add", "-A"], app)
    n.run(["git", "commit", "-q", "-m", "T004: resolved, post-mortem drafted"], app)
    n.run(["git", "push", "-q", "origin", BRANCH], app)

    n.step("04:09 — finish: merge into main, tag, delete the branch here and on the server")
    n.at(57)
    n.run(["hotfix-hooks", "finish", "--push"], app)
    n.run(["git", "ls-remote", "--heads", "--tags", "origin"], app)

    n.step("What the event command received (one JSON document per event)")
    for line in log.read_text(encoding="utf-8").splitlines() if log.exists() else []:
        event = json.loads(line)
        when = event["times"]["now"]
        n.say(f"{event['event']:<11} hotfix {event['hotfix']} {event['title']!r} at {when}")

    n.step("The team's record against the 2-hour target")
    n.run(["hotfix-hooks", "report"], app)
    ui.emit("")
    ui.emit(ui.paint(f"✅ Demo complete. Everything is in {root}", "green", sys.stdout))
    return root


@click.command(short_help="Run the whole flow in a throwaway repository.")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def demo(directory: Path | None) -> None:
    """Run the whole hotfix flow, with the real hooks, in a throwaway repository.

    DIRECTORY (new or empty) keeps the result; default: a temporary directory.

    Examples:

    \b
        hotfix-hooks demo
        hotfix-hooks demo hotfix-demo   # keep the result in ./hotfix-demo
    """
    run_demo(directory)
