from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hotfix_hooks.hooks import commit_msg
from tests.conftest import git, hh, start_hotfix, unmeasured_env

TRAILERS = "Hotfix: 042\nTask: T001\n"


def message(repo: Path, rev: str = "HEAD") -> str:
    raw = git(repo, "cat-file", "commit", rev).stdout
    return raw.split("\n\n", 1)[1]


def raw_commit(repo: Path) -> bytes:
    return subprocess.run(
        ("git", "cat-file", "commit", "HEAD"), cwd=repo, capture_output=True, check=True
    ).stdout


def editor(tmp_path: Path, text: str, name: str = "editor.py") -> str:
    """An editor that puts ``text`` above what git prepared (comments, scissors)."""
    script = tmp_path / name
    script.write_text(
        "import sys\n"
        "path = sys.argv[1]\n"
        "with open(path, 'rb') as f: old = f.read()\n"
        f"with open(path, 'wb') as f: f.write({text.encode()!r} + old)\n",
        encoding="utf-8",
    )
    return f"{sys.executable} {script}"


@pytest.fixture
def hotfix(hooked: Path) -> Path:
    if (hooked / ".pre-commit-config.yaml").exists():  # through pre-commit, as git runs it
        git(hooked, "checkout", "-q", "-b", "hotfix/042-login-500", env=unmeasured_env())
        return hooked
    return start_hotfix(hooked)


@pytest.fixture
def direct(installed: Path) -> Path:
    return start_hotfix(installed)


def test_dash_m_stamps_trailers(hotfix: Path) -> None:
    git(hotfix, "commit", "-q", "-m", "T001: guard null user")
    assert message(hotfix) == f"T001: guard null user\n\n{TRAILERS}"
    values = git(hotfix, "log", "-1", "--format=%(trailers:key=Task,valueonly)").stdout.strip()
    assert values == "T001"


def test_untied_commit_refused_with_help(hotfix: Path) -> None:
    before = git(hotfix, "rev-parse", "HEAD").stdout
    proc = git(hotfix, "commit", "-m", "guard null user", check=False)
    assert proc.returncode == 1
    err = proc.stderr
    assert "hotfix 042" in err
    assert err.index("T001  Implement Hotfix") < err.index("T005  Root Cause Analysis")
    assert "git commit -m 'T001: guard null user'" in err
    assert "COMMIT_EDITMSG" in err
    assert git(hotfix, "rev-parse", "HEAD").stdout == before


