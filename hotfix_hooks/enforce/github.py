"""GitHub Actions workflow commands for ``check``: ``::error file=...,line=...::message``.

Under GitHub Actions (``GITHUB_ACTIONS=true``) ``check`` also prints its violations as
annotations, which GitHub shows on the pull request's diff and the run's summary, titled
with the rule (``hotfix-hooks HH001 rollback-plan``): the plan's at the Rollback Plan line of
hotfix.md, each commit that names no task by its sha.
Escaped by GitHub's rules for workflow commands: ``%``, CR and LF in the message; those and
``:`` and ``,`` in a property (file, title), so nothing in a file name or a commit subject
can end the command early or start another one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from hotfix_hooks.enforce.render import where
from hotfix_hooks.policy.rules import BY_ID, Violation

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable


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


def violation_annotations(
    root: Path,
    violations: Iterable[Violation],
    environ: Mapping[str, str] | None = None,
) -> list[str]:
    """One workflow command per violation: an error at its file and line when it has them
    (the plan's line of hotfix.md), else on the run (a commit that names no task)."""
    env = os.environ if environ is None else environ
    out = []
    for violation in violations:
        rule = BY_ID[violation.rule]
        missing = "; ".join(
            d.removeprefix("missing: ") for d in violation.details if d.startswith("missing: ")
        )
        message = f"{where(violation)}: {violation.message}" + (f": {missing}" if missing else "")
        if violation.fix:
            message += f". Fix: {' '.join(violation.fix)}"
        located = violation.file is not None and violation.line is not None
        out.append(
            command(
                "error" if violation.severity == "error" else "warning",
                message,
                file=workspace_path(root, violation.file or "", env) if located else None,
                line=violation.line,
                title=f"hotfix-hooks {rule.id} {rule.name}",
            )
        )
    return out
