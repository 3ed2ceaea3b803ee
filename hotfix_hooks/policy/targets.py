"""The workflow's time targets: resolve in under two hours; T005 in 48 h; T007 in a week."""

from __future__ import annotations

from datetime import timedelta

ROOT_CAUSE_DUE = timedelta(hours=48)  # T005: root cause analysis
POSTMORTEM_DUE = timedelta(days=7)  # T007: post-mortem


def within_target(duration: timedelta, target_minutes: int) -> bool:
    """The seed's target is strict: resolved in *less than* two hours."""
    return duration < timedelta(minutes=target_minutes)
