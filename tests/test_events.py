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


# -- issue 19.6 --------------------------------------------------------------------------------


def test_a_flood_on_stderr_is_bounded_and_never_fails_the_push(
    installed: Path, tmp_path: Path
) -> None:
    """An event command that writes hundreds of megabytes on stderr: the push goes on, the
    warning shows its last line, and the hook keeps only the last few KB of it."""
    flood = tmp_path / "flood.py"
    flood.write_text(
        "import sys\nsys.stdin.read()\nchunk = b'x' * (1 << 20)\n"
        "for _ in range(400):\n    sys.stderr.buffer.write(chunk)\n"
        "sys.stderr.buffer.write(b'\\nthe last words\\n')\nsys.exit(3)\n",
        encoding="utf-8",
    )
    configure(installed, {"on_push": [sys.executable, str(flood)]})
    git(installed, "checkout", "-q", "-b", BRANCH)
    fill_plan(installed)
    git(installed, "commit", "-q", "-am", "T001: fix")

    def limited() -> None:  # 400 MB held whole (and joined) would not fit
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (768 << 20, 768 << 20))

    proc = git(installed, "push", "origin", BRANCH, check=False, timeout=120, preexec_fn=limited)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "on_push command" in proc.stderr and "exited 3: the last words" in proc.stderr
    assert len(proc.stderr) < 10_000
    assert git(installed, "ls-remote", "origin", BRANCH).stdout.strip()


def test_the_output_kept_is_the_last_few_kilobytes(tmp_path: Path) -> None:
    """In-process: reading 256 MB of stderr holds no more than a few KB of it."""
    import resource

    from hotfix_hooks.events.dispatch import run as run_event

    code = (
        "import sys\nsys.stdin.read()\nchunk = b'y' * (1 << 20)\n"
        "for _ in range(256):\n    sys.stderr.buffer.write(chunk)\n"
        "sys.stderr.buffer.write(b'\\nbye\\n')\nsys.exit(1)\n"
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    ok = run_event((sys.executable, "-c", code), {"big": "x" * 300_000}, 60, "on_push", ".")
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before  # KiB on Linux
    assert not ok and grown < 64 * 1024, grown


def test_the_payload_remote_carries_no_credentials(
    installed: Path, recorder: tuple[list[str], Path]
) -> None:
    argv, log = recorder
    configure(installed, {"on_start": argv})
    git(installed, "remote", "set-url", "origin", "https://bot:s3cr3t-TOKEN@git.example/org/app")
    git(installed, "checkout", "-q", "-b", BRANCH)
    (start,) = records(log)
    assert start["repository"]["remote"] == "https://git.example/org/app"  # type: ignore[index]
    assert "s3cr3t" not in log.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://bot:TOKEN@host/org/x.git", "https://host/org/x.git"),
        ("https://TOKEN@host", "https://host"),
        ("https://bot:pa/ss@host/x", "https://host/x"),  # an unencoded "/" in the password
        ("ssh://git@host:22/x", "ssh://host:22/x"),
        ("https://host:8443/x@v1", "https://host:8443/x@v1"),  # a port, and "@" in the path
        ("git@github.com:org/x.git", "git@github.com:org/x.git"),  # a user, no secret
        ("/srv/git/x.git", "/srv/git/x.git"),
    ],
)
def test_without_credentials(url: str, shown: str) -> None:
    from hotfix_hooks.events.dispatch import without_credentials

    assert without_credentials(url) == shown


def test_a_dry_run_push_fires_nothing(installed: Path, recorder: tuple[list[str], Path]) -> None:
    argv, log = recorder
    configure(installed, {"on_push": argv})
    git(installed, "checkout", "-q", "-b", BRANCH)
    fill_plan(installed)
    git(installed, "commit", "-q", "-am", "T001: fix")
    for flags in (("--dry-run",), ("-n",), ("-vn",), ("-q", "--dry-run")):
        proc = git(installed, "push", *flags, "origin", BRANCH, check=False)
        assert proc.returncode == 0, proc.stderr
    assert records(log) == []
    git(installed, "push", "-q", "origin", BRANCH)
    assert [r["event"] for r in records(log)] == ["on_push"]


@pytest.mark.parametrize(
    ("args", "dry"),
    [
        ([b"--dry-run", b"origin"], True),
        ([b"-n"], True),
        ([b"-fnv", b"origin", b"main"], True),
        ([b"origin", b"main", b"-n"], True),  # options may follow the arguments
        ([b"--dry-run", b"--no-dry-run"], False),
        ([b"-o", b"n", b"origin"], False),  # -o's value
        ([b"-on", b"origin"], False),
        ([b"-no", b"x"], True),
        ([b"--push-option", b"-n"], False),
        ([b"--repo", b"-n"], False),
        ([b"origin", b"--", b"-n"], False),  # a ref named -n
        ([b"origin", b"main"], False),
    ],
)
def test_dry_run_is_read_like_git_push_reads_it(args: list[bytes], dry: bool) -> None:
    from hotfix_hooks.git.lean import is_dry_run

    assert is_dry_run(args) is dry
