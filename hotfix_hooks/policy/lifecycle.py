"""What a hotfix's state allows: finishing, cancelling, an overdue alert (pure rules)."""

from __future__ import annotations

from datetime import timedelta

from hotfix_hooks.core.state import HotfixState, state_of

FINISH_TASK = "T004"  # the resolution record is the end of "Monitor Post-Deployment"


def finish_refusal(status: str) -> str | None:
    """Why a hotfix in ``status`` cannot be finished (merged, tagged), or None."""
    if state_of(status) is HotfixState.CANCELLED:
        return "it was cancelled (hotfix-hooks abort): a cancelled hotfix is never merged"
    return None


def abort_refusal(status: str) -> str | None:
    """Why a hotfix in ``status`` cannot be cancelled, or None."""
    if state_of(status) is HotfixState.RESOLVED:
        return "it is already resolved: a resolved hotfix stays in the metrics"
    return None


def overdue(status: str, elapsed: timedelta | None, target_minutes: int) -> bool:
    """An active hotfix open for the target time or longer (the target is strict: < 2 h)."""
    active = not state_of(status).closed
    return active and elapsed is not None and elapsed >= timedelta(minutes=target_minutes)
