"""The rollback-plan verdict over the document model: real content passes, placeholders in any
dress do not, and only what stands under the label or heading counts."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotfix_hooks.document.model import MAX_BYTES, HotfixDocument
from hotfix_hooks.policy.rollback_plan import (
    PLAN,
    TRIGGER,
    Finding,
    Verdict,
    block_is_real,
    find,
    judge,
    real_lines,
    text_is_real,
)
from tests.unit.test_document_model import AFTER_RESOLVE, HAND_EDITED, TEMPLATE

PLACEHOLDER_LINE = "- [How to rollback if hotfix fails]"


def verdict(text: str, **kw: bool) -> Verdict:
    return judge(HotfixDocument.parse(text.encode("utf-8")), **kw)


def with_plan(plan: str) -> str:
    assert PLACEHOLDER_LINE in TEMPLATE
    return TEMPLATE.replace(PLACEHOLDER_LINE, plan)


# -- the old tests' cases ------------------------------------------------------------------


def test_template_fails() -> None:
    result = verdict(TEMPLATE)
    assert not result.passed
    assert result.problems == [
        "the Rollback Plan holds only a placeholder ('- [How to rollback if hotfix fails]')"
    ]
    assert result.warnings == [
        "the Rollback Trigger holds only a placeholder ('[When to rollback]')"
    ]


@pytest.mark.parametrize(
    "plan",
    [
        "- Revert commit abc123 and redeploy v1.4.2",
        "Redeploy the previous image: `kubectl rollout undo deploy/login`",
        "1. Flip the feature flag `login_v2` off\n2. Purge the CDN",
        "- See [runbook](https://wiki.example.com/rollback)",
        "- Zurück auf die Version 1.4 (Ünïcode)",
        "- N/A? no: revert the migration with `alembic downgrade -1`",
        # new dresses of real content
        "```sh\ngit revert abc123 && ./deploy.sh\n```",
        "```\n# undo the hotfix\ngit revert abc123\n```",
        "~~~\n$ kubectl rollout undo deploy/login\n~~~",
        "    git revert abc123",
        "[runbook](https://wiki.example.com/rb)",
        "- <https://wiki.example.com/rollback>",
        "- see [the runbook][rb]\n\n[rb]: https://wiki.example.com/rb",
        "> Revert to v1.4.2",
        "- ~~old plan~~ revert abc123 instead",
        "- TBD<br>revert abc123",
        "- revert *abc123* **now**",
        "- [ ] revert abc123",
        "- Revert \u200babc123",
        "<details><summary>plan</summary>\n\nRevert abc123\n\n</details>",
        "- Nothing to migrate: revert abc123",
    ],
)
def test_real_plans_pass(plan: str) -> None:
    result = verdict(with_plan(plan))
    assert result.passed, (plan, result.problems)
    assert result.plan.real and result.plan.line is not None


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
        # the reproductions
        "[bracketed hint]",
        "(TBD)",
        "<TBD>",
        '"none"',
        "N/A\u200b",
        "ＴＢＤ",
        "T.B.D.",
        "<br>",
        "~~git revert~~",
        "[How to rollback if hotfix fails]()",
        "<details><summary>TBD</summary></details>",
        "<div>git revert abc123</div>",
        "<!--\ngit revert abc123\n-->",
        "TBD <!-- git revert\nabc123 -->",
        "```\n<details><summary>TBD</summary></details>\n```",
        "`<br>` `</p>`",
        "- TBC",
        "- XXX",
        "- nil",
        "- null",
        "- nothing",
        "- pending",
        "- unknown",
        "- -",
        "- ?",
        "- …",
        "- TBD.",
        "- «none»",
        "- 'TBD'",
        "- TBD / TODO",
        "- to be determined",
        "- T\u200bB\u200bD",
        "- \u00adTBD\u2060",
        "- Ｎ／Ａ",
        "[revert abc123]()",
        "[revert abc123](#)",
        "[revert abc123](TBD)",
        "![revert abc123](https://example.com/diagram.png)",
        "```\nTBD\n```",
        "```sh\n# TODO\n// TBD\n```",
        "```\n/* revert abc123 */\n<!-- TBD -->\n```",
        "```\n```",
        "    [How to rollback if hotfix fails]",
        "&lt;TBD&gt;",
        "&#84;&#66;&#68;",
    ],
)
def test_placeholders_fail(plan: str) -> None:
    result = verdict(with_plan(plan))
    assert not result.passed, plan
    assert result.plan.found and not result.plan.real
    assert "placeholder" in result.problems[0]


def test_moved_heading_counts() -> None:
    text = TEMPLATE + "\n## Rollback Plan\n\nRevert to v1.4.2 with the deploy tool.\n"
    result = verdict(text)
    assert result.passed
    assert result.plan.text == "Revert to v1.4.2 with the deploy tool."


def test_bold_label_elsewhere_counts() -> None:
    assert verdict("# Hotfix 1\n\n**Rollback Plan**: redeploy yesterday's build\n").passed


def test_section_stops_at_next_field() -> None:
    assert not verdict(TEMPLATE.replace("- [Quick analysis]", "- a real root cause")).passed


def test_missing_section() -> None:
    result = verdict("# Hotfix 042\n\nnothing here\n")
    assert not result.passed
    assert result.problems == ["no Rollback Plan section"]
    assert result.plan == Finding(PLAN, False, False, "", None)


def test_trigger_required() -> None:
    text = with_plan("- revert")
    assert verdict(text).passed
    assert not verdict(text, trigger_required=True).passed
    assert verdict(text, trigger_required=True).problems == [
        "the Rollback Trigger holds only a placeholder ('[When to rollback]')"
    ]
    text = text.replace("[When to rollback]", "error rate > 2 % for 5 minutes")
    assert verdict(text, trigger_required=True).passed
    assert verdict(text).warnings == []


def test_finding_lines_and_texts() -> None:
    result = judge(HotfixDocument.parse(HAND_EDITED))
    assert result.passed and result.trigger.real
    assert result.plan == Finding(PLAN, True, True, "- `kubectl rollout undo deploy/login`", 12)
    assert result.trigger == Finding(TRIGGER, True, True, "5xx > 2 % for 5 min", 15)
    assert judge(HotfixDocument.parse(AFTER_RESOLVE)) == result


# -- where the plan is, and where it is not -----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "## Rollback Plan\n\n<!-- revert abc123 -->\n",
        "## Rollback Plan\n<!-- revert abc123\nand redeploy -->\n\n## Next\n",
        "## Rollback Plan\n\n<div>\nrevert abc123\n</div>\n",
        "**Rollback Plan**: TBD\n\n```\ngit revert abc123\n```\n".replace(
            "TBD\n\n```", "TBD\n\n---\n\n```"
        ),
        "**Rollback Plan**: TBD\n\n## Notes\n\n```\ngit revert abc123\n```\n",
        "**Rollback Plan**: TBD\n\n**Owner**: alice\n",
        "**Rollback Plan**: TBD\n**Owner**: alice\n",
        "- **Rollback Plan**: TBD\n- **Owner**: alice\n",
        "**3. Rollback Plan**:\n- [How to rollback if hotfix fails]\n\n**Owner**: alice\n",
        "```\n**Rollback Plan**: git revert abc123\n```\n",
        "<!--\n## Rollback Plan\nrevert abc123\n-->\n",
        "Notes <!--\n**Rollback Plan**: revert abc123\n-->\n",
        "## Rollback Plan\n\n## Deeper? no: same level ends it\n\nrevert abc123\n",
    ],
)
def test_text_outside_the_section_never_counts(text: str) -> None:
    assert not verdict(text).passed, text


@pytest.mark.parametrize(
    "text",
    [
        "## Rollback Plan\n\n```sh\ngit revert abc123 && ./deploy.sh\n```\n",
        "### 3. Rollback Plan:\n\n- revert abc123\n",
        "## Rollback Plan\n\n### Steps\n\n1. revert abc123\n",
        "**Rollback Plan**:\n\n```\ngit revert abc123\n```\n",
        "**Rollback Plan**:\n\n    ./rollback.sh --to v1.4.2\n",
        "**Rollback Plan**: revert abc123\n---\n",
        "**Rollback Plan** (tested): revert abc123\n",
        "__Rollback Plan:__ revert abc123\n",
        "1. **Rollback Plan**: revert abc123\n",
        "Rollback Plan\n=============\n\nrevert abc123\n",
    ],
)
def test_plans_in_other_places_count(text: str) -> None:
    assert verdict(text).passed, text


def test_a_later_real_section_wins() -> None:
    text = "**Rollback Plan**: TBD\n\n---\n\n## Rollback Plan\n\nrevert abc123\n"
    result = verdict(text)
    assert result.passed and result.plan.line == 5


def test_placeholder_problem_quotes_the_first_section() -> None:
    result = verdict("**Rollback Plan**: TBD\n\n---\n\n## Rollback Plan\n\n<!-- x -->\n")
    assert result.plan.line == 1 and result.problems == [
        "the Rollback Plan holds only a placeholder ('TBD')"
    ]


# -- judging blocks and text ---------------------------------------------------------------


def test_text_is_real() -> None:
    assert text_is_real("revert abc123")
    assert text_is_real("N/A? no: revert")
    assert text_is_real("Nothing to migrate, revert")
    for placeholder in ("", " ", "TBD", "tbd: later", "N / A", "n.a.", "(none)", "— … —", "🚧"):
        assert not text_is_real(placeholder), placeholder


def test_real_lines_of_blocks() -> None:
    parsed = HotfixDocument.parse(
        b"**Rollback Plan**: TBD\n\n- revert\n\n```\n# comment\ngit revert abc\n```\n\n<p>x</p>\n"
    )
    (section,) = parsed.sections("Rollback Plan")
    assert [real_lines(block) for block in section.blocks] == [
        [],
        ["revert"],
        ["git revert abc"],
        [],
    ]
    assert [block_is_real(block) for block in section.blocks] == [False, True, True, False]


def test_too_much_markup_is_not_judged_but_refused() -> None:
    text = "## Rollback Plan\n\n" + "![a" * 20_000 + "\n"
    start = time.process_time()
    result = verdict(text)
    assert time.process_time() - start < 0.5
    assert not result.passed and result.plan.found
    assert result.problems[0].startswith("the Rollback Plan could not be judged: too much Markdown")
    (section,) = HotfixDocument.parse(text.encode()).sections(PLAN)
    assert block_is_real(section.blocks[0])  # an edit never overwrites what it cannot judge
    cheap = "**Rollback Plan**: TBD\n\n" + "[" * 100_000 + "\n"
    assert not verdict(cheap).passed  # no letter at all: no need to parse


@pytest.mark.parametrize(
    "unit", ["n/a ", "- ", "<a", "[a]", "&lt;", "\u200b", "T.", "/*", "x <!-- "]
)
@pytest.mark.parametrize(
    ("head", "tail"),
    [
        ("## Rollback Plan\n\n```\n", "\n```\n"),
        ("**Rollback Plan**: ", "\n"),
        ("## Rollback Plan\n\n", ""),
    ],
)
def test_judging_the_largest_hostile_plan_stays_fast(unit: str, head: str, tail: str) -> None:
    room = MAX_BYTES - len(head) - len(tail) - 100
    data = (head + unit * (room // len(unit.encode())) + tail).encode()
    parsed = HotfixDocument.parse(data)
    start = time.process_time()
    result = judge(parsed, trigger_required=True)
    assert time.process_time() - start < 1.0
    assert not result.passed  # no trigger, at least


def test_policy_imports_no_git_and_no_click() -> None:
    probe = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import hotfix_hooks.policy.rollback_plan\n"
        "print(sorted(m for m in set(sys.modules) - before if m.split('.')[0] in "
        "('git', 'click', 'jinja2', 'subprocess', 'hotfix_hooks', 'markdown_it')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == str(
        ["hotfix_hooks", "hotfix_hooks.policy", "hotfix_hooks.policy.rollback_plan"]
    )


# -- properties ----------------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "TBD",
        "TODO",
        "FIXME",
        "TBC",
        "XXX",
        "N/A",
        "n/a",
        "none",
        "nil",
        "null",
        "nothing",
        "pending",
        "unknown",
        "-",
        "?",
        "…",
        "...",
        "",
        "to be determined",
        "Todo: later",
        "[How to rollback if hotfix fails]",
        "[When to rollback]",
    ]
)
HINTS = st.text(
    st.characters(whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" .,:;!?'-"),
    max_size=30,
).map(lambda hint: f"[{hint}]")
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e"


def fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


WRAPPERS = st.sampled_from(
    [
        "{}",
        "({})",
        "<{}>",
        '"{}"',
        "'{}'",
        "«{}»",
        "“{}”",
        "*{}*",
        "**{}**",
        "_{}_",
        "`{}`",
        "~~{}~~",
        "[{}]()",
        "[{}](#)",
        "<!-- {} -->",
        "{}<br>",
        "<br/>{}",
        "{}:",
        "{}.",
        "{}!",
        "<details><summary>{}</summary></details>",
        "<span>{}</span>",
        "&lt;{}&gt;",
    ]
)
# Real text that Markdown hides: only outermost, and never where it would be code.
HIDING = st.sampled_from(
    [
        "~~git revert abc123~~ {}",
        "{} <!-- git revert abc123 -->",
        "[git revert abc123]() {}",
        "{} ~~[runbook](https://wiki.example.com/rb)~~",
    ]
)


@st.composite
def dressed(draw: st.DrawFn, hide: bool) -> str:
    """One placeholder in some dress: case, dots, fullwidth, zero-width characters, then
    wrapped in Markdown or punctuation that hides it or adds no word."""
    word = draw(st.one_of(WORDS, HINTS))
    if draw(st.booleans()):
        word = draw(st.sampled_from([str.upper, str.lower, str.title]))(word)
    if draw(st.booleans()) and word.isalpha():
        word = ".".join(word) + draw(st.sampled_from(["", "."]))
    if draw(st.booleans()):
        word = fullwidth(word)
    if draw(st.booleans()) and word:
        position = draw(st.integers(0, len(word)))
        word = word[:position] + draw(st.sampled_from(ZERO_WIDTH)) + word[position:]
    for _ in range(draw(st.integers(0, 2))):
        word = draw(WRAPPERS).format(word)
    if hide and draw(st.booleans()):
        word = draw(HIDING).format(word)
    return word


def line_of(hide: bool) -> st.SearchStrategy[str]:
    lines = st.lists(dressed(hide), min_size=1, max_size=3).map(" ".join)
    # "~~{}~~" around nothing is a fence: what follows would be code, shown, not hidden
    return (
        lines.filter(lambda line: not line.lstrip().startswith(("```", "~~~"))) if hide else lines
    )


LINE = line_of(hide=False)
MARKERS = st.sampled_from(["- ", "* ", "+ ", "", "1. ", "> ", "- [ ] ", "    "])


@st.composite
def placeholder_plan(draw: st.DrawFn) -> str:
    marker = draw(MARKERS)
    lines = draw(st.lists(line_of(hide=marker != "    "), max_size=4))
    body = "\n".join(f"{marker}{line}" for line in lines)
    if draw(st.booleans()):
        fence = draw(st.sampled_from(["```", "~~~"]))
        comment = draw(st.sampled_from(["# ", "// ", "-- ", ""]))
        code = "\n".join(comment + line for line in draw(st.lists(LINE, max_size=3)))
        body += f"\n\n{fence}\n{code}\n{fence}"
    return body


@settings(max_examples=100, deadline=None)
@given(placeholder_plan(), st.sampled_from(["label", "heading", "inline", "template"]))
def test_placeholder_only_is_never_accepted(plan: str, where: str) -> None:
    if where == "label":
        text = f"# Hotfix 1: t\n\n**3. Rollback Plan**:\n{plan}\n"
    elif where == "heading":
        text = f"# Hotfix 1: t\n\n## Rollback Plan\n\n{plan}\n\n## Next\n\nrevert abc123\n"
    elif where == "inline":
        text = f"**Rollback Plan**: {plan}\n\n---\n\nrevert abc123\n"
    else:
        text = with_plan(plan)
    result = verdict(text)
    assert not result.passed, text
    for section in HotfixDocument.parse(text.encode()).sections(PLAN):
        assert not any(block_is_real(block) for block in section.blocks), text


@settings(max_examples=150, deadline=None)
@given(line_of(hide=True))
def test_placeholder_text_is_never_real(line: str) -> None:
    assert not any(real_lines(block) for block in _blocks(f"**Rollback Plan**: {line}\n"))


def _blocks(text: str) -> list[object]:
    return [
        block
        for section in HotfixDocument.parse(text.encode()).sections(PLAN)
        for block in section.blocks
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")))
def test_never_crashes(text: str) -> None:
    for candidate in (text, f"**3. Rollback Plan**:\n{text}", f"## Rollback Plan\n{text}"):
        doc = HotfixDocument.parse(candidate.encode())
        strict = judge(doc, trigger_required=True)
        lenient = judge(doc)
        # both judge the same sections the same way; only the trigger's weight differs
        assert (strict.plan, strict.trigger) == (lenient.plan, lenient.trigger)
        plan, trigger = strict.plan, strict.trigger
        assert strict.passed is (plan.real and trigger.real)
        assert lenient.passed is plan.real
        # a failing verdict says why, a passing one has nothing to say; never both
        assert bool(strict.problems) is not strict.passed and strict.warnings == []
        assert lenient.problems == ([] if plan.real else [plan.problem])
        assert lenient.warnings == ([] if trigger.real else [trigger.problem])
        for finding in (plan, trigger):
            # a real section is one that was found, with text that was there to show
            assert not finding.real or (finding.found and finding.text.strip())
            assert finding.found is (finding.line is not None)
        if candidate is not text:  # the label is there: the plan section is found
            assert plan.found and plan.line is not None and plan.line >= 1


def test_find_takes_any_name() -> None:
    parsed = HotfixDocument.parse(TEMPLATE.encode())
    assert find(parsed, "Fix Approach").problem == (
        "the Fix Approach holds only a placeholder ('- [Minimal changes to resolve emergency]')"
    )
    assert find(parsed, "Target").real
