"""The one model of a hotfix document (hotfix.md), read as CommonMark by markdown-it-py.

``HotfixDocument.parse(data)`` keeps the original bytes, parses them once (block level) and
ties every structure back to its source lines through the tokens' ``map`` ranges. Reading is
by label, case-insensitive and whitespace-normalised:

- a *field* is a bold label at the start of a line of a paragraph (or of a setext heading),
  ``**X**: v``, ``**X:** v``, ``__X__: v``, ``**3. X**: v``, ``**🚨 X**: v``,
  ``**X** (hint): v``, in a list item or not. A line that starts inside a code span or an
  HTML comment of the paragraph is no label; code blocks and HTML blocks never hold any.
- a *section* is every place a name stands as a heading (its content runs to the next
  heading of the same or a higher level) or as a bold label (its content is the rest of the
  label line and the blocks that follow, up to the next heading, thematic break or label).

Every edit returns new bytes in which only the owned line(s) changed: the BOM, the newline
style, trailing spaces, tabs, comments and everything else stay byte for byte.

Cost: markdown-it-py 4.3 is linear on hostile input but slow: up to ~50 µs per character
for dense ``![``/``[`` runs in inline text, ~30-100 µs per line for blocks such as ``#``
lines, reference definitions or list items. So a document over ``MAX_BYTES`` or
``MAX_LINES`` is refused with a clear message before it is parsed, only the block level is
parsed up front (about a third of a second at worst within the limits), and inline parsing
happens on demand (``Block.inline``), budgeted by the verdict. (markdown-it-py 4 is the
floor: 3 was quadratic on runs of link reference definitions.) No regular expression here
can backtrack super-linearly (no nested quantifiers, no adjacent overlapping ones).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, NamedTuple

from hotfix_hooks.core.errors import UsageError

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

MAX_BYTES = 128 * 1024
_MAX_INLINE_CHECK = 8 * 1024  # a longer paragraph that could hide line breaks: first line only
MAX_LINES = 2000
# markdown-it's inline parsing, estimated in microseconds: a parse costs about 100 µs, prose
# about 1 µs a character, each bracket, angle bracket or emphasis mark up to ~60 µs
# (markdown-it-py 4.3, the worst being runs of "!["). Reading labels may spend this much of it
# on a document; a verdict has its own budget (policy/rollback_plan.INLINE_BUDGET).
LABEL_CHECK_BUDGET = 200_000
_PARSE_COST = 100
_SPECIALS = "[]!<*_~&`\\"
_SPECIAL_COST = 64


def inline_cost(source: str) -> int:
    """markdown-it's inline parse of ``source``, estimated in microseconds (worst case)."""
    return _PARSE_COST + len(source) + _SPECIAL_COST * sum(map(source.count, _SPECIALS))


_BOM = b"\xef\xbb\xbf"
_EOL = re.compile(r"\r\n|\r|\n")
_LEADING_NONWORD = re.compile(r"[\W_]+")
_NUMBER = re.compile(r"[0-9]+[.)] *")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})

BlockKind = Literal["text", "code", "html", "heading"]
SectionKind = Literal["heading", "label"]


class NotUtf8Error(UsageError):
    """hotfix.md is not UTF-8 text: refused, never decoded with replacement characters."""

    def __init__(self, name: str, source_encoding: str = "LATIN1", detail: str = "") -> None:
        what = f" ({detail})" if detail else ""
        super().__init__(
            f"{name} is not UTF-8 text{what}; hotfix-hooks leaves it unchanged: "
            f"convert it with `iconv -f {source_encoding} -t UTF-8`"
        )
        self.name = name


class DocumentTooLargeError(UsageError):
    """hotfix.md is larger than hotfix-hooks reads (a bound on the parser's time)."""

    def __init__(
        self,
        name: str,
        size: str,
        limit: str,
        advice: str = "move logs and attachments to a separate file",
    ) -> None:
        super().__init__(f"{name} has {size}; hotfix-hooks reads at most {limit}: {advice}")
        self.name = name