def test_editor_with_verbose_keeps_trailers_and_no_diff(
    hotfix: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_EDITOR", editor(tmp_path, "T002: smoke test ✓\n\nBody line.\n"))
    git(hotfix, "commit", "-q", "-v")
    text = message(hotfix)
    assert text == "T002: smoke test ✓\n\nBody line.\n\nHotfix: 042\nTask: T002\n"
    assert "diff --git" not in text


def test_amend_twice_and_no_edit_never_duplicate(hotfix: Path) -> None:
    git(hotfix, "commit", "-q", "-m", "T001: first")
    git(hotfix, "commit", "-q", "--amend", "-m", message(hotfix))
    git(hotfix, "commit", "-q", "--amend", "--no-edit")
    assert message(hotfix) == f"T001: first\n\n{TRAILERS}"


def test_dash_F(hotfix: Path, tmp_path: Path) -> None:
    msg = tmp_path / "msg.txt"
    msg.write_text("[t003] deploy to prod\n\nPart of the rollout.\n", encoding="utf-8")
    git(hotfix, "commit", "-q", "-F", str(msg))
    assert message(hotfix).endswith("Part of the rollout.\n\nHotfix: 042\nTask: T003\n")


def test_several_tasks_one_trailer_each(hotfix: Path) -> None:
    git(hotfix, "commit", "-q", "-m", "T001 and t002: fix + test\n\nalso T001 again")
    assert message(hotfix).endswith("Hotfix: 042\nTask: T001\nTask: T002\n")


def test_unknown_task_refused(hotfix: Path) -> None:
    proc = git(hotfix, "commit", "-m", "T099: nope", check=False)
    assert proc.returncode == 1
    output = proc.stdout + proc.stderr  # pre-commit prints a hook's output to stdout
    assert "T099 is not a task of hotfix 042" in output
    assert "T007" in output


def test_task_must_be_whole_word(direct: Path) -> None:
    assert git(direct, "commit", "-m", "fix XT001 and T0011", check=False).returncode == 1


def test_fixup_squash_amend_pass_untouched(hotfix: Path) -> None:
    git(hotfix, "commit", "-q", "-m", "T001: first")
    git(hotfix, "commit", "-q", "--allow-empty", "--fixup", "HEAD")
    assert message(hotfix) == "fixup! T001: first\n"
    git(hotfix, "commit", "-q", "--allow-empty", "-m", "squash! T001: first")
    assert message(hotfix) == "squash! T001: first\n"


def test_revert_passes(hotfix: Path) -> None:
    git(hotfix, "commit", "-q", "-m", "T001: first")
    git(hotfix, "revert", "--no-edit", "HEAD")
    assert message(hotfix).startswith('Revert "T001: first"')
    assert "Task:" not in message(hotfix).split("\n\n", 1)[1]


def test_merge_no_ff_and_conflicted_merge(hotfix: Path) -> None:
    git(hotfix, "commit", "-q", "-m", "T001: first")
    git(hotfix, "checkout", "-q", "-b", "side", "main")
    (hotfix / "app.py").write_text("print('side')\n", encoding="utf-8")
    git(hotfix, "commit", "-q", "-am", "side change")
    git(hotfix, "checkout", "-q", "hotfix/042-login-500")
    git(hotfix, "merge", "-q", "--no-ff", "--no-edit", "side")
    assert message(hotfix).startswith("Merge branch 'side'")
    git(hotfix, "checkout", "-q", "-b", "side2", "main")
    (hotfix / "app.py").write_text("print('side2')\n", encoding="utf-8")
    git(hotfix, "commit", "-q", "-am", "side2 change")
    git(hotfix, "checkout", "-q", "hotfix/042-login-500")
    proc = git(hotfix, "merge", "side2", check=False)
    assert proc.returncode != 0  # conflict
    (hotfix / "app.py").write_text("print('resolved')\n", encoding="utf-8")
    git(hotfix, "add", "app.py")
    git(hotfix, "commit", "-q", "--no-edit")
    assert message(hotfix).startswith("Merge branch 'side2'")


def test_rebase_interactive_reword(
    direct: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(direct, "commit", "-q", "-m", "T001: first")
    seq = tmp_path / "seq.py"
    seq.write_text(
        "import sys\np=sys.argv[1]\nt=open(p).read()\nopen(p,'w').write(t.replace('pick','reword',1))\n",
        encoding="utf-8",
    )
    reword = tmp_path / "reword.py"
    reword.write_text(
        "import sys\nopen(sys.argv[1],'w').write('T002: reworded\\n')\n", encoding="utf-8"
    )
    monkeypatch.setenv("GIT_SEQUENCE_EDITOR", f"{sys.executable} {seq}")
    monkeypatch.setenv("GIT_EDITOR", f"{sys.executable} {reword}")
    git(direct, "rebase", "-q", "-i", "HEAD~1")
    assert message(direct) == "T002: reworded\n\nHotfix: 042\nTask: T002\n"
    assert git(direct, "symbolic-ref", "--short", "HEAD").stdout.strip() == "hotfix/042-login-500"


@pytest.mark.parametrize("char", [";", "auto"])
def test_comment_char_with_hash_body_line(hotfix: Path, tmp_path: Path, char: str) -> None:
    msg = tmp_path / "msg.txt"
    msg.write_text("T001: fix\n\n#123 is the ticket\n", encoding="utf-8")
    git(
        hotfix,
        "-c",
        f"core.commentChar={char}",
        "-c",
        "core.editor=true",
        "commit",
        "-q",
        "-e",
        "-F",
        str(msg),
    )
    assert message(hotfix) == "T001: fix\n\n#123 is the ticket\n\nHotfix: 042\nTask: T001\n"


def test_iso_8859_1_bytes_survive(hotfix: Path, tmp_path: Path) -> None:
    git(hotfix, "config", "i18n.commitEncoding", "ISO-8859-1")
    msg = tmp_path / "msg.txt"
    msg.write_bytes("T001: café für Zoë\n".encode("latin-1"))
    git(hotfix, "commit", "-q", "-F", str(msg))
    raw = raw_commit(hotfix)
    assert "T001: café für Zoë\n\nHotfix: 042\nTask: T001\n".encode("latin-1") in raw
    assert b"encoding ISO-8859-1" in raw


def test_crlf_message_stays_crlf(hotfix: Path, tmp_path: Path) -> None:
    msg = tmp_path / "msg.txt"
    msg.write_bytes(b"T001: crlf\r\n\r\nbody\r\n")
    git(hotfix, "commit", "-q", "--cleanup=verbatim", "-F", str(msg))
    raw = raw_commit(hotfix)
    assert raw.endswith(b"T001: crlf\r\n\r\nbody\r\n\r\nHotfix: 042\r\nTask: T001\r\n")


def test_one_megabyte_message(hotfix: Path, tmp_path: Path) -> None:
    msg = tmp_path / "msg.txt"
    body = "\n".join(f"line {i} — Ünïcode" for i in range(60000))
    msg.write_text(f"T001: big\n\n{body}\n", encoding="utf-8")
    assert msg.stat().st_size > 1_000_000
    git(hotfix, "commit", "-q", "-F", str(msg))
    assert message(hotfix).endswith(f"{body}\n\nHotfix: 042\nTask: T001\n")


def test_signed_off_and_co_authored_join_the_block(hotfix: Path) -> None:
    git(hotfix, "commit", "-q", "-s", "-m", "T001: fix\n\nCo-authored-by: Åsa <asa@example.com>")
    text = message(hotfix)
    assert text == (
        "T001: fix\n\nCo-authored-by: Åsa <asa@example.com>\n"
        "Signed-off-by: Zoë Ångström <zoe@example.com>\nHotfix: 042\nTask: T001\n"
    )


def test_worktree(installed: Path, tmp_path: Path) -> None:
    other = tmp_path / "wt"
    git(installed, "worktree", "add", "-q", "-b", "hotfix/043-wt", str(other))
    git(other, "commit", "-q", "-m", "T001: in a worktree")
    assert message(other).endswith("Hotfix: 043\nTask: T001\n")


def test_non_hotfix_branch_untouched(installed: Path) -> None:
    git(installed, "commit", "-q", "--allow-empty", "-m", "no task here")
    assert message(installed) == "no task here\n"


def test_default_task_and_require_task(hotfix: Path) -> None:
    (hotfix / ".hotfix-hooks.toml").write_text('default_task = "t004"\n', encoding="utf-8")
    git(hotfix, "commit", "-q", "--allow-empty", "-m", "monitoring dashboards")
    assert message(hotfix).endswith("Hotfix: 042\nTask: T004\n")
    (hotfix / ".hotfix-hooks.toml").write_text("require_task = false\n", encoding="utf-8")
    git(hotfix, "commit", "-q", "--allow-empty", "-m", "untied")
    assert message(hotfix) == "untied\n"
    git(hotfix, "commit", "-q", "--allow-empty", "-m", "T002 tied, T099 unknown")
    assert message(hotfix).endswith("Hotfix: 042\nTask: T002\n")


def test_refused_file_untouched_and_comment_only_passes(direct: Path, tmp_path: Path) -> None:
    msg = tmp_path / "COMMIT_EDITMSG"
    original = b"no task\n# Please enter the commit message\n"
    msg.write_bytes(original)
    assert commit_msg.main([str(msg)]) == 1
    assert msg.read_bytes() == original
    msg.write_bytes(b"# only comments\n\n")
    assert commit_msg.main([str(msg)]) == 0
    assert msg.read_bytes() == b"# only comments\n\n"


def test_tasks_md_from_working_tree_and_missing(direct: Path, tmp_path: Path) -> None:
    tasks = direct / ".specswarm/features/042-hotfix/tasks.md"
    tasks.write_text("# Tasks\n\n### T001: Fix\n### T010: Extra task\n", encoding="utf-8")
    git(direct, "commit", "-q", "-m", "T010: extra")
    assert message(direct).endswith("Task: T010\n")
    assert git(direct, "commit", "--allow-empty", "-m", "T002: gone", check=False).returncode == 1
    git(direct, "rm", "-rqf", ".specswarm")
    git(direct, "commit", "-q", "-m", "T002: tasks.md still at HEAD")  # HEAD's tasks.md counts
    assert message(direct).endswith("Task: T002\n")
    proc = git(direct, "commit", "-q", "--allow-empty", "-m", "T003: seed tasks now")
    assert "missing" in proc.stderr
    assert message(direct).endswith("Task: T003\n")


def test_bad_arguments() -> None:
    assert commit_msg.main([]) == 2


def test_pre_commit_hook_via_cli(direct: Path, tmp_path: Path) -> None:
    msg = tmp_path / "m.txt"
    msg.write_text("T001: via cli\n", encoding="utf-8")
    assert hh(direct, "hook", "commit-msg", str(msg)).returncode == 0
    assert msg.read_text(encoding="utf-8") == f"T001: via cli\n\n{TRAILERS}"


def test_unreadable_message_file(direct: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert commit_msg.main(["does-not-exist"]) == 2
    assert "cannot read the message file" in capsys.readouterr().err
