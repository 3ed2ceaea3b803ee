"""The checked-out hotfix's record (its hotfix.md), read and edited in place under a lock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from hotfix_hooks.config.context import Context, context
from hotfix_hooks.core.branch import HotfixBranch
from hotfix_hooks.core.errors import UsageError
from hotfix_hooks.core.safe_files import describe_os_error, locked, replace_file
from hotfix_hooks.document.model import HotfixDocument
from hotfix_hooks.incident.location import HOTFIX_DOC, read_worktree_bytes
from hotfix_hooks.incident.scaffold import hotfix_directory


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
