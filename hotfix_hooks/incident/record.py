"""The checked-out hotfix's record (its hotfix.md and events.md), read and edited in place
under a lock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from hotfix_hooks.config.context import Context, context
from hotfix_hooks.core import ui
from hotfix_hooks.core.branch import HotfixBranch
from hotfix_hooks.core.errors import Refused, UsageError
from hotfix_hooks.core.safe_files import (
    check_no_symlinks,
    create_exclusive,
    describe_os_error,
    locked,
    replace_file,
)
from hotfix_hooks.document import events as ev
from hotfix_hooks.document import record as records
from hotfix_hooks.document.events import Event
from hotfix_hooks.document.model import HotfixDocument
from hotfix_hooks.incident.finished import finished
from hotfix_hooks.incident.location import HOTFIX_DOC, read_worktree_bytes
from hotfix_hooks.incident.scaffold import hotfix_directory
from hotfix_hooks.incident.upstream import Upstream, upstream_of


@dataclass
class CurrentDoc:
    ctx: Context
    hotfix: HotfixBranch
    rel: PurePosixPath
    doc: HotfixDocument

    @property
    def path(self) -> Path:
        return self.ctx.repo.root / self.rel

    @property
    def events_rel(self) -> PurePosixPath:
        return self.rel.parent / ev.EVENTS_DOC

    def record(self) -> records.Record:
        """hotfix.md and events.md, read as one record."""
        data = read_worktree_bytes(self.ctx.repo.root, self.events_rel)
        return records.read(self.doc, data, str(self.events_rel))

    def upstream(self) -> Upstream | None:
        """The hotfix branch against its remote-tracking copy (what the team has)."""
        return upstream_of(self.ctx.repo, self.hotfix.name, self.rel.parent)

    def say_news(self, recording: str | None = None) -> None:
        """First, what the team has that this clone lacks; a command that records an
        event (``recording``: how to run it again) refuses over a newer record there."""
        done = finished(self.ctx.repo, self.ctx.config, self.hotfix)
        if done is not None:
            if recording:
                raise Refused(f"{done.notice()}: nothing recorded; {done.advice()}")
            ui.warn(f"{done.notice()}; {done.advice()}")
            return
        news = self.upstream()
        if news is None:
            return
        if recording:
            news.refuse_recording(recording)
        line = news.notice()
        if line:
            ui.warn(line)

    def who(self) -> str:
        """Who records an event: the git author's name here."""
        ident = self.ctx.repo.git("var", "GIT_AUTHOR_IDENT", check=False)
        return ident.partition(" <")[0].strip()

    def add_event(self, event: Event, unless: Callable[[records.Record], bool]) -> bool:
        """Append ``event`` to events.md (made, with the folder's .gitattributes that lets
        git union-merge it, when missing), under its lock, unless ``unless`` says the
        record, as it is now on disk, has it already; staged. False when not added."""
        root = self.ctx.repo.root
        target = root / self.events_rel
        state = self.ctx.repo.in_progress()
        if state:
            operation = operation_name(state)
            raise Refused(
                f"a {operation} is in progress: the record is written once it is done "
                f"(git {operation} --continue, or --abort); nothing recorded"
            )
        try:
            check_no_symlinks(root, self.events_rel)
            with locked(target, shown=str(self.events_rel)):
                data = read_worktree_bytes(root, self.events_rel)
                if target.exists() and data is None:
                    raise UsageError(f"{self.events_rel} is not a regular file: not written")
                current = records.read(self.doc, data, str(self.events_rel))
                if unless(current):
                    return False
                replace_file(target, ev.appended(data, self.hotfix.number, event))
        except OSError as exc:
            raise UsageError(
                describe_os_error(exc, str(self.events_rel)) + "; it was not changed"
            ) from None
        staged = [str(self.events_rel)]
        if self._attributes():
            staged.append(str(self.rel.parent / ev.ATTRIBUTES))
        self.ctx.repo.git("add", "--", *staged, check=False)
        return True

    def _attributes(self) -> bool:
        """The folder's .gitattributes names the union merge (made when missing; one that
        is not ours is never edited: a warning says what to add). True when made now."""
        rel = self.rel.parent / ev.ATTRIBUTES
        path = self.ctx.repo.root / rel
        data = read_worktree_bytes(self.ctx.repo.root, rel)
        if data is None and not path.exists():
            try:
                create_exclusive(path, (ev.ATTRIBUTE_LINE + "\n").encode("utf-8"))
            except FileExistsError:
                return False
            return True
        if data is None or ev.ATTRIBUTE_LINE.encode() not in data:
            ui.warn(
                f"{rel} does not say {ev.ATTRIBUTE_LINE!r}: add that line, or two clones' "
                f"events in {self.events_rel} may conflict when they merge"
            )
        return False

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


def operation_name(state: str) -> str:
    """``rebase`` for ``rebase-merge``, ``cherry-pick`` for ``CHERRY_PICK_HEAD``, ..."""
    names = {"MERGE_HEAD": "merge", "CHERRY_PICK_HEAD": "cherry-pick", "REVERT_HEAD": "revert"}
    return names.get(state, "bisect" if state.startswith("BISECT") else "rebase")


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
