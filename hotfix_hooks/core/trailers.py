"""Git trailers, found and appended by git's own rules (``git interpret-trailers``).

Works on bytes: a message in another encoding, or with CRLF line ends, keeps
every byte it had. New trailers join the message's trailer block (or start
one after a blank line), above any comment block and the ``-v`` scissors line.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

GIT_GENERATED_PREFIXES = (b"Signed-off-by: ", b"(cherry picked from commit ")
SCISSORS = b" ------------------------ >8 ------------------------"
AUTO_COMMENT_CANDIDATES = b"#;@!$%^&|:"
# git's token characters (alnum and "-"); a set, not a regex: `re` costs the commit-msg
# hook more start-up time than the rest of its imports together.
_TOKEN_CHARS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")


class Rules:
    """How a message's comments and trailers are recognised."""

    __slots__ = ("comment", "configured_keys", "separators", "strip_comments")

    def __init__(
        self,
        comment: bytes = b"#",
        separators: bytes = b":",
        configured_keys: tuple[bytes, ...] = (),
        strip_comments: bool = True,
    ) -> None:
        self.comment = comment
        self.separators = separators
        self.configured_keys = configured_keys
        # False when git's cleanup keeps comment lines (``-m`` without an editor, or
        # ``--cleanup=whitespace|verbatim|scissors``): then ``#123 fix`` is the message
        self.strip_comments = strip_comments


def _lines(data: bytes) -> list[tuple[int, bytes]]:
    """(offset, line including its line end) for each line."""
    out: list[tuple[int, bytes]] = []
    pos = 0
    while pos < len(data):
        newline = data.find(b"\n", pos)
        stop = len(data) if newline < 0 else newline + 1
        out.append((pos, data[pos:stop]))
        pos = stop
    return out


GIT_SPACE = b" \t\r\n"  # git's isspace(): a form feed or vertical tab is not blank


def _is_blank(line: bytes) -> bool:
    return not line.strip(GIT_SPACE)


def _is_comment(line: bytes, rules: Rules) -> bool:
    return rules.strip_comments and line.startswith(rules.comment)


def content_end(data: bytes, rules: Rules) -> int:
    """Where the message proper ends: before the scissors line and the trailing
    run of comment and blank lines (git's ``ignored_log_message_bytes``)."""
    cutoff = len(data)
    cut_line = rules.comment + SCISSORS
    boc: int | None = None
    for offset, line in _lines(data):
        if line.rstrip(b"\r\n") == cut_line:
            cutoff = offset
            break
        if _is_comment(line, rules) or _is_blank(line):
            if boc is None:
                boc = offset
        else:
            boc = None
    return boc if boc is not None else cutoff


def _separator_pos(line: bytes, separators: bytes) -> int:
    whitespace_found = False
    for pos in range(len(line)):
        char = line[pos : pos + 1]
        if char in separators and char:
            return pos
        if not whitespace_found and char and char[0] in _TOKEN_CHARS:
            continue
        if char not in (b"\n", b"\r") and char.isspace():
            whitespace_found = True
            continue
        break
    return -1


def trailer_block_start(data: bytes, end: int, rules: Rules) -> int | None:
    """Start offset of the trailer block within ``data[:end]``, or None."""
    lines = _lines(data[:end])
    index = 0
    for index, (_, line) in enumerate(lines):  # noqa: B007 - the title paragraph
        if _is_comment(line, rules):
            continue
        if _is_blank(line):
            break
    else:
        return None
    title_end = index
    only_spaces = True
    recognized = False
    trailers = non_trailers = continuations = 0
    for offset, line in reversed(lines[title_end:]):
        if _is_comment(line, rules):
            non_trailers += continuations
            continuations = 0
            continue
        if _is_blank(line):
            if only_spaces:
                continue
            non_trailers += continuations
            if (recognized and trailers * 3 >= non_trailers) or (trailers and not non_trailers):
                return offset + len(line)
            return None
        only_spaces = False
        if line.startswith(GIT_GENERATED_PREFIXES):
            trailers += 1
            continuations = 0
            recognized = True
            continue
        sep = _separator_pos(line, rules.separators)
        if sep >= 1 and line[:1] not in (b" ", b"\t"):
            trailers += 1
            continuations = 0
            token = line[:sep].strip().lower()
            if token in rules.configured_keys:
                recognized = True
        elif line[:1] in (b" ", b"\t"):
            continuations += 1
        else:
            non_trailers += 1 + continuations
            continuations = 0
    return None


