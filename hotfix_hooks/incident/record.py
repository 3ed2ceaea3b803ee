"""What rollback and resolve share: the current hotfix's hotfix.md, edited in place."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path, PurePosixPath

from hotfix_hooks.config.context import Context, context
from hotfix_hooks.core.branch import HotfixBranch
from hotfix_hooks.core.errors import POLICY_FAILED, UsageError
from hotfix_hooks.core.safe_files import describe_os_error, locked, replace_file
from hotfix_hooks.document import fields
from hotfix_hooks.document.model import HotfixDocument
from hotfix_hooks.incident.location import HOTFIX_DOC, read_worktree_bytes
from hotfix_hooks.incident.scaffold import hotfix_directory


class Refused(UsageError):
    """A lifecycle command said no, and changed nothing: exit 1."""

    exit_code = POLICY_FAILED


@dataclass
class CurrentDoc:
    ctx: Context
    hotfix: HotfixBranch
    rel: PurePosixPath
    doc: HotfixDocument

    @property
    def path(self) -> Path:
        return self.ctx.repo.root / self.rel

    def save(self, data: bytes) -> None:
        """Write the edited bytes (only the owned lines differ) and re-read them."""
        if data != self.doc.data:
            self.update(lambda _doc: data)

    def update(self, edit: Callable[[HotfixDocument], bytes]) -> bool:
        """Read-modify-write under the document's lock: ``edit`` gets the document as it
        is now on disk (another hotfix-hooks may have just written it) and returns its
        new bytes. Written atomically; False when nothing changed."""
        try:
            with locked(self.path, shown=str(self.rel)):
                data = read_worktree_bytes(self.ctx.repo.root, self.rel)
                if data is None:
                    raise UsageError(f"{self.rel} disappeared (or became a symlink)")
                current = HotfixDocument.parse(data, str(self.rel))
                updated = edit(current)
                if updated != data:
                    replace_file(self.path, updated)
                    current = HotfixDocument.parse(updated, str(self.rel))
                self.doc = current
                return updated != data
        except OSError as exc:
            raise UsageError(
                describe_os_error(exc, str(self.rel)) + "; it was not changed"
            ) from None


def current_doc(elsewhere: str = "") -> CurrentDoc:
    """The checked-out hotfix's document; ``elsewhere``: the command's own way to name
    a hotfix that is not checked out (say, after it was finished), for the refusal."""
    ctx = context()
    hotfix = ctx.hotfix()
    if hotfix is None:
        raise UsageError(
            f"{ctx.branch or 'HEAD'} is not a hotfix branch: check out "
            f"{ctx.config.branch_prefix}NNN-<slug> first (hotfix-hooks status lists them)"
            + (f", or {elsewhere}" if elsewhere else "")
        )
    rel = hotfix_directory(ctx.repo, ctx.config, hotfix.number) / HOTFIX_DOC
    data = read_worktree_bytes(ctx.repo.root, rel)
    if data is None:
        raise UsageError(f"{rel} is missing (or a symlink): run hotfix-hooks scaffold")
    return CurrentDoc(ctx, hotfix, rel, HotfixDocument.parse(data, str(rel)))


def doc_times(doc: HotfixDocument) -> dict[str, str | None]:
    """The incident's recorded times, as written in hotfix.md (ISO 8601 where parseable)."""
    out: dict[str, str | None] = {}
    for key, label in (
        ("created", fields.CREATED),
        ("resolved", fields.RESOLVED),
        ("cancelled", fields.CANCELLED),
    ):
        moment = fields.stamp(doc, label)
        out[key] = moment.isoformat() if moment else None
    rollback = fields.rollback_time(doc)
    out["rollback"] = rollback.isoformat() if rollback else None
    return out


def fire_event(doc: CurrentDoc, event: str, **extra: object) -> bool:
    """Run the event command configured for ``event`` (if any) about this hotfix."""
    from hotfix_hooks import events
    from hotfix_hooks.core import clock
    from hotfix_hooks.policy.rollback_plan import judge

    if events.command_for(str(doc.ctx.repo.root), event) is None:
        return False
    plan = judge(doc.doc).plan
    times = {**doc_times(doc.doc), "now": clock.now().isoformat()}
    build = {
        "number": doc.hotfix.number,
        "title": doc.doc.title or doc.hotfix.title,
        "branch": doc.hotfix.name,
        "times": times,
        "plan": plan.text.strip() if plan.real else None,
        "status": fields.status(doc.doc),
        **extra,
    }
    return events.fire(doc.ctx.config, event, str(doc.ctx.repo.root), build)


@contextmanager
def events_quiet() -> Iterator[None]:
    """Hooks started by git inside this block fire no event: the command fires its own."""
    from hotfix_hooks.events import ENV_QUIET

    before = os.environ.get(ENV_QUIET)
    os.environ[ENV_QUIET] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENV_QUIET, None)
        else:
            os.environ[ENV_QUIET] = before


def alert_overdue(ctx: Context, status: str, elapsed: timedelta | None) -> None:
    """on_overdue, once per hotfix: the current hotfix is active and past its target.

    A marker in the git directory (``hotfix-hooks/overdue-NNN``) keeps a second
    ``status`` from alerting again; a command that failed is tried again next time.
    """
    from hotfix_hooks import events
    from hotfix_hooks.policy.lifecycle import overdue

    if events.command_for(str(ctx.repo.root), "on_overdue") is None:
        return
    if not overdue(status, elapsed, ctx.config.target_minutes):
        return
    doc = current_doc()
    marker = ctx.repo.git_dir / "hotfix-hooks" / f"overdue-{doc.hotfix.number}"
    if marker.exists():
        return
    minutes = int(elapsed.total_seconds() // 60) if elapsed else None
    if fire_event(
        doc, "on_overdue", elapsed_minutes=minutes, target_minutes=ctx.config.target_minutes
    ):
        marker.parent.mkdir(exist_ok=True)
        marker.write_text(f"{doc.hotfix.name}\n", encoding="utf-8")
