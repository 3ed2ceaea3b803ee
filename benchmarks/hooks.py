"""Whole-process timings of the hooks, as ratios against their true floors, all in one run.

    python benchmarks/hooks.py [--rounds N] [--markdown] [--only NAME ...]

Every figure is the median wall time of N interleaved runs of a real git command (or of the
hook process itself), so machine noise hits both sides of a ratio alike. Each floor is the
cheapest thing that does the same job: a shell hook that only exits 0 (the direct install on
non-hotfix branches, where no Python starts), a Python hook that only does ``import sys``
(the hotfix commit), and each manager running a no-op hook of its own (pre-commit, prek,
lefthook, husky). ``--markdown`` prints the Speed table of docs/speed.md. Exits 1 if a ratio misses
its target.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENV = {
    **os.environ,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
}
ZERO = "0" * 40
# Measure what users run: a pip install compiles the package to bytecode.
ENV.pop("PYTHONDONTWRITEBYTECODE", None)
for _name in ("PRE_COMMIT", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
    ENV.pop(_name, None)
NOOP_PY = f"{sys.executable} -c 'import sys'"


class Row:
    def __init__(
        self, group: str, label: str, ours: float, floor_label: str, floor: float, limit: float
    ) -> None:
        self.group, self.label, self.ours = group, label, ours
        self.floor_label, self.floor, self.limit = floor_label, floor, limit

    @property
    def ratio(self) -> float:
        return self.ours / self.floor

    @property
    def ok(self) -> bool:
        return self.limit <= 0 or self.ratio <= self.limit


ROWS: list[Row] = []


def sh(
    cwd: Path, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> bytes:
    proc = subprocess.run(
        args, cwd=cwd, env=env or ENV, input=stdin, capture_output=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"{args} failed in {cwd}: {proc.stdout!r} {proc.stderr!r}")
    return proc.stdout


def make_repo(path: Path, remote: bool = False) -> Path:
    sh(path.parent, "git", "init", "-q", "-b", "main", str(path))
    sh(path, "git", "config", "user.name", "Bench")  # gitlint reads it from config
    sh(path, "git", "config", "user.email", "bench@example.com")
    (path / "app.py").write_text("print('hello')\n", encoding="utf-8")
    sh(path, "git", "add", "app.py")
    sh(path, "git", "commit", "-q", "-m", "initial")
    if remote:
        bare = path.parent / (path.name + ".git")
        sh(path.parent, "git", "init", "-q", "--bare", str(bare))
        sh(path, "git", "remote", "add", "origin", str(bare))
        sh(path, "git", "push", "-q", "origin", "main")
    return path


def write_hook(repo: Path, name: str, text: str) -> None:
    hook = repo / ".git" / "hooks" / name
    hook.write_text(text, encoding="utf-8")
    hook.chmod(0o755)


def python_hook(repo: Path, name: str) -> None:
    write_hook(repo, name, f"#!{sys.executable}\nimport sys\n")


def shell_hook(repo: Path, name: str) -> None:
    write_hook(repo, name, "#!/bin/sh\nexit 0\n")


def timed(command: Callable[[], object]) -> float:
    start = time.perf_counter()
    command()
    return time.perf_counter() - start


def compare(
    rounds: int, ours: Callable[[], object], baseline: Callable[[], object]
) -> tuple[float, float]:
    a: list[float] = []
    b: list[float] = []
    for _ in range(3):  # warm caches
        ours()
        baseline()
    for _ in range(rounds):
        a.append(timed(ours))
        b.append(timed(baseline))
    return statistics.median(a), statistics.median(b)


def record(
    group: str, label: str, ours: float, floor_label: str, floor: float, limit: float
) -> None:
    row = Row(group, label, ours, floor_label, floor, limit)
    ROWS.append(row)
    target = f"(target <= {limit}x)" if limit > 0 else ""
    print(
        f"{'PASS' if row.ok else 'FAIL'}  {group}: {label}: {ours * 1000:.1f} ms vs "
        f"{floor_label} {floor * 1000:.1f} ms = {row.ratio:.2f}x {target}",
        flush=True,
    )


def checkout_toggle(repo: Path) -> Callable[[], object]:
    state = {"on": "main"}

    def run() -> object:
        state["on"] = "other" if state["on"] == "main" else "main"
        return sh(repo, "git", "checkout", "-q", state["on"])

    return run


def commit(repo: Path, message: str = "T001: x") -> Callable[[], object]:
    return lambda: sh(repo, "git", "commit", "-q", "--allow-empty", "-m", message)


def push_toggle(repo: Path) -> Callable[[], object]:
    """A real push of one new commit on a non-hotfix branch (force-pushed back and forth)."""
    sh(repo, "git", "checkout", "-q", "-b", "feature/bench")
    sh(repo, "git", "commit", "-q", "--allow-empty", "-m", "a")
    first = sh(repo, "git", "rev-parse", "HEAD").decode().strip()
    sh(repo, "git", "commit", "-q", "--allow-empty", "-m", "b")
    second = sh(repo, "git", "rev-parse", "HEAD").decode().strip()
    state = {"sha": first}

    def run() -> object:
        state["sha"] = second if state["sha"] == first else first
        return sh(
            repo, "git", "push", "-q", "-f", "origin", f"{state['sha']}:refs/heads/feature/bench"
        )

    return run


def bench_direct_non_hotfix(root: Path, rounds: int) -> None:
    group = "direct install, non-hotfix branch"
    ours = make_repo(root / "direct-ours", remote=True)
    floor = make_repo(root / "direct-floor", remote=True)
    sh(ours, "hotfix-hooks", "install")
    for name in ("post-checkout", "commit-msg", "pre-push"):
        shell_hook(floor, name)
    for repo in (ours, floor):
        sh(repo, "git", "branch", "other")
    a, b = compare(rounds, checkout_toggle(ours), checkout_toggle(floor))
    record(group, "`git checkout`", a, "shell hook `exit 0`", b, 1.5)
    a, b = compare(rounds, commit(ours), commit(floor))
    record(group, "`git commit --allow-empty`", a, "shell hook `exit 0`", b, 1.5)
    a, b = compare(rounds, push_toggle(ours), push_toggle(floor))
    record(group, "`git push` (1 commit, local remote)", a, "shell hook `exit 0`", b, 1.5)
    # a Python project: the fast path reads its pyproject.toml (bounded: head -c | grep)
    for repo in (ours, floor):
        (repo / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
        sh(repo, "git", "add", "pyproject.toml")
        sh(repo, "git", "commit", "-q", "-m", "a Python project")
    a, b = compare(rounds, commit(ours), commit(floor))
    record(
        group, "`git commit --allow-empty`, with a pyproject.toml", a, "shell hook `exit 0`", b, 1.5
    )


PYPROJECT = (
    '[project]\nname = "app"\nversion = "1.0"\ndependencies = ["requests", "click"]\n\n'
    '[tool.ruff]\nline-length = 100\n\n[tool.pytest.ini_options]\naddopts = "-q"\n'
)


def bench_direct_hotfix_commit(root: Path, rounds: int) -> None:
    ours = make_repo(root / "commit-ours")
    sh(ours, "hotfix-hooks", "install")
    sh(ours, "git", "checkout", "-q", "-b", "hotfix/042-bench")
    sh(ours, "git", "commit", "-q", "-m", "T001: docs")
    base = make_repo(root / "commit-base")
    python_hook(base, "commit-msg")
    last = sh(ours, "git", "log", "-1", "--format=%B").decode()
    assert "Task: T001" in last, last
    a, b = compare(rounds, commit(ours), commit(base))
    record(
        "direct install, hotfix branch",
        "`git commit` (task checked, trailers added)",
        a,
        "Python hook `import sys`",
        b,
        1.5,
    )
    lint = make_repo(root / "commit-gitlint")
    (lint / ".gitlint").write_text("[general]\nignore=body-is-missing\n", encoding="utf-8")
    if shutil.which("gitlint", path=ENV["PATH"]):
        sh(lint, "gitlint", "install-hook")
        a, b = compare(rounds, commit(ours), commit(lint))
        record("direct install, hotfix branch", "`git commit`", a, "`gitlint install-hook`", b, 0.4)


def fast_import_commits(repo: Path, branch: str, count: int) -> str:
    """``count`` commits on top of main, each touching one file, via git fast-import."""
    parent = sh(repo, "git", "rev-parse", "main").decode().strip()
    lines = []
    for i in range(count):
        message = f"T001: bench {i}\n\nHotfix: 042\nTask: T001\n".encode()
        data = f"{i}\n".encode()
        lines.append(f"commit refs/heads/{branch}\nmark :{i + 1}\n".encode())
        lines.append(f"committer Bench <bench@example.com> {1700000000 + i} +0000\n".encode())
        lines.append(f"data {len(message)}\n".encode() + message)
        lines.append(f"from {parent}\n".encode() if i == 0 else f"from :{i}\n".encode())
        lines.append(f"M 644 inline counter.txt\ndata {len(data)}\n".encode() + data + b"\n")
    sh(repo, "git", "fast-import", "--quiet", stdin=b"".join(lines))
    return sh(repo, "git", "rev-parse", branch).decode().strip()


def run_pre_push(
    repo: Path, sha: str, branch: str, expect: int, cold: bool = False
) -> Callable[[], object]:
    """The installed pre-push hook on one new branch; ``cold`` forgets the remembered verdicts
    first, as on the first push after hotfix.md changed."""
    hook = repo / ".git" / "hooks" / "pre-push"
    line = f"refs/heads/{branch} {sha} refs/heads/{branch} {ZERO}\n".encode()
    verdicts = repo / ".git" / "hotfix-hooks" / "verdicts"

    def run() -> object:
        if cold:
            shutil.rmtree(verdicts, ignore_errors=True)
        proc = subprocess.run(
            (str(hook), "origin", "url"),
            cwd=repo,
            env=ENV,
            input=line,
            capture_output=True,
            check=False,
        )
        assert proc.returncode == expect, proc.stderr
        return proc

    return run


def bench_pre_push(root: Path, rounds: int) -> None:
    repo = make_repo(root / "push")
    sh(repo, "hotfix-hooks", "install")
    sh(repo, "git", "checkout", "-q", "-b", "hotfix/042-bench")
    sh(repo, "hotfix-hooks", "scaffold")
    sh(repo, "git", "commit", "-q", "-m", "T001: docs")
    sh(repo, "git", "checkout", "-q", "main")
    sh(repo, "git", "merge", "-q", "--ff-only", "hotfix/042-bench")
    # the two tips live outside refs/heads/hotfix/: branches of their own there would hold
    # hotfix number 042 beside hotfix/042-bench, and the push would be judged a clash
    one = fast_import_commits(repo, "bench/one", 1)
    many = fast_import_commits(repo, "bench/many", 20000)
    a, b = compare(
        rounds,
        run_pre_push(repo, many, "hotfix/042-bench", 1),  # the plan is a placeholder: refused
        run_pre_push(repo, one, "hotfix/042-bench", 1),
    )
    record(
        "direct install, hotfix branch",
        "pre-push gate, 20,000 new commits",
        a,
        "1 new commit",
        b,
        1.2,
    )


def bench_gate_vs_pre_commit(root: Path, rounds: int, source: tuple[Path, str]) -> None:
    """The passing gate (a real plan) against what a commit costs through pre-commit's own no-op."""
    repo = make_repo(root / "gate")
    sh(repo, "hotfix-hooks", "install")
    sh(repo, "git", "checkout", "-q", "-b", "hotfix/042-bench")
    doc = repo / ".specswarm/features/042-hotfix/hotfix.md"
    doc.write_text(
        doc.read_text(encoding="utf-8").replace(
            "[How to rollback if hotfix fails]", "Revert the release tag and redeploy v1.4.2"
        ),
        encoding="utf-8",
    )
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-q", "-m", "T001: docs")
    sha = sh(repo, "git", "rev-parse", "HEAD").decode().strip()
    floor = make_repo(root / "gate-floor")
    setup_manager("pre-commit", floor, source, ours=False)
    a, b = compare(rounds, run_pre_push(repo, sha, "hotfix/042-bench", 0), commit(floor, "x"))
    record(
        "direct install, hotfix branch",
        "pre-push gate, passing, hotfix.md unchanged since it was last judged",
        a,
        "`git commit` through pre-commit's no-op",
        b,
        0.5,
    )
    cold = run_pre_push(repo, sha, "hotfix/042-bench", 0, cold=True)
    a, b = compare(rounds, cold, commit(floor, "x"))
    record(
        "direct install, hotfix branch",
        "pre-push gate, passing, the first push after hotfix.md changed (parses it as CommonMark)",
        a,
        "`git commit` through pre-commit's no-op",
        b,
        0.5,
    )


