from __future__ import annotations

import io
import os
import pty
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import realtools

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GIT_ENV_DROP = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_EDITOR",
    "GIT_SEQUENCE_EDITOR",
    "EDITOR",
    "VISUAL",
    "PRE_COMMIT",
    "HOTFIX_HOOKS_NOW",
    "FORCE_COLOR",
)


def git(
    cwd: Path, *args: str, check: bool = True, **kw: object
) -> subprocess.CompletedProcess[str]:
    proc: subprocess.CompletedProcess[str] = subprocess.run(
        ("git", *args),
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        **kw,  # type: ignore[call-overload]
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"git {args} failed: {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def hh(
    cwd: Path, *args: str, input: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``hotfix-hooks ARGS`` in ``cwd``, as a user runs it, answered as a process would
    (exit code, stdout, stderr): in this process, where a new one would add only its start
    (the hooks git runs meanwhile are real processes). ``HOTFIX_HOOKS_TEST_PROCESSES=1``
    runs every call as a real process instead; :func:`hh_process` always does."""
    if os.environ.get("HOTFIX_HOOKS_TEST_PROCESSES") == "1":
        return hh_process(cwd, *args, input=input, env=env)
    return in_process(cwd, args, input=input, env=env)


def hh_process(
    cwd: Path, *args: str, input: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``hotfix-hooks ARGS`` as a real process (its console script)."""
    return subprocess.run(
        (str(BIN / "hotfix-hooks"), *args),
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
        env=env,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "needs(*tools): runs a real tool (tests/realtools.py): skipped with the reason where it "
        "is missing, a failure in CI",
    )
    config.addinivalue_line(
        "markers",
        "measured_subprocesses: coverage measures this test's subprocesses although its "
        "module is in UNMEASURED_SUBPROCESSES",
    )
    if not hasattr(config, "workerinput"):  # once, before xdist starts its workers
        _compile_package()


def _compile_package() -> None:
    """The package's bytecode, written as ``pip install`` writes it for a user: every hook
    and command a test starts would otherwise compile each module it imports from source
    again (a fresh clone has no ``__pycache__``, and ``PYTHONDONTWRITEBYTECODE`` keeps
    Python from writing one)."""
    import compileall

    compileall.compile_dir(PROJECT / "hotfix_hooks", quiet=2)


_MODULE_SECONDS: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    module = report.nodeid.split("::", 1)[0]
    _MODULE_SECONDS[module] = _MODULE_SECONDS.get(module, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Seconds per test module (setup, call and teardown summed over its tests, across
    the workers): what each group of tests costs CI."""
    if not _MODULE_SECONDS:
        return
    terminalreporter.section("seconds per test module")
    ranked = sorted(_MODULE_SECONDS.items(), key=lambda item: -item[1])
    for module, seconds in ranked[:25]:
        terminalreporter.write_line(f"{seconds:8.1f} s  {module}")


def pytest_runtest_setup(item: pytest.Item) -> None:
    names = tuple(name for mark in item.iter_markers("needs") for name in mark.args)
    if not names:
        return
    lacking = realtools.missing(names)
    if not lacking:
        return
    reason = f"needs {', '.join(lacking)}: install with {realtools.INSTALL_HINT}"
    if realtools.REQUIRED:
        pytest.fail(f"missing in CI (a real-tool test never skips there): {reason}", False)
    pytest.skip(reason)


class _Stdin(io.TextIOWrapper):
    def isatty(self) -> bool:
        return False


def in_process(
    cwd: Path,
    args: tuple[str, ...] | list[str],
    *,
    input: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``hotfix_hooks.main.main(args)`` with the process's view swapped for the call:
    working directory, environment (``env`` replaces it whole, as for a subprocess), stdin,
    stdout and stderr. An exception that escapes is printed as Python would print it, with
    exit code 1: a traceback is as visible here as from a real process."""
    from hotfix_hooks.main import main

    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    out, err = io.BytesIO(), io.BytesIO()
    streams = (
        _Stdin(io.BytesIO((input or "").encode("utf-8")), encoding="utf-8"),
        io.TextIOWrapper(out, encoding="utf-8", errors="replace", write_through=True),
        io.TextIOWrapper(err, encoding="utf-8", errors="replace", write_through=True),
    )
    sys.stdin, sys.stdout, sys.stderr = streams
    try:
        os.chdir(cwd)
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:  # what an uncaught exception does to a process
            traceback.print_exc()
            code = 1
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        for stream in streams:
            if not stream.closed:
                stream.flush()
                stream.detach()  # the buffers stay open to be read
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(
        ["hotfix-hooks", *args],
        code,
        out.getvalue().decode("utf-8", "replace"),
        err.getvalue().decode("utf-8", "replace"),
    )


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit (and prek) cache for the whole run, shared by the xdist workers:
    each hook environment is built once, not once per worker. Both tools lock their store
    around installs."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's directory, above each worker's own
    path = base / "pre-commit-cache"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def prek_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """prek's cache, one per worker: prek builds environments quickly, and its store is
    not shared between concurrent processes here."""
    return tmp_path_factory.mktemp("prek-cache")


# Test modules that drive hotfix-hooks through other tools (hook managers, CI scripts, the
# shell), or run every command again in many states (the golden transcripts, the disk
# faults, the demo), over code the rest of the suite measures: their subprocesses run
# without coverage, which doubles the cost of every Python process it follows (CI's
# 10-minute budget).
UNMEASURED_SUBPROCESSES = frozenset(
    {
        "test_demo",
        "test_faults",
        "test_transcripts",
        "test_managers",
        "test_scripted_incident",
        "test_ci_integrations",
        "test_packaging",
        "test_plan_and_races",
        "test_trust",
        # the real tools (tests/realtools.py): browsers, CI runners, servers, scanners
        "test_real_browser",
        "test_real_github",
        "test_real_gitlab",
        "test_real_scanners",
        "test_real_servers",
        "test_org_scale",
        # the hooks and commands these modules run as processes, the in-process tests and
        # the other modules' processes measure as well (but for the tests marked
        # measured_subprocesses): unmeasured here, the suite saves ~400 measured processes
        "test_advice",
        "test_config",
        "test_docs",
        "test_document_readers",
        "test_fast_path",
        "test_finish",
        "test_git_layer",
        "test_git_messages",
        "test_help",
        "test_new_start",
        "test_paste_safety",
        "test_pre_push",
        "test_server",
        # these too, but for their tests marked ``measured_subprocesses``: the ones whose
        # processes reach what nothing else measures (per-process coverage data, greedily)
        "test_commit_msg",
        "test_enforce",
        "test_events",
        "test_hostile_repo",
        "test_lifecycle",
        "test_numbers",
        "test_post_checkout",
        "test_report_repos",
        "test_rule_book",
        "test_team",
    }
)


@pytest.fixture(autouse=True)
def isolated_env(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pre_commit_home: Path,
    prek_home: Path,
    request: pytest.FixtureRequest,
) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    if request.module.__name__.rpartition(".")[2] in UNMEASURED_SUBPROCESSES and not (
        request.node.get_closest_marker("measured_subprocesses")
    ):
        for name in COVERAGE_ENV:
            monkeypatch.delenv(name, raising=False)
    for name in GIT_ENV_DROP:
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):
        if name.startswith(
            (
                "GIT_CONFIG",
                "GITHUB_",
                "CI_COMMIT",
                "CI_MERGE_REQUEST",
                "BUILDKITE",
                "CIRCLE_",
                "SYSTEM_PULLREQUEST",
                "BUILD_SOURCEBRANCH",
                "CHANGE_",
                "BITBUCKET_",
                "DRONE_",
            )
        ):
            monkeypatch.delenv(name, raising=False)
    # CI runs this suite under a CI of its own: its CI=true would make `check` warn.
    for name in ("BRANCH_NAME", "GIT_BRANCH", "CI", "GITLAB_CI", "TF_BUILD", "JENKINS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    # temporary files (the demo's throwaway repository among them) stay in the test's own
    # directory, in this process and in every process it starts
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Zoë Ångström")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "zoe@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Zoë Ångström")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "zoe@example.com")
    monkeypatch.setenv("PRE_COMMIT_HOME", str(pre_commit_home))
    monkeypatch.setenv("PREK_HOME", str(prek_home))
    # pip's wheel and download cache, shared by the whole run (pip writes it atomically):
    # the fresh-venv tests and pre-commit's hook environments fetch each wheel once
    monkeypatch.setenv("PIP_CACHE_DIR", str(pre_commit_home.parent / "pip-cache"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    (home / ".gitconfig").write_text(
        "[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n"
        '[protocol "file"]\n\tallow = always\n',
        encoding="utf-8",
    )
    return home


@pytest.fixture(scope="session")
def repo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What :func:`remote` and :func:`repo` start from, made once per worker with git (as
    ``isolated_env`` configures it) and copied per test: ``empty.git`` (a bare repository),
    and ``work`` with one commit on main pushed to its ``remote.git``."""
    root = tmp_path_factory.mktemp("repo-template")
    (root / "home").mkdir()
    (root / "home" / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n", encoding="utf-8")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
        "HOME": str(root / "home"),
        "XDG_CONFIG_HOME": str(root / "home" / ".config"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Zoë Ångström",
        "GIT_AUTHOR_EMAIL": "zoe@example.com",
        "GIT_COMMITTER_NAME": "Zoë Ångström",
        "GIT_COMMITTER_EMAIL": "zoe@example.com",
    }
    git(root, "init", "-q", "--bare", "empty.git", env=env)
    git(root, "init", "-q", "--bare", "remote.git", env=env)
    git(root, "init", "-q", "work", env=env)
    work = root / "work"
    (work / "app.py").write_text("print('hello')\n", encoding="utf-8")
    git(work, "add", "app.py", env=env)
    git(work, "commit", "-q", "-m", "initial", env=env)
    git(work, "remote", "add", "origin", str(root / "remote.git"), env=env)
    git(work, "push", "-q", "origin", "main", env=env)
    return root


@pytest.fixture
def remote(tmp_path: Path, repo_template: Path) -> Path:
    """An empty bare repository (a copy of one git made)."""
    path = tmp_path / "remote.git"
    shutil.copytree(repo_template / "empty.git", path, symlinks=True)
    return path


@pytest.fixture
def repo(
    tmp_path: Path, remote: Path, repo_template: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A working tree with one commit on main, pushed to a local bare remote: copies of
    :func:`repo_template`'s (git would make the same, at ~40 ms a test)."""
    path = tmp_path / "work"
    shutil.rmtree(remote)
    shutil.copytree(repo_template / "remote.git", remote, symlinks=True)
    shutil.copytree(repo_template / "work", path, symlinks=True)
    config = path / ".git" / "config"
    text = config.read_text(encoding="utf-8")
    moved = text.replace(str(repo_template / "remote.git"), str(remote))
    assert moved != text, text
    config.write_text(moved, encoding="utf-8")
    monkeypatch.chdir(path)
    return path


COVERAGE_ENV = ("COVERAGE_PROCESS_CONFIG", "COVERAGE_PROCESS_START")


def unmeasured_env() -> dict[str, str]:
    """The environment without coverage.py's subprocess measurement, for a setup step that
    is not the code under test (measuring it costs each Python process ~150 ms more)."""
    return {k: v for k, v in os.environ.items() if k not in COVERAGE_ENV}


@pytest.fixture
def untraced() -> Iterator[None]:
    """coverage.py's tracers paused for the test: for a test timed against a bound, which
    they triple. pytest-cov's ``no_cover`` fails under ``--no-cov`` and stops only its own
    instance, which resumes the one an xdist worker started as a measured subprocess."""
    import coverage

    stopped = []
    while (cov := coverage.Coverage.current()) is not None:
        cov.stop()
        stopped.append(cov)
    try:
        yield
    finally:
        for cov in reversed(stopped):
            cov.start()


@pytest.fixture
def installed(repo: Path) -> Path:
    """``repo`` with our hooks installed directly. The install itself is a setup step here
    (tests/test_install.py measures it)."""
    proc = hh(repo, "install", env=unmeasured_env())
    assert proc.returncode == 0, proc.stderr
    return repo


@pytest.fixture(scope="session")
def hook_repo_rev(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This project as a git repository at one commit, for pre-commit's `repo:`."""
    dest = tmp_path_factory.mktemp("hotfix-hooks-src") / "hotfix-hooks"
    dest.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "hatch_build.py"):
        shutil.copy2(PROJECT / name, dest / name)
    for name in ("hotfix_hooks", "templates"):
        shutil.copytree(PROJECT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-q", "-m", "snapshot")):
        subprocess.run(("git", *args), cwd=dest, check=True, env=env, capture_output=True)
    sha = subprocess.run(
        ("git", "rev-parse", "HEAD"), cwd=dest, check=True, env=env, capture_output=True, text=True
    ).stdout.strip()
    return dest, sha


PRE_COMMIT_CONFIG = """\
default_install_hook_types: [post-checkout, commit-msg, pre-push]
repos:
-   repo: {repo}
    rev: {rev}
    hooks:
    -   id: hotfix-scaffold
    -   id: hotfix-commit-msg
    -   id: hotfix-rollback-plan
"""


@pytest.fixture
def pre_commit_installed(
    repo: Path, hook_repo_rev: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """``repo`` with our hooks installed the pre-commit way. Our hooks then run in
    pre-commit's own environment, which coverage does not follow; what it would measure is
    pre-commit itself, at ~150 ms a process: the test's subprocesses run unmeasured (the
    same test with the direct install measures our code)."""
    for name in COVERAGE_ENV:
        monkeypatch.delenv(name, raising=False)
    source, rev = hook_repo_rev
    (repo / ".pre-commit-config.yaml").write_text(
        PRE_COMMIT_CONFIG.format(repo=source, rev=rev), encoding="utf-8"
    )
    git(repo, "add", ".pre-commit-config.yaml")
    git(repo, "commit", "-q", "-m", "pre-commit config")
    git(repo, "push", "-q", "origin", "main")
    for command in ("install", "install-hooks"):
        proc = subprocess.run(
            (str(BIN / "pre-commit"), command), cwd=repo, capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    yield repo


@pytest.fixture(
    params=["direct", pytest.param("pre-commit", marks=(pytest.mark.slow, pytest.mark.precommit))]
)
def hooked(request: pytest.FixtureRequest) -> Path:
    """A repository with our hooks, installed each way users install them."""
    name = "installed" if request.param == "direct" else "pre_commit_installed"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


HOTFIX_DIR = Path(".specswarm/features/042-hotfix")


def fill_plan(
    repo: Path, number: str = "042", plan: str = "Revert the release tag and redeploy v1.4.2"
) -> Path:
    path = repo / ".specswarm" / "features" / f"{number}-hotfix" / "hotfix.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[How to rollback if hotfix fails]", plan), encoding="utf-8")
    return path


def run_in_terminal(cwd: Path, *args: str) -> tuple[int, str]:
    """Run a command with a terminal as its controlling tty (what /dev/tty opens)."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.chdir(cwd)
            os.execvp(args[0], args)
        finally:
            os._exit(127)
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode("utf-8", "replace")


def git_said(repo: Path, *args: str) -> tuple[int, str]:
    """Run git as a user would and return (exit code, what the user saw). Under pre-commit a
    passing hook's output reaches only the terminal, so there git runs on one (a pty)."""
    if (repo / ".pre-commit-config.yaml").exists():
        return run_in_terminal(repo, "git", *args)
    proc = git(repo, *args, check=False)
    return proc.returncode, proc.stdout + proc.stderr
