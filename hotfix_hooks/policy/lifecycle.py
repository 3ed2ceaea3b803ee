"""What a hotfix's state allows: finishing, cancelling, an overdue alert (pure rules)."""

from __future__ import annotations

from datetime import timedelta

FINISH_TASK = "T004"  # the resolution record is the end of "Monitor Post-Deployment"


def _state(status: str) -> str:
    return status.strip().lower()


def finish_refusal(status: str) -> str | None:
    """Why a hotfix in ``status`` cannot be finished (merged, tagged), or None."""
    if _state(status) in ("cancelled", "canceled"):
        return "it was cancelled (hotfix-hooks abort): a cancelled hotfix is never merged"
    return None


def abort_refusal(status: str) -> str | None:
    """Why a hotfix in ``status`` cannot be cancelled, or None."""
    if _state(status) == "resolved":
        return "it is already resolved: a resolved hotfix stays in the metrics"
    return None


def overdue(status: str, elapsed: timedelta | None, target_minutes: int) -> bool:
    """An active hotfix open for the target time or longer (the target is strict: < 2 h)."""
    active = _state(status) not in ("resolved", "cancelled", "canceled")
    return active and elapsed is not None and elapsed >= timedelta(minutes=target_minutes)


def tag_name(tag_format: str, number: str) -> str:
    return tag_format.format(number=number)
