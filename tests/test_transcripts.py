"""Golden transcripts: what every command says in every state of a hotfix's life.

One scripted incident, with real git (``git checkout -b``, ``commit``, ``push`` to a local
bare remote through the installed hooks and the server's pre-receive hook) and a fixed
clock, is played once; after each state of the hotfix the same commands are run and what
they print (stdout, stderr, exit code) is written as a readable text file under
``tests/golden/transcripts/``. A command that would change the state (``rollback --yes``,
``resolve``, ``new``) runs in a throwaway copy of the whole scenario, so the story goes on
from the state as it was.

The test is marked slow (it is left out of ``-m "not slow"``; CI runs it). Regenerate after
a deliberate change of wording, then read the diff (``git diff tests/golden/transcripts``)::

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest -p no:cacheprovider --no-cov tests/test_transcripts.py
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.conftest import BIN, PRE_COMMIT_CONFIG

GOLDEN_ROOT = Path(__file__).resolve().parent / "golden"
# The incident as a direct install shows it, and as pre-commit shows it: pre-commit runs
# the same hooks, prints its own status line for each, and shows a hook's output only when
# it fails (the refusals) or, without a terminal as here, keeps a passing hook's output.
GOLDEN = {
    "direct": GOLDEN_ROOT / "transcripts",
    "pre-commit": GOLDEN_ROOT / "transcripts-pre-commit",
}
# The server's bare repository and a directory outside any repository are the same
# whichever way the client hooks were installed: played once, with the direct install.
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
REGENERATE = (
    "UPDATE_GOLDEN=1 .venv/bin/python -m pytest -p no:cacheprovider --no-cov "
    "tests/test_transcripts.py"
)
START = datetime(2026, 11, 26, 3, 12, 40, tzinfo=timezone.utc)
BRANCH = "hotfix/001-login-returns-500"
HOTFIX_MD = ".specswarm/features/001-hotfix/hotfix.md"
PLAN = "Revert the hotfix commit and redeploy the last release tag (v1.4.2)."

# The commands of the matrix, run in every state (in a copy when they change things).
HEX = re.compile(r"\b[0-9a-f]{7,40}\b")

MATRIX = (
    ("hotfix-hooks status", False),
    ("hotfix-hooks status --json", False),
    ("hotfix-hooks check", False),
    ("hotfix-hooks check --json", False),
    ("hotfix-hooks rollback --yes", True),
    ("hotfix-hooks resolve", True),
    ("hotfix-hooks report", False),
    ("hotfix-hooks report --json", False),
    ('hotfix-hooks new "Cart total is wrong"', True),
)


@dataclass
class Scenario:
    root: Path
    manager: str = "direct"
    now: datetime = START
    files: dict[str, list[str]] = field(default_factory=dict)
    current: str = ""
    shown_time: datetime | None = None
    copies: int = 0
    known: set[str] = field(default_factory=set)  # object ids of the scenario's repositories
    labels: dict[str, str] = field(default_factory=dict)  # object id -> <cN>

    @property
    def app(self) -> Path:
        return self.root / "app"

    @property
    def remote(self) -> Path:
        return self.root / "remote.git"

    def env(self) -> dict[str, str]:
        stamp = self.now.isoformat()
        # pre-commit's hook environments, outside the scenario (which is copied whole)
        home = {"PRE_COMMIT_HOME": str(self.root.parent / "pre-commit-home")}
        return {
            **home,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": str(self.root / "home"),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TZ": "UTC",
            "NO_COLOR": "1",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Dana On-Call",
            "GIT_AUTHOR_EMAIL": "dana@example.com",
            "GIT_COMMITTER_NAME": "Dana On-Call",
            "GIT_COMMITTER_EMAIL": "dana@example.com",
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
            "HOTFIX_HOOKS_NOW": stamp,
            "GIT_TERMINAL_PROMPT": "0",
        }

    def at(self, moment: datetime) -> None:
        assert moment >= self.now, "the incident clock only moves forward"
        self.now = moment

    def state(self, name: str, title: str, *story: str) -> None:
        self.current = name
        self.shown_time = None
        lines = self.files.setdefault(name, [])
        lines += [f"# {title}", "#"]
        if name.startswith("01"):
            lines += [
                "# (Commit ids are shown as <c1>, <c2>, ... in order of first appearance, the",
                "# same id always the same label; temporary paths as <tmp>.)",
                "#",
            ]
        lines += [f"# {line}" if line else "#" for line in story]

    def say(self, *text: str) -> None:
        lines = self.files[self.current]
        lines.append("")
        lines += [f"# {line}" for line in text]

    def edit(self, rel: str, old: str, new: str, note: str) -> None:
        path = self.app / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        self.say(f"(edits {rel}: {note})")

    def run(
        self,
        command: str,
        cwd: Path | None = None,
        *,
        copy: bool = False,
        expect: int | None = None,
    ) -> subprocess.CompletedProcess[str]:
        where = cwd or self.app
        scratch = None
        if copy:  # a throwaway copy of everything: the story goes on from the state as it was
            self.copies += 1
            scratch = self.root.parent / f"{self.root.name}-copy{self.copies}"
            shutil.copytree(self.root, scratch, symlinks=True)
            where = scratch / where.relative_to(self.root)
        try:
            proc = subprocess.run(
                ["bash", "-c", command] if "&&" in command else shlex.split(command),
                cwd=where,
                env=self.env(),
                capture_output=True,
                text=True,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        finally:
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
        self._record(command, where, proc, scratch)
        if expect is not None:
            assert proc.returncode == expect, (command, proc.stdout, proc.stderr)
        return proc

    def follow(self, proc: subprocess.CompletedProcess[str], label: str) -> None:
        """Run the command a line starting with ``label`` printed, exactly as printed."""
        lines = (proc.stdout + proc.stderr).splitlines()
        line = next(x.strip() for x in lines if x.strip().startswith(label))
        found = re.search(r"\b(?:git|hotfix-hooks) .*", line)
        assert found, line
        command = found.group(0).split("; then", 1)[0].split(" (", 1)[0].strip()
        self.say(f"Following the advice printed above ({label.strip()}), word for word:")
        self.run(command, expect=0)

    def matrix(self, cwd: Path | None = None) -> None:
        for command, changes in MATRIX:
            self.run(command, cwd, copy=changes)

    def _record(
        self,
        command: str,
        where: Path,
        proc: subprocess.CompletedProcess[str],
        scratch: Path | None,
    ) -> None:
        lines = self.files[self.current]
        lines.append("")
        if self.shown_time != self.now:
            lines.append(f"── {self.now.strftime('%a %Y-%m-%d %H:%M:%S')} UTC ──")
            self.shown_time = self.now
        rel = where.relative_to(scratch or self.root)
        prompt = "$" if str(rel) == "app" else f"{'<tmp>' if str(rel) == '.' else rel}$"
        suffix = "    (in a throwaway copy: the story goes on without it)" if scratch else ""
        lines.append(f"{prompt} {command}{suffix}")
        for name, text in (("stdout", proc.stdout), ("stderr", proc.stderr)):
            if text:
                lines.append(f"--- {name}")
                lines += self._normalise(text, scratch).rstrip("\n").split("\n")
        lines.append(f"--- exit {proc.returncode}")

    def _normalise(self, text: str, scratch: Path | None) -> str:
        for path in (scratch, self.root):
            if path is not None:
                text = text.replace(str(path.resolve()), "<tmp>").replace(str(path), "<tmp>")
        text = text.replace(str(BIN), "<venv>/bin")
        text = HEX.sub(self._label, text)
        return re.sub(r"[ \t]+$", "", text, flags=re.MULTILINE)

    def _label(self, match: re.Match[str]) -> str:
        """A commit (or tag) id, full or abbreviated, as ``<cN>`` in order of first
        appearance: ids depend on the package version written into hotfix.md, and a new
        version must not rewrite every transcript."""
        token = match.group(0)
        full = self._full(token)
        if full is None:
            self.known |= self._object_ids()
            full = self._full(token)
        if full is None:
            return token  # not one of ours
        return self.labels.setdefault(full, f"<c{len(self.labels) + 1}>")

    def _full(self, token: str) -> str | None:
        found = [sha for sha in self.known if sha.startswith(token)]
        return found[0] if len(found) == 1 else None

    def _object_ids(self) -> set[str]:
        ids: set[str] = set()
        for repo in (self.app, self.remote):
            if not repo.is_dir():
                continue
            for args in (
                ("rev-list", "--all", "--reflog"),
                ("for-each-ref", "--format=%(objectname)"),
            ):
                proc = subprocess.run(
                    ("git", *args),
                    cwd=repo,
                    env=self.env(),
                    capture_output=True,
                    text=True,
                    check=False,
                )
                ids.update(proc.stdout.split())
        return ids

    def rendered(self) -> dict[str, str]:
        return {name: "\n".join(lines) + "\n" for name, lines in self.files.items()}


def T(hour: int, minute: int, second: int = 0) -> datetime:
    """A moment of the incident's night."""
    return START.replace(hour=hour, minute=minute, second=second)


