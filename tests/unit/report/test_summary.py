"""The report's figures say what its rows say."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from hotfix_hooks.core import clock
from hotfix_hooks.incident.record import HotfixRecord
from hotfix_hooks.report.inventory import summarize
from hotfix_hooks.report.outputs import summary_lines

START = datetime(2026, 11, 26, 3, 0, tzinfo=timezone.utc)


def resolved_in(number: str, took: timedelta) -> HotfixRecord:
    return HotfixRecord(
        number, "t", "Resolved", START, START + took, False, False, "working tree", "p"
    )


@pytest.mark.parametrize("seconds", [28, 1, 59, 61, 3599, 5 * 3600 + 7])
def test_one_hotfix_s_median_and_mean_are_its_time(seconds: int) -> None:
    """One hotfix resolved in 28 s: its row says 28s, and so do the median and the mean
    (rounded to a tenth of a minute they said 30s)."""
    took = timedelta(seconds=seconds)
    summary = summarize([resolved_in("001", took)], START + timedelta(days=1), 120)
    shown = clock.human(took)
    assert f"median {shown}, mean {shown} " in "\n".join(summary_lines(summary))
