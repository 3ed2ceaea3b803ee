"""The server gate and `check --range` on a push of many new task-tied commits.

    python benchmarks/server.py [--commits N] [--rounds R]

Builds, with `git fast-import`, a hotfix branch of N (default 20,000) new commits, each
naming a task, on top of main; then times, as the median of R runs:

- the installed pre-receive hook itself, fed the ref line git would feed it, in a bare
  server that holds the new objects but no ref to them (exactly what it sees mid-push);
- a whole `git push` of the branch into a bare server with the pre-receive hook, against
  the same push into one without hooks;
- `hotfix-hooks check --range main..BRANCH`.

Exits 1 if the hook or `check` take 2 s or more, or if they did not read every commit.
Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# one isolated benchmark environment for both scripts, from hooks.py beside this file
sys.path.insert(0, str(Path(__file__).resolve().parent))
from hooks import BIN
from hooks import ENV as HOOKS_ENV

ENV = {**HOOKS_ENV, "NO_COLOR": "1"}
BRANCH = "hotfix/042-bench"
ZERO = "0" * 40
LIMIT = 2.0
HOTFIX_MD = """# Hotfix 042: bench

## Immediate Actions

**3. Rollback Plan**:
- revert the release tag and redeploy v1.4.2

**Rollback Trigger**: error rate above 2 % for 5 minutes
"""
TASKS_MD = "# Tasks\n\n" + "".join(f"### T00{i}: task {i}\n\n" for i in range(1, 8))


def sh(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    return subprocess.run(
        args, cwd=cwd, env=ENV, input=stdin, check=True, capture_output=True
    ).stdout


def data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n" % len(raw) + raw + b"\n"


def fast_import_stream(commits: int) -> bytes:
    """main: one commit; BRANCH: ``commits`` commits on top, each naming a task; the
    first adds hotfix.md and tasks.md."""
    out = [b"blob\nmark :1\n", data("print('hello')\n")]
    out += [b"blob\nmark :2\n", data(HOTFIX_MD), b"blob\nmark :3\n", data(TASKS_MD)]
    stamp = b"Bench <bench@example.com> 1764460800 +0000\n"
    out += [b"commit refs/heads/main\nmark :10\n", b"committer " + stamp, data("initial")]
    out.append(b"M 100644 :1 app.py\n\n")
    docs = ".specswarm/features/042-hotfix"
    for n in range(commits):
        out.append(b"commit refs/heads/%s\nmark :%d\n" % (BRANCH.encode(), 100 + n))
        out.append(b"committer " + stamp)
        out.append(data(f"T00{n % 4 + 1}: change {n}\n\nHotfix: 042\nTask: T00{n % 4 + 1}\n"))
        out.append(b"from :%d\n" % (10 if n == 0 else 99 + n))
        if n == 0:
            out.append(f"M 100644 :2 {docs}/hotfix.md\nM 100644 :3 {docs}/tasks.md\n".encode())
        out.append(b"\n")
    return b"".join(out)


def median_time(command: list[str], cwd: Path, stdin: bytes | None, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=ENV, input=stdin, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    hh = str(BIN / "hotfix-hooks")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        work = root / "work"
        sh(root, "git", "init", "-q", "-b", "main", str(work))
        start = time.perf_counter()
        sh(work, "git", "fast-import", "--quiet", stdin=fast_import_stream(args.commits))
        built = time.perf_counter() - start
        sh(work, "git", "reset", "-q", "--hard", "main")
        tip = sh(work, "git", "rev-parse", BRANCH).decode().strip()
        bad = (
            sh(  # the same branch plus one commit naming no task
                work, "git", "commit-tree", "-p", tip, "-m", "untied", f"{tip}^{{tree}}"
            )
            .decode()
            .strip()
        )
        print(f"{args.commits:,} new commits on {BRANCH} built in {built:.2f} s (fast-import)")

        # the pre-receive hook itself, as git runs it mid-push: objects there, no ref yet
        server = root / "server.git"
        sh(root, "git", "init", "-q", "--bare", "-b", "main", str(server))
        sh(work, "git", "push", "-q", str(server), "main", f"{bad}:refs/bench/tmp")
        sh(server, "git", "update-ref", "-d", "refs/bench/tmp")
        sh(server, hh, "install", "--server")
        line = f"{ZERO} {tip} refs/heads/{BRANCH}\n".encode()
        hook = [str(server / "hooks" / "pre-receive")]
        proc = subprocess.run(hook, cwd=server, env=ENV, input=line, capture_output=True)
        if proc.returncode != 0:
            print(proc.stderr.decode(), file=sys.stderr)
            return 1
        refused = subprocess.run(  # and the same hook reads every one of them
            hook,
            cwd=server,
            env=ENV,
            input=f"{ZERO} {bad} refs/heads/{BRANCH}\n".encode(),
            capture_output=True,
        )
        if refused.returncode != 1 or f"1 of {args.commits + 1} new" not in str(refused.stderr):
            print("the hook did not refuse the one untied commit:", refused.stderr.decode())
            return 1
        hook_time = median_time(hook, server, line, args.rounds)
        print(f"pre-receive hook, {args.commits:,} new commits: {hook_time * 1000:.0f} ms")
        # the same commits brought into production: judged as hotfix 042's, found by their
        # trailers and its directory, wherever they land
        main = sh(server, "git", "rev-parse", "main").decode().strip()
        landing = f"{main} {tip} refs/heads/main\n".encode()
        proc = subprocess.run(hook, cwd=server, env=ENV, input=landing, capture_output=True)
        if proc.returncode != 0:
            print(proc.stderr.decode(), file=sys.stderr)
            return 1
        main_time = median_time(hook, server, landing, args.rounds)
        print(
            f"pre-receive hook, the same {args.commits:,} commits pushed to main: "
            f"{main_time * 1000:.0f} ms"
        )
        hook_time = max(hook_time, main_time)

        # whole pushes, with and without the hook
        def push_time(with_hook: bool) -> float:
            times = []
            for _ in range(args.rounds):
                target = root / "target.git"
                shutil.rmtree(target, ignore_errors=True)
                sh(root, "git", "init", "-q", "--bare", "-b", "main", str(target))
                sh(work, "git", "push", "-q", str(target), "main")
                if with_hook:
                    sh(target, hh, "install", "--server")
                start = time.perf_counter()
                sh(work, "git", "push", "-q", "--no-verify", str(target), BRANCH)
                times.append(time.perf_counter() - start)
            return statistics.median(times)

        bare_push = push_time(False)
        hooked_push = push_time(True)
        print(
            f"git push of {args.commits:,} new commits: {hooked_push * 1000:.0f} ms with the "
            f"server hook, {bare_push * 1000:.0f} ms without (hook's share "
            f"{(hooked_push - bare_push) * 1000:.0f} ms)"
        )

        command = [hh, "check", "--range", f"main..{BRANCH}", "--branch", BRANCH]
        proc = subprocess.run(command, cwd=work, env=ENV, capture_output=True, text=True)
        print(proc.stdout.strip())
        if proc.returncode != 0 or f"{args.commits} commit(s)" not in proc.stdout:
            print(proc.stderr, file=sys.stderr)
            return 1
        check_time = median_time(command, work, None, args.rounds)
        print(f"hotfix-hooks check --range, {args.commits:,} commits: {check_time * 1000:.0f} ms")
    ok = hook_time < LIMIT and check_time < LIMIT
    print("within the 2 s target" if ok else "OVER the 2 s target")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
