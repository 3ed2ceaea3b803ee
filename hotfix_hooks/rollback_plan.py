"""Finding the Rollback Plan and Rollback Trigger in hotfix.md, and judging them.

Real content passes; the template's bracketed placeholder, any other bracketed
hint, TBD/TODO/N/A/none/-/?, HTML comments, whitespace or nothing do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PLAN = "Rollback Plan"
TRIGGER = "Rollback Trigger"

# Field labels of the seed's hotfix.md: a section's content stops at the next one.
SEED_LABELS = (
    "EMERGENCY",
    "Created",
    "Status",
    "What's Broken",
    "Impact",
    "Urgency",
    "Root Cause",
    "Fix Approach",
    "Files Affected",
    "Testing Strategy",
    "Target",
    "Rollout",
    "Rollback Trigger",
    "Rollback Plan",
    "After Emergency Resolved",
    "Workflow",
    "Created By",
    "Branch",
    "Base Commit",
    "Author",
    "Resolved",
    "Time to Resolution",
    "Rollback Triggered",
    "Rollback Reason",
)
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_NUMBERED_BOLD = re.compile(r"^\s*\*\*\s*\d+\.")
_LABEL = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)\s*(?:\d+\.\s*)?(?:[^\w\s]+\s*)?(?P<name>[^*_:]+?)\s*:?\s*(?:\*\*|__)"
    r"\s*(?:\([^)]*\))?\s*:?\s*(?P<rest>.*)$"
)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_LIST_MARK = re.compile(r"^(?:[-*+•]|\d+[.)])(?:\s+|$)")
_CHECKBOX = re.compile(r"^\[[ xX]\]\s*")
_BRACKETED = re.compile(r"\[[^\[\]]*\](?!\()")
_PLACEHOLDER_WORDS = re.compile(
    r"^(?:tbd|tbc|todo|fixme|xxx|n/?a|none|nil|null|nothing|pending|unknown|"
    r"to be (?:determined|decided|defined|done)|fill(?: this)?(?: in)?|placeholder|"
    r"-+|\?+|\.+|…)$",
    re.I,
)
_PLACEHOLDER_START = re.compile(r"^(?:tbd|tbc|todo|fixme|xxx)\b", re.I)


@dataclass(frozen=True)
class Section:
    name: str
    line: int  # 1-based
    content: str


@dataclass(frozen=True)
class Finding:
    name: str
    found: bool
    real: bool
    text: str  # the real content, or what stood there
    line: int | None

    @property
    def problem(self) -> str | None:
        if not self.found:
            return f"no {self.name} section"
        if not self.real:
            return f"the {self.name} holds only a placeholder ({_short(self.text)})"
        return None


def _short(text: str) -> str:
    flat = " ".join(text.split())
    if not flat:
        return "nothing"
    return repr(flat if len(flat) <= 60 else flat[:57] + "...")


def _is_label(line: str, names: tuple[str, ...]) -> bool:
    match = _LABEL.match(line)
    return match is not None and match.group("name").strip().lower() in {n.lower() for n in names}


def _ends_section(line: str, level: int | None) -> bool:
    heading = _HEADING.match(line)
    if heading:
        return level is None or len(heading.group(1)) <= level
    return bool(_RULE.match(line) or _NUMBERED_BOLD.match(line) or _is_label(line, SEED_LABELS))


def find_sections(text: str, name: str) -> list[Section]:
    """Every place ``name`` stands as a heading or a bold label, with its content."""
    lines = text.splitlines()
    wanted = name.lower()
    sections = []
    for index, line in enumerate(lines):
        heading = _HEADING.match(line)
        level: int | None = None
        first = ""
        if heading:
            title = re.sub(r"^\d+\.\s*", "", heading.group(2)).strip(" :*_").lower()
            if title != wanted:
                continue
            level = len(heading.group(1))
        else:
            label = _LABEL.match(line)
            if not label or label.group("name").strip().lower() != wanted:
                continue
            first = label.group("rest")
        body = [first] if first else []
        for following in lines[index + 1 :]:
            if _ends_section(following, level):
                break
            body.append(following)
        sections.append(Section(name, index + 1, "\n".join(body).strip()))
    return sections


def line_is_real(line: str) -> bool:
    text = line.strip()
    while True:
        stripped = _CHECKBOX.sub("", _LIST_MARK.sub("", text.lstrip("> ").strip()))
        if stripped == text:
            break
        text = stripped
    text = _BRACKETED.sub("", text).strip(" \t*_`~.,;:!")
    if not text or _PLACEHOLDER_WORDS.match(text) or _PLACEHOLDER_START.match(text):
        return False
    return any(ch.isalnum() for ch in text)


def is_real(content: str) -> bool:
    without_comments = _COMMENT.sub("", content)
    return any(line_is_real(line) for line in without_comments.splitlines())


def real_text(content: str) -> str:
    without_comments = _COMMENT.sub("", content)
    return "\n".join(line for line in without_comments.splitlines() if line_is_real(line))


def find(text: str, name: str) -> Finding:
    sections = find_sections(text, name)
    for section in sections:
        if is_real(section.content):
            return Finding(name, True, True, real_text(section.content), section.line)
    if sections:
        return Finding(name, True, False, sections[0].content, sections[0].line)
    return Finding(name, False, False, "", None)


@dataclass(frozen=True)
class Verdict:
    plan: Finding
    trigger: Finding
    trigger_required: bool

    @property
    def passed(self) -> bool:
        return self.plan.real and (self.trigger.real or not self.trigger_required)

    @property
    def problems(self) -> list[str]:
        out = [p for p in (self.plan.problem,) if p]
        if self.trigger_required and self.trigger.problem:
            out.append(self.trigger.problem)
        return out

    @property
    def warnings(self) -> list[str]:
        if not self.trigger_required and self.trigger.problem:
            return [self.trigger.problem]
        return []


def judge(text: str, *, trigger_required: bool = False) -> Verdict:
    return Verdict(find(text, PLAN), find(text, TRIGGER), trigger_required)
