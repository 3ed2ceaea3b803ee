"""The Rollback Plan and Rollback Trigger of a hotfix document, judged. Pure: no git, no I/O.

Real content passes. Placeholders in any dress do not: after NFKC normalisation, without
zero-width and other format characters, a ``[bracketed hint]``, TBD/TODO/FIXME/TBC/XXX,
N/A, none, nil, null, nothing, pending, unknown (also as ``(TBD)``, ``<TBD>``, ``"none"``,
``T.B.D.``, ``ＴＢＤ``), a line that starts with TBD/TODO/FIXME/TBC/XXX, punctuation
(``-``, ``?``, ``…``), whitespace or nothing. What Markdown hides does not count either:
HTML comments and blocks, ``<br>`` and other tags, ~~struck-through~~ text, text inside an
element that hides it or strikes it out (``<span hidden>``, ``<del>``, inline or opened by an
HTML block: ``_hidden_spans``), the text of a link without a real target (``[hint]()``),
images. A link with a real target counts; so does
a code block under the label whose code is real (comment lines such as ``# TODO`` aside).
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from markdown_it.token import Token

    from hotfix_hooks.document.model import Block, HotfixDocument

PLAN = "Rollback Plan"
TRIGGER = "Rollback Trigger"

# Estimated microseconds of markdown-it inline parsing one verdict may spend (the model's
# ``inline_cost``).
INLINE_BUDGET = 200_000

_PLACEHOLDER_WORDS = frozenset(
    {
        "tbd",
        "tbc",
        "tba",
        "todo",
        "fixme",
        "xxx",
        "na",
        "none",
        "nil",
        "null",
        "nothing",
        "pending",
        "unknown",
        "placeholder",
        "later",
        "wip",
    }
)
_PLACEHOLDER_PHRASES: dict[str, list[tuple[str, ...]]] = {}
for _phrase in (
    "to be determined",
    "to be decided",
    "to be defined",
    "to be done",
    "to be confirmed",
    "to be announced",
    "to be added",
    "to be written",
    "fill",
    "fill in",
    "fill this in",
    "fill me in",
    "not applicable",
    "not available",
    "n a",
    "to be filled",
    "to be filled in",
    "to be updated",
    "to be provided",
    "to be completed",
    "work in progress",
    "coming soon",
):
    _PLACEHOLDER_PHRASES.setdefault(_phrase.split()[0], []).append(tuple(_phrase.split()))
for _phrases in _PLACEHOLDER_PHRASES.values():
    _phrases.sort(key=len, reverse=True)
_PLACEHOLDER_START = frozenset({"tbd", "tbc", "tba", "todo", "fixme", "xxx"})
_SQUASHED_PLACEHOLDERS = _PLACEHOLDER_WORDS | {"tobedetermined", "tobedone", "notapplicable"}
# Words that only name what the section is: "Rollback steps TBD", "Plan: here", "Rollback"
# alone say nothing of how to roll back.
_GENERIC_WORDS = frozenset(
    {"rollback", "roll", "back", "plan", "plans", "steps", "step", "procedure", "details",
     "here", "the", "a", "an", "is", "are", "will", "be", "of", "for", "our", "this"}
)  # fmt: skip
_ARTICLES = frozenset({"the", "a", "an"})
# The templates' hints, as words: a hint that lost its brackets (e.g. as a link's text).
_TEMPLATE_HINTS = frozenset(
    {
        "how to rollback if hotfix fails",
        "when to rollback",
        "brief description",
        "quick analysis",
        "minimal changes to resolve emergency",
        "list critical files",
        "minimal essential tests what must pass",
        "what needs to be fixed immediately",
        "temporary mitigation in place describe",
    }
)
_ALNUM = re.compile(r"[^\W_]+")
_ANY_ALNUM = re.compile(r"[^\W_]")
_BRACKET = re.compile(r"[\[\]]")
_LIST_MARK = re.compile(r"(?:[-*+•>]|[0-9]{1,9}[.)])(?:[ \t]+|$)")
# Elements whose text shows struck out, or never shows (a <template>'s content is inert).
_HIDING_TAGS = frozenset({"del", "s", "strike", "template"})
# Void elements have no content to hide, whatever their attributes say.
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
     "wbr"}
)  # fmt: skip
# Only for text with HTML in it: patterns, compiled (and cached by ``re``) on first use, not
# at every hook's start. _TAG: its three alternatives start with different characters, and
# an unquoted run stops at the next "<", so it is linear. _HTML_TAG: one
# inline HTML tag as markdown-it-py hands it over (a whole tag): its name, and whether it
# closes. Tags that show nothing of their text: struck out, or hidden by an attribute.
_BR = r"(?i)<br *(?:/ *)?>"
_TAG = r"</?[A-Za-z](?:[^<>\"']|\"[^\"]*\"|'[^']*')*>"  # a quoted ">" or "<" is in the tag
_HTML_TAG = r"<(/?)([A-Za-z][^\s/>]*)"  # the name runs to a space, "/" or ">" (del. is no del)
# What an HTML parser skips as comments: <!-- ... --> (also closed by --!>, and <!--> and
# <!---> on their own), and the "bogus comments" <!...>, <?...> and </ not before a letter.
_HTML_COMMENT = (
    r"(?s)<!--(?:-?>|.*?(?:--!?>|\Z))|<![^>]*(?:>|\Z)|<\?[^>]*(?:>|\Z)|</(?![A-Za-z])[^>]*(?:>|\Z)"
)
_QUOTED = r"\"[^\"]*\"|'[^']*'"
_HIDDEN_ATTRIBUTE = r"(?i)(?<![\w-])hidden(?=[\s=/>]|$)"
_OPEN_ATTRIBUTE = r"(?i)(?<![\w-])open(?=[\s=/>]|$)"
_STYLE = r"""(?i)(?<![\w-])style\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+)"""
_HIDDEN_STYLE = (
    r"(?i)display\s*:\s*none|visibility\s*:\s*hidden"
    r"""|opacity\s*:\s*[+]?0*(?:\.0*)?\s*(?:[;!"']|$)"""
)
# GFM (GitHub) also strikes out ~text~ with single tildes; markdown-it reads only ~~text~~.
_SINGLE_TILDES = r"(?<!~)~(?=[^\s~])[^~]*(?<=[^\s~])~(?!~)"
_FOOTNOTE = r"\s*\[\^[^\]\s]+\]:"  # a GFM footnote definition, [^note]: text
_CODE_COMMENT = ("#", "//", "--", ";", "::", "%%")  # %%: a Mermaid diagram's comment


# Value types here and on every hook path are NamedTuples: defining a dataclass costs about
# a millisecond of the hook's start (it compiles its methods), a NamedTuple a fifth of that.
class Finding(NamedTuple):
    name: str
    found: bool
    real: bool
    text: str  # the real content, or what stood there
    line: int | None
    note: str | None = None  # why it could not be judged, when it could not

    @property
    def problem(self) -> str | None:
        if not self.found:
            return f"no {self.name} section"
        if not self.real:
            if self.note:
                return f"the {self.name} could not be judged: {self.note}"
            return f"the {self.name} holds only a placeholder ({_short(self.text)})"
        return None


class Verdict(NamedTuple):
    plan: Finding
    trigger: Finding
    trigger_required: bool

    @property
    def passed(self) -> bool:
        return self.plan.real and (self.trigger.real or not self.trigger_required)

    @property
    def problems(self) -> list[str]:
        out = [p for p in (self.plan.problem,) if p]
        if self.trigger_required and self.trigger.problem:
            out.append(self.trigger.problem)
        return out

    @property
    def warnings(self) -> list[str]:
        if not self.trigger_required and self.trigger.problem:
            return [self.trigger.problem]
        return []


def judge(doc: HotfixDocument, *, trigger_required: bool = False) -> Verdict:
    budget = _Budget(INLINE_BUDGET)
    hidden = _hidden_spans(doc)
    return Verdict(
        find(doc, PLAN, budget, hidden), find(doc, TRIGGER, budget, hidden), trigger_required
    )


def find(
    doc: HotfixDocument,
    name: str,
    budget: _Budget | None = None,
    hidden: list[tuple[int, int, int]] | None = None,
) -> Finding:
    """The first section called ``name`` with real content, else the first one at all.
    ``hidden``: ``_hidden_spans(doc)``, when the caller has it already."""
    budget = budget or _Budget(INLINE_BUDGET)
    sections = doc.sections(name)
    if hidden is None:
        hidden = _hidden_spans(doc) if sections else []
    starts = [span[0] for span in hidden]  # sorted, the spans never overlap
    note = None
    for section in sections:
        shown = []
        for block in section.blocks:
            at = bisect.bisect_right(starts, block.line) - 1
            span = hidden[at] if at >= 0 and hidden[at][1] >= block.line else None
            if span is not None:
                note = note or (
                    f"it is inside HTML that hides it (the element opened at line {span[2]}): "
                    "write it outside"
                )
                continue
            try:
                if real_lines(block, budget):
                    shown.append(_display(block))
            except TooComplexError as error:
                note = note or str(error)
        if shown:
            return Finding(name, True, True, "\n".join(shown), section.line)
    if sections:
        return Finding(name, True, False, sections[0].content, sections[0].line, note)
    return Finding(name, False, False, "", None)


def _hidden_spans(doc: HotfixDocument) -> list[tuple[int, int, int]]:
    """(first line, last line, line of the opening tag) of the Markdown that HTML blocks
    put inside an element showing nothing or struck out: ``<div hidden>``, ``<del>`` or
    ``<div style="display:none">`` on a line of its own, up to the HTML block that closes
    it (unclosed: to the end). Tags in HTML comments do not count."""
    hidden: dict[str, int] = {}
    spans: list[tuple[int, int, int]] = []
    opened: tuple[int, int] | None = None  # (first hidden line, line of the opening block)
    for block in doc.html_blocks():
        for tag in re.finditer(_TAG, re.sub(_HTML_COMMENT, " ", block.source)):
            _hides(tag.group(), hidden)
        hiding = any(hidden.values())
        if hiding and opened is None:
            opened = (block.end_line + 1, block.line)
        elif not hiding and opened is not None:
            spans.append((opened[0], block.line - 1, opened[1]))
            opened = None
    if opened is not None:
        spans.append((opened[0], 1 << 31, opened[1]))
    return spans


class TooComplexError(Exception):
    """A block holds more Markdown than the verdict's budget lets it parse."""


class _Budget:
    def __init__(self, amount: int) -> None:
        self.left = amount

    def spend(self, block: Block) -> None:
        from hotfix_hooks.document.model import inline_cost

        source = block.source
        cost = inline_cost(source)
        if cost > self.left:
            raise TooComplexError(
                f"too much Markdown markup to read at line {block.line}: simplify it"
            )
        self.left -= cost


def real_lines(block: Block, budget: _Budget | None = None) -> list[str]:
    """The visible lines of ``block`` that are real content (placeholders left out)."""
    if block.kind == "code":
        return _real_code_lines(block.source)
    if block.kind != "text" or not _ANY_ALNUM.search(block.source):
        return []
    if block.source.lstrip().startswith("[^") and re.match(_FOOTNOTE, block.source):
        return []  # GFM shows a footnote's text only where it is referred to, if at all
    (budget or _Budget(INLINE_BUDGET)).spend(block)
    return [text for text, linked in _visible_lines(block.inline()) if linked or text_is_real(text)]


def block_is_real(block: Block) -> bool:
    """For edits: a block too large to judge counts as real (it is never overwritten)."""
    try:
        return bool(real_lines(block))
    except TooComplexError:
        return True


def text_is_real(text: str) -> bool:
    """Plain visible text: real unless it is only placeholders, punctuation or nothing, or a
    to-do note (TBD/TODO/FIXME/TBC/XXX, after nothing but placeholders)."""
    text = _fold(text)
    if "&" in text:
        import html

        text = _fold(html.unescape(text))
    if "<" in text:
        text = re.sub(_TAG, " ", text)
    text = text.strip()
    start = 0
    mark = _LIST_MARK.match(text)
    while mark and mark.end() > start:  # "1. TBD", "- > TBD": list marks written as text
        start = mark.end()
        mark = _LIST_MARK.match(text, start)
    words = _words(_drop_brackets(text[start:]))
    hint = " ".join(word for word in words if word not in _ARTICLES).replace(
        "roll back", "rollback"
    )
    if hint in _TEMPLATE_HINTS or "".join(words) in _SQUASHED_PLACEHOLDERS:
        return False  # a template hint without its brackets; T-B-D, t_b_d, "To do"
    return not _only_placeholders(words)


def _display(block: Block) -> str:
    if block.kind == "code":
        return "\n".join(_real_code_lines(block.source))
    return f"- {block.source}" if block.list_item else block.source


def _short(text: str) -> str:
    flat = " ".join(text.split())
    if not flat:
        return "nothing"
    return repr(flat if len(flat) <= 60 else flat[:57] + "...")


# Letters that show as nothing (Hangul fillers, the braille blank): not content.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Cyrillic, Greek and Latin letters that look like the Latin letters of a placeholder
# ("ТВD" with a Cyrillic Te and Ve): read as those letters, for telling placeholders only.
# NFKC has already folded fullwidth and mathematical letters; this is the part of Unicode's
# confusables that NFKC leaves alone, for the letters placeholders are written with.
_LOOKALIKES = str.maketrans(
    "АВСЕНІЈКМОРЅТХУҮавсеһіјкморѕтхуԁԛԝнпΑΒΕΖΗΙΚΜΝΟΡΤΥΧαιοκνρτυχϲ"
    "ϳɑɡıȷᴀʙᴄᴅᴇɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢĐđƊɗƁɓƀŦŧØøŁłƟꓔꓐꓓꓮꓰꓳꓠᎪᏴᏟᎠᎬᏀᎻᎥᎫᏦᏞ"
    "ᎷᏢᏚᎢᏙᎳᏃᏔᎩօսցհոզՕՏՍ",
    "ABCEHIJKMOPSTXYYabcehijkmopstxydqwhnABEZHIKMNOPTYXaiokvptuxc"
    "jagijabcdeghijklmnoprstuvwyzDdDdBbbTtOoLlOTBDAEONABCDEGHiJKL"
    "MPSTVWZTyoughnqOSU",
)
# Invisible or combining: format characters, and marks left over after NFKC composed
# what it could (a combining grapheme joiner, an accent on a placeholder's letter).
_INVISIBLE = frozenset({"Cf", "Mn", "Me"})


def _fold(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        text = "".join(
            ch
            for ch in text
            if ch not in _BLANK_LETTERS and unicodedata.category(ch) not in _INVISIBLE
        )
        # Cherokee's small letters casefold to its capitals: look-alikes after folding too
        return text.translate(_LOOKALIKES).casefold().translate(_LOOKALIKES).casefold()
    return text.casefold()


def _drop_brackets(text: str) -> str:
    """Without every balanced ``[...]``, nested or not (a lone bracket stays)."""
    if "[" not in text or "]" not in text:
        return text
    opened: list[int] = []
    pairs: list[tuple[int, int]] = []
    for match in _BRACKET.finditer(text):
        if match.group() == "[":
            opened.append(match.start())
        elif opened:
            pairs.append((opened.pop(), match.end()))
    pairs.sort()
    kept = []
    position = 0
    for start, end in pairs:
        if start < position:
            continue  # inside the pair before
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    return " ".join(kept)


def _words(text: str) -> list[str]:
    words: list[str] = []
    for chunk in text.split():
        if chunk.isalnum():
            words.append(chunk)
            continue
        spans = [match.span() for match in _ALNUM.finditer(chunk)]
        if not spans:
            continue
        if (
            len(spans) > 1
            and all(end - start == 1 for start, end in spans)
            and all(
                following == end + 1 and chunk[end] in "./"
                for (_, end), (following, _) in itertools.pairwise(spans)
            )
        ):
            words.append("".join(chunk[start] for start, _ in spans))  # N/A, T.B.D.
        else:
            words.extend(chunk[start:end] for start, end in spans)
    return words


def _only_placeholders(words: list[str]) -> bool:
    if all(word in _GENERIC_WORDS for word in words):
        return True
    position = 0
    while position < len(words):
        word = words[position]
        if word in _PLACEHOLDER_START:
            return True  # "TODO: write this", "N/A, TBD later"
        for phrase in _PLACEHOLDER_PHRASES.get(word, ()):
            if tuple(words[position : position + len(phrase)]) == phrase:
                position += len(phrase)
                break
        else:
            if word not in _PLACEHOLDER_WORDS and word not in _GENERIC_WORDS:
                return False
            position += 1
    return True


def _href_is_real(href: object) -> bool:
    if not isinstance(href, str):
        return False
    from urllib.parse import unquote

    target = unquote(href).strip()
    return target not in ("", "#") and text_is_real(target)


def _visible_lines(children: list[Token]) -> list[tuple[str, bool]]:
    """(visible text, holds a real link) per line of inline tokens."""
    texts: list[list[str]] = [[]]
    linked = [False]
    struck = 0
    dead = 0
    links: list[bool] = []
    hidden: dict[str, int] = {}  # open HTML elements that hide their text, by tag name
    for token in children:
        kind = token.type
        if kind in ("softbreak", "hardbreak"):
            texts.append([])
            linked.append(False)
        elif kind == "s_open":
            struck += 1
        elif kind == "s_close":
            struck = max(0, struck - 1)
        elif kind == "link_open":
            # a link counts by what it shows, never by its target: [TBD](https://x) is TBD
            live = _href_is_real(token.attrGet("href"))
            links.append(live)
            if not live:
                dead += 1
        elif kind == "link_close":
            if links and not links.pop():
                dead -= 1
        elif (
            (kind == "html_inline" and _hides(token.content, hidden))
            or struck
            or dead
            or any(hidden.values())
        ):
            continue
        elif kind in ("text", "code_inline"):
            texts[-1].append(token.content)
        elif kind == "html_inline" and re.fullmatch(_BR, token.content):
            texts.append([])
            linked.append(False)
        elif kind in ("html_inline", "image"):
            texts[-1].append(" ")
    lines = ["".join(parts) for parts in texts]
    return [
        (re.sub(_SINGLE_TILDES, " ", text) if "~" in text else text, link)
        for text, link in zip(lines, linked, strict=False)
    ]


def _hides(tag: str, hidden: dict[str, int]) -> bool:
    """Track an inline HTML tag that opens or closes an element whose text shows as nothing
    or struck out (``<del>``, ``<span hidden>``): True when ``tag`` was one (its own text
    counts for nothing). Unclosed, such an element hides the rest of the paragraph."""
    match = re.match(_HTML_TAG, tag)
    if match is None:
        return False
    closing, name = match.group(1), match.group(2).lower()
    if closing:
        if hidden.get(name):
            hidden[name] -= 1
            return True
        return False
    if name in _VOID_TAGS:
        return False  # <br hidden>: no content to hide (and <del/> opens a <del>, as in HTML)
    if hidden.get(name) or name in _HIDING_TAGS or _hidden_by_attributes(tag, name):
        hidden[name] = hidden.get(name, 0) + 1
        return True
    return False


def _hidden_by_attributes(tag: str, name: str) -> bool:
    """``hidden`` as an attribute (not text inside another's value, as in ``title="kept
    hidden"``), or a ``style`` that takes the element out of view."""
    attributes = re.sub(_QUOTED, '""', tag)
    if re.search(_HIDDEN_ATTRIBUTE, attributes):
        return True
    if name == "dialog" and not re.search(_OPEN_ATTRIBUTE, attributes):
        return True  # a <dialog> shows only when open
    style = re.search(_STYLE, tag)
    if style is None:
        return False
    import html

    value = re.sub(r"(?s)/\*.*?(?:\*/|\Z)", "", html.unescape(style.group(1)))
    return re.search(_HIDDEN_STYLE, value) is not None


def _drop_code_comments(body: str) -> str:
    """Without ``/* ... */`` and ``<!-- ... -->`` (an unclosed one runs to the end), their
    line breaks kept."""
    for opener, closer in (("/*", "*/"), ("<!--", "-->")):
        if opener not in body:
            continue
        kept = []
        position = 0
        while True:
            start = body.find(opener, position)
            if start < 0:
                kept.append(body[position:])
                break
            kept.append(body[position:start])
            end = body.find(closer, start + len(opener))
            if end < 0:
                break
            position = end + len(closer)
            kept.append("\n" * body.count("\n", start, position))
        body = "".join(kept)
    return body


def _real_code_lines(body: str) -> list[str]:
    real = []
    for line in _drop_code_comments(body).splitlines():
        code = line.strip()
        if code.startswith(_CODE_COMMENT) or code[:4].casefold() == "rem ":
            continue
        if code.startswith("$ "):
            code = code[2:].strip()
        if text_is_real(code):
            real.append(code)
    return real
