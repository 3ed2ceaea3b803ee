"""What rollback and resolve share: the current hotfix's hotfix.md, edited in place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from hotfix_hooks.branch import HotfixBranch
from hotfix_hooks.context import Context, context
from hotfix_hooks.document.location import HOTFIX_DOC, read_worktree_doc
from hotfix_hooks.document.scaffold import hotfix_directory
from hotfix_hooks.errors import UsageError
from hotfix_hooks.safe_files import replace_file


@dataclass
class CurrentDoc:
    ctx: Context
    hotfix: HotfixBranch
    rel: PurePosixPath
    text: str

    @property
    def path(self) -> Path:
        return self.ctx.repo.root / self.rel

    def save(self, text: str) -> None:
        if text != self.text:
            replace_file(self.path, text.encode("utf-8"))
            self.text = text


def current_doc() -> CurrentDoc:
    ctx = context()
    hotfix = ctx.hotfix()
    if hotfix is None:
        raise UsageError(
            f"{ctx.branch or 'HEAD'} is not a hotfix branch: check out "
            f"{ctx.config.branch_prefix}NNN-<slug> first (hotfix-hooks status lists them)"
        )
    rel = hotfix_directory(ctx.repo, ctx.config, hotfix.number) / HOTFIX_DOC
    text = read_worktree_doc(ctx.repo.root, rel)
    if text is None:
        raise UsageError(f"{rel} is missing (or a symlink): run hotfix-hooks scaffold")
    return CurrentDoc(ctx, hotfix, rel, text)
