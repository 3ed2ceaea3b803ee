"""What a reader sees of rendered Markdown: the standard library's HTML parser, walking
the HTML that markdown-it renders for each block (``Block.html()``) or the block itself when
it is raw HTML, keeps the text a browser would show and drops the rest: comments, elements
that are hidden or struck out (``hidden``, ``display:none``, ``visibility:hidden``,
``<del>``, ``<s>``, ``<strike>``, ``<template>``, ``<script>``, ``<style>``, a ``<dialog>``
that is not open), images, and links without a target. Blocks are read in order with one
walker, so an HTML block that opens a hiding element hides the Markdown after it.

Each line read says what it holds besides its text: the text of its code spans, its links
(target and text) and whether it holds a template's slot (``<sha>``, ``<PR>``: a tag that is
no HTML element, which a browser shows as nothing).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


HIDING = _set("del s strike template script style noscript")
VOID = _set("area base br col embed hr img input link meta source track wbr")
# Elements that start a line of their own.
BLOCK = _set(
    "p div li ul ol dl dt dd tr td th table thead tbody tfoot caption h1 h2 h3 h4 h5 h6 pre "
    "blockquote details summary section article header footer aside nav figure figcaption "
    "dialog main"
)
ELEMENTS = (
    HIDING
    | VOID
    | BLOCK
    | _set(
        "a abbr b bdi bdo cite code data dfn em i kbd mark q rp rt ruby samp small span "
        "strong sub sup time u var ins font center big tt colgroup picture video audio "
        "canvas svg math iframe object label button select option textarea form fieldset "
        "legend output progress meter menu html head body title"
    )
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_CSS_COMMENT = re.compile(r"(?s)/\*.*?(?:\*/|\Z)")  # an unclosed one runs to the end


class Line:
    """One visible line: its text, its code spans' text, its links, any template slot."""

    __slots__ = ("code", "links", "slot", "text")

    def __init__(self) -> None:
        self.text: list[str] = []
        self.code: list[str] = []
        self.links: list[tuple[str, str]] = []  # (target, visible text)
        self.slot = False

    @property
    def empty(self) -> bool:
        return not (self.text or self.links or self.slot)


def _has_target(href: str) -> bool:
    return href.strip() not in ("", "#")


def _hides(
    tag: str, attrs: list[tuple[str, str | None]], has_target: Callable[[str], bool]
) -> bool:
    values = dict(attrs)
    style = values.get("style") or ""
    return (
        tag in HIDING
        or "hidden" in values
        or (tag == "dialog" and "open" not in values)
        or (tag == "a" and not has_target(values.get("href") or ""))
        or bool(style and _HIDDEN_STYLE.search(_CSS_COMMENT.sub("", style)))
    )


def _without_open_comment(html: str) -> str:
    """``html`` up to a comment that never closes (a browser hides the rest: the
    standard library's parser would show it as text)."""
    start = html.find("<!--")
    while start >= 0:
        end = html.find("-->", start + 2)
        if end < 0:
            return html[:start]
        start = html.find("<!--", end + 3)
    return html


class Visible(HTMLParser):
    """Read blocks with :meth:`read`, take the lines read so far with :meth:`take`.
    ``has_target`` tells a link's real target from none (the text of a link without one
    shows as nothing); by default "" and "#" are none."""

    def __init__(self, has_target: Callable[[str], bool] = _has_target) -> None:
        super().__init__(convert_charrefs=True)
        self._has_target = has_target
        self._open: list[tuple[str, bool, int]] = []  # (tag, hides, line of its block)
        self._hiding = 0
        self._lines = [Line()]
        self._links: list[tuple[str, list[str]]] = []  # the visible links being read
        self._code = 0
        self.line = 0  # the source line of the block being read

    @property
    def hiding(self) -> bool:
        return self._hiding > 0

    @property
    def hidden_since(self) -> int | None:
        """The line of the block that opened the element hiding what comes now."""
        return next((line for _, hides, line in self._open if hides), None)

    def read(self, html: str, line: int = 0) -> None:
        """Read one block: what it leaves unclosed (``<a title="``) is read as text, as
        an HTML parser reads the end of its input, never carried into the next block."""
        self.line = line
        self.feed(_without_open_comment(html) if "<!--" in html else html)
        self.close()

    def take(self) -> list[Line]:
        """The lines read since the last call, empty ones left out."""
        lines, self._lines = self._lines, [Line()]
        return [line for line in lines if not line.empty]

    def _newline(self) -> None:
        if not self._lines[-1].empty:
            self._lines.append(Line())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ELEMENTS:  # a template's slot: "git revert <sha>"
            self._lines[-1].slot = self._lines[-1].slot or not self._hiding
            return
        if tag in VOID:
            if tag in ("br", "hr"):
                self._newline()
            return
        hides = _hides(tag, attrs, self._has_target)
        if tag in BLOCK:
            self._newline()
        self._open.append((tag, hides, self.line))
        self._hiding += hides
        if tag == "a" and not hides:
            self._links.append((dict(attrs).get("href") or "", []))
        elif tag == "code":
            self._code += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # "<div/>" opens a div, as in HTML

    def handle_endtag(self, tag: str) -> None:
        if all(name != tag for name, _, _ in self._open):
            return
        while self._open:
            name, hides, _ = self._open.pop()
            self._hiding -= hides
            if name == "a" and not hides and self._links:
                href, text = self._links.pop()
                if not self._hiding:
                    self._lines[-1].links.append((href, "".join(text)))
            elif name == "code":
                self._code = max(0, self._code - 1)
            if name == tag:
                break
        if tag in BLOCK:
            self._newline()

    def handle_data(self, data: str) -> None:
        if self._hiding:
            return
        for index, piece in enumerate(data.split("\n")):
            if index:
                self._newline()
            if piece:
                line = self._lines[-1]
                line.text.append(piece)
                if self._code:
                    line.code.append(piece)
                for _, text in self._links:
                    text.append(piece)