class Block:
    """One piece of a section's content, saying what it is.

    ``kind`` is ``"text"`` (the inline Markdown of a paragraph, a list item's paragraph, a
    blockquote's, or the rest of a label line; ``inline()`` gives markdown-it's inline
    tokens), ``"code"`` (``source`` is the body; ``fenced`` and ``info`` say how it was
    written), ``"html"`` (an HTML block, comments included) or ``"heading"`` (a sub-heading
    of a heading section; ``level`` 1-6). ``line``/``end_line`` are 1-based, inclusive.
    ``list_item`` is set on the text that opens a list item; ``label`` is the bold label the
    text starts with, as written ("" if none).

    A plain value class (equal and hashed by what it says, never by its parser): the hooks
    define it at every start, where a dataclass costs about a millisecond.
    """

    __slots__ = (
        "_parser",
        "end_line",
        "fenced",
        "info",
        "kind",
        "label",
        "level",
        "line",
        "list_item",
        "source",
    )  # fmt: skip

    def __init__(
        self,
        kind: BlockKind,
        line: int,
        end_line: int,
        source: str,
        info: str = "",
        fenced: bool = False,
        level: int = 0,
        list_item: bool = False,
        label: str = "",
        _parser: Callable[[str], list[Token]] | None = None,
    ) -> None:
        self.kind = kind
        self.line = line
        self.end_line = end_line
        self.source = source
        self.info = info
        self.fenced = fenced
        self.level = level
        self.list_item = list_item
        self.label = label
        self._parser = _parser

    def _key(self) -> tuple[object, ...]:
        return (self.kind, self.line, self.end_line, self.source, self.info, self.fenced,
                self.level, self.list_item, self.label)  # fmt: skip

    def __eq__(self, other: object) -> bool:
        return self._key() == other._key() if isinstance(other, Block) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        names = ("kind", "line", "end_line", "source", "info", "fenced", "level", "list_item",
                 "label")  # fmt: skip
        return f"Block({', '.join(f'{n}={v!r}' for n, v in zip(names, self._key(), strict=False))})"

    def inline(self) -> list[Token]:
        """markdown-it's inline tokens of a text or heading block (parsed now, not cached)."""
        if self.kind not in ("text", "heading") or self._parser is None:
            return []
        return self._parser(self.source)

    def html(self) -> str:
        """The HTML markdown-it renders for a text or heading block (what a reader sees,
        before a browser hides what the HTML hides); "" for other kinds."""
        if self.kind not in ("text", "heading") or not isinstance(self._parser, _InlineParser):
            return ""
        return self._parser.render(self.source)


class Section(NamedTuple):
    """Where a name stands as a heading or a bold label, and what belongs to it.

    ``name`` is as written in the document (``"3. Rollback Plan"``); ``line`` is the 1-based
    line of the heading or label; ``end_line`` the last line of its content (inclusive);
    ``content`` the raw Markdown of the content (stripped); ``blocks`` the same, structured.
    """

    name: str
    line: int
    kind: SectionKind
    level: int  # heading level, 0 for a label
    blocks: tuple[Block, ...]
    content: str
    end_line: int


class _Leaf(NamedTuple):
    kind: str  # "paragraph", "heading", "code", "html", "hr"
    start: int  # 0-based first source line
    end: int  # 0-based, exclusive
    content: str
    level: int = 0
    setext: bool = False
    info: str = ""
    fenced: bool = False
    list_item: bool = False


class _Label(NamedTuple):
    leaf: int  # index of the paragraph (or setext heading) holding it
    offset: int  # its line within that leaf's content
    line: int  # 0-based source line
    name: str  # as written, without the colon
    key: str
    colon: bool
    rest: str  # what follows the label on its line (raw Markdown)
    value_col: int  # source column where the label syntax ends
    stop: int  # the leaf's next label line, or its number of lines


def _clean(text: str) -> str:
    """Without NUL, and encodable: lone surrogates (say from a mis-decoded argv) become "?"."""
    text = text.replace("\x00", "")
    return text if text.isascii() else text.encode("utf-8", "replace").decode("utf-8")


def _one_line(text: str) -> str:
    return " ".join(_clean(text).split())


def _fold(text: str) -> str:
    """NFKC, without zero-width and other format (Cf) characters, casefolded."""
    if not text.isascii():
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
        text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return text.casefold()


def label_key(name: str) -> str:
    """How labels and headings are compared: ``"**3. 🚨 Rollback  Plan:**"`` and
    ``"rollback plan"`` are the same key."""
    text = " ".join(_fold(name).split()).strip(" :*_`")
    match = _LEADING_NONWORD.match(text)
    if match:
        text = text[match.end() :]
    match = _NUMBER.match(text)
    if match:
        text = text[match.end() :]
        match = _LEADING_NONWORD.match(text)
        if match:
            text = text[match.end() :]
    return text.strip(" :*_`")


def _heading_key(content: str) -> str:
    key = label_key(content)
    if key.endswith(")"):  # "## Root Cause (if known)"
        cut = key.rfind(" (")
        if cut > 0:
            key = key[:cut].rstrip(" :")
    return key


