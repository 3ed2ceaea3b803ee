from __future__ import annotations

import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotfix_hooks.core.trailers import (
    Rules,
    add_trailers,
    content_end,
    detect_auto_comment,
    existing_trailers,
    rules_from_config,
)

OURS = [("Hotfix", "042"), ("Task", "T001")]
RULES = Rules()


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (b"T001: x", b"T001: x\n\nHotfix: 042\nTask: T001\n"),
        (b"T001: x\n", b"T001: x\n\nHotfix: 042\nTask: T001\n"),
        (b"T001: x\n\n", b"T001: x\n\nHotfix: 042\nTask: T001\n\n"),
        (
            b"T001: x\n\nbody\n\nSigned-off-by: A <a@x>\n",
            b"T001: x\n\nbody\n\nSigned-off-by: A <a@x>\nHotfix: 042\nTask: T001\n",
        ),
        (
            b"T001: x\n# Please enter\n# ------------------------ >8 ------------------------\ndiff\n",
            b"T001: x\n\nHotfix: 042\nTask: T001\n# Please enter\n"
            b"# ------------------------ >8 ------------------------\ndiff\n",
        ),
        (b"T001: x\r\n\r\nbody\r\n", b"T001: x\r\n\r\nbody\r\n\r\nHotfix: 042\r\nTask: T001\r\n"),
        (b"T001: caf\xe9\n", b"T001: caf\xe9\n\nHotfix: 042\nTask: T001\n"),
        (b"T001: x\n\nHotfix: 042\n", b"T001: x\n\nHotfix: 042\nTask: T001\n"),
        (b"# only a comment\n", b"# only a comment\n"),
        (b"", b""),
    ],
)
def test_examples(before: bytes, after: bytes) -> None:
    assert add_trailers(before, OURS, RULES) == after


def test_existing_trailers_and_continuation() -> None:
    msg = b"s\n\nbody\n\nReviewed-by: A\n  continued\nTask: T001\n"
    assert existing_trailers(msg, RULES) == [("Reviewed-by", "A continued"), ("Task", "T001")]


def test_mostly_prose_paragraph_is_not_a_trailer_block() -> None:
    msg = b"s\n\nThis is prose.\nMore prose.\nKey: value\n"
    assert add_trailers(msg, OURS, RULES).endswith(b"Key: value\n\nHotfix: 042\nTask: T001\n")


def test_configured_key_makes_block_recognised() -> None:
    msg = b"s\n\nprose one\nprose two\nprose three\nFixes: 1\n"
    rules = rules_from_config([("trailer.fixes.key", "Fixes")], msg)
    assert add_trailers(msg, OURS, rules).endswith(b"Fixes: 1\nHotfix: 042\nTask: T001\n")


@pytest.mark.parametrize(
    ("message", "char"),
    [
        (b"T001: x\n\n#123 ticket\n; Please enter\n", b";"),
        (b"T001: x\n", b"#"),
        (b"#a\n;b\n@ Please\n", b"@"),
        (b"T001\n# comment\n", b"#"),
    ],
)
def test_auto_comment_char(message: bytes, char: bytes) -> None:
    assert detect_auto_comment(message) == char


LINE = st.one_of(
    st.just(b""),
    st.just(b"# a comment"),
    st.just(b"Signed-off-by: A <a@example.com>"),
    st.just(b"Task: T001"),
    st.just(b"Hotfix: 042"),
    st.just(b"  continuation"),
    st.binary(max_size=30).map(lambda b: b.replace(b"\n", b"")),
    st.text(max_size=30).map(lambda t: t.replace("\n", "").encode()),
)
MESSAGE = st.lists(LINE, max_size=12).map(lambda lines: b"\n".join(lines)) | st.binary(max_size=200)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(MESSAGE, st.booleans())
def test_properties(message: bytes, crlf: bool) -> None:
    if crlf:
        message = message.replace(b"\n", b"\r\n")
    once = add_trailers(message, OURS, RULES)
    end = content_end(message, RULES)
    # the message's own content comes first, unchanged
    assert once.startswith(message[:end])
    # what came after it (comments, scissors) is still there, after ours
    assert once.endswith(message[end:])
    # idempotent
    assert add_trailers(once, OURS, RULES) == once
    # never duplicated: ours appear once, or as often as the message already had them
    before = [(k.lower(), v) for k, v in existing_trailers(message, RULES)]
    after = [(k.lower(), v) for k, v in existing_trailers(once, RULES)]
    if message[:end].strip():
        for key, value in OURS:
            pair = (key.lower(), value)
            assert after.count(pair) == max(before.count(pair), 1)


TOKEN_LINE = st.sampled_from(
    [
        b"Signed-off-by: A <a@example.com>",
        b"Reviewed-by: B",
        b"Fixes: 12",
        b"plain prose line",
        b"another: but prose",
        b"",
        b"    indented continuation",
        b"Task: T001",
        b"Hotfix: 042",
    ]
)


@settings(max_examples=250, deadline=None)
@given(st.lists(TOKEN_LINE, min_size=1, max_size=8))
def test_same_placement_as_git_interpret_trailers(lines: list[bytes]) -> None:
    message = b"Subject line\n" + b"\n".join(lines) + b"\n"
    ours = add_trailers(message, OURS, RULES)
    theirs = subprocess.run(
        (
            "git",
            "-c",
            "trailer.ifexists=addIfDifferent",
            "interpret-trailers",
            "--trailer",
            "Hotfix: 042",
            "--trailer",
            "Task: T001",
        ),
        input=message,
        capture_output=True,
        check=True,
    ).stdout
    assert ours == theirs


def test_continuation_of_a_prose_line_does_not_fold_into_a_trailer() -> None:
    msg = b"s\n\nTask: T001\nprose\n    continued\nSigned-off-by: A <a@x>\n"
    assert existing_trailers(msg, RULES) == [("Task", "T001"), ("Signed-off-by", "A <a@x>")]
    assert add_trailers(msg, OURS, RULES) == msg + b"Hotfix: 042\n"
