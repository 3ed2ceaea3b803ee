"""A GitLab Code Quality report of the violations (``check --gitlab-codequality FILE``):
GitLab shows it in the merge request (``artifacts: reports: codequality``).

The format is the subset of Code Climate's that GitLab reads: an array of issues, each with
``description``, ``check_name`` (the rule), a ``fingerprint`` unique to the issue and
stable across runs (rule, hotfix, branch, commit, file and message: never the line, so an
edit above it does not make it a new issue), ``severity`` (``critical`` for what blocks the
merge, ``minor`` for a warning) and a ``location`` (a path GitLab can show, and a line).
"""

from __future__ import annotations

import hashlib
import json

from hotfix_hooks.enforce.render import where
from hotfix_hooks.policy.rules import BY_ID, Violation

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable


def issue(violation: Violation, fallback_path: str) -> dict[str, object]:
    rule = BY_ID[violation.rule]
    description = f"{rule.id} {where(violation)}: {violation.message}"
    if violation.fix:
        description += f". Fix: {' '.join(violation.fix)}"
    key = "\0".join(
        (rule.id, violation.hotfix, violation.branch, violation.commit, violation.file or "",
         violation.message)
    )  # fmt: skip
    return {
        "description": description,
        "check_name": f"hotfix-hooks/{rule.id}-{rule.name}",
        "fingerprint": hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32],
        "severity": "critical" if violation.severity == "error" else "minor",
        "location": {
            "path": violation.file or fallback_path,
            "lines": {"begin": violation.line or 1},
        },
    }


def report(violations: Iterable[Violation], fallback_path: str) -> str:
    """The report's JSON text; ``fallback_path`` locates violations that name no file (a
    commit naming no task: the hotfix's tasks.md)."""
    return json.dumps([issue(v, fallback_path) for v in violations], indent=2) + "\n"
