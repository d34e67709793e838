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


def _flat_text(element: _Element) -> str:
    """All text under ``element`` with a space wherever a structural tag would glue words."""
    parts: list[str] = []

    def walk(node: _Element, is_root: bool) -> None:
        separating = node.tag in _SEPARATING_TAGS
        if separating:
            parts.append(" ")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child, False)
        if separating:
            parts.append(" ")
        if node.tail and not is_root:
            parts.append(node.tail)

    walk(element, True)
    return normalize_space("".join(parts))


def from_trafilatura(body: _Element | None) -> list[Block]:
    """Blocks of a trafilatura ``Document.body``: one per paragraph, heading, list item or row."""
    if body is None:
        return []
    blocks: list[Block] = []

    def add(text: str, kind: BlockKind) -> None:
        if WORD.search(text):  # a block without a word ("|", "•••", "{}") is decoration
            blocks.append(Block(text, kind))

    add(normalize_space(body.text or ""), "paragraph")
    for child in body:
        if child.tag == "list":
            for item in child.iterchildren("item"):
                add(_flat_text(item), "item")
        elif child.tag == "table":
            for row in child.iter("row"):
                add(_flat_text(row), "row")
        else:
            add(_flat_text(child), _TRAFILATURA_KINDS.get(str(child.tag), "paragraph"))
        add(normalize_space(child.tail or ""), "paragraph")
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