def _scan_label(core: str) -> tuple[str, bool, int] | None:
    """(name, has colon, end of the label syntax) when ``core`` starts with a bold label."""
    delim = core[:2]
    if delim not in ("**", "__"):
        return None
    close = core.find(delim, 2)
    if close < 0:
        return None
    inner = core[2:close]
    if not inner or inner[0].isspace() or inner[-1].isspace():
        return None  # not left/right-flanking: no strong emphasis
    end = close + 2
    colon = inner.endswith(":")
    name = inner[:-1].rstrip() if colon else inner
    if not colon:
        pos = end
        size = len(core)
        while pos < size and core[pos] in " \t":
            pos += 1
        if pos < size and core[pos] == "(":  # "**Root Cause** (if known):"
            closing = core.find(")", pos)
            if closing > 0:
                after = closing + 1
                while after < size and core[after] in " \t":
                    after += 1
                if after == size or core[after] == ":":
                    end = pos = after
        if pos < size and core[pos] == ":":
            colon = True
            end = pos + 1
        elif core[end:].strip():
            return None  # a bold phrase in running text, not a label
    if not any(ch.isalnum() for ch in name):
        return None
    return name, colon, end


def _tick_runs(content: str) -> dict[int, list[int]]:
    """Where each run of backticks starts, by its length."""
    runs: dict[int, list[int]] = {}
    pos = content.find("`")
    while pos >= 0:
        end = pos
        while end < len(content) and content[end] == "`":
            end += 1
        runs.setdefault(end - pos, []).append(pos)
        pos = content.find("`", end)
    return runs


def _code_span_at(content: str, start: int, runs: dict[int, list[int]]) -> tuple[int, int, int]:
    """At the backtick run starting at ``start``: (span start, span end, where to go on);
    span end is -1 when no run of the same length closes it."""
    end = start
    while end < len(content) and content[end] == "`":
        end += 1
    slashes = 0
    while start - slashes > 0 and content[start - slashes - 1] == "\\":
        slashes += 1
    opener = start + 1 if slashes % 2 else start
    length = end - opener
    positions = runs.get(length, [])
    found = bisect.bisect_right(positions, end - 1)
    closer = positions[found] if found < len(positions) and length else -1
    if closer > 0:
        return opener, closer + length, closer + length
    return opener, -1, end


def _comment_end(content: str, start: int) -> int:
    """The end of the HTML comment opening at ``start`` (``<!-->`` and ``<!--->`` close at
    once); -1 when nothing closes it."""
    if content.startswith(">", start + 4):
        return start + 5
    if content.startswith("->", start + 4):
        return start + 6
    closing = content.find("-->", start + 4)
    return closing + 3 if closing >= 0 else -1


def _opaque_regions(content: str) -> list[tuple[int, int]]:
    """Code spans and HTML comments, left to right, as CommonMark reads them (roughly)."""
    runs = _tick_runs(content)
    regions: list[tuple[int, int]] = []
    pos = 0
    next_tick = content.find("`") if runs else -1
    next_comment = content.find("<!--")
    while pos < len(content):
        if 0 <= next_tick < pos:
            next_tick = content.find("`", pos)
        if 0 <= next_comment < pos:
            next_comment = content.find("<!--", pos)
        candidates = [p for p in (next_tick, next_comment) if p >= 0]
        if not candidates:
            break
        start = min(candidates)
        if start == next_tick:
            opener, close, pos = _code_span_at(content, start, runs)
            if close >= 0:
                regions.append((opener, close))
            continue
        close = _comment_end(content, start)
        if close < 0:
            next_comment = -1  # no comment can close any more
            pos = start + 4
            continue
        regions.append((start, close))
        pos = close
    return regions


def _opaque_line_starts(content: str) -> set[int]:
    """Lines of a paragraph whose first character lies inside a code span or an HTML comment
    that began on an earlier line (CommonMark's left-to-right precedence, approximated)."""
    regions = _opaque_regions(content)
    opaque: set[int] = set()
    if not regions:
        return opaque
    index = 0
    line_start = 0
    for number, line in enumerate(content.split("\n")):
        first = line_start + (len(line) - len(line.lstrip()))
        while index < len(regions) and regions[index][1] <= first:
            index += 1
        if number and index < len(regions) and regions[index][0] < first:
            opaque.add(number)
        line_start += len(line) + 1
    return opaque


def _hotfix_colon(line: str) -> int | None:
    """Index just after the colon of ``Hotfix NNN:`` at the start of a heading's text."""
    if line[:6].casefold() != "hotfix":
        return None
    size = len(line)
    pos = 6
    while pos < size and line[pos] in " \t":
        pos += 1
    if pos == 6:
        return None
    digits = pos
    while pos < size and line[pos] in "0123456789":
        pos += 1
    if pos == digits:
        return None
    while pos < size and line[pos] in " \t":
        pos += 1
    return pos + 1 if pos < size and line[pos] == ":" else None


