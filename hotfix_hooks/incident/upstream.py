"""What the team knows that this clone does not: the hotfix branch's remote-tracking copy.

Every command that reads a hotfix's record compares the branch with its upstream (else the
remote-tracking branch of that name) as this clone last fetched it: commits there and not
here are said first ("origin/hotfix/001-x is 2 ahead: pull"), and a command that records
an event refuses to record over a record that is newer there. No fetch: the commands stay
fast and work offline; ``git fetch`` (or ``git pull``) is what brings the news.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import NamedTuple

from hotfix_hooks.core.errors import Refused
from hotfix_hooks.git.repository import Repository
from hotfix_hooks.git.run import ok


class Upstream(NamedTuple):
    """The hotfix branch against its remote-tracking copy."""

    branch: str
    tracking: str  # origin/hotfix/001-x
    theirs: int  # commits there, not here
    ours: int  # commits here, not there
    record_changed: bool  # their commits change the hotfix's record
    pull: str  # the pull that works from here (Repository.pull_command)

    @property
    def behind(self) -> bool:
        return self.theirs > 0

    def notice(self) -> str | None:
        """The line to print first, or None when this clone is up to date."""
        if not self.theirs:
            return None
        record = " (they change the record)" if self.record_changed else ""
        if self.ours:
            return (
                f"{self.branch} and {self.tracking} have diverged ({self.ours} here, "
                f"{self.theirs} there{record}): pull ({self.pull}), then push"
            )
        return f"{self.tracking} is {self.theirs} ahead{record}: pull ({self.pull})"

    def refuse_recording(self, what: str) -> None:
        """A recording command does not record over a newer record there."""
        if self.theirs and self.record_changed:
            raise Refused(
                f"{self.tracking} has a newer record ({self.theirs} commit(s) this clone "
                f"lacks change it): pull first ({self.pull}), then {what} again; nothing "
                "recorded"
            )


def tracking_ref(repo: Repository, branch: str) -> str | None:
    """The branch's upstream, else ``<remote>/<branch>`` on the default remote; None when
    there is neither (the repository's own answer)."""
    return repo.tracking(branch)


def upstream_of(repo: Repository, branch: str, record: PurePosixPath) -> Upstream | None:
    """``branch`` (checked out) against its remote-tracking copy; None without one."""
    tracking = tracking_ref(repo, branch)
    if tracking is None:
        return None
    counts = repo.git(
        "rev-list", "--left-right", "--count", f"{tracking}...HEAD", "--", check=False
    ).split()
    if len(counts) != 2 or not all(c.isdigit() for c in counts):
        return None
    theirs, ours = int(counts[0]), int(counts[1])
    changed = theirs > 0 and not ok(
        "diff", "--quiet", f"HEAD...{tracking}", "--", str(record), cwd=repo.root
    )
    return Upstream(branch, tracking, theirs, ours, changed, repo.pull_command(branch))
