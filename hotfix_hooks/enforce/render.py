"""Violations as terminal text and as JSON: one renderer per output, from the same
violations (GitHub annotations: ``enforce/github``; GitLab Code Quality: ``enforce/gitlab``).

The text of a refusal: what was refused and why, where (file and line), what is missing, a
fix whose commands paste as they are, and the rule (``hotfix-hooks rules HH001`` explains
it)::

    push of hotfix/042-x refused: commit 1a2b3c4d5e has no real rollback plan.
      file: .specswarm/features/042-hotfix/hotfix.md, line 30 (Rollback Plan)
      missing: the Rollback Plan holds only a placeholder ('- [How to rollback if ...]')
      fix: write there how to roll back this hotfix, then
           git add .specswarm/features/042-hotfix/hotfix.md && git commit -m 'T003: ...'
      rule: HH001 rollback-plan; explained by: hotfix-hooks rules HH001
"""

from __future__ import annotations

from hotfix_hooks.policy.rules import BY_ID, Violation

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

SHOWN_ITEMS = 10  # commits listed under one finding; the rest are counted
SECTIONS = {"HH001": "Rollback Plan", "HH002": "Rollback Trigger"}


def where(violation: Violation) -> str:
    """What was refused: the hotfix branch, or the branch a push brings a hotfix into (and
    which hotfix), or the hotfix by its number."""
    if violation.into:
        return f"{violation.into} (hotfix {violation.hotfix})"
    return violation.branch or f"hotfix {violation.hotfix}"


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _groups(violations: Iterable[Violation]) -> list[list[Violation]]:
    """Violations in order, those of one finding (same rule, hotfix, branch, summary)
    together."""
    groups: list[list[Violation]] = []
    for violation in violations:
        last = groups[-1][0] if groups else None
        if (
            last is not None
            and violation.summary
            and (last.rule, last.hotfix, last.branch, last.summary)
            == (violation.rule, violation.hotfix, violation.branch, violation.summary)
        ):
            groups[-1].append(violation)
        else:
            groups.append([violation])
    return groups


def refusal_lines(violations: Iterable[Violation], action: str = "push of") -> list[str]:
    """The errors among ``violations`` as text (``action``: "push of", "gate for", ...)."""
    lines: list[str] = []
    for group in _groups(v for v in violations if v.severity == "error"):
        first = group[0]
        headline = first.summary or _sentence(first.message)
        lines.append(f"{action} {where(first)} refused: {headline}")
        if first.file:
            section = SECTIONS.get(first.rule)
            at = f", line {first.line} ({section})" if first.line and section else ""
            lines.append(f"  file: {first.file}{at}")
        if first.summary:
            items = [v.details[0] for v in group if v.details]
            lines += [f"  {item}" for item in items[:SHOWN_ITEMS]]
            if len(items) > SHOWN_ITEMS:
                lines.append(f"  ... and {len(items) - SHOWN_ITEMS} more")
            lines += [f"  {detail}" for detail in first.details[1:]]
        else:
            lines += [f"  {detail}" for detail in first.details]
        if first.fix:
            lines.append(f"  fix: {first.fix[0]}")
            lines += [f"       {step}" for step in first.fix[1:]]
        rule = BY_ID[first.rule]
        lines.append(f"  rule: {rule.id} {rule.name}; explained by: hotfix-hooks rules {rule.id}")
    return lines


def warning_lines(violations: Iterable[Violation]) -> list[str]:
    """The warnings among ``violations``, one line each (for ``ui.warn``)."""
    out = []
    for violation in violations:
        if violation.severity == "error":
            continue
        at = violation.file or ""
        if at and violation.line:
            at += f", line {violation.line}"
        out.append(f"{where(violation)}: {violation.message}" + (f" ({at})" if at else ""))
    return out


def violation_json(violation: Violation) -> dict[str, object]:
    rule = BY_ID[violation.rule]
    return {
        "rule": rule.id,
        "name": rule.name,
        "severity": violation.severity,
        "hotfix": violation.hotfix,
        "branch": violation.branch,
        "into": violation.into,
        "commit": violation.commit,
        "file": violation.file,
        "line": violation.line,
        "message": violation.message,
        "details": list(violation.details),
        "fix": list(violation.fix),
    }


def as_json(
    passed: bool, hotfixes: Sequence[dict[str, object]], violations: Iterable[Violation]
) -> str:
    """One JSON document: whether it passed, the hotfixes judged, every violation."""
    import json

    data = {
        "passed": passed,
        "hotfixes": list(hotfixes),
        "violations": [violation_json(v) for v in violations],
    }
    # "##[" only occurs inside JSON strings, where "#\u0023[" means the same: a CI log
    # must not read it as the old form of a workflow command (`##[stop-commands]`)
    return json.dumps(data, indent=2).replace("##[", "#\\u0023[")
