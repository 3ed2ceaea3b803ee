"""Every way users run our hooks, with the real tools at their current versions: the direct
install, pre-commit, prek, lefthook (from PyPI and from npm) and husky (npm); the npm ones
come from .ci/install-real-tools (tests/realtools.py). The whole flow under each, with the
README's snippet verbatim: a push that adds no new commits, a refused `commit -am` whose
advice keeps `-a`, silence on other branches, the banner on the terminal, and `install`
beside a manager."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotfix_hooks.install.hook_file import is_ours
from hotfix_hooks.install.managers import husky_snippet, lefthook_script, lefthook_snippet
from tests import realtools
from tests.conftest import (
    BIN,
    HOTFIX_DIR,
    PRE_COMMIT_CONFIG,
    fill_plan,
    git,
    hh,
    run_in_terminal,
)

pytestmark = pytest.mark.slow
PRE_COMMIT = pytest.param("pre-commit", marks=pytest.mark.precommit)

MANAGERS = ["direct", "pre-commit", "prek", "lefthook", "lefthook-npm", "husky"]
NEEDS = {
    "lefthook-npm": pytest.mark.needs("lefthook-npm"),
    "husky": pytest.mark.needs("husky", "node"),
}


def tool(repo: Path, *args: str) -> None:
    proc = subprocess.run(args, cwd=repo, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{args}: {proc.stdout}{proc.stderr}"


def commit_config(repo: Path, *names: str) -> None:
    git(repo, "add", *names)
    git(repo, "commit", "-q", "-m", "hook manager config")
    git(repo, "push", "-q", "origin", "main")


@pytest.fixture
def prek_installed(repo: Path, hook_repo_rev: tuple[Path, str]) -> Path:
    source, rev = hook_repo_rev
    (repo / ".pre-commit-config.yaml").write_text(
        PRE_COMMIT_CONFIG.format(repo=source, rev=rev), encoding="utf-8"
    )
    commit_config(repo, ".pre-commit-config.yaml")
    tool(repo, str(BIN / "prek"), "install")
    tool(repo, str(BIN / "prek"), "install-hooks")
    return repo


def install_lefthook(repo: Path, lefthook: Path) -> Path:
    # The snippet docs/lefthook-husky.md shows (tests/test_docs.py: the same), as it is:
    # lefthook.yml, and the pre-push script it names.
    (repo / "lefthook.yml").write_text(lefthook_snippet(), encoding="utf-8")
    subprocess.run(("sh", "-c", lefthook_script()), cwd=repo, check=True)
    commit_config(repo, "lefthook.yml", ".lefthook")
    tool(repo, str(lefthook), "install")
    return repo


@pytest.fixture
def lefthook_installed(repo: Path) -> Path:
    """lefthook from PyPI."""
    return install_lefthook(repo, BIN / "lefthook")


@pytest.fixture
def lefthook_npm_installed(repo: Path) -> Path:
    """lefthook from npm (its own binary package), as `npx lefthook install` runs it."""
    return install_lefthook(repo, realtools.path_of("lefthook-npm"))


@pytest.fixture
def husky_installed(repo: Path) -> Path:
    husky = realtools.path_of("husky")  # `npx husky`: core.hooksPath=.husky/_ and its stubs
    tool(repo, str(realtools.path_of("node")), str(husky))
    script = husky_snippet().split("\n", 1)[1]  # the snippet of docs/lefthook-husky.md, as it is
    subprocess.run(("sh", "-c", script), cwd=repo, check=True)
    commit_config(repo, ".husky")
    return repo


def manager_param(name: str) -> object:
    if name == "pre-commit":
        return PRE_COMMIT
    if name in NEEDS:
        return pytest.param(name, marks=NEEDS[name])
    return name


@pytest.fixture(params=[manager_param(name) for name in MANAGERS])
def managed(request: pytest.FixtureRequest) -> Iterator[tuple[str, Path]]:
    name = {
        "direct": "installed",
        "pre-commit": "pre_commit_installed",
        "prek": "prek_installed",
        "lefthook": "lefthook_installed",
        "lefthook-npm": "lefthook_npm_installed",
        "husky": "husky_installed",
    }[request.param]
    yield request.param, request.getfixturevalue(name)


def output(proc: subprocess.CompletedProcess[str]) -> str:
    return proc.stdout + proc.stderr


def on_remote(remote: Path, branch: str) -> bool:
    return (
        git(remote, "rev-parse", "-q", "--verify", f"refs/heads/{branch}", check=False).returncode
        == 0
    )


def test_whole_flow(managed: tuple[str, Path], remote: Path) -> None:
    manager, repo = managed
    branch = "hotfix/042-login-500"
    git(repo, "checkout", "-q", "-b", branch)
    assert (repo / HOTFIX_DIR / "hotfix.md").is_file(), manager
    assert (repo / HOTFIX_DIR / "tasks.md").is_file()

    # A refused `commit -am`: the advice keeps -a, however deep the manager's wrappers.
    (repo / "app.py").write_text("print('drained')\n", encoding="utf-8")
    refused = git(repo, "commit", "-am", "drain faster", check=False)
    assert refused.returncode != 0
    assert "every commit must name a task" in output(refused)
    assert "git commit -am 'T001: drain faster'" in output(refused), (manager, output(refused))
    git(repo, "commit", "-q", "-am", "T001: guard null user")
    message = git(repo, "log", "-1", "--format=%B").stdout
    assert "Hotfix: 042" in message and "Task: T001" in message

    blocked = git(repo, "push", "origin", branch, check=False)
    assert blocked.returncode != 0, output(blocked)
    assert "Rollback Plan" in output(blocked)
    assert not on_remote(remote, branch)

    # A push that adds no new commits (main is on the remote already) to a hotfix branch:
    # gated all the same; lefthook skips a pre-push *command* here, never our script.
    # pre-commit and prek run no pre-push hook for it (README, "Known limits of pre-commit").
    no_new = git(repo, "push", "origin", "main:hotfix/005-y", check=False)
    if manager in ("pre-commit", "prek"):
        assert no_new.returncode == 0 and on_remote(remote, "hotfix/005-y"), output(no_new)
    else:
        assert no_new.returncode != 0, (manager, output(no_new))
        assert "skip" not in output(no_new), output(no_new)
        assert not on_remote(remote, "hotfix/005-y")

    fill_plan(repo)
    git(repo, "commit", "-q", "-am", "T001: rollback plan")
    pushed = git(repo, "push", "origin", branch, check=False)
    assert pushed.returncode == 0, output(pushed)
    assert on_remote(remote, branch)

    # Other branches: nothing from us, and no manager detail beyond its own status line.
    quiet = [
        git(repo, "checkout", "-q", "main"),
        git(repo, "checkout", "-q", "-b", "feature/x"),
        git(repo, "commit", "-q", "--allow-empty", "-m", "anything goes"),
        git(repo, "push", "-q", "origin", "feature/x"),
    ]
    said = "".join(output(proc) for proc in quiet)
    for text in ("hotfix-hooks", "EMERGENCY", "hook id", "duration", "warning"):
        assert text not in said, (manager, said)
    if manager in ("direct", "husky"):
        assert said == ""
    assert on_remote(remote, "feature/x")


@pytest.mark.parametrize("manager", [PRE_COMMIT, "prek"])
def test_banner_and_warnings_reach_the_terminal_under_capturing_managers(
    manager: str, request: pytest.FixtureRequest, remote: Path
) -> None:
    repo: Path = request.getfixturevalue(
        "pre_commit_installed" if manager == "pre-commit" else "prek_installed"
    )
    code, text = run_in_terminal(repo, "git", "checkout", "-b", "hotfix/042-login-500")
    assert code == 0
    assert text.count("EMERGENCY MODE - Hotfix 042") == 1, text
    assert "hook id" not in text

    # A plan without a Rollback Trigger passes with a warning: the terminal shows it.
    fill_plan(repo)
    git(repo, "commit", "-q", "-am", "T001: plan")
    code, text = run_in_terminal(repo, "git", "push", "origin", "hotfix/042-login-500")
    assert code == 0, text
    assert "Rollback Trigger" in text, text

    code, text = run_in_terminal(repo, "git", "checkout", "-b", "feature/y")
    assert code == 0
    assert "EMERGENCY" not in text and "hook id" not in text and "hotfix-hooks" not in text


@pytest.mark.precommit
def test_install_over_pre_commit_names_it_and_changes_nothing(
    pre_commit_installed: Path,
) -> None:
    repo = pre_commit_installed
    hooks = repo / ".git" / "hooks"
    before = {p.name: p.read_bytes() for p in hooks.iterdir() if not p.name.endswith(".sample")}
    proc = hh(repo, "install", "--force")
    assert proc.returncode == 0, proc.stderr  # its config runs ours already
    assert "pre-commit owns the hooks here and already runs hotfix-hooks" in proc.stdout
    after = {p.name: p.read_bytes() for p in hooks.iterdir() if not p.name.endswith(".sample")}
    assert after == before


@pytest.mark.precommit
def test_install_over_a_manager_without_ours_prints_the_snippet(repo: Path) -> None:
    (repo / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    commit_config(repo, ".pre-commit-config.yaml")
    tool(repo, str(BIN / "pre-commit"), "install", "--hook-type", "commit-msg")
    proc = hh(repo, "install", "--force")
    assert proc.returncode == 1
    assert "pre-commit owns the hooks here (commit-msg)" in proc.stderr
    assert "default_install_hook_types: [post-checkout, commit-msg, pre-push]" in proc.stderr
    assert "id: hotfix-commit-msg" in proc.stderr
    hooks = repo / ".git" / "hooks"
    assert not (hooks / "commit-msg.local").exists()
    assert not (hooks / "post-checkout").exists()


@pytest.mark.needs("husky", "node")
def test_install_over_husky_keeps_its_stubs(husky_installed: Path) -> None:
    repo = husky_installed
    stubs = repo / ".husky" / "_"
    before = {p.name: p.read_bytes() for p in stubs.iterdir()}
    (repo / ".husky" / "commit-msg").unlink()  # ours is no longer in husky's config
    proc = hh(repo, "install", "--force")
    assert proc.returncode == 1
    assert "husky owns the hooks here" in proc.stderr
    assert "hotfix-hooks hook commit-msg" in proc.stderr
    assert {p.name: p.read_bytes() for p in stubs.iterdir()} == before


def test_install_over_lefthook(lefthook_installed: Path) -> None:
    proc = hh(lefthook_installed, "install")
    assert proc.returncode == 0, proc.stderr
    assert "lefthook owns the hooks here and already runs hotfix-hooks" in proc.stdout


@pytest.mark.precommit
def test_our_install_then_pre_commit_install_runs_each_hook_once(
    repo: Path, hook_repo_rev: tuple[Path, str], remote: Path
) -> None:
    assert hh(repo, "install").returncode == 0
    source, rev = hook_repo_rev
    (repo / ".pre-commit-config.yaml").write_text(
        PRE_COMMIT_CONFIG.format(repo=source, rev=rev), encoding="utf-8"
    )
    commit_config(repo, ".pre-commit-config.yaml")
    tool(repo, str(BIN / "pre-commit"), "install")  # moves ours to <name>.legacy
    hooks = repo / ".git" / "hooks"
    assert is_ours(hooks / "commit-msg.legacy")

    git(repo, "checkout", "-q", "-b", "hotfix/042-x")
    assert (repo / HOTFIX_DIR / "hotfix.md").is_file()
    refused = git(repo, "commit", "-m", "no task", check=False)
    assert refused.returncode != 0
    assert output(refused).count("commit refused") == 1, output(refused)
    git(repo, "commit", "-q", "-m", "T001: docs")
    blocked = git(repo, "push", "origin", "hotfix/042-x", check=False)
    assert blocked.returncode != 0
    assert output(blocked).count("has no real rollback plan") == 1, output(blocked)

    # uninstall removes ours wherever pre-commit put it; pre-commit's hooks stay.
    proc = hh(repo, "uninstall")
    assert proc.returncode == 0
    assert not (hooks / "commit-msg.legacy").exists()
    assert b"pre-commit" in (hooks / "commit-msg").read_bytes()


@pytest.mark.precommit
def test_our_legacy_copy_still_runs_when_pre_commit_config_lacks_ours(repo: Path) -> None:
    assert hh(repo, "install").returncode == 0
    (repo / ".pre-commit-config.yaml").write_text(
        "default_install_hook_types: [commit-msg]\n"
        "repos: []  # TODO: add hotfix-commit-msg (a comment names it, and is no hook)\n",
        encoding="utf-8",
    )
    commit_config(repo, ".pre-commit-config.yaml")
    tool(repo, str(BIN / "pre-commit"), "install")
    git(repo, "checkout", "-q", "-b", "hotfix/042-x")
    refused = git(repo, "commit", "-m", "no task", check=False)
    assert refused.returncode != 0
    assert "commit refused" in output(refused)  # not orphaned
