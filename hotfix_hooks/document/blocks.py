"""Which lines of a Markdown document are top-level ATX headings, as CommonMark reads it, for
the commit-msg hook, which may not import markdown-it (a contract: its import costs the hook
more than everything else it does).

This is CommonMark's block-structure algorithm (the spec's "Phase 1", as commonmark.js and
markdown-it implement it), reduced to what decides whether a line is a heading at the top
level: block quotes, list items (their content offsets), fenced and indented code, the seven
kinds of HTML block, paragraphs (lazy continuation lines, what may interrupt them), setext
underlines and thematic breaks. Inline content is never parsed. tests/unit/document/test_blocks.py
checks it against the document model (markdown-it) on generated documents; where the two
would differ, the model is right.

Plain string scanning only (no ``re``: its import alone costs the hook more than this runs).
"""

from __future__ import annotations

_DIGITS = "0123456789"


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_HTML6 = _set(
    "address article aside base basefont blockquote body caption center col colgroup dd "
    "details dialog dir div dl dt fieldset figcaption figure footer form frame frameset h1 "
    "h2 h3 h4 h5 h6 head header hr html iframe legend li link main menu menuitem nav "
    "noframes ol optgroup option p param search section summary table tbody td tfoot th "
    "thead title tr track ul"
)
_HTML1 = ("pre", "script", "style", "textarea")
_SPECIAL = "#`~*+_=<>-0123456789"


class _Block:
    __slots__ = ("char", "html", "kind", "length", "offset", "width")

    def __init__(self, kind: str) -> None:
        self.kind = kind  # document, quote, item, paragraph, fence, code, html
        self.width = 0  # item: its content offset; fence: its indentation
        self.char = ""  # fence: ` or ~
        self.length = 0  # fence: its length
        self.html = 0  # html: its kind, 1 to 7
        self.offset = 0  # item: whether anything was added to it yet (0/1)


def _expand(line: str) -> str:
    """Tabs as spaces to the next multiple of four columns (CommonMark's tab stops)."""
    if "\t" not in line:
        return line
    out: list[str] = []
    column = 0
    for char in line:
        if char == "\t":
            pad = 4 - column % 4
            out.append(" " * pad)
            column += pad
        else:
            out.append(char)
            column += 1
    return "".join(out)


def _is_blank(text: str) -> bool:
    return not text.strip(" ")


def _fence(rest: str) -> tuple[str, int] | None:
    """(char, length) of an opening code fence at the start of ``rest``."""
    char = rest[:1]
    if char not in ("`", "~"):
        return None
    length = len(rest) - len(rest.lstrip(char))
    if length < 3 or (char == "`" and "`" in rest[length:]):
        return None
    return char, length


def _closes(rest: str, block: _Block) -> bool:
    length = len(rest) - len(rest.lstrip(block.char))
    return length >= block.length and _is_blank(rest[length:])


def _thematic(rest: str) -> bool:
    char = rest[:1]
    if char not in ("*", "_", "-"):
        return False
    body = rest.rstrip(" ")
    return body.replace(" ", "").replace("\t", "") == char * len(body.replace(" ", "")) and (
        body.count(char) >= 3
    )


def _setext(rest: str) -> bool:
    body = rest.rstrip(" ")
    return bool(body) and body[0] in "=-" and body == body[0] * len(body)


def _atx(rest: str) -> int:
    """The level of an ATX heading starting ``rest`` (0 when it is none)."""
    hashes = len(rest) - len(rest.lstrip("#"))
    if not 1 <= hashes <= 6:
        return 0
    return hashes if hashes == len(rest) or rest[hashes] == " " else 0


def _tag_name(rest: str, at: int) -> tuple[str, int]:
    end = at
    while end < len(rest) and (rest[end].isascii() and (rest[end].isalnum() or rest[end] == "-")):
        end += 1
    return rest[at:end].lower(), end


def _html_kind(rest: str, in_paragraph: bool) -> int:
    """The kind (1-7) of an HTML block starting ``rest``, 0 when none."""
    if not rest.startswith("<"):
        return 0
    lowered = rest.lower()
    for name in _HTML1:
        if lowered.startswith("<" + name):
            after = rest[len(name) + 1 : len(name) + 2]
            if after in ("", " ", ">"):
                return 1
    if rest.startswith("<!--"):
        return 2
    if rest.startswith("<?"):
        return 3
    if rest.startswith("<!") and rest[2:3].isascii() and rest[2:3].isalpha():
        return 4
    if rest.startswith("<![CDATA["):
        return 5
    closing = rest.startswith("</")
    name, end = _tag_name(rest, 2 if closing else 1)
    after = rest[end : end + 2]
    if name in _HTML6 and (after[:1] in ("", " ", ">") or after == "/>"):
        return 6
    if in_paragraph or not name or not name[0].isalpha():
        return 0
    return 7 if _complete_tag(rest, closing, end) else 0


