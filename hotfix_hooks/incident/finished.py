"""A finished hotfix stays finished: what a clone whose hotfix was finished (by a teammate,
or earlier here) is told, by every command that reads its record.

Finished means its tag (``tag_format``) exists here (``git fetch`` brings a teammate's)
and the record in the tagged commit is this branch's. Then nothing more happens on the
branch: its own commits not in the tag are named, with the way to ship them (a new hotfix,
cherry-picked) and the way to leave the branch.
"""

from __future__ import annotations

from typing import NamedTuple

from hotfix_hooks.config.features import worktree_features
from hotfix_hooks.config.settings import Config
from hotfix_hooks.core import ui
from hotfix_hooks.core.branch import HotfixBranch, tag_name
from hotfix_hooks.core.errors import UsageError
from hotfix_hooks.git.repository import Repository
from hotfix_hooks.incident.numbers import finished_claim
from hotfix_hooks.incident.production import production_branch, remote_for


class Finished(NamedTuple):
    number: str
    branch: str
    tag: str
    commit: str  # the tagged commit
    extra: int  # the branch's commits that the finished hotfix does not have
    production: str
    picks: tuple[str, ...] = ()  # those of them that are not merges, oldest first

    def notice(self) -> str:
        return (
            f"hotfix {self.number} is finished (tag {self.tag} at {self.commit[:10]}): "
            f"nothing more happens on {self.branch}"
        )

    def advice(self) -> str:
        """What to do with the branch and its commits, as commands that work when pasted."""
        leave = ui.commands(
            ["git", "checkout", self.production, "--"],
            ["git", "pull", "--ff-only"],
            ["git", "branch", "-D", self.branch],
        )
        # applied, then committed as the new hotfix's (a plain cherry-pick keeps their
        # Hotfix: trailers, no commit-msg hook runs, and the new fix would count as this
        # one's); named by id, merges left out (a merge brings another branch's work, and
        # cherry-pick refuses one without -m)
        pick = ui.commands(
            ["git", "cherry-pick", "--no-commit", *(sha[:12] for sha in self.picks)],
            ["git", "commit", "-m", "T001: <what they fix>"],
        )
        if self.picks:
            return (
                f"{self.branch} has {self.extra} commit(s) the finished hotfix does not: to "
                'ship them, start a new hotfix (hotfix-hooks new "<what is broken>") and '
                f"bring them in as its own ({pick}); for the post-mortem, commit on any branch "
                f'as "{self.number}/T007: ..."; then leave this branch: {leave}'
            )
        return f"leave this branch: {leave}"


def finished(repo: Repository, config: Config, hotfix: HotfixBranch) -> Finished | None:
    """``hotfix`` was finished (its tag names this very branch's record); None otherwise,
    and while this clone's own finish of it is in progress (its journal says so)."""
    from hotfix_hooks.incident import journal

    pending = journal.load(repo.git_dir)
    if pending is not None and pending.branch == hotfix.name:
        return None
    features = worktree_features(str(repo.root), config)
    claim = finished_claim(
        hotfix.number,
        config.branch_prefix,
        features,
        config.tag_format,
        str(repo.root),
        str(repo.git_dir),
    )
    if claim is None or claim.branch != hotfix.name:
        return None  # no tag, or another incident's: a number conflict, said as one
    tag = tag_name(config.tag_format, hotfix.number)
    commit = repo.resolve(f"refs/tags/{tag}") or ""
    # the branch's own commits the finished hotfix lacks, oldest first, merges marked
    listed = repo.git(
        "rev-list", "--reverse", "--parents", f"{commit}..refs/heads/{hotfix.name}", "--",
        check=False,
    ).splitlines()  # fmt: skip
    own = tuple(line.split()[0] for line in listed if len(line.split()) == 2)
    remote = remote_for(repo, config.base_branch)
    try:
        production = production_branch(repo, config.base_branch, remote)
    except UsageError:  # no production branch to be found: say main, the likeliest
        production = "main"
    return Finished(hotfix.number, hotfix.name, tag, commit, len(listed), production, own)
