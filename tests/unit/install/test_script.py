"""The sh fast path decides as the Python owner does (issues 19 and 21).

Every installed hook starts with sh that exits early when there is certainly nothing to do
(``install/script.py``, generated from ``config.settings``' names). Here the generated
script runs, with the Python hook replaced by ``exit 99``, over a table of states: HEAD
forms, configuration files present, absent and hostile (symlinks to /dev/zero, FIFOs,
directories, a mention of us past the read cap), rebase states, pre-push ref lines. Where
the script exits early, the Python owner (``cheap_prefix``/``could_be_hotfix`` and the
git-directory readers the hooks call) must agree that there is nothing to do; where it
hands over, Python must have something to do, except for the HEAD forms the script leaves
to Python to ask git about.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hotfix_hooks.config.settings import could_be_hotfix
from hotfix_hooks.core.safe_files import READ_LIMIT
from hotfix_hooks.git import lean
from hotfix_hooks.install.script import fast_path
from tests.conftest import git

HANDED_OVER = 99
SHA = "1" * 40
ZERO = "0" * 40

HEADS = {
    "main": "ref: refs/heads/main\n",
    "hotfix": "ref: refs/heads/hotfix/042-x\n",
    "hotfix no slug": "ref: refs/heads/hotfix/7\n",
    "hotfix, no prefix slash": "ref: refs/heads/hotfix\n",
    "prefix inside": "ref: refs/heads/feature/hotfix/042-x\n",
    "configured prefix": "ref: refs/heads/fix-042-x\n",
    "detached": SHA + "\n",
    "detached sha-256": "2" * 64 + "\n",
    # left to Python, which asks git: both say "nothing to do" here
    "reftable": "ref: refs/heads/.invalid\n",
    "garbage": "what is this\n",
    "empty": "",
}
ASKS_GIT = {"reftable", "garbage", "empty"}

BIG = b"# " + b"x" * (READ_LIMIT - 20) + b"\n"


def straddling() -> bytes:
    """``hotfix-hooks`` across the read cap: neither side may see it."""
    head = b"#" * (READ_LIMIT - 5)
    return head + b"hotfix-hooks = 1\n"


def _write(name: str, data: bytes) -> Callable[[Path], None]:
    return lambda root: (root / name).write_bytes(data)


def _link(name: str, target: str) -> Callable[[Path], None]:
    return lambda root: os.symlink(target, root / name)


def _fifo(name: str) -> Callable[[Path], None]:
    return lambda root: os.mkfifo(root / name)


def _dir(name: str) -> Callable[[Path], None]:
    return lambda root: (root / name).mkdir()


CONFIGS: dict[str, list[Callable[[Path], None]]] = {
    "none": [],
    "unrelated pyproject": [_write("pyproject.toml", b'[project]\nname = "app"\n')],
    "pyproject mentions us": [_write("pyproject.toml", b"# see hotfix-hooks\n")],
    "pyproject sets the prefix": [
        _write("pyproject.toml", b'[tool.hotfix-hooks]\nbranch_prefix = "fix-"\n')
    ],
    "pyproject -> /dev/zero": [_link("pyproject.toml", "/dev/zero")],
    "pyproject -> /dev/stdin": [_link("pyproject.toml", "/dev/stdin")],
    "pyproject -> a regular file": [
        _write("real.toml", b"[project]\n"),
        _link("pyproject.toml", "real.toml"),
    ],
    "pyproject dangling": [_link("pyproject.toml", "nowhere.toml")],
    "pyproject FIFO": [_fifo("pyproject.toml")],
    "pyproject directory": [_dir("pyproject.toml")],
    "mention past the cap": [_write("pyproject.toml", BIG + b"[tool.hotfix-hooks]\n")],
    "mention across the cap": [_write("pyproject.toml", straddling())],
    "mention split by a NUL": [_write("pyproject.toml", b"# hotfix\0-hooks\n")],
    "binary pyproject": [_write("pyproject.toml", bytes(range(256)) * 4)],
    "dedicated file": [_write(".hotfix-hooks.toml", b'branch_prefix = "fix-"\n')],
    "dedicated -> /dev/zero": [_link(".hotfix-hooks.toml", "/dev/zero")],
    "dedicated, broken": [_write(".hotfix-hooks.toml", b"target_minute = 60\n")],
}

LINES = {
    "none": "",
    "blank": "  \n",
    "main to main": f"refs/heads/main {SHA} refs/heads/main {ZERO}\n",
    "main to a hotfix": f"refs/heads/main {SHA} refs/heads/hotfix/043-y {ZERO}\n",
    "hotfix to hotfix": f"refs/heads/hotfix/042-x {SHA} refs/heads/hotfix/042-x {ZERO}\n",
    "a tag": f"refs/tags/v1 {SHA} refs/tags/v1 {ZERO}\n",
    "configured prefix": f"refs/heads/fix-042-x {SHA} refs/heads/fix-042-x {ZERO}\n",
    "a deletion": f"(delete) {ZERO} refs/heads/hotfix/042-x {SHA}\n",
}


PUSH_HEADS = ("main", "hotfix", "detached", "configured prefix")


@pytest.fixture(scope="module")
def scripts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The generated fast path of each client hook, with Python replaced by ``exit 99``."""
    where = tmp_path_factory.mktemp("scripts")
    out = {}
    for hook in ("post-checkout", "commit-msg", "pre-push"):
        path = where / hook
        path.write_text("#!/bin/sh\n" + fast_path(hook, f"sh -c 'exit {HANDED_OVER}'"), "utf-8")
        path.chmod(0o755)
        out[hook] = path
    return out