@functools.lru_cache(maxsize=1)
def _parsers() -> tuple[MarkdownIt, MarkdownIt]:
    """(block-level parser, full parser): markdown-it is imported only when a document is."""
    from markdown_it import MarkdownIt

    block = MarkdownIt("commonmark").enable("strikethrough")
    block.core.ruler.disable(["inline", "text_join"])
    return block, MarkdownIt("commonmark").enable("strikethrough")


class DocumentUnreadableError(UsageError):
    """markdown-it-py fails on the document (a bug of the parser, e.g. its IndexError on
    "> - <!X" then ">": markdown-it-py issues 204, 415): refused in one line, never a
    traceback."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"{name} cannot be read as CommonMark (the Markdown parser fails on it): "
            "simplify its block quotes and HTML"
        )
        self.name = name


def _block_tokens(md: MarkdownIt, text: str, env: dict[str, object], name: str) -> list[Token]:
    try:
        return md.parse(text, env)
    except (IndexError, KeyError, ValueError):
        raise DocumentUnreadableError(name) from None


def top_level_headings(text: str) -> list[tuple[int, int, str]]:
    """(0-based line, level, text) of every ATX heading at the top level of ``text``, as
    markdown-it reads it (how tasks.md is read where markdown-it may be imported)."""
    block_md, _ = _parsers()
    tokens = _block_tokens(block_md, text, {}, "tasks.md")
    return [
        ((token.map or [0])[0], int(token.tag[1:]), tokens[index + 1].content)
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.level == 0 and token.markup.startswith("#")
    ]


def model_tasks(text: str) -> list[tuple[str, str]]:
    """tasks.md's (ID, title) pairs as the document model reads them (document/tasks for
    what a task is); what the parser fails on is read by document/blocks instead."""
    from hotfix_hooks.document.tasks import heading_text, parse_tasks, tasks_from_headings

    try:
        headings = top_level_headings(text)
    except DocumentUnreadableError:
        return parse_tasks(text)
    return tasks_from_headings((level, heading_text(raw)) for _, level, raw in headings)


class _InlineParser:
    """markdown-it's inline parse of a piece of the document, with its link references."""

    def __init__(self, md: MarkdownIt, env: dict[str, object]) -> None:
        self._md = md
        self._env = env

    def __call__(self, source: str) -> list[Token]:
        try:
            tokens = self._md.parseInline(source, dict(self._env))
        except (IndexError, KeyError, ValueError):
            return []  # the parser's bug: nothing read, never a traceback
        return list(tokens[0].children or []) if tokens else []

    def render(self, source: str) -> str:
        env = dict(self._env)
        try:
            html: str = self._md.renderer.render(
                self._md.parseInline(source, env), self._md.options, env
            )
        except (IndexError, KeyError, ValueError):
            return ""  # the parser's bug: nothing shown, so nothing counts
        return html


def _decode(data: bytes, name: str, limited: bool) -> tuple[bool, str]:
    if limited and len(data) > MAX_BYTES:
        raise DocumentTooLargeError(name, f"{len(data)} bytes", f"{MAX_BYTES // 1024} KiB")
    bom = data.startswith(_BOM)
    body = data[len(_BOM) :] if bom else data
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotUtf8Error(name, "UTF-16", "it starts with a UTF-16 byte order mark")
    if b"\x00" in body:
        raise NotUtf8Error(name, "UTF-16", "it holds NUL bytes")
    try:
        return bom, body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotUtf8Error(name, "LATIN1", f"byte {error.start + len(data) - len(body)}") from None


