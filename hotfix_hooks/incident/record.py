"""The checked-out hotfix's record (its hotfix.md and events.md), read and edited in place
under a lock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath

from hotfix_hooks.config.context import Context, context
from hotfix_hooks.core import clock, ui
from hotfix_hooks.core.branch import HotfixBranch
from hotfix_hooks.core.errors import Refused, UsageError
from hotfix_hooks.core.safe_files import (
    check_no_symlinks,
    create_exclusive,
    describe_os_error,
    locked,
    replace_file,
)
from hotfix_hooks.core.state import HotfixState, state_of
from hotfix_hooks.core.value import Value
from hotfix_hooks.document import events as ev
from hotfix_hooks.document import fields
from hotfix_hooks.document import record as records
from hotfix_hooks.document.events import EVENTS_DOC, Event
from hotfix_hooks.incident.finished import finished
from hotfix_hooks.incident.location import HOTFIX_DOC, hotfix_directory, read_worktree_bytes
from hotfix_hooks.incident.upstream import Upstream, upstream_of
from hotfix_hooks.policy.targets import POSTMORTEM_DUE, within_target

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hotfix_hooks.document.model import HotfixDocument


class CurrentDoc(Value):
    """The checked-out hotfix's hotfix.md (``doc``, as last read), where it is (``rel``)."""

    __slots__ = ("ctx", "doc", "hotfix", "rel")

    def __init__(
        self, ctx: Context, hotfix: HotfixBranch, rel: PurePosixPath, doc: HotfixDocument
    ) -> None:
        self.ctx = ctx
        self.hotfix = hotfix
        self.rel = rel
        self.doc = doc

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
            with locked(target, self.ctx.repo.git_dir, shown=str(self.events_rel)):
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
        from hotfix_hooks.document.model import HotfixDocument

        try:
            with locked(self.path, self.ctx.repo.git_dir, shown=str(self.rel)):
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