def _complete_tag(rest: str, closing: bool, at: int) -> bool:
    """A whole open or closing tag, then only spaces: CommonMark's HTML block kind 7."""
    position = at
    size = len(rest)
    if closing:
        while position < size and rest[position] == " ":
            position += 1
        return position < size and rest[position] == ">" and _is_blank(rest[position + 1 :])
    while True:
        spaced = position < size and rest[position] == " "
        while position < size and rest[position] == " ":
            position += 1
        if position >= size:
            return False
        if rest.startswith("/>", position) or rest[position] == ">":
            end = position + (2 if rest[position] == "/" else 1)
            return _is_blank(rest[end:])
        if not spaced:
            return False
        position = _attribute(rest, position)
        if position < 0:
            return False


def _attribute(rest: str, at: int) -> int:
    """The end of an attribute starting at ``at`` (-1 when there is none)."""
    size = len(rest)
    if not (rest[at].isascii() and (rest[at].isalpha() or rest[at] in "_:")):
        return -1
    position = at + 1
    while (
        position < size
        and rest[position].isascii()
        and (rest[position].isalnum() or rest[position] in "_.:-")
    ):
        position += 1
    look = position
    while look < size and rest[look] == " ":
        look += 1
    if look >= size or rest[look] != "=":
        return position
    look += 1
    while look < size and rest[look] == " ":
        look += 1
    if look >= size:
        return -1
    quote = rest[look]
    if quote in "\"'":
        end = rest.find(quote, look + 1)
        return -1 if end < 0 else end + 1
    end = look
    while end < size and rest[end] not in " \"'=<>`":
        end += 1
    return end if end > look else -1


_ENDS = {1: ("</pre>", "</script>", "</style>", "</textarea>"), 2: ("-->",), 3: ("?>",),
         4: (">",), 5: ("]]>",)}  # fmt: skip


def _html_ends(kind: int, line: str) -> bool:
    if kind not in _ENDS:
        return False
    lowered = line.lower() if kind == 1 else line
    return any(end in lowered for end in _ENDS[kind])


def _item(rest: str, indent: int, in_paragraph: bool) -> tuple[int, bool] | None:
    """(content offset from the marker's column, empty) of a list item starting ``rest``."""
    if rest[:1] in ("-", "+", "*"):
        width = 1
    else:
        digits = len(rest) - len(rest.lstrip(_DIGITS))
        if not 1 <= digits <= 9 or rest[digits : digits + 1] not in (".", ")"):
            return None
        if in_paragraph and rest[:digits].lstrip("0") != "1":
            return None  # only a list starting at 1 interrupts a paragraph
        width = digits + 1
    after = rest[width:]
    if after and after[0] != " ":
        return None
    empty = _is_blank(after)
    if empty and in_paragraph:
        return None
    spaces = len(after) - len(after.lstrip(" "))
    padding = width + 1 if empty or spaces >= 5 else width + spaces
    return indent + padding, empty


_BAD_PROTOCOLS = ("javascript:", "vbscript:", "file:", "data:")


def _reference(rest: str) -> bool:
    """A link reference definition on one line (``[label]: /url "title"``): no paragraph,
    so what follows it may start what cannot interrupt one (markdown-it reads them as
    blocks of their own). One spread over several lines reads as a paragraph here."""
    text = rest.lstrip(" ")
    if not text.startswith("["):
        return False
    end = 1
    while end < len(text) and text[end] != "]":
        if text[end] == "[":
            return False
        end += 2 if text[end] == "\\" else 1
    label = text[1:end]
    if end >= len(text) or text[end + 1 : end + 2] != ":" or not label.strip():
        return False
    after = text[end + 2 :].lstrip(" ")
    if after.startswith("<"):
        close = after.find(">")
        if close < 0 or "<" in after[1:close]:
            return False
        destination, tail = after[: close + 1], after[close + 1 :]
    else:
        cut = after.find(" ")
        destination, tail = (after, "") if cut < 0 else (after[:cut], after[cut:])
        if not destination or any(ord(c) < 32 for c in destination):
            return False
    if destination.strip("<>").lower().startswith(_BAD_PROTOCOLS):
        return False
    title = tail.strip(" ")
    if not title:
        return True
    if not tail.startswith(" "):
        return False
    pairs = {'"': '"', "'": "'", "(": ")"}
    return title[0] in pairs and len(title) > 1 and title.endswith(pairs[title[0]])


def _continues(block: _Block, text: str, position: int, indent: int, rest: str) -> int | None:
    """Where the line goes on inside ``block`` (a fence aside), None when it ends it."""
    blank = not rest
    if block.kind == "quote":
        if indent >= 4 or not rest.startswith(">"):
            return None
        position += indent + 1
        return position + (text[position : position + 1] == " ")
    if block.kind == "item":
        if blank:
            return len(text) if block.offset else None  # begun empty: ends at a blank
        return position + block.width if indent >= block.width else None
    if block.kind == "code":
        if indent >= 4:
            return position + 4
        return len(text) if blank else None
    if block.kind == "html":
        return None if blank and block.html in (6, 7) else position
    return None if blank else position  # a paragraph


