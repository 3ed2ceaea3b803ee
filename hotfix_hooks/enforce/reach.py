"""Which hotfixes a range of commits brings, wherever it lands: the production branch, a
release branch, any branch. A commit belongs to hotfix NNN when its ``Hotfix:`` trailer says
so, when it changes that hotfix's directory (``<features>/NNN-hotfix/``), or when it is on a
hotfix branch whose tip the range brings. The trailer alone is the weakest evidence (a
commit can say anything): ``check --strict`` refuses a hotfix only a trailer names.
"""

from __future__ import annotations

from hotfix_hooks.core.branch import format_number
from hotfix_hooks.git import history

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from hotfix_hooks.git.refs import HotfixRef

TRAILER = "trailer"
DIRECTORY = "directory"
BRANCH = "branch"


class Evidence:
    """What ties a range's commits to one hotfix."""

    __slots__ = ("commits", "kinds", "refs")

    def __init__(self) -> None:
        self.commits: set[str] = set()
        self.kinds: set[str] = set()
        self.refs: list[HotfixRef] = []  # hotfix branches the range brings

    @property
    def trailer_only(self) -> bool:
        return self.kinds == {TRAILER}


def hotfixes_brought(
    cwd: Path | str,
    new: Sequence[str],
    exclude: Sequence[str],
    features: str,
    refs: Sequence[HotfixRef],
) -> dict[str, Evidence]:
    """Hotfix number -> what ties the commits of ``git log NEW`` to it. ``exclude``: what
    the destination already had (the commits of a hotfix branch brought are those not in
    it); ``refs``: the hotfix branches there are (the server's, or remote-tracking)."""
    found: dict[str, Evidence] = {}

    def note(number: str, kind: str, commits: set[str]) -> Evidence:
        evidence = found.setdefault(format_number(number), Evidence())
        evidence.kinds.add(kind)
        evidence.commits |= commits
        return evidence

    for number, commits in history.trailer_numbers(cwd, new).items():
        note(number, TRAILER, commits)
    for number, commits in history.hotfix_dirs_touched(cwd, new, features).items():
        note(number, DIRECTORY, commits)
    if refs:
        ids = history.commit_ids(cwd, new)
        tips = history.ref_tips(cwd, [ref.ref for ref in refs])
        for ref in refs:
            tip = tips.get(ref.ref)
            if tip in ids:
                brought = history.commit_ids(cwd, [tip, "--not", *exclude]) & ids
                note(ref.hotfix.number, BRANCH, brought).refs.append(ref)
    return found
