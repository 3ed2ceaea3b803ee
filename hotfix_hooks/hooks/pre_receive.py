"""pre-receive (server): the rollback-plan gate that ``--no-verify`` cannot skip.

Configuration is read from each pushed commit's own tree.
"""

from __future__ import annotations

import sys

from hotfix_hooks.hooks._stdin import read_ref_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

OK, POLICY_FAILED = 0, 1


def main(argv: Sequence[str] | None = None, stdin: bytes | None = None) -> int:
    data = read_ref_lines("pre-receive") if stdin is None else stdin
    if data is None:
        return 2
    if b"refs/heads/" not in data:
        return OK
    from pathlib import Path

    from hotfix_hooks import ui
    from hotfix_hooks.branch import parse_branch
    from hotfix_hooks.docs import commit_config
    from hotfix_hooks.errors import UsageError
    from hotfix_hooks.gate import check_files, failure_lines
    from hotfix_hooks.objects import CommitFiles
    from hotfix_hooks.refupdates import Malformed, branch_name, parse_pre_receive

    failed = False
    for update in parse_pre_receive(data):
        if isinstance(update, Malformed):
            if "refs/heads/" in update.line:
                ui.error(f"pre-receive: cannot parse {update.line!r}; rejecting to be safe")
                failed = True
            continue
        name = branch_name(update.local_ref)
        if update.deletes or name is None:
            continue
        with CommitFiles(Path.cwd(), update.local_sha) as files:
            try:
                config = commit_config(files)
            except UsageError as exc:
                ui.error(f"{name}: rejected: bad configuration in the pushed commit: {exc}")
                failed = True
                continue
            hotfix = parse_branch(name, config.branch_prefix)
            if hotfix is None:
                continue
            result = check_files(files, hotfix.number, update.local_sha, config)
        result.branch = name
        if not result.passed:
            failed = True
            for line in failure_lines(result, update.local_sha[:10]):
                ui.emit(line, sys.stderr)
    return POLICY_FAILED if failed else OK
