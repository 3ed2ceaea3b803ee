"""Who holds a number two branches claim (``policy.numbers.holder``), without git."""

from __future__ import annotations

from hotfix_hooks.policy.numbers import Claim, holder


def claim(branch: str, since: float | None, names_itself: bool = False) -> Claim:
    return Claim("042", branch, "local", since, names_itself)


def test_the_first_committed_docs_hold_the_number() -> None:
    first, later = claim("hotfix/042-a", 100.0), claim("hotfix/042-b", 200.0)
    assert holder([later, first]) is first


def test_no_committed_docs_hold_nothing() -> None:
    assert holder([claim("hotfix/042-a", None), claim("hotfix/042-b", None)]) is None


def test_a_doc_naming_its_own_branch_wins_a_tie() -> None:
    named, other = claim("hotfix/042-a", 100.0, True), claim("hotfix/042-b", 100.0)
    assert holder([other, named]) is named


def test_a_true_tie_holds_nothing() -> None:
    assert holder([claim("hotfix/042-a", 100.0), claim("hotfix/042-b", 100.0)]) is None