@pytest.fixture
def table_repo(repo: Path) -> Iterator[Path]:
    yield repo


def reset(root: Path) -> None:
    for name in ("pyproject.toml", ".hotfix-hooks.toml", "real.toml"):
        path = root / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.is_symlink() or path.exists():
            path.unlink()
    for name in ("rebase-merge", "HEAD"):
        path = root / ".git" / name
        if path.is_symlink():
            path.unlink()
    shutil.rmtree(root / ".git" / "rebase-merge", ignore_errors=True)


def sh_decides(script: Path, root: Path, args: list[str], stdin: str = "") -> bool:
    """True when the script hands over to Python; False when it exits early (0)."""
    proc = subprocess.run(
        ("sh", str(script), *args), cwd=root, input=stdin.encode(), capture_output=True, timeout=30
    )
    assert proc.returncode in (0, HANDED_OVER), proc.stderr
    return proc.returncode == HANDED_OVER


def python_acts(hook: str, root: Path, args: list[str], stdin: str = "") -> bool:
    """Whether the Python hook, making the same first decisions through the owner's
    functions (as ``hooks/*.py`` call them), goes on to do something."""
    git_dir = str(root / ".git")
    head = lean.head_branch(git_dir)
    if hook == "post-checkout":
        return args[2] == "1" and could_be_hotfix(str(root), head)
    if hook == "commit-msg":
        return could_be_hotfix(str(root), head or lean.rebased_branch(git_dir))
    from hotfix_hooks.config.settings import cheap_prefix

    if not stdin.strip():
        return could_be_hotfix(str(root), head)
    prefix = cheap_prefix(str(root))
    return prefix is None or prefix in stdin


def cases() -> Iterator[tuple[str, str, str, list[str], str]]:
    """(hook, HEAD, configuration, args, stdin) over the table."""
    for head in HEADS:
        for config in CONFIGS:
            yield "post-checkout", head, config, [ZERO, SHA, "1"], ""
            yield "commit-msg", head, config, ["MSG"], ""
            for name, lines in LINES.items():  # HEAD counts only when no line came
                if head == "main" or (name in ("none", "blank") and head in PUSH_HEADS):
                    yield "pre-push", head, config, ["origin", "url"], lines
    yield "post-checkout", "hotfix", "none", [ZERO, SHA, "0"], ""  # a file checkout


def sh_decide_all(
    scripts: dict[str, Path], root: Path, cases: list[tuple[str, list[str], str]]
) -> list[bool]:
    """``sh_decides`` for many (hook, args, stdin) in one state, from one driver script (a
    process per case is the shell's own; the test's cost is then the table, not Python)."""
    import shlex

    lines = [
        f"printf %s {shlex.quote(stdin)} | sh {shlex.quote(str(scripts[hook]))} "
        f"{shlex.join(args)} >/dev/null 2>&1; echo $?"
        for hook, args, stdin in cases
    ]
    proc = subprocess.run(
        ("sh", "-c", "\n".join(lines)), cwd=root, capture_output=True, text=True, timeout=120
    )
    codes = [int(code) for code in proc.stdout.split()]
    assert len(codes) == len(cases) and set(codes) <= {0, HANDED_OVER}, proc.stdout
    return [code == HANDED_OVER for code in codes]


def test_the_sh_fast_path_decides_as_python_does(
    table_repo: Path, scripts: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = table_repo
    monkeypatch.chdir(root)  # as git runs a client hook: at the top of the work tree
    states: dict[tuple[str, str], list[tuple[str, list[str], str]]] = {}
    for hook, head, config, args, stdin in cases():
        states.setdefault((head, config), []).append((hook, args, stdin))
    unsound, conservative = [], []
    for (head, config), state_cases in states.items():
        reset(root)
        (root / ".git" / "HEAD").write_text(HEADS[head], encoding="utf-8")
        for make in CONFIGS[config]:
            make(root)
        handed = sh_decide_all(scripts, root, state_cases)
        for (hook, args, stdin), sh_handed in zip(state_cases, handed, strict=True):
            acts = python_acts(hook, root, args, stdin)
            case = (hook, head, config, stdin.split(" ")[0:3:2])
            if acts and not sh_handed:
                unsound.append(case)
            elif sh_handed and not acts and head not in ASKS_GIT:
                conservative.append(case)
    reset(root)
    (root / ".git" / "HEAD").write_text(HEADS["main"], encoding="utf-8")
    assert unsound == []  # the script never skips what Python would do
    assert conservative == [], "\n".join(map(str, conservative))  # nor hands over for nothing


def test_rebase_and_symlinked_head_go_to_python(
    table_repo: Path, scripts: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = table_repo
    monkeypatch.chdir(root)
    git(root, "branch", "hotfix/042-x")
    head = root / ".git" / "HEAD"
    # a rebase of a hotfix branch: HEAD detached, the branch named in rebase-merge/head-name
    head.write_text(SHA + "\n", encoding="utf-8")
    (root / ".git" / "rebase-merge").mkdir()
    (root / ".git" / "rebase-merge" / "head-name").write_text("refs/heads/hotfix/042-x\n", "utf-8")
    assert sh_decides(scripts["commit-msg"], root, ["MSG"])
    assert python_acts("commit-msg", root, ["MSG"])
    reset(root)
    # a symlinked HEAD (git's old way) read through: never taken for "detached"
    head.unlink()
    os.symlink("refs/heads/hotfix/042-x", head)
    assert sh_decides(scripts["commit-msg"], root, ["MSG"])
    assert python_acts("commit-msg", root, ["MSG"])
    head.unlink()
    head.write_text(HEADS["main"], encoding="utf-8")
