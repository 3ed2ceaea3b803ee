"""One number, one incident: which branch holds a hotfix number, and who must move.

A number is *claimed* by every hotfix branch that carries it (local or remote-tracking:
``hotfix/42-x``, ``hotfix/042-y`` and ``hotfix/0042-z`` all claim ``042``) and by the
``Branch`` field of an existing hotfix.md. Two claims with different branch names are a
conflict. The claim whose hotfix.md was committed first *holds* the number; every other
claimant must take the next free number. When nobody has committed the docs yet, nobody
holds it and every claimant is told.

Pure (no git, no click) and import-light (no dataclasses): the commit-msg and
post-checkout hooks use it.
"""

from __future__ import annotations

from hotfix_hooks.core.ui import command, commands

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable


class Claim:
    """One branch's claim on a number: where it was seen, and since when its hotfix.md
    is committed (a commit time in seconds; None while it is not)."""

    __slots__ = ("branch", "names_itself", "number", "since", "where")

    def __init__(
        self,
        number: str,
        branch: str,
        where: str,
        since: float | None = None,
        names_itself: bool = False,
    ) -> None:
        self.number = number
        self.branch = branch
        self.where = where
        self.since = since
        self.names_itself = names_itself

    def __repr__(self) -> str:
        return (
            f"Claim({self.number!r}, {self.branch!r}, {self.where!r}, since={self.since!r}, "
            f"names_itself={self.names_itself!r})"
        )


def merge(claims: Iterable[Claim]) -> list[Claim]:
    """One claim per branch name (``hotfix/042-x`` and ``origin/hotfix/042-x`` are one
    incident): the earliest commit time, every place it was seen."""
    out: dict[str, Claim] = {}
    for claim in claims:
        known = out.get(claim.branch)
        if known is None:
            out[claim.branch] = Claim(
                claim.number, claim.branch, claim.where, claim.since, claim.names_itself
            )
            continue
        if claim.where not in known.where.split(", "):
            known.where = f"{known.where}, {claim.where}"
        if claim.since is not None and (known.since is None or claim.since < known.since):
            known.since = claim.since
        known.names_itself = known.names_itself or claim.names_itself
    return list(out.values())


def holder(claims: Iterable[Claim]) -> Claim | None:
    """The claim that holds the number: docs committed first (a doc that names its own
    branch wins a tie); None when no claimant has committed its docs, or on a true tie."""
    dated = [c for c in claims if c.since is not None]
    if not dated:
        return None
    dated.sort(key=lambda c: (c.since, not c.names_itself))
    first = dated[0]
    if len(dated) > 1:
        second = dated[1]
        if second.since == first.since and second.names_itself == first.names_itself:
            return None
    return first


def rivals(branch: str, claims: Iterable[Claim]) -> list[Claim]:
    """The other branches claiming the same number as ``branch`` (its own claim aside)."""
    return [c for c in claims if c.branch != branch]


def must_move(branch: str, claims: Iterable[Claim]) -> list[Claim]:
    """The rivals that make ``branch`` move to another number: all of them unless
    ``branch`` holds the number (then the others must move, not it)."""
    merged = merge(claims)
    others = rivals(branch, merged)
    if not others:
        return []
    held = holder(merged)
    if held is not None and held.branch == branch:
        return []
    return others


def next_free(taken: Iterable[str]) -> str:
    """The number after the highest one taken, zero-padded to three digits."""
    highest = max((int(n) for n in taken if n.isdigit()), default=0)
    return str(highest + 1).zfill(3)


def renamed(branch: str, prefix: str, number: str) -> str:
    """``branch`` with its number replaced: ``hotfix/001-other`` -> ``hotfix/004-other``."""
    tail = branch[len(prefix) :] if branch.startswith(prefix) else branch
    digits = len(tail) - len(tail.lstrip("0123456789"))
    return f"{prefix}{number}{tail[digits:]}"


def conflict_lines(
    branch: str, number: str, others: Iterable[Claim], free: str, prefix: str, action: str
) -> list[str]:
    """What to tell the user: who else holds the number, and the one command that moves
    the branch, its folder and fields to the next free number."""

    others = list(others)
    target = renamed(branch, prefix, free)
    lines = [
        f"{action}: hotfix number {number} is already used by another incident "
        f"({', '.join(f'{c.branch} [{c.where}]' for c in others)}); "
        f"{branch} must not share it."
    ]
    renumber = commands(["git", "checkout", branch, "--"], ["hotfix-hooks", "renumber", free])
    delete = command(["git", "push", "origin", "--delete", branch])
    lines += [
        f"  fix: {renumber}   (moves the branch, its folder and fields to {target}: the next "
        "free number)",
        f"       if {branch} was pushed already: {delete}",
    ]
    return lines
