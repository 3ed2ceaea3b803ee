"""pre-receive (server): the rollback-plan gate and the task tie, which ``--no-verify``
cannot skip. ``judge_update`` is also the per-ref ``update`` hook's (hooks/update.py).

The rules come from the server (``hotfix-hooks.toml`` in the git directory, recorded
by ``install --server``), never from a pushed commit; a push that changes our
configuration on a hotfix branch is itself rejected.
"""

from __future__ import annotations

import sys

from hotfix_hooks.hooks.skeleton import OK, POLICY_FAILED, USAGE, guarded, read_ref_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from hotfix_hooks.config.settings import Config
    from hotfix_hooks.git.ref_updates import RefUpdate


def main(argv: Sequence[str] | None = None, stdin: bytes | None = None) -> int:
    data = read_ref_lines("pre-receive") if stdin is None else stdin
    if data is None:
        return USAGE
    if b"refs/heads/" not in data:
        return OK
    return guarded("pre-receive", lambda: _check(data))


def server_rules() -> Config:
    """The server's recorded configuration (see ``server_config.rules``)."""
    from hotfix_hooks.config import server as server_config
    from hotfix_hooks.git.run import run

    return server_config.rules(run("rev-parse", "--absolute-git-dir"))


def _check(data: bytes) -> int:
    from hotfix_hooks.core import ui
    from hotfix_hooks.git.ref_updates import Malformed, parse_pre_receive

    config = server_rules()
    failed = False
    for update in parse_pre_receive(data):
        if isinstance(update, Malformed):
            if "refs/heads/" in update.line:
                ui.error(f"pre-receive: cannot parse {update.line!r}; rejecting to be safe")
                failed = True
            continue
        lines = judge_update(update, config)
        for line in lines:
            ui.emit(line, sys.stderr)
        failed = failed or bool(lines)
    return POLICY_FAILED if failed else OK


def judge_update(update: RefUpdate, config: Config) -> list[str]:
    """Why one ref update is refused (nothing when it is not): our configuration
    unchanged, a real rollback plan at the tip, every new commit tied to a task."""
    from hotfix_hooks.core.branch import parse_branch
    from hotfix_hooks.git.refs import branch_name

    name = branch_name(update.local_ref)
    hotfix = parse_branch(name, config.branch_prefix)
    if update.deletes or name is None or hotfix is None:
        return []
    finished = _finished(update, name, hotfix.number, config)
    if finished:
        return finished
    return (
        _config_change(update, name)
        + _number(update, name, hotfix.number, config)
        + _gate(update, name, hotfix.number, config)
        + _ties(update, name, hotfix.number, config)
    )


def _finished(update: RefUpdate, name: str, number: str, config: Config) -> list[str]:
    """A finished hotfix stays finished: a push that creates a branch of a hotfix whose
    tag exists on this server (its own branch again, or another under its number) is
    refused, saying why and what to do instead."""
    from hotfix_hooks.core.oid import is_zero
    from hotfix_hooks.git.run import run
    from hotfix_hooks.incident.numbers import tag_exists

    if not is_zero(update.remote_sha):
        return []
    from hotfix_hooks.policy.lifecycle import tag_name

    tag = tag_name(config.tag_format, number)
    if not tag_exists(tag, cwd="."):
        return []
    at = run("rev-parse", "-q", "--verify", f"refs/tags/{tag}^{{commit}}", check=False)
    return [
        f"push of {name} rejected: hotfix {number} is finished (tag {tag} at {at[:10]} on "
        "this server): its branch is not re-created and its number is never reused.",
        "  Work that belongs to it (the post-mortem, a backport of the same fix) goes on any",
        f'  other branch, tied by its subject: git commit -m "{number}/T007: post-mortem written"',
        '  A new emergency is a new hotfix: hotfix-hooks new "<what is broken>"',
    ]


