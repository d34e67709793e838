"""Parse a page once, and read the page-wide signals later stages need.

The signals are read *before* any extractor runs, because extractors prune the tree they are
given. Each is one cheap pass over the tree (about a millisecond on a news page):

* the link index: the text of every ``<a>``, to tell a paragraph that is really a link
  ("Related: …", a menu, a share bar) from prose;
* the characters in long ``<p>`` elements: what a full article on this page would at least
  hold, used to notice when an extractor kept only part of it. Characters, not words: they
  cost nothing to count and mean the same in languages written without spaces.
"""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura
from lxml.html import HtmlElement

from bot.extraction.blocks import WORD, normalize_space
from bot.extraction.limits import bound_tree
from bot.extraction.markup import normalize_markup

# A <p> this long (about 20 English words) is prose, not a caption or a button.
LONG_PARAGRAPH_CHARS = 120
# Anchors longer than this are prose that happens to be linked, not navigation.
MAX_ANCHOR_WORDS = 40


def parse_html(html: str) -> HtmlElement | None:
    """The lxml tree of ``html`` (a ``str``, so trafilatura never takes its bytes path), cut
    down to the caps of ``bot.extraction.limits``.

    trafilatura rejects a bare fragment such as ``<p>text</p>``; wrapping it in a document
    shell lets a pasted snippet be read like a page.
    """
    tree = trafilatura.load_html(html)
    if tree is None and html.strip():
        tree = trafilatura.load_html(f"<html><body>{html}</body></html>")
    if tree is not None:
        bound_tree(tree)  # before anyone reads it: hostile shapes cost seconds (issue 16)
        normalize_markup(tree)  # ruby readings and MathJax source (bot.extraction.markup)
    return tree


class LinkIndex:
    """Anchor texts of a page, to measure how much of a text block is link text."""

    def __init__(self, anchor_texts: list[str]) -> None:
        by_first: dict[str, set[tuple[str, ...]]] = {}
        for text in anchor_texts:
            words = tuple(WORD.findall(text.lower()))
            if words and len(words) <= MAX_ANCHOR_WORDS:
                by_first.setdefault(words[0], set()).add(words)
        # longest first, so a greedy scan takes the whole anchor, not a prefix of it
        self._by_first = {
            first: sorted(anchors, key=len, reverse=True) for first, anchors in by_first.items()
        }

    def coverage(self, text: str) -> float:
        """Share of the words of ``text`` that belong to anchor texts found in it, in order."""
        words = WORD.findall(text.lower())
        if not words:
            return 0.0
        covered = i = 0
        while i < len(words):
            for anchor in self._by_first.get(words[i], ()):
                if tuple(words[i : i + len(anchor)]) == anchor:
                    covered += len(anchor)
                    i += len(anchor)
                    break
            else:
                i += 1
        return covered / len(words)


@dataclass(frozen=True, slots=True)
class PageSignals:
    """What the raw page says about itself, read before extraction prunes the tree."""

    links: LinkIndex
    long_paragraph_chars: int  # characters in <p> elements of at least LONG_PARAGRAPH_CHARS

    @classmethod
    def read(cls, tree: HtmlElement) -> PageSignals:
        """Collect the signals in two passes over ``tree`` (anchors, then paragraphs)."""
        anchors = [normalize_space(a.text_content()) for a in tree.iter("a")]
        long_chars = 0
        for p in tree.iter("p"):
            chars = len(normalize_space(p.text_content()))
            if chars >= LONG_PARAGRAPH_CHARS:
                long_chars += chars
        return cls(links=LinkIndex([a for a in anchors if a]), long_paragraph_chars=long_chars)
