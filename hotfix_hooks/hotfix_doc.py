"""Reading and editing the ``**Field**: value`` lines of hotfix.md.

An edit changes only the line of the field it owns; every other byte stays.
A field that is not there is added to the Metadata section (or the end).
"""

from __future__ import annotations

import re
from datetime import datetime

from hotfix_hooks import clock
from hotfix_hooks.clock import BadTimestampError


def _field_re(label: str) -> re.Pattern[str]:
    return re.compile(
        r"^(?P<lead>[ \t]*(?:[-*+][ \t]+)?\*\*" + re.escape(label) + r"\*\*:)(?P<value>[^\r\n]*)",
        re.M | re.I,
    )


def get_field(text: str, label: str) -> str | None:
    match = _field_re(label).search(text)
    return match.group("value").strip() if match else None


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def set_field(text: str, label: str, value: str) -> str:
    value = " ".join(value.split())
    match = _field_re(label).search(text)
    if match:
        return text[: match.start("value")] + " " + value + text[match.end("value") :]
    nl = _newline(text)
    line = f"**{label}**: {value}"
    metadata = re.search(r"^##[ \t]+Metadata[ \t]*\r?$", text, re.M | re.I)
    if metadata:
        following = re.search(r"^(?:#{1,2}[ \t]|---)", text[metadata.end() :], re.M)
        end = metadata.end() + following.start() if following else len(text)
        block = text[:end].rstrip("\r\n")
        return block + nl + line + nl + (nl if following else "") + text[end:].lstrip("\r\n")
    body = text if text.endswith(("\n", "\r")) or not text else text + nl
    return body + line + nl


def replace_section_body(text: str, label: str, body: str) -> str:
    """Put ``body`` as the content of a ``**Label**:`` field: inline when one
    line, else as the list lines under it, replacing only placeholder lines."""
    from hotfix_hooks.rollback_plan import line_is_real

    match = _field_re(label).search(text)
    if match is None:
        return set_field(text, label, body)
    nl = _newline(text)
    lines = [b.strip() for b in body.splitlines() if b.strip()]
    if not lines:
        return text
    after = text[match.end() :]
    # the placeholder list lines right below the label ("- [How to ...]")
    following = re.match(r"(?:(?:\r?\n)[ \t]*[-*+][ \t]+[^\r\n]*)*", after)
    assert following is not None
    block = following.group(0)
    placeholder_only = all(not line_is_real(line) for line in block.splitlines() if line.strip())
    inline = match.group("value")
    new_block = "".join(f"{nl}- {line}" for line in lines)
    if block and placeholder_only and not line_is_real(inline):
        return text[: match.start("value")] + inline.rstrip() + new_block + after[len(block) :]
    if not line_is_real(inline):
        return text[: match.start("value")] + " " + " ".join(lines) + after
    return text[: match.end()] + block + new_block + after[len(block) :]


def is_resolved(status: str | None) -> bool:
    return (status or "").strip().lower() == "resolved"


def rollback_triggered(text: str) -> bool:
    """``**Rollback Triggered**: yes (...)``, as ``hotfix-hooks rollback`` records it."""
    return (get_field(text, "Rollback Triggered") or "").lower().startswith("yes")


def parse_stamp(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return clock.parse(value)
    except BadTimestampError:
        return None


def set_title(text: str, title: str) -> str:
    """The ``# Hotfix NNN: <title>`` heading with ``title``; nothing else changes."""
    return re.sub(
        r"^(#[ \t]+Hotfix[ \t]+\d+[ \t]*:)[^\r\n]*",
        lambda match: f"{match.group(1)} {title}",
        text,
        count=1,
        flags=re.M,
    )


def title_of(text: str) -> str:
    match = re.search(r"^#[ \t]+Hotfix[ \t]+\d+[ \t]*:[ \t]*(.*?)[ \t]*$", text, re.M)
    title = match.group(1).strip() if match else ""
    return "" if title.startswith("[") else title
