"""The hand-written scanners on the commit-msg path agree with the regexes they replace
(`re` is kept off that path: its import costs more than the rest of the hook), and
tasks.md's reader agrees with the document model (markdown-it): tests/unit/document/test_blocks.py."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from hotfix_hooks.core.branch import format_number, parse_branch
from hotfix_hooks.document.tasks import named_tasks, parse_tasks

TASK_ID = re.compile(rb"(?<![A-Za-z0-9_])[Tt]([0-9]{3})(?![A-Za-z0-9_])")
TAIL = re.compile(r"([0-9]+)(?:-(.+))?", re.ASCII | re.DOTALL)

MESSAGE_BYTES = st.binary().map(bytes) | st.lists(
    st.sampled_from(
        [b"T", b"t", b"0", b"1", b"7", b"_", b"a", b" ", b"\n", b"-", b"\xc3\xa9", b"T001", b"t12"]
    ),
).map(b"".join)
BRANCH_TAIL = (
    st.lists(st.sampled_from(["0", "4", "2", "-", "x", "\n", "é", "١", "/", "--"])).map("".join)
    | st.text()
)


def regex_named(message: bytes) -> list[str]:
    found: dict[str, None] = {}
    for match in TASK_ID.finditer(message):
        found.setdefault("T" + match.group(1).decode(), None)
    return list(found)


def regex_branch(name: str, prefix: str = "hotfix/") -> tuple[str, str] | None:
    if not name.startswith(prefix):
        return None
    match = TAIL.fullmatch(name[len(prefix) :])
    if match is None:
        return None
    slug = match.group(2) or ""
    if match.group(2) is not None and not slug.strip("-"):
        return None
    return format_number(match.group(1)), slug


@settings(max_examples=400)
@given(MESSAGE_BYTES)
def test_named_tasks_matches_the_regex(message: bytes) -> None:
    assert named_tasks(message) == regex_named(message)


@settings(max_examples=400)
@given(BRANCH_TAIL)
def test_parse_branch_matches_the_regex(tail: str) -> None:
    parsed = parse_branch("hotfix/" + tail)
    expected = regex_branch("hotfix/" + tail)
    assert (None if parsed is None else (parsed.number, parsed.slug)) == expected


def test_examples() -> None:
    assert named_tasks(b"T001: x, [t002] and T003x T0044 xT005 T006") == ["T001", "T002", "T006"]
    assert parse_tasks("### T001: Implement Hotfix\n## T002 - Test ##\n####### T003: no\n") == [
        ("T001", "Implement Hotfix"),
        ("T002", "Test"),
    ]
