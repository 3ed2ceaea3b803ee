"""``renumber``: give the checked-out hotfix another number, all of it at once.

When two incidents claim one number, the one that does not hold it moves. Renaming the
branch alone leaves its committed ``NNN-hotfix/`` folder (and the number in its fields)
behind, where it reads as a second, phantom incident under the old number. ``renumber``
moves the branch, the folder and every field that carries the number, in one commit.
"""

from __future__ import annotations

from pathlib import PurePosixPath

import click

from hotfix_hooks.commands.common import number_option
from hotfix_hooks.commands.new import taken_numbers
from hotfix_hooks.config.context import Context, context
from hotfix_hooks.core import ui
from hotfix_hooks.core.errors import GitError, Refused, UsageError
from hotfix_hooks.core.safe_files import replace_file
from hotfix_hooks.document import fields
from hotfix_hooks.document.events import EVENTS_DOC
from hotfix_hooks.document.model import HotfixDocument
from hotfix_hooks.incident.location import (
    HOTFIX_DOC,
    TASKS_DOC,
    hotfix_directory,
    read_worktree_bytes,
)
from hotfix_hooks.policy.numbers import next_free, renamed


def _heading_renumbered(data: bytes, old: str, new: str) -> bytes:
    """The first ``# ... Hotfix OLD`` heading line (hotfix.md's title, tasks.md's, events.md's)
    with the number replaced; every other byte as it was."""
    lines = data.split(b"\n")
    for index, line in enumerate(lines):
        if line.lstrip(b"\xef\xbb\xbf").startswith(b"#"):
            needle = f"otfix {old}".encode()
            if needle in line:
                lines[index] = line.replace(needle, f"otfix {new}".encode(), 1)
            break
    return b"\n".join(lines)


@click.command(short_help="Move the hotfix to another number: branch, folder, fields.")
@click.argument("number", required=False)
def renumber(number: str | None) -> None:
    """Give the checked-out hotfix another NUMBER (default: the next free one): renames
    the branch, moves its NNN-hotfix folder, rewrites the number in its documents and the
    Branch field, and commits that as one change. For the incident that does not hold a
    shared number; a number is never taken from a finished hotfix.

    Examples:

    \b
        hotfix-hooks renumber        # to the next free number
        hotfix-hooks renumber 7
    """
    ctx = context()
    hotfix = ctx.hotfix()
    if hotfix is None:
        raise UsageError(
            f"{ctx.branch or 'HEAD'} is not a hotfix branch: check out the one to renumber first"
        )
    repo, prefix = ctx.repo, ctx.config.branch_prefix
    taken = taken_numbers(ctx)
    chosen = number_option(number) or next_free(list(taken))
    if chosen == hotfix.number:
        raise UsageError(f"{hotfix.name} is hotfix {chosen} already")
    holder = taken.get(chosen)
    if holder is not None:
        raise UsageError(f"hotfix {chosen} is taken ({holder}): pick another number")
    target = renamed(hotfix.name, prefix, chosen)
    if repo.resolve(f"refs/heads/{target}"):
        raise UsageError(f"branch {target} exists already: pick another number")
    old_dir = hotfix_directory(repo, ctx.config, hotfix.number)
    new_dir = old_dir.parent / f"{chosen}-hotfix"
    if (repo.root / new_dir).exists():
        raise UsageError(f"{new_dir} exists already: pick another number")
    if repo.in_progress():
        raise Refused(f"a git operation is in progress ({repo.in_progress()}): finish it first")
    if repo.git("status", "--porcelain", "--", str(old_dir), check=False):
        raise Refused(
            f"{old_dir} has uncommitted changes: commit them first, then renumber; "
            "nothing was changed"
        )
    record = read_worktree_bytes(repo.root, old_dir / HOTFIX_DOC)
    named = HotfixDocument.parse(record, str(old_dir)).field(fields.BRANCH) if record else None
    if record is None or (named and named != hotfix.name):
        # no docs of its own here (nothing scaffolded, or the folder is another
        # incident's record): the branch moves, and gets fresh docs under its new number
        repo.git("branch", "-m", hotfix.name, target)
        _scaffold(ctx, chosen, target, hotfix.slug)
        ui.emit(f"✓ {hotfix.name} is now {target}; its docs are in {new_dir} (staged)")
        _push_advice(ctx, hotfix.name, target)
        return
    tracked = bool(repo.git("ls-files", "--", str(old_dir), check=False))
    _move(ctx.repo.root, old_dir, new_dir, tracked)
    _rewrite(repo.root, new_dir, hotfix.number, chosen, target)
    repo.git("branch", "-m", hotfix.name, target)
    repo.git("add", "-A", "--", str(old_dir), str(new_dir), check=False)
    message = f"T001: renumbered hotfix {hotfix.number} as {chosen}"
    try:
        repo.git("commit", "-q", "-m", message, "--", str(old_dir), str(new_dir))
    except GitError as exc:
        raise UsageError(
            f"the move is staged but its commit failed ({exc.stderr.strip()}): "
            f"commit it yourself: {ui.command(['git', 'commit', '-m', message])}"
        ) from None
    ui.emit(f"✓ {hotfix.name} is now {target}; {old_dir} moved to {new_dir} ({message!r})")
    _push_advice(ctx, hotfix.name, target)


def _scaffold(ctx: Context, number: str, branch: str, slug: str) -> None:
    from hotfix_hooks.core.branch import title_from_slug
    from hotfix_hooks.incident.scaffold import DOCS, scaffold

    base = ctx.repo.resolve("HEAD") or ""
    result = scaffold(
        ctx.repo, ctx.config, number, branch=branch, title=title_from_slug(slug), base_commit=base
    )
    docs = [str(result.directory / name) for name in DOCS]
    ctx.repo.git("add", "--", *docs, check=False)


def _push_advice(ctx: Context, old: str, target: str) -> None:
    repo = ctx.repo
    remote = repo.git("config", "--get", f"branch.{target}.remote", check=False) or "origin"
    if repo.resolve(f"refs/remotes/{remote}/{old}"):
        ui.emit(
            f"Push it, and take the old name off {remote}: "
            + ui.commands(
                ["git", "push", "-u", remote, target], ["git", "push", remote, "--delete", old]
            )
        )
    else:
        ui.emit(f"Push it when ready: {ui.command(['git', 'push', '-u', remote, target])}")


def _move(root: object, old: PurePosixPath, new: PurePosixPath, tracked: bool) -> None:
    from pathlib import Path

    from hotfix_hooks.git.run import run

    base = Path(str(root))
    if tracked:
        run("mv", "--", str(old), str(new), cwd=base)
    else:
        (base / old).rename(base / new)


def _rewrite(root: object, directory: PurePosixPath, old: str, new: str, branch: str) -> None:
    """The number in each document's heading, and the Branch field of hotfix.md."""
    from pathlib import Path

    base = Path(str(root))
    for name in (HOTFIX_DOC, TASKS_DOC, EVENTS_DOC):
        rel = directory / name
        data = read_worktree_bytes(base, rel)
        if data is None:
            continue
        updated = _heading_renumbered(data, old, new)
        if name == HOTFIX_DOC:
            doc = HotfixDocument.parse(updated, str(rel))
            if doc.field(fields.BRANCH) is not None:
                updated = doc.with_field(fields.BRANCH, branch)
        if updated != data:
            replace_file(base / rel, updated)
