"""GitHub Actions workflow commands for ``check``: ``::error file=...,line=...::message``.

Under GitHub Actions (``GITHUB_ACTIONS=true``) a failing gate also prints annotations,
which GitHub shows on the pull request's diff and the run's summary: the rollback-plan
failure at the Rollback Plan line of hotfix.md, each commit that names no task by its sha.
Escaped by GitHub's rules for workflow commands: ``%``, CR and LF in the message; those and
``:`` and ``,`` in a property (file, title), so nothing in a file name or a commit subject
can end the command early or start another one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from hotfix_hooks.enforce.gate import GateResult, TieResult


def under_github_actions(environ: Mapping[str, str] | None = None) -> bool:
    return (os.environ if environ is None else environ).get("GITHUB_ACTIONS") == "true"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(
    kind: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    title: str | None = None,
) -> str:
    """One workflow command line: ``::error file=F,line=N,title=T::message``."""
    props = []
    if file:
        props.append(f"file={escape_property(file)}")
        if line:
            props.append(f"line={line}")
    if title:
        props.append(f"title={escape_property(title)}")
    return f"::{kind}{' ' + ','.join(props) if props else ''}::{escape_data(message)}"


def workspace_path(root: Path, rel: PurePosixPath | str, environ: Mapping[str, str]) -> str:
    """``rel`` (repository-relative) as GitHub names files: relative to the workspace,
    where the repository may sit in a subdirectory (``actions/checkout`` with ``path:``)."""
    workspace = environ.get("GITHUB_WORKSPACE")
    if workspace:
        try:
            inside = Path(os.path.realpath(root)).relative_to(os.path.realpath(workspace))
        except ValueError:
            inside = None
        if inside is not None and inside.parts:
            return str(PurePosixPath(*inside.parts, str(rel)))
    return str(rel)


def check_annotations(
    root: Path,
    result: GateResult,
    ties: TieResult,
    environ: Mapping[str, str] | None = None,
) -> list[str]:
    """The annotations of one ``check``: nothing when it passed without warnings."""
    env = os.environ if environ is None else environ
    path = workspace_path(root, result.path, env)
    short = result.commit[:10]
    where = result.branch or f"hotfix {result.number}"
    out = []
    verdict = result.verdict
    if not result.passed:
        line = None
        fix = f"add {result.path} with a Rollback Plan (hotfix-hooks scaffold)"
        if verdict is not None:
            plan_ok = verdict.plan.real
            line = (verdict.trigger if plan_ok else verdict.plan).line
            fix = (
                "write when to roll back after '**Rollback Trigger**:' in this file"
                if plan_ok
                else "write how to roll back under '**3. Rollback Plan**:' in this file"
            )
        elif result.exists:
            fix = "make this file a readable hotfix document (UTF-8, within the size limits)"
        out.append(
            command(
                "error",
                f"{where}: commit {short} has no real rollback plan: "
                + "; ".join(result.problems)
                + f". Fix: {fix}, commit and push.",
                file=path if result.exists else None,
                line=line,
                title="hotfix-hooks: no rollback plan",
            )
        )
    elif verdict is not None:
        for warning in verdict.warnings:
            out.append(
                command(
                    "warning",
                    warning,
                    file=path,
                    line=verdict.trigger.line,
                    title="hotfix-hooks: rollback trigger",
                )
            )
    ids = ", ".join(task for task, _ in ties.tasks)
    for sha, tie in ties.failures:
        subject = tie.subject.decode("utf-8", "replace")
        why = f"names unknown task {', '.join(tie.unknown)}" if tie.unknown else "names no task"
        out.append(
            command(
                "error",
                f"{where}: commit {sha[:10]} ({subject[:72] or 'empty message'}) {why} of "
                f"hotfix {ties.number} ({ids}). Fix: name a task in its message "
                "(git rebase -i, 'reword'), then push again.",
                title=f"hotfix-hooks: commit {sha[:10]} names no task",
            )
        )
    return out
