"""The task tie: every commit on a hotfix branch names a task of that hotfix.

One owner of the rule, for the commit-msg hook, the server (pre-receive/update) and
``check``. Pure: no git, no click; a message's bytes, how comments are recognised, the
valid task IDs and the settings in, a verdict out. Import-light (commit-msg is a hot
path): no dataclasses, no typing at run time.
"""

from __future__ import annotations

from hotfix_hooks.core.trailers import Rules, content_end
from hotfix_hooks.document.tasks import named_tasks

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection

# Subjects of commits the rule lets through untouched (the seed's exemptions).
EXEMPT_PREFIXES = (b"fixup!", b"squash!", b"amend!", b'Revert "')
# Subjects git writes for a merge; only consulted when the parents are unknown
# (commit-msg); the server and `check` see the parents and never trust a subject.
MERGE_SUBJECTS = (
    b"Merge branch ",
    b"Merge branches ",
    b"Merge remote-tracking branch ",
    b"Merge tag ",
    b"Merge commit ",
    b"Merge pull request ",
)

# Verdict kinds
TIED = "tied"  # names (or defaults to) valid tasks
EXEMPT = "exempt"  # merge, revert, fixup!/squash!/amend!
EMPTY = "empty"  # nothing but comments and blank lines
UNNAMED = "unnamed"  # names no task
UNKNOWN = "unknown"  # names a task the hotfix does not have


class Verdict:
    """What the rule says about one message (a plain class: hooks import it)."""

    __slots__ = ("exemption", "kind", "named", "subject", "unknown")

    def __init__(
        self,
        kind: str,
        *,
        named: list[str] | None = None,
        unknown: list[str] | None = None,
        exemption: str = "",
        subject: bytes = b"",
    ) -> None:
        self.kind = kind
        self.named = named or []  # the valid tasks the commit is tied to
        self.unknown = unknown or []  # named tasks that are not the hotfix's
        self.exemption = exemption  # why an exempt commit is exempt
        self.subject = subject

    @property
    def passed(self) -> bool:
        """False only when the rule refuses the commit (empty is the caller's call)."""
        return self.kind not in (UNNAMED, UNKNOWN)

    def __repr__(self) -> str:
        return f"Verdict({self.kind!r}, named={self.named!r}, unknown={self.unknown!r})"


_ANY_EXEMPT = EXEMPT_PREFIXES + MERGE_SUBJECTS


def _exemption(subject: bytes, merge: bool | None) -> str:
    if merge:
        return "merge"
    if not subject.startswith(_ANY_EXEMPT):
        return ""
    if merge is None and subject.startswith(MERGE_SUBJECTS):
        return "merge"
    for prefix in EXEMPT_PREFIXES:
        if subject.startswith(prefix):
            return prefix.decode().rstrip(' "') if prefix != b'Revert "' else "revert"
    return ""


def _cut(message: bytes, rules: Rules | None) -> list[bytes]:
    """The lines that count; for a stored message (every line counts) only its subject
    line, which is all the caller needs besides the message itself."""
    if rules is None:
        return [message.lstrip().split(b"\n", 1)[0]]
    content = message[: content_end(message, rules)]
    if not rules.strip_comments:  # git keeps them: they are the message
        return content.split(b"\n")
    return [line for line in content.split(b"\n") if not line.startswith(rules.comment)]


def screen(
    message: bytes, *, rules: Rules | None = None, merge: bool | None = None
) -> Verdict | None:
    """The verdict when no task list is needed (exempt or empty), else None."""
    return _screen(_cut(message, rules), merge)


def _subject(lines: list[bytes]) -> bytes:
    for line in lines:
        if line.strip(b" \t\r\n"):  # git's whitespace: a form feed is content
            return line.strip()
    return b""


def _screen(lines: list[bytes], merge: bool | None) -> Verdict | None:
    subject = _subject(lines)
    exemption = _exemption(subject, merge)
    if exemption:
        return Verdict(EXEMPT, exemption=exemption, subject=subject)
    if not subject:
        return Verdict(EMPTY)
    return None


def judge(
    message: bytes,
    valid: Collection[str],
    *,
    require_task: bool = True,
    default_task: str | None = None,
    rules: Rules | None = None,
    merge: bool | None = None,
    exempt: bool = True,
) -> Verdict:
    """Judge one commit message.

    ``rules`` None: the message is a stored commit's, final (no comment lines, no
    scissors: every line counts); otherwise a message being written, cut as git
    cuts it. ``merge`` None: the parents are unknown, a merge is recognised by
    git's subject; True/False: the caller knows. ``exempt`` False: a subject's claim
    to be exempt (``fixup!``, ``Revert "``) was checked and does not hold; the
    message must name a task like any other.
    """
    lines = _cut(message, rules)
    early = _screen(lines, merge) if exempt else None
    if early is not None:
        return early
    subject = _subject(lines)
    if not subject:
        return Verdict(EMPTY)
    named = named_tasks(message if rules is None else b"\n".join(lines))
    unknown = [task for task in named if task not in valid]
    named = [task for task in named if task in valid]
    if unknown and require_task:
        return Verdict(UNKNOWN, named=named, unknown=unknown, subject=subject)
    if not named and default_task:
        named = [default_task]
    if not named:
        kind = UNNAMED if require_task else TIED
        return Verdict(kind, unknown=unknown, subject=subject)
    return Verdict(TIED, named=named, unknown=unknown, subject=subject)
