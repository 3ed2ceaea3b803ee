"""Hooks are hot paths: what they import is checked here (timings live in benchmarks/)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BIN, PROJECT, git, hh

HEAVY = ("jinja2", "git", "click", "dataclasses", "typing", "pathlib", "subprocess", "re")
PROBE = f"""
import sys
already = set(sys.modules)
if sys.argv[1] != "-":
    from hotfix_hooks.hooks.entry import dispatch
    dispatch(sys.argv[1], sys.argv[2:], stdin=b"")
print(",".join(m for m in {HEAVY!r} if m in sys.modules and m not in already))
"""


def imported(repo: Path, *args: str) -> set[str]:
    """Heavy modules a hook imports (beyond what interpreter start-up, e.g. a
    coverage .pth under `pytest --cov`, had loaded already)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    proc = subprocess.run(
        (sys.executable, "-c", PROBE, *args),
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return set(filter(None, proc.stdout.strip().split(",")))


@pytest.mark.parametrize(
    "args",
    [
        ("post-checkout", "0" * 40, "0" * 40, "1"),
        ("commit-msg", "MSG"),
        ("pre-push", "origin", "url"),
    ],
)
def test_non_hotfix_branch_imports_nothing_heavy(repo: Path, args: tuple[str, ...]) -> None:
    (repo / "MSG").write_text("anything\n", encoding="utf-8")
    assert imported(repo, *args) == set()


def test_hotfix_commit_msg_imports_no_jinja_gitpython_or_click(installed: Path) -> None:
    git(installed, "checkout", "-q", "-b", "hotfix/042-x")
    (installed / "MSG").write_text("T001: fix\n", encoding="utf-8")
    heavy = imported(installed, "commit-msg", "MSG")
    assert not heavy & {"jinja2", "git", "click", "dataclasses", "typing", "pathlib", "subprocess"}
    assert "re" not in heavy  # its import costs more than the rest of the hook
    assert "Task: T001" in (installed / "MSG").read_text(encoding="utf-8")


# The console script's real process, as every hook manager runs it: a sitecustomize on
# PYTHONPATH records, at exit, every module that process loaded.
NEVER = ("click", "jinja2", "git", "markdown_it")
SITECUSTOMIZE = """
import atexit, os, sys
def _dump():
    with open(os.environ["HH_PROBE_OUT"], "w") as out:
        out.write("\\n".join(sorted(sys.modules)))
atexit.register(_dump)
"""


def manifest_entry(hook: str) -> list[str]:
    """The command pre-commit and prek run for our hook of type ``hook`` (from the manifest)."""
    import shlex

    text = (PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    entries = []
    for block in text.split("-   id: ")[1:]:
        fields = dict(
            line.strip().split(": ", 1) for line in block.splitlines()[1:] if ": " in line
        )
        if fields["stages"] == f"[{hook}]":
            entries.append(fields["entry"])
    (entry,) = entries
    argv = shlex.split(entry)
    assert argv[0] == "python"  # the hook's own venv python, first on PATH under a manager
    return [str(BIN / "python"), *argv[1:]]


def console_script_modules(
    cwd: Path, tmp_path: Path, *args: str, stdin: str = "", manifest: bool = False
) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    probe = tmp_path / "probe"
    probe.mkdir(exist_ok=True)
    (probe / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    out = tmp_path / "modules.txt"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COVERAGE_", "COV_CORE_"))}
    env.update(PYTHONPATH=str(probe), HH_PROBE_OUT=str(out))
    if manifest:  # -I ignores PYTHONPATH: there, -X importtime lists what loads
        python, *rest = manifest_entry(args[0])
        command = [python, "-X", "importtime", *rest, *args[1:]]
    else:
        command = [str(BIN / "hotfix-hooks"), "hook", *args]
    proc = subprocess.run(
        command,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if manifest:
        lines = proc.stderr.splitlines()
        timed = [line for line in lines if line.startswith("import time:")]
        proc.stderr = "".join(line + "\n" for line in lines if not line.startswith("import time:"))
        loaded = [line.rsplit("|", 1)[-1].strip() for line in timed[1:]]
        out.write_text("\n".join(loaded), encoding="utf-8")
    else:
        loaded = out.read_text(encoding="utf-8").split("\n")
    return {name.split(".")[0] for name in loaded} & set(NEVER) | {
        name for name in loaded if name.startswith(("hotfix_hooks.cli", "hotfix_hooks.commands"))
    }, proc


def push_line(repo: Path, local: str, remote_ref: str) -> str:
    sha = git(repo, "rev-parse", "HEAD").stdout.strip()
    return f"refs/heads/{local} {sha} refs/heads/{remote_ref} {'0' * 40}\n"


@pytest.mark.parametrize("manifest", [False, True], ids=["console-script", "manifest-entry"])
@pytest.mark.parametrize("hook", ["post-checkout", "commit-msg", "pre-push"])
def test_console_script_on_a_non_hotfix_branch_loads_no_click_jinja_gitpython_markdown(
    repo: Path, tmp_path: Path, hook: str, manifest: bool
) -> None:
    (repo / "MSG").write_text("anything\n", encoding="utf-8")
    head = git(repo, "rev-parse", "HEAD").stdout.strip()
    args = {
        "post-checkout": (head, head, "1"),
        "commit-msg": ("MSG",),
        "pre-push": ("origin", "url"),
    }[hook]
    loaded, proc = console_script_modules(
        repo, tmp_path, hook, *args, stdin=push_line(repo, "main", "main"), manifest=manifest
    )
    assert proc.returncode == 0 and proc.stdout + proc.stderr == ""
    assert loaded == set()
    if manifest:  # nor `re`, which the console-script wrapper itself imports
        assert "re" not in (tmp_path / "modules.txt").read_text(encoding="utf-8").split("\n")


@pytest.mark.parametrize("manager_style", ["git", "pre-commit"])
def test_console_script_under_pre_commit_environment_is_lean_too(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, manager_style: str
) -> None:
    """pre-commit/prek call post-checkout without arguments (the refs come in PRE_COMMIT_*)."""
    head = git(repo, "rev-parse", "HEAD").stdout.strip()
    if manager_style == "pre-commit":
        monkeypatch.setenv("PRE_COMMIT", "1")
        monkeypatch.setenv("PRE_COMMIT_CHECKOUT_TYPE", "1")
        monkeypatch.setenv("PRE_COMMIT_FROM_REF", head)
        monkeypatch.setenv("PRE_COMMIT_TO_REF", head)
        args: tuple[str, ...] = ()
    else:
        args = (head, head, "1")
    loaded, proc = console_script_modules(repo, tmp_path, "post-checkout", *args)
    assert proc.returncode == 0 and proc.stdout + proc.stderr == ""
    assert loaded == set()


def test_console_script_hotfix_paths(repo: Path, tmp_path: Path) -> None:
    """On a hotfix branch: commit-msg and post-checkout load none of them (Jinja2 only to
    scaffold); the pre-push gate may read Markdown, never click or GitPython."""
    git(repo, "checkout", "-q", "-b", "hotfix/042-x")
    head = git(repo, "rev-parse", "HEAD").stdout.strip()
    loaded, proc = console_script_modules(repo, tmp_path, "post-checkout", head, head, "1")
    assert proc.returncode == 0, proc.stderr
    assert "EMERGENCY MODE" in proc.stdout
    assert loaded <= {"jinja2"}
    git(repo, "add", "-A")
    (repo / "MSG").write_text("T001: fix\n", encoding="utf-8")
    loaded, proc = console_script_modules(repo, tmp_path, "commit-msg", "MSG")
    assert proc.returncode == 0, proc.stderr
    assert "Task: T001" in (repo / "MSG").read_text(encoding="utf-8")
    assert loaded == set()
    git(repo, "commit", "-q", "-m", "T001: docs")
    loaded, proc = console_script_modules(
        repo,
        tmp_path,
        "pre-push",
        "origin",
        "url",
        stdin=push_line(repo, "hotfix/042-x", "hotfix/042-x"),
    )
    assert proc.returncode == 1 and "rollback plan" in proc.stderr
    assert loaded <= {"markdown_it"}


def test_console_script_pre_receive(remote: Path, repo: Path, tmp_path: Path) -> None:
    assert hh(remote, "install", "--server").returncode == 0
    line = f"{'0' * 40} {git(repo, 'rev-parse', 'HEAD').stdout.strip()} refs/heads/feature/x\n"
    loaded, proc = console_script_modules(remote, tmp_path, "pre-receive", stdin=line)
    assert proc.returncode == 0, proc.stderr
    assert loaded == set()


def test_probe_sees_click_when_it_loads(repo: Path, tmp_path: Path) -> None:
    """The probe works: `--help` goes through click."""
    loaded, proc = console_script_modules(repo, tmp_path, "commit-msg", "--help")
    assert proc.returncode == 0 and "Usage:" in proc.stdout
    assert "click" in loaded and "hotfix_hooks.cli" in loaded


def test_status_on_an_unchanged_record_loads_no_click_markdown_or_dataclasses(
    installed: Path, tmp_path: Path
) -> None:
    """`status` twice on a hotfix branch, in the console script's real process: the first
    reads the record (markdown-it-py); the second, on the same bytes, remembers it."""
    from tests.conftest import fill_plan

    git(installed, "checkout", "-q", "-b", "hotfix/042-x")
    fill_plan(installed)
    git(installed, "commit", "-qam", "T003: rollback plan")
    probe = tmp_path / "probe"
    probe.mkdir()
    (probe / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    out = tmp_path / "modules.txt"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COVERAGE_", "COV_CORE_"))}
    env.update(PYTHONPATH=str(probe), HH_PROBE_OUT=str(out))
    loaded = []
    for _ in range(2):
        proc = subprocess.run(
            (str(BIN / "hotfix-hooks"), "status"),
            cwd=installed,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        loaded.append(set(out.read_text(encoding="utf-8").split("\n")))
    assert "markdown_it" in loaded[0]
    heavy = {"click", "markdown_it", "dataclasses", "inspect", "jinja2", "git"}
    assert not loaded[1] & heavy, loaded[1] & heavy
    assert "hotfix_hooks.document.model" not in loaded[1]