def snapshot_project(root: Path) -> tuple[Path, str]:
    """This project as a git repository, for pre-commit's and prek's `repo:`."""
    dest = root / "hotfix-hooks-src"
    dest.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "hatch_build.py"):
        shutil.copy2(PROJECT / name, dest / name)
    for name in ("hotfix_hooks", "templates"):
        shutil.copytree(PROJECT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-q", "-m", "snapshot")):
        sh(dest, "git", *args)
    return dest, sh(dest, "git", "rev-parse", "HEAD").decode().strip()


PRE_COMMIT_OURS = """\
default_install_hook_types: [post-checkout, commit-msg, pre-push]
repos:
-   repo: {repo}
    rev: {rev}
    hooks:
    -   id: hotfix-scaffold
    -   id: hotfix-commit-msg
    -   id: hotfix-rollback-plan
"""
PRE_COMMIT_NOOP = f"""\
default_install_hook_types: [post-checkout, commit-msg, pre-push]
repos:
-   repo: local
    hooks:
    -   id: noop
        name: noop
        entry: {NOOP_PY}
        language: system
        stages: [post-checkout, commit-msg, pre-push]
        always_run: true
        pass_filenames: false
"""
PRE_COMMIT_NOOP_PYTHON = """\
default_install_hook_types: [post-checkout, commit-msg, pre-push]
repos:
-   repo: local
    hooks:
    -   id: noop
        name: noop
        entry: python -c "import sys"
        language: python
        stages: [post-checkout, commit-msg, pre-push]
        always_run: true
        pass_filenames: false
"""
LEFTHOOK_NOOP = f"""\
post-checkout:
  commands:
    noop:
      run: {NOOP_PY}
commit-msg:
  commands:
    noop:
      run: {NOOP_PY}
pre-push:
  commands:
    noop:
      run: {NOOP_PY}
      use_stdin: true
"""
_HUSKY: dict[str, Path] = {}


def husky_bin(root: Path) -> Path | None:
    if "bin" not in _HUSKY:
        npm = shutil.which("npm")
        if npm is None:
            return None
        where = root / "husky-npm"
        where.mkdir()
        proc = subprocess.run(
            (npm, "install", "--silent", "husky@9"), cwd=where, capture_output=True, check=False
        )
        if proc.returncode != 0:
            return None
        _HUSKY["bin"] = where / "node_modules" / "husky" / "bin.js"
    return _HUSKY["bin"]


def setup_manager(
    manager: str, repo: Path, source: tuple[Path, str], *, ours: bool, python_noop: bool = False
) -> None:
    from hotfix_hooks.install.managers import husky_snippet, lefthook_snippet

    env = {
        **ENV,
        "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"),
        "PREK_HOME": str(repo.parent / "prek-home"),
    }
    if manager in ("pre-commit", "prek"):
        text = PRE_COMMIT_OURS.format(repo=source[0], rev=source[1]) if ours else PRE_COMMIT_NOOP
        if python_noop:
            text = PRE_COMMIT_NOOP_PYTHON
        (repo / ".pre-commit-config.yaml").write_text(text, encoding="utf-8")
        sh(repo, "git", "add", "-A")
        sh(repo, "git", "commit", "-q", "-m", "config")
        sh(repo, str(BIN / manager), "install", env=env)
        sh(repo, str(BIN / manager), "install-hooks", env=env)
    elif manager == "lefthook":
        (repo / "lefthook.yml").write_text(
            lefthook_snippet() if ours else LEFTHOOK_NOOP, encoding="utf-8"
        )
        sh(repo, "git", "add", "-A")
        sh(repo, "git", "commit", "-q", "-m", "config")
        sh(repo, str(BIN / "lefthook"), "install")
    elif manager == "husky":
        tool = husky_bin(repo.parent)
        assert tool is not None
        sh(repo, "node", str(tool))
        if ours:
            sh(repo, "sh", "-c", husky_snippet().split("\n", 1)[1])
        else:
            for name in ("post-checkout", "commit-msg", "pre-push"):
                (repo / ".husky" / name).write_text(NOOP_PY + "\n", encoding="utf-8")
        sh(repo, "git", "add", "-A")
        sh(repo, "git", "commit", "-q", "-m", "config")


