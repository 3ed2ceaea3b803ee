"""The rollback-plan gate on one commit's tree (never the working tree)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from hotfix_hooks.config import Config
from hotfix_hooks.document.location import HOTFIX_DOC, commit_config, commit_doc_path
from hotfix_hooks.document.model import HotfixDocument
from hotfix_hooks.errors import UsageError
from hotfix_hooks.git.blobs import CommitFiles
from hotfix_hooks.policy.rollback_plan import Verdict, judge


@dataclass
class GateResult:
    number: str
    commit: str
    path: PurePosixPath
    exists: bool
    verdict: Verdict | None
    branch: str = ""
    unreadable: str = ""  # why the file could not be read as a hotfix document

    @property
    def passed(self) -> bool:
        return self.exists and self.verdict is not None and self.verdict.passed

    @property
    def problems(self) -> list[str]:
        if not self.exists:
            return [f"{self.path} does not exist in this commit (or is not a regular file)"]
        if self.verdict is None:
            return [self.unreadable]
        return self.verdict.problems

    def as_json(self) -> dict[str, object]:
        verdict = self.verdict
        return {
            "hotfix": self.number,
            "branch": self.branch,
            "commit": self.commit,
            "file": str(self.path),
            "passed": self.passed,
            "problems": self.problems,
            "warnings": verdict.warnings if verdict else [],
            "rollback_plan": verdict.plan.text if verdict and verdict.plan.real else None,
            "rollback_trigger": verdict.trigger.text if verdict and verdict.trigger.real else None,
        }

    def dumps(self) -> str:
        return json.dumps(self.as_json(), indent=2)


def check_files(
    files: CommitFiles, number: str, commit: str, config: Config | None = None
) -> GateResult:
    """``config`` None: read it from the commit itself (the server does)."""
    cfg = commit_config(files) if config is None else config
    path = commit_doc_path(files, cfg, number, HOTFIX_DOC)
    data = files.read(str(path))
    if data is None:
        return GateResult(number, commit, path, False, None)
    try:
        doc = HotfixDocument.parse(data, str(path))
    except UsageError as exc:  # not UTF-8, or larger than we read
        return GateResult(number, commit, path, True, None, unreadable=str(exc))
    verdict = judge(doc, trigger_required=cfg.rollback_trigger_required)
    return GateResult(number, commit, path, True, verdict)


def check_commit(
    cwd: Path | str, rev: str, number: str, config: Config | None = None
) -> GateResult:
    with CommitFiles(cwd, rev) as files:
        return check_files(files, number, rev, config)


def failure_lines(result: GateResult, short: str, action: str = "push of") -> list[str]:
    """What to tell the pusher (or CI, ``action="gate for"``) when the gate fails."""
    lines = [
        f"{action} {result.branch or 'hotfix ' + result.number} refused: "
        f"commit {short} has no real rollback plan.",
        f"  file: {result.path}",
    ]
    lines += [f"  missing: {problem}" for problem in result.problems]
    lines += [
        "  fix: write how to roll back under '**3. Rollback Plan**:' in that file, then",
        f'       git add {result.path} && git commit -m "T003: rollback plan" && git push',
    ]
    return lines
