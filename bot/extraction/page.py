"""Parse a page once, and read the page-wide signals later stages need.

The page is parsed as ``trafilatura.load_html`` parses it (same repairs, same libxml2
options), into a tree every later stage shares: trafilatura and readability each work on a
copy of it, so nothing is parsed twice. Our parser differs in one way only: lxml makes every
element a plain ``HtmlElement`` in C, where ``lxml.html``'s parser asks a Python function for
each element's class (``<form>`` and ``<input>`` get classes with form helpers that nothing
here uses). Each element an extractor touches costs that call, about a tenth of our time.

The signals are read before any extractor runs. Each is one cheap pass over the tree (about
a millisecond on a news page):

* the link index: the text of every ``<a>``, to tell a paragraph that is really a link
  ("Related: …", a menu, a share bar) from prose;
* the characters in long ``<p>`` elements: what a full article on this page would at least
  hold, used to notice when an extractor kept only part of it. Characters, not words: they
  cost nothing to count and mean the same in languages written without spaces.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass

from lxml.etree import ElementDefaultClassLookup, tostring
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    fromstring,
)
from trafilatura.utils import is_dubious_html, repair_faulty_html

from bot.extraction.blocks import WORD, normalize_space
from bot.extraction.limits import bound_tree
from bot.extraction.markup import normalize_markup

# A <p> this long (about 20 English words) is prose, not a caption or a button.
LONG_PARAGRAPH_CHARS = 120
# Anchors longer than this are prose that happens to be linked, not navigation.
MAX_ANCHOR_WORDS = 40

log = logging.getLogger(__name__)

# trafilatura's parser options (``trafilatura.utils.HTML_PARSER``), with lxml's C class lookup.
_PARSER = HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
_PARSER.set_element_class_lookup(
    ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)


def load_html(html: str) -> HtmlElement | None:
    """``trafilatura.load_html(html)`` step for step, with ``_PARSER`` (``None`` when the
    text is not HTML). ``tests/test_extraction_speed.py`` checks both give the same tree."""
    beginning = html[:50].lower()
    dubious = is_dubious_html(beginning)
    html = repair_faulty_html(html, beginning)
    tree: HtmlElement | None = None
    from_bytes = False
    try:
        tree = fromstring(html, parser=_PARSER)
    except ValueError:  # a str with an encoding declaration: libxml2 wants bytes
        tree, from_bytes = _from_bytes(html), True
    except Exception as error:
        log.debug("lxml could not parse the page: %s", error)
    if (tree is None or len(tree) < 1) and not from_bytes:
        tree = _from_bytes(html)
    if tree is not None and dubious and len(tree) < 2:
        return None  # not HTML at all
    return tree


def _from_bytes(html: str) -> HtmlElement | None:
    try:
        return fromstring(html.encode("utf8", "surrogatepass"), parser=_PARSER)
    except Exception as error:
        log.debug("lxml could not parse the page as bytes: %s", error)
        return None


def parse_html(html: str) -> HtmlElement | None:
    """The lxml tree of ``html`` (see ``load_html``), cut down to the caps of
    ``bot.extraction.limits``.

    trafilatura rejects a bare fragment such as ``<p>text</p>``; wrapping it in a document
    shell lets a pasted snippet be read like a page.
    """
    tree = load_html(html)
    if tree is None and html.strip():
        tree = load_html(f"<html><body>{html}</body></html>")
    if tree is not None:
        bound_tree(tree)  # before anyone reads it: hostile shapes cost seconds (issue 16)
        normalize_markup(tree)  # ruby readings and MathJax source (bot.extraction.markup)
    return tree


class LinkIndex:
    """Anchor texts of a page, to measure how much of a text block is link text."""

    def __init__(self, anchor_texts: list[str]) -> None:
        by_first: dict[str, set[tuple[str, ...]]] = {}
        for text in dict.fromkeys(anchor_texts):  # menus repeat: each distinct text once
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
        by_first = self._by_first
        covered = after = 0
        # Only words that start some anchor can start a match; scan left to right, greedily,
        # from the end of the last match.
        for i in [i for i, word in enumerate(words) if word in by_first]:
            if i < after:
                continue
            for anchor in by_first[words[i]]:
                if tuple(words[i : i + len(anchor)]) == anchor:
                    covered += len(anchor)
                    after = i + len(anchor)
                    break
        return covered / len(words)


@dataclass(frozen=True, slots=True)
class PageSignals:
    """What the raw page says about itself, read before extraction prunes the tree."""

    links: LinkIndex
    long_paragraph_chars: int  # characters in <p> elements of at least LONG_PARAGRAPH_CHARS

    @classmethod
    def read(cls, tree: HtmlElement) -> PageSignals:
        """Collect the signals in two passes over ``tree`` (anchors, then paragraphs)."""
        # Each distinct anchor text once (menus and "Read more" links repeat).
        anchors = [
            normalize_space(text) for text in dict.fromkeys(map(_text, tree.iter("a"))) if text
        ]
        long_chars = 0
        for p in tree.iter("p"):
            text = _text(p)
            if text and not _surely_short(text):
                chars = len(normalize_space(text))
                if chars >= LONG_PARAGRAPH_CHARS:
                    long_chars += chars
        return cls(links=LinkIndex([a for a in anchors if a]), long_paragraph_chars=long_chars)


def _surely_short(text: str) -> bool:
    """``normalize_space(text)`` is certainly under ``LONG_PARAGRAPH_CHARS`` characters, seen
    without normalising it (most paragraphs of a page are captions, bylines or buttons).
    Dropping characters and collapsing spaces only shortens a text, and so does composing it
    when it is already composed (NFC): then only the newly adjacent characters can combine.
    Only a character NFC itself decomposes (a few, such as Devanagari क़ U+0958) can make it
    longer, and such a text is not NFC."""
    return len(text) < LONG_PARAGRAPH_CHARS and (
        text.isascii() or unicodedata.is_normalized("NFC", text)
    )


def _text(element: HtmlElement) -> str:
    """All the text inside ``element`` (as ``text_content()``, which costs twice as much)."""
    return str(tostring(element, method="text", encoding="unicode", with_tail=False))
