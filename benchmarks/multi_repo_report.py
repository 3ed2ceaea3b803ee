"""`hotfix-hooks report --repos-from FILE --json` over many clones.

    python benchmarks/multi_repo_report.py [--repos 200] [--hotfixes 20] [--rounds 3]
                                          [--fixture DIR] [--rebuild]

Builds (once, cached under the temp directory, or in DIR) REPOS clones with HOTFIXES
hotfixes each, every one with `git fast-import` and one `git reset --hard`: in each clone,
three quarters of the hotfixes are resolved documents on main (in the working tree), the
rest sit on hotfix branches only, half local and half remote-tracking
(`refs/remotes/origin/hotfix/...`), and every fourth resolved hotfix has a commit tied to
T007 (a post-mortem held). The documents are the shipped template, filled in.

Then times, as the median of ROUNDS whole runs, `hotfix-hooks report --repos-from FILE
--json` (FILE lists the clones, relative paths), checks that it counted REPOS x HOTFIXES
hotfixes, and exits 1 if it took 30 s or more. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# one isolated benchmark environment for every script, from hooks.py beside this file
sys.path.insert(0, str(Path(__file__).resolve().parent))
from hooks import BIN, PROJECT
from hooks import ENV as HOOKS_ENV

ENV = {**HOOKS_ENV, "NO_COLOR": "1"}
LIMIT = 30.0
FIXTURE_VERSION = 1
TEMPLATE = (PROJECT / "templates" / "hotfix.md").read_text(encoding="utf-8")
TASKS = (PROJECT / "templates" / "tasks.md").read_text(encoding="utf-8")
DAY = 86400
START = 1764460800 - 200 * DAY  # 200 days before 2025-11-30


def data(raw: bytes) -> bytes:
    return b"data %d\n" % len(raw) + raw + b"\n"


def stamp(epoch: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M +00:00", time.gmtime(epoch))


def document(number: str, branch: str, created: int, resolved: int | None, rollback: bool) -> str:
    text = (
        TEMPLATE.replace('{{ title or "[Title]" }}', f"Outage {number}")
        .replace("{{ number }}", number)
        .replace("{{ created }}", stamp(created))
        .replace("{{ status }}", "Resolved" if resolved else "Active")
        .replace("{{ version }}", "bench")
        .replace("{{ branch }}", branch)
        .replace("{{ base_commit }}", "0" * 40)
        .replace("{{ author }}", "Bench <bench@example.com>")
        .replace("[How to rollback if hotfix fails]", "revert the release tag, redeploy v1.4.2")
    )
    if resolved:
        minutes = (resolved - created) // 60
        text += f"**Resolved**: {stamp(resolved)}\n**Time to Resolution**: {minutes}m\n"
    if rollback:
        text += f"**Rollback Triggered**: yes ({stamp(created + 1800)})\n"
    return text


def fast_import_stream(index: int, hotfixes: int) -> bytes:
    """One clone's history: main with the resolved hotfixes' documents (and a T007
    commit for every fourth), and one commit per branch-only hotfix on its own ref."""
    on_main = hotfixes * 3 // 4
    out: list[bytes] = []
    ident = b"Bench <bench@example.com>"
    base = START + index * 3600
    mark = 1

    def commit(ref: str, when: int, message: str, files: dict[str, str], parent: int | None) -> int:
        nonlocal mark
        mark += 1
        out.append(b"commit %s\nmark :%d\n" % (ref.encode(), mark))
        out.append(b"committer %s %d +0000\n" % (ident, when))
        out.append(data(message.encode()))
        if parent is not None:
            out.append(b"from :%d\n" % parent)
        for path, text in files.items():
            out.append(b"M 100644 inline %s\n" % path.encode())
            out.append(data(text.encode()))
        out.append(b"\n")
        return mark

    tip = commit("refs/heads/main", base, "initial\n", {"app.py": "print('hello')\n"}, None)
    files: dict[str, str] = {}
    for n in range(1, on_main + 1):
        number = f"{n:03d}"
        created = base + n * 5 * DAY
        resolved = created + (20 + (n * 37 + index) % 200) * 60
        folder = f".specswarm/features/{number}-hotfix"
        files[f"{folder}/hotfix.md"] = document(
            number, f"hotfix/{number}-outage", created, resolved, rollback=(n + index) % 11 == 0
        )
        files[f"{folder}/tasks.md"] = TASKS
    tip = commit("refs/heads/main", base + DAY, "T004: resolved\n", files, tip)
    for n in range(4, on_main + 1, 4):
        message = f"T007: post-mortem of {n:03d}\n\nHotfix: {n:03d}\nTask: T007\n"
        tip = commit("refs/heads/main", base + 2 * DAY + n, message, {}, tip)
    main = tip
    for n in range(on_main + 1, hotfixes + 1):
        number = f"{n:03d}"
        branch = f"hotfix/{number}-open"
        ref = f"refs/heads/{branch}" if n % 2 else f"refs/remotes/origin/{branch}"
        created = base + n * 5 * DAY
        resolved = created + 90 * 60 if n % 3 else None
        folder = f".specswarm/features/{number}-hotfix"
        docs = {
            f"{folder}/hotfix.md": document(number, branch, created, resolved, False),
            f"{folder}/tasks.md": TASKS,
        }
        commit(ref, created, f"T001: scaffold\n\nHotfix: {number}\nTask: T001\n", docs, main)
    return b"".join(out)


def sh(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    return subprocess.run(
        args, cwd=cwd, env=ENV, input=stdin, check=True, capture_output=True
    ).stdout


def build_one(root: Path, index: int, hotfixes: int) -> None:
    path = root / f"service-{index:03d}"
    sh(root, "git", "init", "-q", "-b", "main", str(path))
    sh(path, "git", "fast-import", "--quiet", stdin=fast_import_stream(index, hotfixes))
    sh(path, "git", "reset", "-q", "--hard", "main")


def fixture(root: Path, repos: int, hotfixes: int, rebuild: bool) -> tuple[Path, float | None]:
    """(the --repos-from file, seconds it took to build, None when cached)."""
    listing = root / "repos.txt"
    done = root / ".complete"
    if done.exists() and not rebuild:
        return listing, None
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(lambda i: build_one(root, i, hotfixes), range(repos)))
    lines = ["# the clones of the multi-repository benchmark"]
    lines += [f"service-{i:03d}" for i in range(repos)]
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done.write_text("", encoding="utf-8")
    return listing, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=200)
    parser.add_argument("--hotfixes", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--fixture", type=Path, help="where to build (and keep) the clones")
    parser.add_argument("--rebuild", action="store_true", help="build the clones again")
    args = parser.parse_args()
    root = args.fixture or Path(tempfile.gettempdir()) / (
        f"hotfix-hooks-multi-repo-v{FIXTURE_VERSION}-{args.repos}x{args.hotfixes}"
    )
    listing, built = fixture(root, args.repos, args.hotfixes, args.rebuild)
    total = args.repos * args.hotfixes
    if built is None:
        print(f"{args.repos} clones x {args.hotfixes} hotfixes: cached in {root}")
    else:
        print(f"{args.repos} clones x {args.hotfixes} hotfixes built in {built:.1f} s in {root}")
    command = [str(BIN / "hotfix-hooks"), "report", "--repos-from", str(listing), "--json"]
    times, cpus = [], []
    for _ in range(args.rounds):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(command, cwd=root, env=ENV, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if proc.returncode != 0:
            print(proc.stderr.decode(), file=sys.stderr)
            return 1
        summary = json.loads(proc.stdout)["summary"]
        if summary["count"] != total or summary["repositories"] != args.repos:
            print(f"counted {summary['count']} hotfixes in {summary['repositories']} clones")
            return 1
    best = statistics.median(times)
    print(
        f"hotfix-hooks report --repos-from FILE --json, {args.repos} clones, {total:,} "
        f"hotfixes: {best:.2f} s (median of {args.rounds}; runs "
        + ", ".join(f"{t:.2f}" for t in times)
        + f"; median {summary['median_minutes']} min)"
    )
    print(
        f"CPU time (user + system, the command and every git it ran): "
        f"{statistics.median(cpus):.2f} s (median) on {os.cpu_count()} CPUs; load average "
        f"(1 min) after the runs {os.getloadavg()[0]:.1f}"
    )
    ok = best < LIMIT
    print(f"within the {LIMIT:.0f} s target" if ok else f"OVER the {LIMIT:.0f} s target")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