class _Scan:
    """One pass over the document's lines, keeping the open blocks (a stack)."""

    def __init__(self) -> None:
        self.open = [_Block("document")]
        self.headings: list[tuple[int, int, str]] = []  # (line, level, raw content)

    def line(self, number: int, raw: str) -> None:
        text = _expand(raw)
        position, matched = self._continue(text)
        if position < 0:
            return  # a closing fence: the line is consumed
        last = self.open[matched - 1]
        all_matched = matched == len(self.open)
        if last.kind in ("fence", "code", "html"):
            self._add_to_leaf(last, text, position)
            return
        container = last
        while True:  # new containers, then perhaps a leaf
            rest = text[position:].lstrip(" ")
            indent = len(text) - position - len(rest)
            if indent < 4 and rest and rest[0] not in _SPECIAL:
                break
            started = self._start(number, text, position, indent, rest, container, all_matched)
            if started is None:
                break
            position, container, leaf = started
            if leaf:
                return
        rest = text[position:]
        lazy = container is last and not all_matched and self.open[-1].kind == "paragraph"
        if lazy and not _is_blank(rest):
            return  # a lazy continuation line
        if container is last:
            self._close_from(matched)
        if container.kind != "paragraph" and not _is_blank(rest) and not _reference(rest):
            self._push(container, _Block("paragraph"))

    def _continue(self, text: str) -> tuple[int, int]:
        """(where the line goes on, how many open blocks it continues, the document
        included); -1 when the line closes a fence."""
        position = 0
        matched = 1
        for block in self.open[1:]:
            rest = text[position:].lstrip(" ")
            indent = len(text) - position - len(rest)
            if block.kind == "fence":
                if indent < 4 and rest.startswith(block.char) and _closes(rest, block):
                    self._close_from(matched)
                    return -1, matched
                position += min(indent, block.width)
            else:
                moved = _continues(block, text, position, indent, rest)
                if moved is None:
                    break
                position = moved
            matched += 1
        return position, matched

    def _start(
        self,
        number: int,
        text: str,
        position: int,
        indent: int,
        rest: str,
        container: _Block,
        all_matched: bool,
    ) -> tuple[int, _Block, bool] | None:
        """A block starting here: (where the line goes on, the new container, whether it
        was a leaf taking the whole line); None when nothing starts."""
        tip = self.open[-1]
        in_paragraph = container.kind == "paragraph"
        lazy = not all_matched and tip.kind == "paragraph" and bool(rest)
        if indent < 4 and rest:
            if rest[0] == ">":
                block = self._open_here(container, _Block("quote"))
                after = position + indent + 1
                return after + (text[after : after + 1] == " "), block, False
            level = _atx(rest)
            if level:
                heading = self._open_here(container, _Block("heading"))
                if self.open[-2].kind == "document":
                    self.headings.append((number, level, rest[level:]))
                self.open.remove(heading)
                return len(text), container, True
            fence = _fence(rest)
            if fence:
                block = _Block("fence")
                block.char, block.length, block.width = fence[0], fence[1], indent
                self._open_here(container, block)
                return len(text), block, True
            kind = _html_kind(rest, in_paragraph or lazy)
            if kind:
                block = _Block("html")
                block.html = kind
                self._open_here(container, block)
                if _html_ends(kind, text[position:]):
                    self.open.pop()
                return len(text), block, True
            if in_paragraph and _setext(rest):
                self.open.pop()
                return len(text), self.open[-1], True
            if _thematic(rest):
                self.open.remove(self._open_here(container, _Block("break")))
                return len(text), container, True
            item = _item(rest, position + indent, in_paragraph)
            if item is not None:
                block = _Block("item")
                block.width, empty = item
                block.offset = 0 if empty else 1
                self._open_here(container, block)
                return min(block.width, len(text)), block, False
        if indent >= 4 and tip.kind != "paragraph" and rest:
            block = self._open_here(container, _Block("code"))
            return len(text), block, True
        return None

    def _open_here(self, container: _Block, block: _Block) -> _Block:
        """Close what is open above ``container`` (itself too when it is a paragraph),
        open ``block`` in it."""
        index = self.open.index(container)
        if container.kind == "paragraph":
            index -= 1
        self._close_from(index + 1)
        self._push(self.open[-1], block)
        return block

    def _push(self, parent: _Block, block: _Block) -> None:
        if parent.kind == "item":
            parent.offset = 1
        self.open.append(block)

    def _close_from(self, index: int) -> None:
        del self.open[max(index, 1) :]

    def _add_to_leaf(self, leaf: _Block, text: str, position: int) -> None:
        del self.open[self.open.index(leaf) + 1 :]
        if leaf.kind == "html" and _html_ends(leaf.html, text[position:]):
            self.open.pop()


def top_level_headings(text: str) -> list[tuple[int, int, str]]:
    """(0-based line, level, raw content after the opening #s) of every ATX heading at the
    top level of ``text`` (not in a list, a block quote, code or HTML)."""
    scan = _Scan()
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        scan.line(number, line)
    return scan.headings