def _gate(update: RefUpdate, name: str, number: str, config: Config) -> list[str]:
    from hotfix_hooks.core.oid import is_zero
    from hotfix_hooks.enforce.gate import check_files, failure_lines, plan_task_at
    from hotfix_hooks.git.blobs import CommitFiles

    with CommitFiles(".", update.local_sha) as files:
        result = check_files(files, number, update.local_sha, config)
        if result.passed:
            return []
        task = plan_task_at(files, number, config)
    result.branch = name
    new = is_zero(update.remote_sha)  # a new branch: the pusher has no upstream yet
    push = "git push -u origin HEAD" if new else "git push"
    return failure_lines(result, update.local_sha[:10], push=push, task=task)


def _number(update: RefUpdate, name: str, number: str, config: Config) -> list[str]:
    """One number, one incident: another branch on this server may hold the number."""
    from hotfix_hooks.enforce.gate import number_conflict_lines

    return number_conflict_lines(".", name, number, update.local_sha, config, remotes=False)


def _ties(update: RefUpdate, name: str, number: str, config: Config) -> list[str]:
    """The task tie on every commit the hotfix branch adds over the production branch (the
    server's HEAD) that it did not have before: never "new to the server", which commits
    first parked on another ref (a branch, a tag, refs/tmp/..., or a ref the same
    ``--per-ref`` push created a moment earlier) would escape."""
    from hotfix_hooks.core.oid import is_zero
    from hotfix_hooks.enforce.gate import check_ties, tie_failure_lines
    from hotfix_hooks.git.log import MalformedLog
    from hotfix_hooks.git.run import run

    production = run("rev-parse", "--verify", "-q", "HEAD^{commit}", check=False)
    exclude = [production] if production else ["--all"]  # an empty server: all it has
    if not is_zero(update.remote_sha):
        exclude.append(update.remote_sha)  # judged when it was pushed
    try:
        result = check_ties(
            ".", [update.local_sha, "--not", *exclude], number, update.local_sha, config
        )
    except MalformedLog as exc:
        return [f"push of {name} rejected: a commit's log record does not parse ({exc})"]
    return [] if result.passed else tie_failure_lines(result, name)


def _config_change(update: RefUpdate, name: str) -> list[str]:
    """A hotfix branch may not change hotfix-hooks' own configuration."""
    from hotfix_hooks.config.commit import config_at
    from hotfix_hooks.config.settings import DEDICATED, PYPROJECT
    from hotfix_hooks.core.errors import UsageError
    from hotfix_hooks.core.oid import is_zero
    from hotfix_hooks.git.run import run

    base = update.remote_sha if not is_zero(update.remote_sha) else ""
    if not base:
        base = run("merge-base", update.local_sha, "HEAD", check=False).split("\n")[0]
    from hotfix_hooks.core.ui import command

    files = f"{DEDICATED} or [tool.hotfix-hooks] in {PYPROJECT}"
    both = [DEDICATED, PYPROJECT]
    try:
        pushed = config_at(".", update.local_sha).settings()
    except UsageError as exc:
        return [
            f"push of {name} rejected: its hotfix-hooks configuration is invalid: {exc}",
            f"  fix: restore {files} as it is on the production branch, then push again",
        ]
    if not base:
        return []
    try:
        before = config_at(".", base).settings()
    except UsageError:
        return []  # broken before this push: the push did not break it
    changed = sorted(key for key in pushed if pushed[key] != before.get(key))
    if not changed:
        return []
    return [
        f"push of {name} rejected: it changes hotfix-hooks' configuration "
        f"({', '.join(changed)}) in {files}.",
        "  The rules that judge a hotfix are never taken from the hotfix itself: change them",
        "  on the production branch, and on this server with `hotfix-hooks server-config`.",
        f"  see it: {command(['git', 'diff', base[:10], update.local_sha[:10], '--', *both])}",
        "  fix: undo that change in a new commit on the branch, then push again",
    ]
