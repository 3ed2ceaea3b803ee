"""A commit tied to a hotfix by its subject: ``042/T007: post-mortem written``.

After ``finish`` the hotfix branch is gone, but its post-emergency tasks (T005 root cause,
T006 permanent fix, T007 post-mortem) are still to do, on whatever branch the work lands.
A subject that starts with ``<number>/<task>`` ties the commit to that hotfix's task from
any branch; the commit-msg hook stamps it with the ``Hotfix:``/``Task:`` trailers, and the
readers (``report``, ``status``, ``timeline``) count the subject even without them (a
teammate without the hooks).

Import-light (no ``re``): the commit-msg hook reads it on every branch.
"""

from __future__ import annotations

from hotfix_hooks.core.branch import format_number

_DIGITS = "0123456789"
# what every tied subject contains, for a log narrowed by --grep (case-insensitive)
TIE_GREP = "/T"


def postmortem_commit(number: str) -> str:
    """The commit that ties a post-mortem to hotfix ``number`` from any branch, as advice:
    it works with the post-mortem staged and with it written elsewhere (a wiki), where a
    plain ``git commit`` on a clean tree has nothing to commit."""
    return f'git commit --allow-empty -m "{number}/T007: post-mortem written"'


def subject_tie(subject: str) -> tuple[str, str] | None:
    """(hotfix number, task) a subject ``042/T007: ...`` (or ``42/t7 ...``) names; None
    when it does not start that way."""
    text = subject.lstrip()
    digits = len(text) - len(text.lstrip(_DIGITS))
    if not digits or digits > 9 or text[digits : digits + 2].upper() != "/T":
        return None
    rest = text[digits + 2 :]
    task_digits = len(rest) - len(rest.lstrip(_DIGITS))
    if not task_digits or task_digits > 4:
        return None
    after = rest[task_digits : task_digits + 1]
    if after not in ("", ":", " ", "\t"):
        return None
    return format_number(text[:digits]), f"T{int(rest[:task_digits]):03d}"


def looks_tied(data: bytes) -> bool:
    """Cheaply: might this commit message start with such a subject (the hook's first
    look, before it imports anything)?"""
    head = data.lstrip()[:12]
    digits = len(head) - len(head.lstrip(b"0123456789"))
    return digits > 0 and head[digits : digits + 1] == b"/"