def bench_managers(
    root: Path, rounds: int, source: tuple[Path, str], managers: Sequence[str]
) -> None:
    for manager in managers:
        if manager == "husky" and husky_bin(root) is None:
            print(f"SKIP  {manager}: npm is not installed (or could not install husky)")
            continue
        group = f"{manager}, non-hotfix branch"
        ours = make_repo(root / f"{manager}-ours")
        floor = make_repo(root / f"{manager}-floor")
        setup_manager(manager, ours, source, ours=True)
        setup_manager(manager, floor, source, ours=False)
        env = {
            **ENV,
            "PRE_COMMIT_HOME": str(root / "pre-commit-home"),
            "PREK_HOME": str(root / "prek-home"),
        }

        def commit_in(repo: Path, env: dict[str, str] = env) -> Callable[[], object]:
            return lambda: sh(repo, "git", "commit", "-q", "--allow-empty", "-m", "x", env=env)

        a, b = compare(rounds, commit_in(ours), commit_in(floor))
        limit = 1.15 if manager == "pre-commit" else 0.0
        record(
            group,
            "`git commit --allow-empty`, our three hooks",
            a,
            f"{manager} running `python -c 'import sys'`",
            b,
            limit,
        )
        if manager in ("pre-commit", "prek"):
            # What the manager itself adds for any `language: python` hook (an environment
            # check that starts an interpreter): against a local python no-op.
            py_floor = make_repo(root / f"{manager}-python-floor")
            setup_manager(manager, py_floor, source, ours=False, python_noop=True)
            a, b = compare(rounds, commit_in(ours), commit_in(py_floor))
            record(
                group,
                "`git commit --allow-empty`, our three hooks",
                a,
                f"{manager} running a local `language: python` no-op",
                b,
                0.0,
            )
        bare = make_repo(root / f"{manager}-bare")
        a, b = compare(rounds, commit_in(floor), commit_in(bare))
        record(group, f"{manager}'s own no-op (for scale)", a, "no hook at all", b, 0.0)


