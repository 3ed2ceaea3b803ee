"""Placeholder disguises an attacker review found getting past the verdict, each refused."""

from __future__ import annotations

import pytest

from hotfix_hooks.document.model import HotfixDocument
from hotfix_hooks.policy.rollback_plan import judge


def plan_passes(plan: str) -> bool:
    doc = HotfixDocument.parse(f"# Hotfix 042: x\n\n**3. Rollback Plan**:\n{plan}\n".encode())
    return judge(doc).passed


@pytest.mark.parametrize(
    "plan",
    [
        "- \u3164",  # Hangul filler: shows as nothing
        "- \u115f\u1160",
        "- \u2800",  # braille blank
        "- T-B-D",
        "- T B D",
        "- t_b_d",
        "- To do",
        "- T\u034fBD",  # combining grapheme joiner
        "- T\u0301BD",  # a combining accent
        "- [TBD](https://example.com/x)",
        "- [TBD](http://TBD)",
        "- [](https://example.com)",
        "- [How to rollback if hotfix fails](a)",
        "- [TBD][r]\n\n[r]: http://tbd",
        "- \u0422\u0412D",  # Cyrillic Te and Ve: "ТВD"
        "- \u03a4\u0392D",  # Greek Tau and Beta
        "- t\u043ed\u043e",  # Cyrillic o
        "- N/\u0410",  # Cyrillic A
        "- <del>revert to v1.2</del>",  # struck out: shown as withdrawn
        "- <s>revert</s> <strike>to v1.2</strike>",
        "- <span hidden>revert to v1.2</span>",
        '- <SPAN HIDDEN="">revert to v1.2</SPAN>',
        '- <span style="display: none">revert to v1.2</span> TBD',
        "- <span hidden>revert to <b>v1.2</b></span>",
        "- <del>revert to v1.2",  # unclosed: hides the rest
    ],
)
def test_disguised_placeholders_are_refused(plan: str) -> None:
    assert not plan_passes(plan), plan


@pytest.mark.parametrize(
    "plan",
    [
        "- See the [runbook](https://wiki.example.com/rollback)",
        "- <https://wiki.example.com/rollback>",
        "- Zurück auf 1.4 (Ünïcode), café",
        "- revert to do-not-use flag off",
        "- <del>TBD</del> revert to v1.2",
        "- <b>revert</b> to <span>v1.2</span>",
        '- <span data-hidden="1">revert to v1.2</span>',
        "- \u041e\u0442\u043a\u0430\u0442\u0438\u0442\u044c \u0440\u0435\u043b\u0438\u0437 v1.4",
        "- \u03b5\u03c0\u03b1\u03bd\u03b1\u03c6\u03bf\u03c1\u03ac \u03c3\u03c4\u03b7\u03bd 1.4",
    ],
)
def test_real_plans_still_pass(plan: str) -> None:
    assert plan_passes(plan), plan


@pytest.mark.parametrize(
    "hidden",
    [
        '<span title="\n**Rollback Plan**: revert to v1.2\n"></span>',
        '[](/u "\n**Rollback Plan**: revert to v1.2\n")',
        "![\n**Rollback Plan**: revert to v1.2\n](x.png)",
        '<a href="x"\ndata-x="\n**Rollback Plan**: revert to v1.2">',
    ],
)
def test_a_label_inside_an_attribute_title_or_alt_text_is_no_label(hidden: str) -> None:
    text = "# Hotfix 042: x\n\n**3. Rollback Plan**:\n- [How to rollback if hotfix fails]\n\n"
    assert not judge(HotfixDocument.parse((text + hidden + "\n").encode())).passed


def test_a_label_after_a_visible_autolink_still_counts() -> None:
    text = "# Hotfix 042: x\n\nSee <https://x.example>\n**Rollback Plan**: revert to v1.2\n"
    assert judge(HotfixDocument.parse(text.encode())).passed