class HotfixDocument:
    """hotfix.md, parsed once. Build it with :meth:`parse`."""

    def __init__(
        self,
        data: bytes,
        name: str,
        bom: bool,
        text: str,
        lines: list[str],
        ends: list[str],
        leaves: list[_Leaf],
        lists: dict[int, tuple[int, bool]],
        inline: _InlineParser,
    ) -> None:
        self.data = data
        self.name = name
        self.bom = bom
        self.text = text
        self.newline = next((end for end in ends if end), "\n")
        self._lines = lines
        self._ends = ends
        self._offsets = [0]
        for line, end in zip(lines, ends, strict=False):
            self._offsets.append(self._offsets[-1] + len(line) + len(end))
        self._leaves = leaves
        self._lists = lists
        self._inline = inline
        self._label_budget = LABEL_CHECK_BUDGET
        self._label_index: tuple[list[_Label], dict[int, list[_Label]]] | None = None
        self._line_cache: dict[int, list[str]] = {}

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def parse(cls, data: bytes, name: str = "hotfix.md") -> HotfixDocument:
        """Read ``data`` (UTF-8, optional BOM); NotUtf8Error or DocumentTooLargeError if not."""
        return cls._parse(data, name, limited=True)

    @classmethod
    def _parse(cls, data: bytes, name: str, limited: bool) -> HotfixDocument:
        # an edit's own check reads its result unlimited: the input was within the limits
        bom, text = _decode(data, name, limited)
        if limited:
            count = text.count("\n") + text.count("\r") - text.count("\r\n")
            if count > MAX_LINES:
                raise DocumentTooLargeError(name, f"{count} lines", f"{MAX_LINES} lines")
        lines: list[str] = []
        ends: list[str] = []
        pos = 0
        for match in _EOL.finditer(text):
            lines.append(text[pos : match.start()])
            ends.append(match.group())
            pos = match.end()
        lines.append(text[pos:])
        ends.append("")
        block_md, full_md = _parsers()
        env: dict[str, object] = {}
        tokens = _block_tokens(block_md, "\n".join(lines), env, name)
        leaves, lists = _leaves_of(tokens)
        return cls(data, name, bom, text, lines, ends, leaves, lists, _InlineParser(full_md, env))

    # -- reading ----------------------------------------------------------------------------

    @property
    def title(self) -> str:
        """The text after ``# Hotfix NNN:`` in the first such h1; "" if none or a [placeholder]."""
        found = self._title_heading()
        if found is None:
            return ""
        first, colon, _leaf = found
        title = first[colon:].strip()
        return "" if title.startswith("[") else title

    def field(self, label: str) -> str | None:
        """The value of the first ``**Label**: value`` (any dress); None if there is none."""
        found = self._field_label(label)
        return found.rest.strip() if found else None

    def fields(self) -> list[tuple[str, str]]:
        """Every (label as written, value) in document order."""
        labels, _ = self._labels()
        return [(lab.name, lab.rest.strip()) for lab in labels if lab.colon]

    def sections(self, name: str) -> list[Section]:
        """Every heading or bold label called ``name``, in document order."""
        key = label_key(name)
        if not key:
            return []
        found: list[Section] = []
        heading_lines = set()
        for index, leaf in enumerate(self._leaves):
            if leaf.kind == "heading" and _heading_key(leaf.content) == key:
                found.append(self._heading_section(index))
                heading_lines.add(leaf.start)
        labels, _ = self._labels()
        for lab in labels:
            if lab.key == key and lab.line not in heading_lines:
                found.append(self._label_section(lab))
        found.sort(key=lambda section: section.line)
        return found

    def html_blocks(self) -> list[Block]:
        """Every HTML block (comments included, in lists and quotes too), in document
        order, as ``"html"`` blocks: what the verdict reads to tell where HTML hides the
        Markdown that follows it (``<div hidden>`` on a line of its own)."""
        return [
            Block("html", leaf.start + 1, leaf.end, leaf.content)
            for leaf in self._leaves
            if leaf.kind == "html"
        ]

    def checklist(self, section_name: str) -> list[tuple[bool, str]]:
        """``- [x] item`` / ``- [ ] item`` under that heading or label: (checked, item)."""
        items: dict[int, tuple[bool, str]] = {}
        for section in self.sections(section_name):
            for block in section.blocks:
                source = block.source
                if (
                    block.kind == "text"
                    and block.list_item
                    and source[:1] == "["
                    and source[2:3] == "]"
                    and source[1:2] in (" ", "x", "X")
                    and source[3:4] in ("", " ", "\t", "\n")
                ):
                    items[block.line] = (source[1] != " ", " ".join(source[3:].split()))
        return [items[line] for line in sorted(items)]

    # -- editing ----------------------------------------------------------------------------

    def with_field(self, label: str, value: str) -> bytes:
        """The value of an existing field replaced in place (the label keeps its spelling),
        else ``**Label**: value`` added at the end of the Metadata section or of the file."""
        value = _one_line(value)
        found = self._field_label(label)
        if found is not None:
            start = self._offsets[found.line] + found.value_col
            end = self._offsets[found.line] + len(self._lines[found.line])
            return self._splice(start, end, f" {value}")
        return self._add_field(label.strip(), value)

    def with_title(self, title: str) -> bytes:
        """``# Hotfix NNN: <title>``; unchanged bytes when there is no such heading."""
        found = self._title_heading()
        if found is None:
            return self.data
        first, colon, leaf = found
        source = self._lines[leaf.start]
        column = source.find(first)
        if column < 0:
            return self.data
        start = self._offsets[leaf.start] + column + colon
        return self._splice(start, start + len(first) - colon, " " + _one_line(title))

    def with_section_body(
        self,
        label: str,
        body: str,
        *,
        is_real: Callable[[Block], bool],
    ) -> bytes:
        """``body`` as the content of a ``**Label**:`` field: inline when one line, else as
        list lines under the label, replacing only placeholder lines (``is_real`` tells them
        apart: the caller passes the rollback-plan policy's judge; the model knows no policy)."""
        found = self._field_label(label)
        if found is None:
            return self.with_field(label, body)
        new_lines = [line.strip() for line in _clean(body).splitlines() if line.strip()]
        if not new_lines:
            return self.data
        offsets = self._offsets
        value_start = offsets[found.line] + found.value_col
        label_end = offsets[found.line] + len(self._lines[found.line])
        block_end = label_end
        placeholder_only = True
        below = self._lists.get(found.line + 1)
        if below is not None and below[1]:  # a bullet list right under the label
            last = min(below[0], self._label_section(found).end_line)  # not the next label
            while last > found.line + 1 and not self._lines[last - 1].strip():
                last -= 1
            block_end = offsets[last - 1] + len(self._lines[last - 1])
            for index, leaf in enumerate(self._leaves):
                if found.line < leaf.start < last and any(
                    is_real(block) for block in self._leaf_blocks(index)
                ):
                    placeholder_only = False
                    break
        rest = found.rest.strip()
        inline_real = bool(rest) and is_real(
            Block("text", found.line + 1, found.line + 1, rest, _parser=self._inline)
        )
        text = self.text
        nl = self.newline
        new_block = "".join(f"{nl}- {line}" for line in new_lines)
        if block_end > label_end and placeholder_only and not inline_real:
            inline = text[value_start:label_end].rstrip()
            return self._encode(text[:value_start] + inline + new_block + text[block_end:])
        if not inline_real:
            return self._splice(value_start, label_end, " " + " ".join(new_lines))
        return self._splice(block_end, block_end, new_block)

    # -- internals --------------------------------------------------------------------------

    def _encode(self, text: str) -> bytes:
        return (_BOM if self.bom else b"") + text.encode("utf-8")

    def _splice(self, start: int, end: int, replacement: str) -> bytes:
        return self._encode(self.text[:start] + replacement + self.text[end:])

    def _title_heading(self) -> tuple[str, int, _Leaf] | None:
        for leaf in self._leaves:
            if leaf.kind == "heading" and leaf.level == 1:
                first = leaf.content.split("\n", 1)[0].strip()
                colon = _hotfix_colon(first)
                if colon is not None:
                    return first, colon, leaf
        return None

    def _labels(self) -> tuple[list[_Label], dict[int, list[_Label]]]:
        """Every label line in document order, and the labels of each leaf."""
        if self._label_index is None:
            labels: list[_Label] = []
            by_leaf: dict[int, list[_Label]] = {}
            for index, leaf in enumerate(self._leaves):
                if leaf.kind == "paragraph" or leaf.setext:
                    found = self._scan_leaf(index, leaf)
                    if found:
                        by_leaf[index] = found
                        labels.extend(found)
            self._label_index = (labels, by_leaf)
        return self._label_index

    def _content_lines(self, index: int) -> list[str]:
        """A paragraph's (or setext heading's) inline content, one item per source line."""
        lines = self._line_cache.get(index)
        if lines is None:
            leaf = self._leaves[index]
            lines = leaf.content.split("\n")
            expected = leaf.end - leaf.start - (1 if leaf.setext else 0)
            if len(lines) != expected:  # never seen: trust the first line only
                lines = lines[:1]
            self._line_cache[index] = lines
        return lines

    def _scan_leaf(self, index: int, leaf: _Leaf) -> list[_Label]:
        found: list[_Label] = []
        if "**" not in leaf.content and "__" not in leaf.content:
            return found
        opaque: set[int] = set()
        if "`" in leaf.content or "<!--" in leaf.content:
            opaque = _opaque_line_starts(leaf.content)
        lines = self._content_lines(index)
        if len(lines) > 1 and self._hides_line_breaks(leaf.content, len(lines)):
            opaque |= set(range(1, len(lines)))  # fail closed: only the first line counts
        for offset, line in enumerate(lines):
            core = line.strip()
            if offset in opaque or not core.startswith(("**", "__")):
                continue
            scanned = _scan_label(core)
            if scanned is None:
                continue
            name, colon, end = scanned
            key = label_key(name)
            source = self._lines[leaf.start + offset].rstrip()
            if not key or not source.endswith(core):
                continue
            column = len(source) - len(core) + end
            line_no = leaf.start + offset
            found.append(
                _Label(index, offset, line_no, name, key, colon, core[end:], column, len(lines))
            )
        return [
            lab._replace(stop=following.offset) for lab, following in itertools.pairwise(found)
        ] + found[-1:]

    def _hides_line_breaks(self, content: str, count: int) -> bool:
        """Whether some line break of a paragraph lies inside an inline construct (an HTML
        tag's attribute, a link's destination or title, an image's alt text) rather than
        between lines: a "label" after such a break is never shown as one. Judged by
        markdown-it itself, only for paragraphs that could hide one, and within a bound."""
        if "<" not in content and "](" not in content and "![" not in content:
            return False
        cost = inline_cost(content)
        if len(content) > _MAX_INLINE_CHECK or cost > self._label_budget:
            return True  # as if it hid them: what follows is read as no label
        self._label_budget -= cost
        breaks = sum(
            1 for token in self._inline(content) if token.type in ("softbreak", "hardbreak")
        )
        return breaks < count - 1

    def _field_label(self, label: str) -> _Label | None:
        key = label_key(label)
        labels, _ = self._labels()
        return next((lab for lab in labels if lab.colon and lab.key == key and key), None)

    def _leaf_blocks(self, index: int, stop: int | None = None) -> list[Block]:
        """A leaf as content blocks; a paragraph is split where its label lines start."""
        leaf = self._leaves[index]
        line, end_line = leaf.start + 1, leaf.end
        if leaf.kind == "paragraph":
            lines = self._content_lines(index)
            limit = len(lines) if stop is None else stop
            _, by_leaf = self._labels()
            cuts = [(lab.offset, lab.name) for lab in by_leaf.get(index, ()) if lab.offset < limit]
            if not cuts or cuts[0][0] > 0:
                cuts.insert(0, (0, ""))
            blocks = []
            for (start, label), (end, _) in zip(cuts, [*cuts[1:], (limit, "")], strict=False):
                source = "\n".join(lines[start:end]).strip()
                if source:
                    blocks.append(
                        Block(
                            "text",
                            leaf.start + start + 1,
                            leaf.start + end,
                            source,
                            list_item=leaf.list_item and start == 0,
                            label=label,
                            _parser=self._inline,
                        )
                    )
            return blocks
        if leaf.kind == "heading":
            return [
                Block(
                    "heading", line, end_line, leaf.content, level=leaf.level, _parser=self._inline
                )
            ]
        if leaf.kind == "code":
            return [Block("code", line, end_line, leaf.content, info=leaf.info, fenced=leaf.fenced)]
        if leaf.kind == "html":
            return [Block("html", line, end_line, leaf.content)]
        return []

    def _raw(self, start: int, end: int) -> str:
        return "\n".join(self._lines[start:end])

    def _heading_section(self, index: int) -> Section:
        heading = self._leaves[index]
        blocks: list[Block] = []
        following = index + 1
        while following < len(self._leaves):
            leaf = self._leaves[following]
            if leaf.kind == "heading" and leaf.level <= heading.level:
                break
            blocks.extend(self._leaf_blocks(following))
            following += 1
        end = self._leaves[following].start if following < len(self._leaves) else len(self._lines)
        return self._section(
            heading.content, heading.start, "heading", heading.level, blocks, heading.end, end, ""
        )

    def _label_section(self, lab: _Label) -> Section:
        _, by_leaf = self._labels()
        leaf = self._leaves[lab.leaf]
        lines = self._content_lines(lab.leaf)
        blocks: list[Block] = []
        rest = "\n".join([lab.rest, *lines[lab.offset + 1 : lab.stop]]).strip()
        if rest:
            blocks.append(
                Block("text", lab.line + 1, leaf.start + lab.stop, rest, _parser=self._inline)
            )
        end = leaf.start + lab.stop
        if lab.stop == len(lines):
            end = len(self._lines)
            following = lab.leaf + 1
            while following < len(self._leaves):
                nxt = self._leaves[following]
                if nxt.kind in ("heading", "hr"):
                    end = nxt.start
                    break
                cuts = by_leaf.get(following)
                if cuts:
                    first = cuts[0].offset
                    blocks.extend(self._leaf_blocks(following, stop=first))
                    end = nxt.start + first
                    break
                blocks.extend(self._leaf_blocks(following))
                following += 1
        return self._section(lab.name, lab.line, "label", 0, blocks, lab.line + 1, end, lab.rest)

    def _section(
        self,
        name: str,
        line: int,
        kind: SectionKind,
        level: int,
        blocks: list[Block],
        content_start: int,
        end: int,
        rest: str,
    ) -> Section:
        while end > content_start and not self._lines[end - 1].strip():
            end -= 1
        content = "\n".join([rest, self._raw(content_start, end)]).strip()
        return Section(
            name.strip(), line + 1, kind, level, tuple(blocks), content, max(end, line + 1)
        )

    def _metadata_last_line(self) -> int | None:
        """0-based last line of the Metadata section's content (or of its heading)."""
        for index, leaf in enumerate(self._leaves):
            if leaf.kind == "heading" and _heading_key(leaf.content) == "metadata":
                last = leaf.end - 1
                for following in self._leaves[index + 1 :]:
                    if following.kind == "hr" or (
                        following.kind == "heading" and following.level <= leaf.level
                    ):
                        break
                    last = max(last, following.end - 1)
                return last
        return None

    def _insert_after(self, line: int, new_line: str, blank: bool) -> str:
        """``new_line`` as a line of its own after ``line`` (-1: before the first)."""
        nl = self.newline
        position = 0
        lead = ""
        if line >= 0:
            terminated = bool(self._ends[line])
            position = self._offsets[line + 1] if terminated else len(self.text)
            lead = "" if terminated else nl
        before = self.text[:position] + lead
        following = self.text[position:]
        # a lone CR before a LF would merge the two line ends into one
        gap = ("\r\n" if nl == "\n" and before.endswith("\r") else nl) if blank else ""
        end = "\r\n" if nl == "\r" and following.startswith("\n") else nl
        return before + gap + new_line + end + following

    def _add_field(self, label: str, value: str) -> bytes:
        nl = self.newline
        new_line = f"**{label}**: {value}"
        last = len(self._lines) - 1
        if last > 0 and not self._lines[last] and self._ends[last - 1]:
            last -= 1  # the empty remainder after a final newline is no line
        # where it belongs, then (a document ending inside an unclosed fence or comment)
        # after an earlier block, after the title, at the very start: the first place
        # where a fresh parse reads the field back
        places: list[tuple[int, bool]] = []
        metadata = self._metadata_last_line()
        if metadata is not None:
            places += [(metadata, False), (metadata, True)]
        if self.text:
            places += [(last, False), (last, True)]
            places += [(leaf.end - 1, False) for leaf in self._leaves[-4:-1][::-1]]
        title = self._title_heading()
        if title is not None:
            places.append((title[2].end - 1, False))
        places.append((-1, False))
        key = label_key(label)
        tried = set()
        for line, blank in places:
            if (line, blank) in tried:
                continue
            tried.add((line, blank))
            candidate = self._insert_after(line, new_line, blank) if self.text else new_line + nl
            data = self._encode(candidate)
            written = HotfixDocument._parse(data, self.name, limited=False)._field_label(key)
            if written is not None and written.rest.strip() == value:
                return data
        raise ValueError(f"cannot write a field labelled {label!r} in {self.name}")


