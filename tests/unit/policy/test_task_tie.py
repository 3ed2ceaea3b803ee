"""policy/task_tie: the one rule the commit-msg hook, the server and `check` share."""

from __future__ import annotations

import pytest

from hotfix_hooks.core.trailers import Rules
from hotfix_hooks.policy import task_tie
from hotfix_hooks.policy.task_tie import EMPTY, EXEMPT, TIED, UNKNOWN, UNNAMED, judge

VALID = {f"T00{n}" for n in range(1, 8)}


@pytest.mark.parametrize(
    ("message", "kind", "named"),
    [
        (b"T001: guard null user\n", TIED, ["T001"]),
        (b"[t002] smoke test, part of T003\n", TIED, ["T002", "T003"]),
        (b"guard null user\n\nTask: T004\n", TIED, ["T004"]),
        (b"guard null user\n", UNNAMED, []),
        (b"T099: nope\n", UNKNOWN, []),
        (b"T0011 and XT001 are not task IDs\n", UNNAMED, []),
        (b"fixup! T001: x\n", EXEMPT, []),
        (b"squash! x\n", EXEMPT, []),
        (b"amend! x\n", EXEMPT, []),
        (b'Revert "T001: x"\n', EXEMPT, []),
        (b"", EMPTY, []),
        (b"\n \n", EMPTY, []),
    ],
)
def test_stored_messages(message: bytes, kind: str, named: list[str]) -> None:
    verdict = judge(message, VALID, merge=False)
    assert verdict.kind == kind and verdict.named == named


def test_merges_by_parents_or_by_subject() -> None:
    subject = b"Merge branch 'x' into hotfix/042-y\n"
    assert judge(subject, VALID, merge=None).kind == EXEMPT  # commit-msg: parents unknown
    assert judge(subject, VALID, merge=False).kind == UNNAMED  # server: one parent
    assert judge(b"anything\n", VALID, merge=True).kind == EXEMPT


def test_comments_count_only_for_a_message_being_written() -> None:
    message = b"guard null user\n# T001 in a comment\n"
    assert judge(message, VALID, rules=Rules()).kind == UNNAMED
    assert judge(message, VALID, rules=Rules(comment=b";")).kind == TIED
    assert judge(b"# only a comment\n", VALID, rules=Rules()).kind == EMPTY
    assert task_tie.screen(b"fixup! x\n", rules=Rules()) is not None
    assert task_tie.screen(b"T001: x\n", rules=Rules()) is None


def test_settings() -> None:
    assert judge(b"no task\n", VALID, default_task="T001").named == ["T001"]
    relaxed = judge(b"T099 and T002\n", VALID, require_task=False)
    assert relaxed.kind == TIED and relaxed.named == ["T002"] and relaxed.unknown == ["T099"]
    assert judge(b"no task\n", VALID, require_task=False).passed
    strict = judge(b"T099 and T002\n", VALID)
    assert strict.kind == UNKNOWN and not strict.passed and strict.unknown == ["T099"]
