"""git/numbers: the hand-written scanners on the commit-msg path agree with their regexes."""

from __future__ import annotations


def test_names_branch_by_hand_matches_the_whole_word_rule() -> None:
    import re

    from hypothesis import given
    from hypothesis import strategies as st

    from hotfix_hooks.git.numbers import names_branch

    @given(st.text("ab/-.x 1\n", max_size=30), st.sampled_from(["a/1-b", "a/1", "x"]))
    def same(text: str, branch: str) -> None:
        data = text.encode()
        pattern = rb"(?<![\w/.-])" + re.escape(branch.encode()) + rb"(?![\w/.-])"
        assert names_branch(data, branch) == (re.search(pattern, data) is not None)

    same()