def _leaves_of(tokens: list[Token]) -> tuple[list[_Leaf], dict[int, tuple[int, bool]]]:
    """The leaf blocks in document order, and each list's (end, is bullet) by first line."""
    leaves: list[_Leaf] = []
    lists: dict[int, tuple[int, bool]] = {}
    item_open = False
    index = 0
    count = len(tokens)
    while index < count:
        token = tokens[index]
        kind = token.type
        span = token.map or [0, 0]
        if kind == "list_item_open":
            item_open = True
        elif kind in ("bullet_list_open", "ordered_list_open"):
            lists.setdefault(span[0], (span[1], kind == "bullet_list_open"))
        elif kind in ("paragraph_open", "heading_open") and index + 1 < count:
            content = tokens[index + 1].content
            if kind == "paragraph_open":
                leaves.append(_Leaf("paragraph", span[0], span[1], content, list_item=item_open))
            else:
                setext = token.markup in ("=", "-")
                leaves.append(
                    _Leaf("heading", span[0], span[1], content, int(token.tag[1:]), setext)
                )
            item_open = False
            index += 3
            continue
        elif kind == "fence":
            leaves.append(
                _Leaf("code", span[0], span[1], token.content, info=token.info.strip(), fenced=True)
            )
            item_open = False
        elif kind in ("code_block", "html_block", "hr"):
            short = {"code_block": "code", "html_block": "html", "hr": "hr"}[kind]
            leaves.append(_Leaf(short, span[0], span[1], token.content))
            item_open = False
        elif kind in ("list_item_close", "blockquote_open"):
            item_open = False
        index += 1
    return leaves, lists
