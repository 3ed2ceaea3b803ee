"""update (server, ``install --server --per-ref``): the pre-receive rules, one ref at a time.

Git runs it once per pushed ref with ``REFNAME OLDSHA NEWSHA``; a refusal rejects
that ref only, and the other refs of the same push still land.
"""

from __future__ import annotations

import sys

from hotfix_hooks.hooks.skeleton import OK, POLICY_FAILED, USAGE, guarded

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(argv or ())
    from hotfix_hooks.core import ui

    if len(args) != 3:
        ui.error("update: expected three arguments, REFNAME OLDSHA NEWSHA (git passes them)")
        return USAGE
    refname, old, new = args
    if not refname.startswith(("refs/heads/", "refs/tags/")):
        return OK
    from hotfix_hooks.git.ref_updates import Malformed, parse_pre_receive
    from hotfix_hooks.hooks.pre_receive import judge_update, server_side

    parsed = list(parse_pre_receive(f"{old} {new} {refname}".encode("utf-8", "surrogateescape")))
    if len(parsed) != 1 or isinstance(parsed[0], Malformed):
        ui.error(f"update: cannot parse {refname!r} {old!r} {new!r}; rejecting to be safe")
        return POLICY_FAILED
    update = parsed[0]

    def policy() -> int:
        config, git_dir = server_side()
        lines = judge_update(update, config, git_dir, "update")
        for line in lines:
            ui.emit(line, sys.stderr)
        return POLICY_FAILED if lines else OK

    return guarded("update", policy)
