"""The pre-push verdict cache: an entry gives back exactly the verdict it was written from,
and anything else in its place (another format, damage, a failing verdict) means judging
again, never a pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotfix_hooks.enforce.gate import VerdictCache
from hotfix_hooks.policy.rollback_plan import Finding, Verdict

BLOB = "ab" * 20

ODD_TEXT = "Revert v1.4.2\n\tthen \\n redeploy — ✓ \udc80 \x00 =#-+!"


@pytest.mark.parametrize("required", [True, False])
@pytest.mark.parametrize("branch", [None, "", "hotfix/042-x", ODD_TEXT])
def test_round_trip(tmp_path: Path, required: bool, branch: str | None) -> None:
    cache = VerdictCache(str(tmp_path))
    plan = Finding("Rollback Plan", True, True, ODD_TEXT, 12)
    trigger = Finding("Rollback Trigger", True, required, "[When]", 0, "a note\nwith lines")
    verdict = Verdict(plan, trigger, required)
    assert verdict.passed
    cache.put(BLOB, verdict, branch, "Cancelled")
    assert cache.get(BLOB, required) == (verdict, branch, "Cancelled")
    assert cache.get(BLOB, not required) is None  # the rules are part of the key


def test_failing_verdicts_are_never_given(tmp_path: Path) -> None:
    cache = VerdictCache(str(tmp_path))
    plan = Finding("Rollback Plan", True, True, "Revert", 3)
    good = Verdict(plan, Finding("Rollback Trigger", False, False, "", None), False)
    cache.put(BLOB, good, None, "Active")
    entry = next(cache.directory.iterdir())
    text = entry.read_text(encoding="ascii")
    # the same entry read under rules it fails (trigger required) is no verdict
    entry.rename(cache._path(BLOB, True))
    assert cache.get(BLOB, True) is None
    # a plan marked not real is no pass either
    cache._path(BLOB, False).write_text(text.replace("+", "!"), encoding="ascii")
    assert cache.get(BLOB, False) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: "",
        lambda t: t[: len(t) // 2],
        lambda t: t.replace("hotfix-hooks verdict 3", "hotfix-hooks verdict 2"),
        lambda t: t.replace("=Active", "-"),
        lambda t: t + "=extra\n",
        lambda t: t.rstrip("\n"),
        lambda t: t.replace("#3", "#x"),
        lambda t: t.replace("#3", "+"),
        lambda t: t.replace("=Revert", "Revert"),
        lambda t: t.replace("=Revert", "=\\N{NO SUCH NAME}"),
        lambda t: t.replace("=Revert", "=\\x"),
        lambda t: t.replace("=Revert", "=\\q"),  # warns: an error under -W error
        lambda t: t.replace("=Revert", "=\\x52evert"),  # the same text, not as put() writes it
        lambda t: '{"plan": {}, "trigger": {}, "branch": null, "status": "Active"}',
    ],
)
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the unknown escape warns
def test_damaged_entries_mean_judging_again(tmp_path: Path, damage: object) -> None:
    cache = VerdictCache(str(tmp_path))
    plan = Finding("Rollback Plan", True, True, "Revert", 3)
    verdict = Verdict(plan, Finding("Rollback Trigger", True, True, "5xx", 4), False)
    cache.put(BLOB, verdict, "hotfix/001-x", "Active")
    entry = cache._path(BLOB, False)
    assert callable(damage)
    entry.write_bytes(damage(entry.read_text(encoding="ascii")).encode())
    assert cache.get(BLOB, False) is None


def test_non_ascii_entry_is_ignored(tmp_path: Path) -> None:
    cache = VerdictCache(str(tmp_path))
    cache.directory.mkdir(parents=True)
    cache._path(BLOB, False).write_bytes(b"hotfix-hooks verdict 3\n=\xff\n")
    assert cache.get(BLOB, False) is None


def test_an_unknown_escape_is_no_entry_even_under_w_error(tmp_path: Path) -> None:
    import warnings

    cache = VerdictCache(str(tmp_path))
    plan = Finding("Rollback Plan", True, True, "Revert", 3)
    verdict = Verdict(plan, Finding("Rollback Trigger", True, True, "x", 4), False)
    cache.put(BLOB, verdict, None, "Active")
    entry = cache._path(BLOB, False)
    entry.write_text(entry.read_text(encoding="ascii").replace("=Revert", "=\\q"), "ascii")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cache.get(BLOB, False) is None


def test_a_kept_status_is_read_again_when_events_md_changes(repo: Path) -> None:
    """The Status kept with a verdict reads events.md too: the same hotfix.md beside
    another events.md is another entry."""
    from hotfix_hooks.config.settings import Config
    from hotfix_hooks.enforce.gate import read_plan
    from hotfix_hooks.git.blobs import CommitFiles
    from tests.conftest import fill_plan, git, start_hotfix

    start_hotfix(repo)
    folder = fill_plan(repo).parent
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "T003: plan")
    cache = VerdictCache(str(repo / ".git"))

    def status() -> str:
        with CommitFiles(repo, git(repo, "rev-parse", "HEAD").stdout.strip()) as files:
            record = read_plan(files, "042", Config(), cache)
        assert record.facts.verdict is not None and record.facts.verdict.passed
        return record.facts.status

    assert status() == status() == "Active"  # the second from the cache
    (folder / "events.md").write_text(
        "- 2026-11-26 03:40:05 +01:00 · cancelled · Dana · wrong number\n", encoding="utf-8"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "T003: cancel")
    assert status() == status() == "Cancelled"
    assert len(list(cache.directory.iterdir())) == 2
