"""Time, with a UTC offset always attached, and a clock tests can set.

``HOTFIX_HOOKS_NOW`` (ISO 8601 with an offset) fixes "now" for tests and demos.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, timezone

__all__ = ["datetime", "timedelta", "timezone"]

ENV_NOW = "HOTFIX_HOOKS_NOW"
_STAMP = re.compile(
    r"\s*(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)\s*(Z|UTC|[+-]\d{2}:?\d{2})?\s*$",
    re.IGNORECASE,
)


class BadTimestampError(ValueError):
    pass


def now() -> datetime:
    fixed = os.environ.get(ENV_NOW)
    if fixed:
        try:
            return parse(fixed, assume_local=False)
        except BadTimestampError as exc:
            from hotfix_hooks.core.errors import UsageError

            raise UsageError(
                f"{ENV_NOW}={fixed!r} is not a timestamp ({exc}): set it like "
                "2026-11-26T04:05:00+01:00, or unset it"
            ) from None
    moment = datetime.now(timezone.utc)
    try:
        return moment.astimezone()
    except (ValueError, OverflowError, OSError):  # a TZ the C library cannot use
        return moment


FIRST_YEAR, LAST_YEAR = 1970, 2999  # what a stamp in a hotfix document may say


def format_stamp(moment: datetime) -> str:
    """``2026-11-26 15:30:07 +00:00``: the seed's ``YYYY-MM-DD HH:MM`` to the second, plus
    the offset (a rollback 50 s after the start is not "0s" later). Stamps written to the
    minute by older versions still parse."""
    text = moment.strftime("%Y-%m-%d %H:%M:%S %z")
    return f"{text[:-2]}:{text[-2:]}"


def stamp_now() -> datetime:
    """Now, to the second: what a recorded stamp holds, so that a duration computed now
    is the one the record will give back."""
    return now().replace(microsecond=0)


def parse(text: str, *, assume_local: bool = True) -> datetime:
    """Parse what :func:`format_stamp` writes, and ISO 8601 with ``T``/``Z``.

    A stamp without an offset (hand-written) is read as local time when
    ``assume_local``, otherwise rejected.
    """
    match = _STAMP.match(text)
    if match is None:
        raise BadTimestampError(
            f"not a timestamp: {text.strip()!r} (expected YYYY-MM-DD HH:MM:SS +HH:MM)"
        )
    date, clock, offset = match.groups()
    if len(clock) == 5:
        clock += ":00"
    try:
        naive = datetime.fromisoformat(f"{date}T{clock}")
    except ValueError as exc:
        raise BadTimestampError(f"not a timestamp: {text.strip()!r} ({exc})") from None
    if not FIRST_YEAR <= naive.year <= LAST_YEAR:
        # an incident is no older than the Unix epoch, and a year 9999 (or 0001) stamp
        # would overflow the arithmetic that reports do with it (a post-mortem due date)
        raise BadTimestampError(
            f"not a timestamp: {text.strip()!r} (the year is outside {FIRST_YEAR}-{LAST_YEAR})"
        )
    if offset is None:
        if not assume_local:
            raise BadTimestampError(f"timestamp {text.strip()!r} has no UTC offset")
        return naive.astimezone()
    if offset.upper() in ("Z", "UTC"):
        return naive.replace(tzinfo=timezone.utc)
    sign = 1 if offset[0] == "+" else -1
    digits = offset[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    try:
        return naive.replace(tzinfo=timezone(sign * delta))
    except ValueError as exc:
        raise BadTimestampError(f"bad UTC offset in {text.strip()!r}: {exc}") from None


def seconds(delta: timedelta | None) -> int | None:
    """Whole seconds for JSON; a zero duration is 0, not missing."""
    return None if delta is None else int(delta.total_seconds())


def human_or_none(delta: timedelta | None) -> str | None:
    return None if delta is None else human(delta)


def human_minutes(minutes: float | None) -> str:
    """A figure in minutes (a median, a mean) as :func:`human` says a duration, to the
    nearest second (a figure is rounded; a float of minutes may fall a hair short); "—"
    for none."""
    return "—" if minutes is None else human(timedelta(seconds=round(minutes * 60)))


def human(delta: timedelta) -> str:
    """``1h 05m``, ``12m``, ``2d 3h``, ``45s``."""
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours}h"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    if minutes:
        return f"{sign}{minutes}m"
    return f"{sign}{secs}s"
