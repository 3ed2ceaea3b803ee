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

from tests import measured, realtools

PROJECT = Path(__file__).resolve().parent.parent

# pytest keeps each test module with its assertions rewritten as bytecode in __pycache__, unless
# writing bytecode is off (PYTHONDONTWRITEBYTECODE): then every worker rewrites every test
# module again on every run, ~3 s of CPU each. The test processes write their own caches (git
# ignores __pycache__); the processes they start keep the setting they were given.
sys.dont_write_bytecode = False
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


# coverage.py follows a test's subprocesses (the hooks git runs, a command run as a real
# process) only in the tests named here: each Python process it follows costs ~130 ms more
# (importing coverage, writing its data), and nearly every line those processes run is
# measured in this process by the tests that call ``main()``. These are the fewest tests
# (weighed by their processes) whose processes reach every line and branch only processes
# reach: ``python tests/measured.py`` chooses them again (docs/development.md).
# HOTFIX_HOOKS_TEST_MEASURE=all (or none) measures every test's subprocesses (or none).
MEASURED_SUBPROCESSES = frozenset(
    {
        "tests/test_cancelled.py::test_abort_asks_on_a_terminal_and_needs_yes_without_one",
        "tests/test_cli.py::test_a_closed_stdout_is_no_traceback",
        "tests/test_cli.py::test_a_reader_that_went_away_is_no_error",
        "tests/test_cli.py::test_python_dash_m",
        "tests/test_commit_msg.py::test_comment_char_with_hash_body_line[direct-;]",
        "tests/test_commit_msg.py::test_crlf_message_stays_crlf[direct]",
        "tests/test_commit_msg.py::test_default_task_and_require_task[direct]",
        "tests/test_commit_msg.py::test_unknown_task_refused[direct]",
        "tests/test_config.py::test_bad_config_post_checkout_still_exits_0",
        "tests/test_dashboard.py::test_page_equals_report_json_on_a_real_repository",
        "tests/test_enforce.py::test_bare_clone_with_hooks_path_runs_pre_push",
        "tests/test_enforce.py::test_commits_parked_on_another_ref_are_still_judged[refs/tmp/stash-server_flags1]",
        "tests/test_enforce.py::test_edited_hook_is_neither_overwritten_nor_deleted",
        "tests/test_enforce.py::test_hook_manager_that_swallows_stdin[sh]",
        "tests/test_enforce.py::test_many_untied_commits_are_summed_up",
        "tests/test_enforce.py::test_pushed_tasks_md_defines_the_tasks_at_the_tip",
        "tests/test_enforce.py::test_server_require_task_false_turns_the_tie_off",
        "tests/test_events.py::test_a_hanging_command_is_cut_and_git_goes_on",
        "tests/test_events.py::test_new_fires_on_start_once_with_its_fields",
        "tests/test_git_messages.py::test_verbatim_comment_lines_are_the_message[config]",
        "tests/test_hostile_repo.py::test_a_huge_document_in_a_commit_is_refused_not_read",
        "tests/test_hostile_repo.py::test_a_manager_config_symlink_stalls_no_install",
        "tests/test_hostile_repo.py::test_fifos_in_the_work_tree_are_never_opened",
        "tests/test_install.py::test_local_hook_exit_code_is_respected",
        "tests/test_lifecycle.py::test_pre_push_on_a_terminal_does_not_wait",
        "tests/test_lifecycle.py::test_scaffold_prompts_for_number_on_a_terminal",
        "tests/test_new_start.py::test_new_asks_for_a_title_on_a_terminal",
        "tests/test_numbers.py::test_branch_field_of_a_finished_incident_holds_the_number",
        "tests/test_numbers.py::test_checkout_warns_commit_refused_rename_works[remote-only]",
        "tests/test_numbers.py::test_the_holder_keeps_working",
        "tests/test_post_checkout.py::test_hook_always_exits_0_on_internal_error",
        "tests/test_post_checkout.py::test_legacy_features_dir",
        "tests/test_post_checkout.py::test_nothing_during_rebase[direct]",
        "tests/test_post_checkout.py::test_only_missing_file_is_created_and_existing_never_touched[direct]",
        "tests/test_post_checkout.py::test_other_branches_are_left_alone[direct-hotfix/x]",
        "tests/test_post_checkout.py::test_stage_scaffold_false",
        "tests/test_post_checkout.py::test_worktree_add_scaffolds_in_new_worktree[direct]",
        "tests/test_postmortem.py::test_post_mortem_tied_after_finish_from_main",
        "tests/test_postmortem.py::test_the_tie_is_checked_and_counts_without_the_hooks",
        "tests/test_pre_push.py::test_root_commit_push",
        "tests/test_report_repos.py::test_a_home_of_no_such_user_is_one_line",
        "tests/test_report_repos.py::test_a_linked_worktree_is_the_same_repository",
        "tests/test_report_repos.py::test_bad_repositories_are_one_line_and_exit_2",
        "tests/test_rule_book.py::test_a_hotfix_commit_on_any_branch_is_judged_by_its_hotfix",
        "tests/test_rule_book.py::test_an_empty_server_finds_main_when_head_names_master",
        "tests/test_rule_book.py::test_exemptions_are_checked_not_trusted",
        "tests/test_rule_book.py::test_the_server_never_widens_what_it_accepts",
        "tests/test_server.py::test_invalid_pushed_config_is_rejected",
        "tests/test_team.py::test_a_conflicted_pull_rebase_a_refused_reword_and_a_squash",
        "tests/test_timeline.py::test_timeline_needs_a_hotfix",
    }
)


