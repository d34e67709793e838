"""Extractor output → a flat list of text blocks.

Both extractors we use return a tree, not text: trafilatura its own XML (``p``, ``head``,
``list/item``, ``table/row/cell``, ``quote``, ``lb``) and readability an HTML fragment.
Flattening each into the same ``Block`` list lets one set of cleanup rules and one voting
step work on either.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from lxml.etree import _Element

from bot.text.invisible import strip_invisible

BlockKind = Literal["paragraph", "heading", "item", "row", "quote"]

WORD = re.compile(r"\w+")

# trafilatura XML: container → kind of each child block
_TRAFILATURA_KINDS: dict[str, BlockKind] = {
    "p": "paragraph",
    "head": "heading",
    "quote": "quote",
    "code": "paragraph",
}
# Tags after which words must not run together when a block's text is flattened.
_SEPARATING_TAGS = frozenset({"lb", "cell", "item", "row", "p", "head", "quote", "list", "code"})

_HTML_BLOCKS: dict[str, BlockKind] = {
    "p": "paragraph",
    "div": "paragraph",
    "section": "paragraph",
    "article": "paragraph",
    "pre": "paragraph",
    "blockquote": "quote",
    "li": "item",
    "dd": "item",
    "dt": "item",
    "tr": "row",
    "h1": "heading",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
    "ul": "paragraph",
    "ol": "paragraph",
    "dl": "paragraph",
    "table": "paragraph",
    "figcaption": "paragraph",
    "br": "paragraph",
}
_HTML_SEPARATORS = frozenset({"td", "th"})


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-level piece of extracted text: normalised spaces, at least one word."""

    text: str
    kind: BlockKind = "paragraph"
    # Lines the source broke the block into (``<lb>``/``<br>``) and the words of the longest:
    # a changelog or a poem written as one paragraph of short lines is still one block, but it
    # is not a flattened layout table (``second_opinion.lined``). 0: not counted (one line).
    lines: int = field(default=1, repr=False, compare=False)
    longest_line: int = field(default=0, repr=False, compare=False)
    # Number of ``\w+`` tokens (the unit every threshold in this package uses), counted once
    # here: the cleanup, the doubt signal and the vote each ask for it again.
    words: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", len(WORD.findall(self.text)))


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace (including newlines and nbsp) into single spaces, drop
    bidi controls and zero-width characters (they could make a bullet read otherwise), and
    compose the text (Unicode NFC): the same letter typed as one code point or as a base plus
    a combining mark (Bengali ড় as U+09DC or U+09A1 U+09BC) must read, and match, the same."""
    text = " ".join(strip_invisible(text).split())  # str.split() splits where regex \s matches
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def total_words(blocks: list[Block]) -> int:
    """Word count of a block list."""
    return sum(block.words for block in blocks)


# Stands for a line break (``<lb>``) while a block's text is gathered, so its lines can be
# counted; a space once they are. (U+2028 LINE SEPARATOR: never in extracted text.)
_LINE_BREAK = "\u2028"


def _raw_text(element: _Element, with_tail: bool, skip: _Element | None = None) -> str:
    """All text under ``element`` (and its tail), a space wherever a structural tag would glue
    words and ``_LINE_BREAK`` at each ``<lb>``; not yet normalised. ``skip``: an element
    under ``element`` whose own text is left out (its tail is kept)."""
    parts: list[str] = []

    def walk(node: _Element, tail: bool) -> None:
        if skip is not None and node is skip:
            parts.append(f" {skip.tail or ''}")
            return
        separating = node.tag in _SEPARATING_TAGS
        if node.tag == "lb":
            parts.append(_LINE_BREAK)
        elif separating:
            parts.append(" ")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child, True)
        if separating:
            parts.append(" ")
        if node.tail and tail:
            parts.append(node.tail)

    walk(element, with_tail)
    return "".join(parts)


def _flat_lines(raw: str) -> tuple[str, int, int]:
    """``raw`` text normalised, the number of its lines that hold a word, and the words of the
    longest line (0 when there is one line)."""
    if _LINE_BREAK not in raw:
        return normalize_space(raw), 1, 0
    sizes = [n for n in (len(WORD.findall(line)) for line in raw.split(_LINE_BREAK)) if n]
    return normalize_space(raw.replace(_LINE_BREAK, " ")), max(len(sizes), 1), max(sizes, default=0)


def _flat_text(element: _Element) -> str:
    """All text under ``element`` with a space wherever a structural tag would glue words."""
    return _flat_lines(_raw_text(element, False))[0]


def _opening_heading(row: _Element) -> _Element | None:
    """The ``<head>`` that opens the first cell of ``row`` holding text, if one does. Data
    tables mark header cells with ``role``; a heading element in a cell is a layout table's,
    which holds a post under its title."""
    for cell in row:
        if (cell.text or "").strip():
            return None
        first = next(iter(cell), None)
        if first is not None:
            return first if first.tag == "head" else None
    return None


# Children of a trafilatura <quote> that are paragraphs of their own.
_QUOTE_PARTS = frozenset({"p", "code", "list"})


def from_trafilatura(body: _Element | None) -> list[Block]:
    """Blocks of a trafilatura ``Document.body``: one per paragraph, heading, list item or row,
    and one per paragraph of a quotation."""
    if body is None:
        return []
    blocks: list[Block] = []

    def add(raw: str, kind: BlockKind) -> None:
        text, lines, longest = _flat_lines(raw)
        if WORD.search(text):  # a block without a word ("|", "•••", "{}") is decoration
            blocks.append(Block(text, kind, lines, longest))

    add(body.text or "", "paragraph")
    for child in body:
        if child.tag == "list":
            for item in child.iterchildren("item"):
                add(_raw_text(item, False), "item")
        elif child.tag == "table":
            for row in child.iter("row"):
                heading = _opening_heading(row)
                if heading is None:
                    add(_raw_text(row, False), "row")
                else:  # a layout row: its heading is a block of its own (a post's title)
                    add(_raw_text(heading, False), "heading")
                    add(_raw_text(row, False, skip=heading), "row")
        elif child.tag == "quote" and sum(part.tag in _QUOTE_PARTS for part in child) > 1:
            # A statement or an email quoted over several paragraphs: one block per paragraph,
            # as outside the quote. As one block it would hold most of the text and look like
            # a flattened layout table to ``second_opinion.doubt``. (A one-paragraph quote,
            # an embedded post with its attribution line, stays one block.)
            run = [child.text or ""]  # inline text between the parts: one block per run
            for part in child:
                if part.tag in _QUOTE_PARTS:
                    add("".join(run), "quote")
                    add(_raw_text(part, False), "quote")
                    run = [part.tail or ""]
                else:
                    run.append(_raw_text(part, True))
            add("".join(run), "quote")
        else:
            add(_raw_text(child, False), _TRAFILATURA_KINDS.get(str(child.tag), "paragraph"))
        add(child.tail or "", "paragraph")
    return blocks


def from_html(root: _Element) -> list[Block]:
    """Blocks of an HTML fragment (readability's summary): text split at block-level tags."""
    blocks: list[Block] = []
    parts: list[str] = []
    kinds: list[BlockKind] = ["paragraph"]

    def flush() -> None:
        text = normalize_space("".join(parts))
        if WORD.search(text):
            blocks.append(Block(text, kinds[-1]))
        parts.clear()

    def walk(node: _Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        kind = _HTML_BLOCKS.get(tag)
        if kind is not None:
            flush()
            kinds.append(kind)
        elif tag in _HTML_SEPARATORS:
            parts.append(" ")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            walk(child)
        if kind is not None:
            flush()
            kinds.pop()
        if node.tail:
            parts.append(node.tail)

    walk(root)
    flush()
    return blocks
