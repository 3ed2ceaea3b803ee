from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotfix_hooks.config.settings import Config
from hotfix_hooks.document.model import HotfixDocument
from hotfix_hooks.document.templates import render
from hotfix_hooks.policy import rollback_plan
from hotfix_hooks.policy.rollback_plan import PLAN, Verdict


def judge(text: str, *, trigger_required: bool = False) -> Verdict:
    """The verdict on hotfix.md text, through the one document model."""
    return rollback_plan.judge(
        HotfixDocument.parse(text.encode("utf-8")), trigger_required=trigger_required
    )


def is_real(body: str) -> bool:
    return judge(f"**3. Rollback Plan**:\n{body}\n").plan.real


CONTEXT = {
    "number": "042",
    "title": "X",
    "created": "2026-11-26 15:30 +00:00",
    "status": "Active",
    "branch": "hotfix/042-x",
    "base_commit": "0" * 40,
    "author": "Zoë",
    "version": "0",
}


@pytest.fixture(scope="module")
def template() -> str:
    return render(Path("."), Config(), "hotfix.md", CONTEXT)


def with_plan(template: str, plan: str) -> str:
    return template.replace("- [How to rollback if hotfix fails]", plan)


def test_template_fails(template: str) -> None:
    verdict = judge(template)
    assert not verdict.passed
    assert "placeholder" in verdict.problems[0]
    assert verdict.warnings  # trigger placeholder warns


@pytest.mark.parametrize(
    "plan",
    [
        "- Revert commit abc123 and redeploy v1.4.2",
        "Redeploy the previous image: `kubectl rollout undo deploy/login`",
        "1. Flip the feature flag `login_v2` off\n2. Purge the CDN",
        "- See [runbook](https://wiki.example.com/rollback)",
        "- Zurück auf die Version 1.4 (Ünïcode)",
        "- N/A? no: revert the migration with `alembic downgrade -1`",
    ],
)
def test_real_plans_pass(template: str, plan: str) -> None:
    assert judge(with_plan(template, plan)).passed


@pytest.mark.parametrize(
    "plan",
    [
        "- [How to rollback if hotfix fails]",
        "- [fill me in]",
        "TBD",
        "- TODO: write this",
        "- todo",
        "N/A",
        "n/a",
        "- none",
        "-",
        "?",
        "???",
        "",
        "   \n  \t",
        "<!-- write the plan here -->",
        "<!-- unterminated comment",
        "- [ ] [plan]",
        "- TBD\n- TODO\n- [later]",
        "...",
        "…",
        "FIXME",
        "*TBD*",
        "`TODO`",
    ],
)
def test_placeholders_fail(template: str, plan: str) -> None:
    verdict = judge(with_plan(template, plan))
    assert not verdict.passed, plan


def test_moved_heading_counts(template: str) -> None:
    text = template + "\n## Rollback Plan\n\nRevert to v1.4.2 with the deploy tool.\n"
    assert judge(text).passed


def test_bold_label_elsewhere_counts() -> None:
    assert judge("# Hotfix 1\n\n**Rollback Plan**: redeploy yesterday's build\n").passed


def test_section_stops_at_next_field(template: str) -> None:
    # real text under the next field must not count for the plan
    text = template.replace("- [Quick analysis]", "- a real root cause")
    assert not judge(text).passed


def test_missing_section() -> None:
    verdict = judge("# Hotfix 042\n\nnothing here\n")
    assert not verdict.passed
    assert verdict.problems == ["no Rollback Plan section"]


def test_trigger_required(template: str) -> None:
    text = with_plan(template, "- revert")
    assert judge(text).passed
    assert not judge(text, trigger_required=True).passed
    text = text.replace("[When to rollback]", "error rate > 2 % for 5 minutes")
    assert judge(text, trigger_required=True).passed


def test_find_sections_lines(template: str) -> None:
    sections = HotfixDocument.parse(template.encode("utf-8")).sections(PLAN)
    assert len(sections) == 1
    assert template.splitlines()[sections[0].line - 1].startswith("**3. Rollback Plan**")


PLACEHOLDER = st.sampled_from(
    [
        "TBD",
        "TODO",
        "N/A",
        "none",
        "-",
        "?",
        "",
        " ",
        "[How to rollback if hotfix fails]",
        "[anything]",
        "<!-- x -->",
        "tbd",
        "Todo: later",
        "FIXME",
    ]
)


@given(st.lists(PLACEHOLDER, max_size=6), st.sampled_from(["- ", "* ", "", "1. ", "> "]))
def test_placeholder_only_is_never_accepted(items: list[str], marker: str) -> None:
    body = "\n".join(f"{marker}{item}" for item in items)
    assert not is_real(body)
    assert not judge(f"**3. Rollback Plan**:\n{body}\n").passed


# NUL: refused as not UTF-8 text; a lone surrogate (Cs) cannot be UTF-8 encoded at all
@given(st.text(st.characters(blacklist_characters="\0", blacklist_categories=("Cs",))))
def test_never_crashes(text: str) -> None:
    verdict = judge(text)
    # a pass needs a real plan, and a real plan is text that was there
    assert verdict.passed == verdict.plan.real
    if verdict.plan.real:
        assert verdict.plan.text.strip()  # the plan shown is never empty
    else:
        assert verdict.problems
    judge(f"**3. Rollback Plan**:\n{text}")
    judge(f"## Rollback Plan\n{text}")