def measure_subprocesses(nodeid: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """coverage.py's subprocess variables kept for ``nodeid`` when it is named above (or
    ``all``), removed otherwise; with ``each:DIR`` (tests/measured.py), each test's
    processes write their data into a folder of the test's own under DIR."""
    choice = os.environ.get("HOTFIX_HOOKS_TEST_MEASURE", "")
    config = os.environ.get("COVERAGE_PROCESS_CONFIG")
    if choice.startswith(measured.EACH) and config is not None:
        folder = Path(choice.removeprefix(measured.EACH))
        monkeypatch.setenv(
            "COVERAGE_PROCESS_CONFIG", measured.per_test_config(config, folder, nodeid)
        )
    elif not (choice == "all" or (choice != "none" and nodeid in MEASURED_SUBPROCESSES)):
        for name in COVERAGE_ENV:
            monkeypatch.delenv(name, raising=False)


# Each test's ~/.gitconfig. git's automatic maintenance is off: after a commit, a fetch or a
# push it starts `git maintenance run --auto` or `git gc --auto`, processes no test is about.
GITCONFIG = (
    "[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n"
    '[protocol "file"]\n\tallow = always\n'
    "[maintenance]\n\tauto = false\n[gc]\n\tauto = 0\n[receive]\n\tautogc = false\n"
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
    measure_subprocesses(request.node.nodeid, monkeypatch)
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
    (home / ".gitconfig").write_text(GITCONFIG, encoding="utf-8")
    return home


@pytest.fixture(scope="session")
def repo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What :func:`remote` and :func:`repo` start from, made once per worker with git (as
    ``isolated_env`` configures it) and copied per test: ``empty.git`` (a bare repository),
    and ``work`` with one commit on main pushed to its ``remote.git``."""
    root = tmp_path_factory.mktemp("repo-template")
    (root / "home").mkdir()
    (root / "home" / ".gitconfig").write_text(GITCONFIG, encoding="utf-8")
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
    for hooks in (root / "empty.git/hooks", root / "remote.git/hooks", work / ".git/hooks"):
        for sample in hooks.glob("*.sample"):  # git's examples: ~40 files less to copy a test
            sample.unlink()
    return root


@pytest.fixture
def remote(tmp_path: Path, repo_template: Path) -> Path:
    """An empty bare repository (a copy of one git made); in a test that has :func:`repo`
    too, the one ``repo`` pushed to."""
    path = tmp_path / "remote.git"
    if not path.exists():
        shutil.copytree(repo_template / "empty.git", path, symlinks=True)
    return path


@pytest.fixture
def repo(tmp_path: Path, repo_template: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working tree with one commit on main, pushed to a local bare remote (the test's
    :func:`remote`): copies of :func:`repo_template`'s (git would make the same, at ~40 ms
    a test)."""
    path = tmp_path / "work"
    remote = tmp_path / "remote.git"
    if remote.exists():  # the test asked for remote first: the empty one is replaced
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


_INSTALLED: dict[str, bytes] = {}  # the scripts install wrote, by hook: once per worker


@pytest.fixture
def installed(repo: Path) -> Path:
    """``repo`` with our hooks installed directly. The install itself is a setup step here
    (tests/test_install.py tests it): a worker's first such test runs ``hotfix-hooks
    install``; the next ones get the same bytes, as the scripts name the interpreter and
    never the repository (what ``install`` itself costs, ~20 ms, is then saved ~500 times)."""
    from hotfix_hooks.install.hook_file import CLIENT_HOOKS

    hooks = repo / ".git" / "hooks"
    if not _INSTALLED:
        proc = hh(repo, "install", env=unmeasured_env())
        assert proc.returncode == 0, proc.stderr
        _INSTALLED.update({name: (hooks / name).read_bytes() for name in CLIENT_HOOKS})
        return repo
    for name, script in _INSTALLED.items():
        (hooks / name).write_bytes(script)
        (hooks / name).chmod(0o755)
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


def start_hotfix(repo: Path, branch: str = "hotfix/042-login-500") -> Path:
    """``git checkout -b BRANCH``, as a setup step: the work of our post-checkout hook (the
    scaffold) done in this process by ``hotfix-hooks hook post-checkout``, what the
    installed hook runs, without starting a Python process for it. The hook as git runs it
    is tested in tests/test_post_checkout.py and wherever a test checks out a branch."""
    head = git(repo, "rev-parse", "HEAD").stdout.strip()
    git(repo, "-c", f"core.hooksPath={os.devnull}", "checkout", "-q", "-b", branch)
    proc = hh(repo, "hook", "post-checkout", head, head, "1", env=unmeasured_env())
    assert proc.returncode == 0, proc.stderr
    return repo


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
