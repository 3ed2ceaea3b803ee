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
        "- <template>revert to v1.2</template>",
        "- \u1d1b\u0299\u1d05",  # Latin small capitals
        "- TB\u0110",  # D with stroke
        "- T\u0181D",  # B with hook
        "- \u13a2\u13f4\u13a0",  # Cherokee
        "- \uab72\u13fc\uab70",  # Cherokee small letters
        "- n\u0585ne",  # Armenian o
        "- N/\u13aa",
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
        "- <br hidden>Revert the deploy with ./rollback.sh",  # void: hides nothing
        "- <img src=x.png hidden> Revert the tag",
        '- <span title="kept hidden from users">revert to v1.2</span>',
        '- <span title="display: none">revert to v1.2</span>',
        "- \u0141\u00f3d\u017a: fail over to the Warsaw region",
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


# -- HTML blocks around the plan: an element opened on a line of its own hides (or strikes
# out) every Markdown block up to the HTML block that closes it, headings and labels too.

TITLE = "# Hotfix 042: x\n\n"


@pytest.mark.parametrize(
    "text",
    [
        "<div hidden>\n\n## Rollback Plan\n\nRevert the release tag\n\n</div>\n",
        "**Rollback Plan**:\n\n<del>\n\nRevert the release tag\n\n</del>\n",
        '<div style="display: none">\n\n**Rollback Plan**: Revert the release tag\n\n</div>\n',
        "<s>\n\n**Rollback Plan**:\n\n- Revert the release tag\n- Redeploy v1.4.2\n\n</s>\n",
        "**Rollback Plan**:\n\n<div hidden>\n\n```sh\n./rollback.sh v1.4.2\n```\n\n</div>\n",
        # nested elements of the same name: the outer one still hides
        "<div hidden>\n<div>\n\n**Rollback Plan**: Revert\n\n</div>\n\nstill hidden\n\n</div>\n",
        # unclosed: hidden to the end
        "**Rollback Plan**:\n\n<del>\n\nRevert the release tag\n",
        "<template>\n\n**Rollback Plan**: Revert the release tag\n\n</template>\n",
        # in a list item
        "**Rollback Plan**:\n\n- <div hidden>\n\n  Revert the release tag\n\n  </div>\n",
    ],
)
def test_a_plan_inside_hiding_html_blocks_is_refused(text: str) -> None:
    verdict = judge(HotfixDocument.parse((TITLE + text).encode()))
    assert not verdict.passed, text
    if verdict.plan.found:
        assert verdict.plan.problem is not None and "inside HTML that hides it" in (
            verdict.plan.problem
        )


@pytest.mark.parametrize(
    "text",
    [
        "<div>\n\n**Rollback Plan**: Revert the release tag\n\n</div>\n",
        "<details>\n\n**Rollback Plan**: Revert the release tag\n\n</details>\n",
        # closed before the plan
        "<del>\n\nold plan\n\n</del>\n\n**Rollback Plan**: Revert the release tag\n",
        "<div hidden>\n\nnotes\n\n</div>\n\n## Rollback Plan\n\nRevert the release tag\n",
        # only in a comment, or as text in a code block
        "<!-- <div hidden> -->\n\n**Rollback Plan**: Revert the release tag\n",
        "```html\n<div hidden>\n```\n\n**Rollback Plan**: Revert the release tag\n",
        # a void element hides nothing
        "<img hidden src=x.png>\n\n**Rollback Plan**: Revert the release tag\n",
    ],
)
def test_html_blocks_that_hide_nothing_leave_the_plan_real(text: str) -> None:
    assert judge(HotfixDocument.parse((TITLE + text).encode())).passed, text


# -- a second attacker session's findings: GFM renderings and HTML parsing as browsers do


@pytest.mark.parametrize(
    "text",
    [
        "**Rollback Plan**: Rollback steps TBD\n",
        "**Rollback Plan**: To be filled in\n",
        "**Rollback Plan**: To be updated\n",
        "**Rollback Plan**: Plan TBD\n",
        "**Rollback Plan**: WIP\n",
        "**Rollback Plan**: work in progress\n",
        "**Rollback Plan**: Rollback\n",
        "**Rollback Plan**: How to rollback if the hotfix fails\n",
        "**Rollback Plan**: how to roll back if the hotfix fails\n",
        "**Rollback Plan**: ~Revert commit abc123~\n",
        "**Rollback Plan**: <s/>git revert abc\n",
        "<del/>\n\n**Rollback Plan**: git revert abc\n",
        "**Rollback Plan**:\n\n[^plan]: git revert abc\n",
        "<!--><del><!-- -->\n\n**Rollback Plan**: git revert abc\n",
        "<!-- --!><del><!-- -->\n\n**Rollback Plan**: git revert abc\n",
        '<del>\n\n<div title="</del>"></div>\n\n**Rollback Plan**: git revert abc\n',
        "<del>\n\n<!X </del>\n\n**Rollback Plan**: git revert abc\n",
        "<del>\n\n<div></del.></div>\n\n**Rollback Plan**: git revert abc\n",
        '<div title=">" hidden>\n\n**Rollback Plan**: git revert abc\n\n</div>\n',
        '<div title="x"hidden>\n\n**Rollback Plan**: git revert abc\n\n</div>\n',
        "<div hidden/>\n\n**Rollback Plan**: git revert abc\n\n</div>\n",
        '**Rollback Plan**: <span style="display:&#110;one">git revert abc</span>\n',
        '**Rollback Plan**: <span style="display:/**/none">git revert abc</span>\n',
        '**Rollback Plan**: <span style="opacity:0">git revert abc</span>\n',
        "**Rollback Plan**: <dialog>git revert abc</dialog>\n",
        "**Rollback Plan**:\n\n```mermaid\n%% git revert abc\n```\n",
    ],
)
def test_what_github_would_not_show_as_a_plan_is_refused(text: str) -> None:
    assert not judge(HotfixDocument.parse((TITLE + text).encode())).passed, text


@pytest.mark.parametrize(
    "text",
    [
        "**Rollback Plan**: Revert the release tag (TODO: tell support)\n",
        "**Rollback Plan**: cd ~/app && ~/bin/rollback v1.4.2\n",
        "**Rollback Plan**: if errors stay ~5% for ~10 min, redeploy v1.4.2\n",
        "**Rollback Plan**: Roll back the release to v1.4.2\n",
        "**Rollback Plan**: Revert\n",
        '**Rollback Plan**: <span style="opacity:0.5">git revert abc</span>\n',
        "**Rollback Plan**: <dialog open>git revert abc</dialog>\n",
        "**Rollback Plan**: git revert abc[^1]\n\n[^1]: and redeploy\n",
        "**Rollback Plan**:\n\n```mermaid\nflowchart LR\n  revert --> redeploy\n```\n",
    ],
)
def test_real_plans_next_to_those_still_pass(text: str) -> None:
    assert judge(HotfixDocument.parse((TITLE + text).encode())).passed, text