def parse_trailers(block: bytes, rules: Rules) -> list[tuple[str, str]]:
    """(key, value) pairs; a continuation line folds into the value, as in git."""
    out: list[tuple[str, str]] = []
    folding = False  # does a continuation line belong to the last trailer?
    for _, raw in _lines(block):
        line = raw.rstrip(b"\r\n")
        if line[:1].isspace() and line.strip():
            if folding:
                key, value = out[-1]
                out[-1] = (key, f"{value} {line.strip().decode('utf-8', 'replace')}")
            continue
        sep = _separator_pos(line, rules.separators)
        folding = sep >= 1 and not line[:1].isspace()
        if folding:
            key = line[:sep].strip().decode("utf-8", "replace")
            value = line[sep + 1 :].strip().decode("utf-8", "replace")
            out.append((key, value))
    return out


def existing_trailers(data: bytes, rules: Rules) -> list[tuple[str, str]]:
    end = content_end(data, rules)
    start = trailer_block_start(data, end, rules)
    return [] if start is None else parse_trailers(data[start:end], rules)


def _newline(data: bytes) -> bytes:
    return b"\r\n" if b"\r\n" in data else b"\n"


def add_trailers(data: bytes, trailers: Sequence[tuple[str, str]], rules: Rules) -> bytes:
    """``data`` with each (key, value) not already present added to the trailer block.

    Keys compare case-insensitively, values exactly, as ``--if-exists addIfDifferent``.
    """
    end = content_end(data, rules)
    if not data[:end].strip():
        return data
    start = trailer_block_start(data, end, rules)
    present = set()
    if start is not None:
        present = {(k.lower(), v) for k, v in parse_trailers(data[start:end], rules)}
    missing: list[tuple[str, str]] = []
    for key, value in trailers:
        if (key.lower(), value) not in present and (key.lower(), value) not in {
            (k.lower(), v) for k, v in missing
        }:
            missing.append((key, value))
    if not missing:
        return data
    newline = _newline(data[:end] or data)
    head = data[:end]
    if not head.endswith(b"\n"):
        head += newline
    if start is None:
        head += newline
    added = b"".join(f"{k}: {v}".encode() + newline for k, v in missing)
    return head + added + data[end:]


def detect_auto_comment(data: bytes) -> bytes:
    """The comment character ``core.commentChar=auto`` made git pick for this message.

    Git picks the first of ``#;@!$%^&|:`` that starts no line of the message,
    then appends its comment block. So: if the last non-blank line starts with
    a candidate and every earlier candidate starts some line, that is it;
    otherwise the first candidate starting no line (there are no comments).
    """
    starts = {line[:1] for line in data.splitlines() if line[:1]}
    non_blank = [line for line in data.splitlines() if line.strip()]
    if non_blank:
        last = non_blank[-1][:1]
        index = AUTO_COMMENT_CANDIDATES.find(last) if last else -1
        if index >= 0 and all(bytes([c]) in starts for c in AUTO_COMMENT_CANDIDATES[:index]):
            return last
    for c in AUTO_COMMENT_CANDIDATES:
        if bytes([c]) not in starts:
            return bytes([c])
    return b"#"


CLEANUP_MODES = ("strip", "whitespace", "verbatim", "scissors", "default")


def strips_comments(mode: str | None, editor: bool) -> bool:
    """Whether git's cleanup removes comment lines: ``strip``, or ``default`` when the
    message was edited (``git commit -m`` keeps them: cleanup ``whitespace``)."""
    mode = (mode or "default").lower()
    return mode == "strip" or (mode == "default" and editor) or mode not in CLEANUP_MODES


def rules_from_config(
    entries: Iterable[tuple[str, str]],
    data: bytes,
    *,
    editor: bool = True,
    cleanup: str | None = None,
) -> Rules:
    """Rules from ``git config`` entries (lowercased keys, as git prints them).

    ``editor``: whether git opened an editor for the message; ``cleanup``: a
    ``--cleanup`` given on the command line (it beats ``commit.cleanup``).
    """
    comment = b"#"
    separators = b":"
    keys: list[bytes] = []
    configured: str | None = None
    for key, value in entries:
        if key == "commit.cleanup":
            configured = value.strip()
        elif key == "core.commentchar":
            comment = detect_auto_comment(data) if value == "auto" else value.encode()[:4] or b"#"
        elif key == "trailer.separators" and value:
            separators = value.encode()
        elif key.startswith("trailer.") and key.endswith(".key") and value:
            keys.append(value.rstrip(":").strip().lower().encode())
    return Rules(
        comment=comment,
        separators=separators,
        configured_keys=tuple(keys),
        strip_comments=strips_comments(cleanup or configured, editor),
    )
