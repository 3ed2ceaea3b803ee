"""Every reader and writer of hotfix.md through the one model, driven through real git and
the real CLI: the reproductions of the three-grammars and not-a-Markdown-reader findings."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import HOTFIX_DIR, git
from tests.test_lifecycle import run

BRANCH = "hotfix/042-login-500"
DOC = HOTFIX_DIR / "hotfix.md"
BASE = """# Hotfix 042: Login 500

{status}
**Created**: 2026-11-26 03:00 +01:00

## Immediate Actions

{plan}

## Metadata

**Branch**: hotfix/042-login-500
"""


def write_doc(repo: Path, *, status: str = "**Status**: Active", plan: str) -> Path:
    path = repo / DOC
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(BASE.format(status=status, plan=plan).encode("utf-8"))
    return path


@pytest.fixture
def on_branch(installed: Path) -> Path:
    git(installed, "checkout", "-q", "-b", BRANCH)  # scaffolds; the tests overwrite hotfix.md
    return installed


def push(repo: Path) -> subprocess.CompletedProcess[str]:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "T003: plan")
    return git(repo, "push", "origin", BRANCH, check=False)


@pytest.mark.parametrize(
    "plan",
    [
        "## Rollback Plan\n\n<!-- git revert abc123 and redeploy v1.4.2 -->",
        "## Rollback Plan\n\n```\n# TODO\n```",
        "## Rollback Plan\n\n    # TBD",
        "**3. Rollback Plan**:\n- [How to rollback if hotfix fails]\n\n**Owner**: alice",
        "**3. Rollback Plan**: (TBD)",
        "**3. Rollback Plan**: N/A\u200b",
        "**3. Rollback Plan**: ＴＢＤ",
        "**3. Rollback Plan**: T.B.D.",
        "**3. Rollback Plan**: ~~git revert abc123~~",
        "**3. Rollback Plan**: [How to rollback if hotfix fails]()",
        "**3. Rollback Plan**: <details><summary>TBD</summary></details>",
        "**3. Rollback Plan**: <br>",
        "<div hidden>\n\n## Rollback Plan\n\ngit revert abc123 and redeploy v1.4.2\n\n</div>",
    ],
)
def test_placeholder_in_any_dress_is_refused_at_push(on_branch: Path, plan: str) -> None:
    write_doc(on_branch, plan=plan)
    proc = push(on_branch)
    assert proc.returncode == 1, proc.stderr
    assert "has no real rollback plan" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "plan",
    [
        "**3. Rollback Plan:** git revert abc123 and redeploy v1.4.2",
        "__Rollback Plan__: git revert abc123 and redeploy v1.4.2",
        "- **Rollback Plan**: git revert abc123 and redeploy v1.4.2",
        "### 3. Rollback Plan\n\n```sh\ngit revert abc123 && ./deploy.sh v1.4.2\n```",
    ],
)
def test_real_plan_in_any_dress_passes(on_branch: Path, plan: str) -> None:
    write_doc(on_branch, plan=plan)
    proc = push(on_branch)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("status", ["**Status:** Resolved", "__Status__: Resolved"])
def test_status_in_another_dress_is_read_by_report_and_resolve(repo: Path, status: str) -> None:
    git(repo, "checkout", "-q", "-b", BRANCH)
    path = write_doc(
        repo,
        status=status + "\n**Resolved**: 2026-11-26 04:00 +01:00",
        plan="**3. Rollback Plan**: x",
    )
    before = path.read_bytes()
    data = json.loads(run(repo, "report", "--json").stdout)
    record = data["hotfixes"][0]
    assert record["status"] == "Resolved" and record["created"]
    assert record["time_to_resolution_seconds"] == 3600
    proc = run(repo, "resolve")
    assert proc.returncode == 0 and "already resolved" in proc.stdout
    assert path.read_bytes() == before  # no second Status line


@pytest.mark.parametrize(
    "data",
    [
        "**Status**: Active - café\n".encode("latin-1"),
        "\ufeff**Status**: Active\n".encode("utf-16"),
    ],
)
@pytest.mark.parametrize("command", [("rollback", "--yes"), ("resolve",), ("status",)])
def test_not_utf8_is_refused_and_left_byte_for_byte(
    repo: Path, data: bytes, command: tuple[str, ...]
) -> None:
    git(repo, "checkout", "-q", "-b", BRANCH)
    path = repo / DOC
    path.parent.mkdir(parents=True)
    path.write_bytes(b"# Hotfix 042: x\n\n" + data)
    before = path.read_bytes()
    proc = run(repo, *command)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "is not UTF-8 text" in proc.stderr and "Traceback" not in proc.stderr
    assert path.read_bytes() == before


def test_edits_keep_crlf_bom_and_trailing_spaces(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", BRANCH)
    text = BASE.format(status="**Status**: Active  ", plan="**3. Rollback Plan**: revert\t")
    data = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    path = repo / DOC
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    assert run(repo, "resolve").returncode == 0
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") and b"\n" not in after.replace(b"\r\n", b"")
    # only the Status line changed (the resolution itself is a line of events.md)
    assert after.replace(b"**Status**: Resolved", b"**Status**: Active  ", 1) == data
    events = (path.parent / "events.md").read_text(encoding="utf-8")
    assert "- 2026-11-26 04:05:00 +01:00 · resolved · " in events
    assert "time to resolution 1h 05m" in events


def test_postmortem_timeline_matches_the_number_exactly(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "hotfix/100-x")
    assert run(repo, "scaffold").returncode == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "T001: mine\n\nHotfix: 100\nTask: T001")
    git(repo, "commit", "-q", "--allow-empty", "-m", "T001: other\n\nHotfix: 1000\nTask: T001")
    assert run(repo, "resolve", "--postmortem").returncode == 0
    text = (repo / ".specswarm/features/100-hotfix/post-mortem.md").read_text("utf-8")
    assert "T001: mine" in text and "T001: other" not in text