class HotfixRecord(Value):
    """The one record type: what one hotfix's record says (read from its hotfix.md and
    events.md, wherever they were read), and where it was read. ``report`` lists them,
    ``status`` shows one (with what the working tree adds), the dashboard draws them."""

    __slots__ = (
        "branch",
        "cancelled_at",
        "checklist_done",
        "conflict",
        "created",
        "finished",
        "number",
        "path",
        "postmortem_commits",
        "problems",
        "repository",
        "resolved",
        "rollback_at",
        "rollback_triggered",
        "source",
        "status",
        "title",
    )

    def __init__(
        self,
        number: str,
        title: str,
        status: str,
        created: datetime | None,
        resolved: datetime | None,
        rollback_triggered: bool,
        checklist_done: bool,
        source: str,
        path: str,
        branch: str = "",
        postmortem_commits: list[str] | None = None,
        problems: list[str] | None = None,
        conflict: list[str] | None = None,
        repository: str = "",
        finished: bool = False,
        rollback_at: datetime | None = None,
        cancelled_at: datetime | None = None,
    ) -> None:
        self.number = number
        self.title = title
        self.status = status  # the state's name, as the record reads (Active, Resolved, ...)
        self.created = created
        self.resolved = resolved
        self.rollback_triggered = rollback_triggered
        self.checklist_done = checklist_done
        self.source = source  # "working tree" or a ref
        self.path = path
        self.branch = branch
        self.postmortem_commits = [] if postmortem_commits is None else postmortem_commits
        self.problems = [] if problems is None else problems
        self.conflict = [] if conflict is None else conflict  # other branches with this number
        self.repository = repository  # its repository's name, in a report over several
        self.finished = finished  # resolved, and finish landed it (its tag exists)
        self.rollback_at = rollback_at  # the first rollback recorded
        self.cancelled_at = cancelled_at

    @classmethod
    def read(
        cls, number: str, data: bytes, source: str, path: str, events: bytes | None = None
    ) -> HotfixRecord:
        """One hotfix as its record says it: hotfix.md (``data``) and events.md
        (``events``); a record that cannot be read is one, UNREADABLE, with the reason."""
        from hotfix_hooks.document.model import HotfixDocument

        try:
            doc = HotfixDocument.parse(data, path)
        except UsageError as exc:
            return cls.unreadable(number, source, path, str(exc))
        events_path = str(PurePosixPath(path).parent / EVENTS_DOC)
        return cls.of(number, records.read(doc, events, events_path), source, path)

    @classmethod
    def unreadable(cls, number: str, source: str, path: str, problem: str) -> HotfixRecord:
        """A hotfix whose record cannot be read (not UTF-8, too large): shown, never
        counted."""
        return cls(
            number=number,
            title="",
            status=HotfixState.UNREADABLE.value,
            created=None,
            resolved=None,
            rollback_triggered=False,
            checklist_done=False,
            source=source,
            path=path,
            problems=[problem],
        )

    @classmethod
    def of(cls, number: str, record: records.Record, source: str, path: str) -> HotfixRecord:
        """The record type of a record read (``document.record.read``)."""
        doc = record.doc
        problems = list(record.problems)
        created_text = doc.field(fields.CREATED)
        if created_text and record.created is None and not created_text.startswith("["):
            problems.append(f"{path}: unparseable {fields.CREATED} {created_text!r}")
        resolved_text = doc.field(fields.RESOLVED)
        if resolved_text and fields.parse_stamp(resolved_text) is None:
            problems.append(f"{path}: unparseable {fields.RESOLVED} {resolved_text!r}")
        created, resolved = record.created, record.resolved
        if created and resolved and resolved < created:
            # a time to resolution below zero would count as within target and pull the
            # team's median down: the record is shown, its resolution is not believed
            problems.append(
                f"{path}: its resolution {clock.format_stamp(resolved)} is before "
                f"{fields.CREATED} {created_text!r}: not counted"
            )
            resolved = None
        rollback, cancellation = record.rollback, record.cancellation
        return cls(
            number=number,
            title=doc.title,
            status=record.state.value,
            created=created,
            resolved=resolved,
            rollback_triggered=rollback is not None,
            checklist_done=fields.postmortem_checklist_done(doc),
            source=source,
            path=path,
            branch=doc.field(fields.BRANCH) or "",
            problems=problems,
            rollback_at=rollback.when if rollback else None,
            cancelled_at=cancellation.when if cancellation else None,
        )

    @property
    def state(self) -> HotfixState:
        """Where it stands: its Status field, Finished once resolved and tagged."""
        state = state_of(self.status)
        return HotfixState.FINISHED if self.finished and state.closed else state

    @property
    def duration(self) -> timedelta | None:
        if self.created and self.resolved:
            return self.resolved - self.created
        return None

    @property
    def postmortem_done(self) -> bool:
        return self.checklist_done or bool(self.postmortem_commits)

    def overdue(self, now: datetime) -> bool:
        return bool(
            self.resolved and not self.postmortem_done and now > self.resolved + POSTMORTEM_DUE
        )

    @property
    def active(self) -> bool:
        return (
            not state_of(self.status).closed and state_of(self.status) is not HotfixState.UNREADABLE
        )

    @property
    def cancelled(self) -> bool:
        """Opened by mistake (``abort``): shown, but in no metric."""
        return state_of(self.status) is HotfixState.CANCELLED

    def age(self, now: datetime) -> timedelta | None:
        """How long an active hotfix has been open."""
        return now - self.created if self.active and self.created else None

    def over_target(self, now: datetime, target_minutes: int) -> bool:
        """Active and open longer than the time-to-resolve target."""
        age = self.age(now)
        return age is not None and not within_target(age, target_minutes)


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
    from hotfix_hooks.document.model import HotfixDocument

    return CurrentDoc(ctx, hotfix, rel, HotfixDocument.parse(data, str(rel)))