def bench_report(root: Path, rounds: int) -> None:
    repo = make_repo(root / "report")
    features = repo / ".specswarm" / "features"
    for n in range(1, 1001):
        directory = features / f"{n:03d}-hotfix"
        directory.mkdir(parents=True)
        minutes = 20 + n % 200
        (directory / "hotfix.md").write_text(
            f"# Hotfix {n:03d}: Bench\n\n**Created**: 2026-01-01 10:00 +00:00\n**Status**: Resolved\n"
            f"## Metadata\n**Resolved**: 2026-01-01 {10 + minutes // 60:02d}:{minutes % 60:02d} +00:00\n",
            encoding="utf-8",
        )
    times = [
        timed(lambda: sh(repo, "hotfix-hooks", "report", "--json"))
        for _ in range(max(3, rounds // 10))
    ]
    best = statistics.median(times)
    record(
        "commands",
        "`hotfix-hooks report --json`, 1,000 hotfixes",
        best,
        "the 2 s budget",
        2.0,
        0.15,
    )


def bench_cli(root: Path, rounds: int) -> None:
    """The command line's own start: ``--version``, and ``status`` on a hotfix branch with a
    real plan (its verdict remembered, as after the first run), against starting Python."""
    repo = make_repo(root / "cli")
    sh(repo, "hotfix-hooks", "install")
    sh(repo, "git", "checkout", "-q", "-b", "hotfix/001-bench")
    doc = repo / ".specswarm" / "features" / "001-hotfix" / "hotfix.md"
    text = doc.read_text(encoding="utf-8")
    doc.write_text(text.replace("[How to rollback if hotfix fails]", "redeploy v1.4.2"))
    sh(repo, "git", "commit", "-q", "-am", "T003: rollback plan")
    floor_cmd = (sys.executable, "-I", "-c", "pass")

    def run(*args: str) -> Callable[[], object]:
        return lambda: subprocess.run(args, cwd=repo, env=ENV, capture_output=True, check=False)

    floor = run(*floor_cmd)
    a, b = compare(rounds, run(str(BIN / "hotfix-hooks"), "--version"), floor)
    record("commands", "`hotfix-hooks --version`", a, "`python -I -c pass`", b, 3.0)
    a, b = compare(rounds, run(str(BIN / "hotfix-hooks"), "status"), floor)
    record("commands", "`hotfix-hooks status`, hotfix branch", a, "`python -I -c pass`", b, 6.0)


def markdown() -> str:
    lines = [
        "| where | measurement | ours | floor (same run) | ratio | target |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in ROWS:
        target = f"≤ {row.limit}x" if row.limit > 0 else ""
        lines.append(
            f"| {row.group} | {row.label} | {row.ours * 1000:.1f} ms | {row.floor_label}: "
            f"{row.floor * 1000:.1f} ms | {row.ratio:.2f}x | {target} |"
        )
    return "\n".join(lines)


ALL = ("direct", "hotfix", "gate", "pre-push", "managers", "cli", "report")
MANAGERS = ("pre-commit", "prek", "lefthook", "husky")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument(
        "--markdown", action="store_true", help="print the Speed table of docs/speed.md"
    )
    parser.add_argument("--only", nargs="*", choices=ALL, default=list(ALL))
    parser.add_argument("--managers", nargs="*", choices=MANAGERS, default=list(MANAGERS))
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    import compileall

    import hotfix_hooks

    compileall.compile_dir(Path(hotfix_hooks.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory(prefix="hotfix-hooks-bench-") as tmp:
        root = Path(tmp)
        source = snapshot_project(root)
        if "direct" in args.only:
            bench_direct_non_hotfix(root, args.rounds)
        if "hotfix" in args.only:
            bench_direct_hotfix_commit(root, args.rounds)
        if "gate" in args.only:
            bench_gate_vs_pre_commit(root, args.rounds, source)
        if "pre-push" in args.only:
            bench_pre_push(root, args.rounds)
        if "managers" in args.only:
            bench_managers(root, args.rounds, source, args.managers)
        if "cli" in args.only:
            bench_cli(root, args.rounds)
        if "report" in args.only:
            bench_report(root, args.rounds)
    if args.markdown:
        print()
        print(markdown())
    if args.json:
        args.json.write_text(
            json.dumps([{**vars(row), "ratio": row.ratio} for row in ROWS], indent=1),
            encoding="utf-8",
        )
    return 0 if all(row.ok for row in ROWS) else 1


if __name__ == "__main__":
    raise SystemExit(main())