def _install_client_hooks(s: Scenario, hook_repo: tuple[Path, str]) -> None:
    if s.manager == "direct":
        s.run("hotfix-hooks install", expect=0)
        return
    source, rev = hook_repo
    s.say(
        "(writes .pre-commit-config.yaml: this repository's three hooks, repo: a clone of",
        " hotfix-hooks, rev: its commit)",
    )
    config = PRE_COMMIT_CONFIG.format(repo=source, rev=rev)
    (s.app / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    s.run("git add .pre-commit-config.yaml", expect=0)
    s.run('git commit -q -m "Run hotfix-hooks through pre-commit"', expect=0)
    s.run("git push -q", expect=0)
    s.run("pre-commit install", expect=0)
    # builds the hook environment (its output is pre-commit's, about its cache): not shown
    built = subprocess.run(
        (str(BIN / "pre-commit"), "install-hooks"), cwd=s.app, env=s.env(), capture_output=True
    )
    assert built.returncode == 0, built.stdout + built.stderr


def _play(root: Path, manager: str, hook_repo: tuple[Path, str]) -> Scenario:
    s = Scenario(root, manager)
    (root / "home").mkdir(parents=True)
    (root / "home" / ".gitconfig").write_text(
        "[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n", encoding="utf-8"
    )
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()

    # ---------------------------------------------------------------- no hotfix
    s.state(
        "01-no-hotfix",
        "01 · No hotfix yet",
        "A production repository (app) and its server (remote.git, a local bare remote).",
        "The client hooks and the server's pre-receive hook are installed. Nothing is on fire.",
        "Every command run here says what it does when there is no hotfix.",
    )
    s.run("git init -q --bare remote.git", root, expect=0)
    s.run("git init -q app", root, expect=0)
    (s.app / "login.py").write_text("def login(user):\n    return user.name\n", encoding="utf-8")
    s.run("git add login.py", expect=0)
    s.run('git commit -q -m "Login service"', expect=0)
    s.run("git remote add origin ../remote.git", expect=0)
    s.run("git push -q -u origin main", expect=0)
    s.run("git remote set-head origin --auto", expect=0)
    _install_client_hooks(s, hook_repo)
    s.run("hotfix-hooks install --server", s.remote, expect=0)
    s.matrix()

    # ---------------------------------------------------------------- fresh scaffold
    s.state(
        "02-fresh-scaffold",
        "02 · 03:12 — login returns 500: a hotfix branch, freshly scaffolded",
        "The on-call engineer starts the hotfix with plain git. post-checkout scaffolds",
        "hotfix.md and tasks.md; nothing is filled in yet. Then the first commits are tried,",
        "and the push without a rollback plan is refused by pre-push and by the server.",
    )
    s.run(f"git checkout -b {BRANCH}", expect=0)
    s.at(T(3, 12, 55))
    s.matrix()
    (s.app / "login.py").write_text(
        "def login(user):\n    if user is None:\n        return None\n    return user.name\n",
        encoding="utf-8",
    )
    s.at(T(3, 21))
    s.say("A commit that names a task the hotfix does not have is refused:")
    s.run('git commit -am "T008: guard"', expect=1)
    s.say("A commit that names no task of the hotfix is refused the same way:")
    refused = s.run('git commit -am "guard null user"', expect=1)
    s.follow(refused, "fix:")
    s.say("The commit is stamped with Hotfix/Task trailers.")
    s.run("git log -1 --format=%B", expect=0)
    s.run("git status --short", expect=0)
    s.at(T(3, 25))
    s.say("Push without a rollback plan: refused by pre-push.")
    s.run(f"git push -q -u origin {BRANCH}", expect=1)
    s.say("--no-verify skips the client hooks; the server's pre-receive hook still says no:")
    s.run(f"git push -q --no-verify -u origin {BRANCH}", expect=1)
    s.say("A commit whose tree has no hotfix.md (deleted by mistake) is refused by check:")
    s.run("git rm -q --cached " + HOTFIX_MD, copy=False, expect=0)
    s.run('git commit -q -m "T001: drop the doc by mistake"', expect=0)
    s.run("hotfix-hooks check", expect=1)
    s.run("git reset -q --soft HEAD~1", expect=0)
    s.run("git add " + HOTFIX_MD, expect=0)

    # ---------------------------------------------------------------- plan filled
    s.state(
        "03-plan-filled-not-pushed",
        "03 · 03:28 — the rollback plan is written and committed, not pushed yet",
        "The Rollback Plan is real; the Rollback Trigger is still the template's placeholder,",
        "which the gate warns about (and refuses only with rollback_trigger_required = true).",
    )
    s.at(T(3, 28))
    s.edit(HOTFIX_MD, "[How to rollback if hotfix fails]", PLAN, "Rollback Plan filled in")
    s.follow(s.run("hotfix-hooks status", expect=0), "Next:")
    s.matrix()

    # ---------------------------------------------------------------- pushed
    s.state(
        "04-pushed",
        "04 · 03:30 — pushed: pre-push and the server let it through",
        "Now it is deployed and watched; the next step is to resolve it (or roll it back).",
    )
    s.at(T(3, 30))
    s.follow(s.run("hotfix-hooks status", expect=0), "Next:")
    s.at(T(3, 31))
    s.matrix()

    # ---------------------------------------------------------------- rollback
    s.state(
        "05-rollback-recorded",
        "05 · 03:42 — the deploy made it worse: the rollback is recorded",
        "The engineer reads the plan, rolls back, and records it (it counts in the",
        "rollback rate), then commits and pushes the record.",
    )
    s.at(T(3, 42))
    s.run("hotfix-hooks plan", expect=0)
    done = s.run('hotfix-hooks rollback --yes --reason "error rate doubled after deploy"', expect=0)
    s.follow(done, "Commit it:")
    s.at(T(3, 44))
    s.matrix()

    # ---------------------------------------------------------------- resolved
    s.state(
        "06-resolved",
        "06 · 04:04 — fixed for good: the hotfix is resolved",
        "A second fix is committed and pushed, then resolve records the resolution and",
        "schedules the post-emergency tasks T005-T007.",
    )
    s.at(T(4, 4))
    (s.app / "login.py").write_text(
        "def login(user):\n    if user is None or user.name is None:\n        return None\n"
        "    return user.name\n",
        encoding="utf-8",
    )
    s.run('git commit -q -am "T001: guard users without a name too"', expect=0)
    s.run("git push -q", expect=0)
    s.at(T(4, 6))
    s.follow(s.run("hotfix-hooks resolve", expect=0), "Commit it:")
    s.at(T(4, 7))
    s.matrix()

    # ---------------------------------------------------------------- finished
    s.state(
        "07a-finish-interrupted",
        "07a · 04:09 — finish is interrupted half-way (the laptop dies after the tag)",
        "finish merges the hotfix into production and tags it; the process is killed right",
        "after the tag (SIGKILL, as a dying laptop would). The journal in the git directory",
        "says what is done: every command says a finish is in progress, a second finish is",
        "refused, and nothing is lost.",
    )
    s.at(T(4, 9))
    s.say("finish --push, killed right after its tag step:")
    s.run("env HOTFIX_HOOKS_KILL_AFTER=tag hotfix-hooks finish --push")
    s.at(T(4, 10))
    s.run("hotfix-hooks finish --push", expect=1)
    s.matrix()

    # ---------------------------------------------------------------- finished
    s.state(
        "07b-finish-continued",
        "07b · 04:11 — finish --continue completes it: merged, tagged, the branch deleted",
        "finish --continue checks each step against the repository (the merge and the tag",
        "are there) and does the rest: it checks out main, deletes the branch here and on the",
        "server. The engineer is back on main; nothing is active. What is still due (T005,",
        "T007) is said, with how to tie that work to the hotfix from any branch.",
    )
    s.at(T(4, 11))
    s.follow(s.run("hotfix-hooks status", expect=0), "Next:")
    s.at(T(4, 12))
    s.matrix()
    s.say("On main, the finished hotfix's timeline (its branch is gone):")
    s.run("hotfix-hooks timeline", expect=0)

    # ---------------------------------------------------------------- aborted
    s.state(
        "08-cancelled-and-pushed",
        "08 · 04:29 — a hotfix opened by mistake is cancelled, and its record pushed",
        "hotfix 002 was started for an alert that turned out to be a false alarm. abort",
        "asks first on a terminal (here, off one, --yes); the cancelled record is pushed,",
        "so that the server keeps the number taken.",
    )
    s.at(T(4, 29))
    s.run("git checkout -q -b hotfix/002-false-alarm", expect=0)
    s.at(T(4, 32))
    s.run('hotfix-hooks abort --yes --reason "false alarm: the monitor was misconfigured"')
    s.run('git commit -q -am "T004: cancelled"', expect=0)
    s.say("Pushing the cancelled record: the server keeps number 002 taken.")
    s.run("git push -q -u origin HEAD")
    s.at(T(4, 33))
    s.matrix()

    # ---------------------------------------------------------------- elsewhere
    s.state(
        "09-off-branch-active-and-overdue",
        "09 · eight days later, on main: two hotfixes open elsewhere, one of them overdue",
        "hotfix 003 was opened with `new` at 06:00 and is still open at 08:40 (over the",
        "2-hour target); hotfix 004 was opened at 08:30. hotfix 001's post-mortem (T007,",
        "due a week after its resolution) was never done.",
    )
    s.run("git checkout -q main", expect=0)
    s.at(datetime(2026, 12, 4, 6, 0, 0, tzinfo=timezone.utc))
    s.run(
        'hotfix-hooks new "Checkout times out" --rollback "Revert and redeploy v1.4.3"',
        expect=0,
    )
    (s.app / "checkout.py").write_text("TIMEOUT = 30\n", encoding="utf-8")
    s.run("git add checkout.py", expect=0)
    s.run('git commit -q -m "T001: raise the checkout timeout"', expect=0)
    s.run("git push -q -u origin HEAD", expect=0)
    s.run("git checkout -q main", expect=0)
    s.at(datetime(2026, 12, 4, 8, 30, 0, tzinfo=timezone.utc))
    s.run("git checkout -q -b hotfix/004-search-is-slow", expect=0)
    s.run('git commit -q -m "T001: start on the slow search"', expect=0)
    s.run("git checkout -q main", expect=0)
    s.at(datetime(2026, 12, 4, 8, 40, 0, tzinfo=timezone.utc))
    s.matrix()
    s.say("From main, CI checks hotfix 003 by naming its branch:")
    s.run("hotfix-hooks check --json hotfix/003-checkout-times-out", expect=0)
    s.follow(s.run("hotfix-hooks status", expect=0), "Next:")

    # ---------------------------------------------------------------- post-mortem
    s.state(
        "09b-post-mortem-tied-after-finish",
        "09b · 09:15 — hotfix 001's post-mortem is written, and tied to it from main",
        "Its branch is long gone: the commit names the hotfix and the task in its subject",
        "(001/T007: ...); commit-msg stamps the trailers, and the report counts it.",
    )
    s.run("git checkout -q main", expect=0)
    s.at(datetime(2026, 12, 4, 9, 15, 0, tzinfo=timezone.utc))
    (s.app / "post-mortem-001.md").write_text("# Login returned 500\n", encoding="utf-8")
    s.run("git add post-mortem-001.md", expect=0)
    s.run('git commit -q -m "001/T007: post-mortem written"', expect=0)
    s.run("git log -1 --format=%B", expect=0)
    s.run("git push -q origin main", expect=0)
    s.matrix()
    if manager != "direct":
        return s

    # ---------------------------------------------------------------- bare
    s.state(
        "10-bare-repository",
        "10 · in the server's bare repository (remote.git)",
        "An administrator on the server runs the commands there.",
    )
    s.matrix(s.remote)
    s.run("hotfix-hooks install --server", s.remote)
    s.run("hotfix-hooks server-config", s.remote)

    # ---------------------------------------------------------------- outside
    s.state(
        "11-outside-a-repository",
        "11 · outside any repository",
        "The commands run in a directory that is no git repository at all.",
    )
    s.matrix(elsewhere)
    s.run("hotfix-hooks install", elsewhere)
    s.run("hotfix-hooks install --server", elsewhere)
    return s


@pytest.fixture(
    scope="module",
    params=["direct", pytest.param("pre-commit", marks=pytest.mark.precommit)],
)
def transcripts(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    hook_repo_rev: tuple[Path, str],
) -> tuple[str, dict[str, str]]:
    manager = request.param
    root = tmp_path_factory.mktemp(f"transcripts-{manager}") / "incident"
    return manager, _play(root, manager, hook_repo_rev).rendered()


@pytest.mark.slow  # ~40 s of CPU on one worker for each (about 130 real commands): CI runs it
def test_transcripts_match_the_golden_files(transcripts: tuple[str, dict[str, str]]) -> None:
    manager, texts = transcripts
    golden = GOLDEN[manager]
    if UPDATE:
        golden.mkdir(parents=True, exist_ok=True)
        for stale in set(p.name for p in golden.glob("*.txt")) - {f"{n}.txt" for n in texts}:
            (golden / stale).unlink()
        for name, text in texts.items():
            (golden / f"{name}.txt").write_text(text, encoding="utf-8")
        return
    diffs: list[str] = []
    for name, text in texts.items():
        path = golden / f"{name}.txt"
        want = path.read_text(encoding="utf-8") if path.exists() else ""
        if want != text:
            diffs += difflib.unified_diff(
                want.splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"golden/{golden.name}/{name}.txt",
                "what the commands say now",
            )
    extra = sorted(set(p.stem for p in golden.glob("*.txt")) - set(texts))
    assert not diffs and not extra, (
        "".join(diffs)
        + (f"\nstale transcript files: {extra}" if extra else "")
        + f"\nIf the change is deliberate, regenerate and review the diff: {REGENERATE}"
    )


# -- the next step, state by state, without git (the fast loop's share of the above) ---------

PATH_MD = ".specswarm/features/001-hotfix/hotfix.md"
RESOLVED_AT = datetime(2026, 11, 26, 4, 6, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (dict(has_docs=False), "create the docs: hotfix-hooks scaffold"),
        (
            dict(plan_tree=False, plan_line=30),
            f"write the Rollback Plan in {PATH_MD}, line 30 (the push is refused until you do)",
        ),
        (
            dict(plan_head=False),
            f"commit the plan: git add -- {PATH_MD} && git commit -m 'T003: rollback plan'",
        ),
        (dict(tied=0), 'commit the fix: git commit -am "T001: <what you fixed>"'),
        (dict(pushed=False, push="git push -u origin HEAD"), "push it: git push -u origin HEAD"),
        (
            dict(),
            "deploy and monitor; once the service is restored: hotfix-hooks resolve "
            "(if the deploy makes it worse: hotfix-hooks rollback)",
        ),
        (
            dict(rollback=True, doc_changed=True),
            "commit the rollback record: git commit -am 'T004: rollback triggered' && git push",
        ),
        (
            dict(rollback=True),
            "fix forward (commit and push the next fix), or once the service is restored: "
            "hotfix-hooks resolve",
        ),
        (
            dict(status="Resolved", doc_changed=True),
            "commit the resolution: git commit -am 'T004: resolved' && git push",
        ),
        (dict(status="Resolved", pushed=False), "push the resolution: git push"),
        (
            dict(status="Resolved", resolved_at=RESOLVED_AT),
            "merge, tag and close it: hotfix-hooks finish --push; then T005 root cause analysis "
            "(due 2026-11-28 04:06:00 +00:00) and T007 post-mortem "
            "(due 2026-12-03 04:06:00 +00:00)",
        ),
        (
            dict(status="Cancelled", doc_changed=True),
            "commit the cancellation: git commit -am 'T004: cancelled' && git push",
        ),
        (
            dict(status="Cancelled", plan_tree=False),
            "nothing: this hotfix is cancelled; keep the branch, it is the record "
            "(its number is not reused)",
        ),
    ],
)
def test_next_step_fits_the_state(facts: dict[str, object], expected: str) -> None:
    from hotfix_hooks.commands.standing import Facts, _next_step
    from hotfix_hooks.incident.record import HotfixRecord

    said = {k: facts.pop(k) for k in ("status", "rollback", "resolved_at") if k in facts}
    record = HotfixRecord(
        number="001",
        title="Login",
        status=str(said.get("status", "Active")),
        created=None,
        resolved=said.get("resolved_at"),  # type: ignore[arg-type]
        rollback_triggered=bool(said.get("rollback")),
        checklist_done=False,
        source="working tree",
        path=PATH_MD,
    )
    base: dict[str, object] = dict(
        record=record,
        has_docs=True,
        plan_tree=True,
        plan_head=True,
        tied=2,
        path=PATH_MD,
        pushed=True,
        push="git push",
    )
    assert _next_step(Facts(**{**base, **facts})) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("T008: guard", "T001: guard"),
        ("fix t008 and T0080", "fix T001 and T0080"),
        ("T008", "T001"),
        ("xT008 T008_", "xT008 T008_"),
    ],
)
def test_refusal_suggests_the_same_message_with_a_real_task(text: str, expected: str) -> None:
    from hotfix_hooks.hooks.commit_msg import _replace_word

    assert _replace_word(text, "T008", "T001") == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-am", "msg"], True),
        (["-a", "-m", "msg"], True),
        (["--all", "-m", "msg"], True),
        (["-qam", "msg"], True),
        (["-m", "-a thing"], False),
        (["-m-a"], False),
        (["--message", "-a"], False),
        (["--author", "-a <a@b>", "-m", "x"], False),
        (["-m", "x", "--", "-a"], False),
        (["-v", "-m", "x"], False),
    ],
)
def test_refusal_knows_whether_the_commit_had_dash_a(args: list[str], expected: bool) -> None:
    from hotfix_hooks.hooks.commit_msg import _all_given

    assert _all_given([arg.encode() for arg in args]) is expected
