"""The article's lead (standfirst): the paragraph under the headline that sums the story up.

Many pages set it apart from the body (``<p class="lead">``, ``<div class="teaser-text">``, a
summary in the article's header), and trafilatura's fast mode, which keeps the body's
container, leaves it out. The page declares its lead as well: its description meta tag
(``description``, ``og:description``) usually repeats it word for word. So when the first
description of some length is the text of an element that comes before the first block we
kept, and we did not keep that text, it is put back in front. Found by structure, never by
site:

* the element's text starts with the description's first words (a description may be cut
  short with "…") and is not much longer than it: a container holding the lead and the body is
  not a lead;
* a heading is never a lead: a subtitle set as ``<h2>`` under the headline is the deck, which
  ``bot.extraction.cleanup.strip_headline`` drops on purpose;
* a teaser that is mostly a link (this story's card in a list) is not a lead either.
"""

from __future__ import annotations

from lxml.etree import XPath, _ElementUnicodeResult
from lxml.html import HtmlElement

from bot.extraction.blocks import WORD, Block, normalize_space
from bot.extraction.page import LinkIndex

MIN_LEAD_WORDS = 12  # a shorter description is a tagline, not a lead
PROBE_WORDS = 8  # words that must open both the description and the element's text
LEAD_GROWTH = 1.6  # the element's text at most this many times the description (plus a bit)
LEAD_SLACK_CHARS = 40
MAX_LINK_SHARE = 0.5
RAW_PER_KEY_CHAR = 3  # raw text (markup spacing, punctuation) per character of words, at most
PREFIX_SLACK_CHARS = 40  # raw characters read beyond that when testing how a text opens
HEAD_BLOCKS = 3  # a lead we kept is among the first blocks: looked for there first
NO_LIMIT = 1 << 40
ANCESTORS = 3  # how far up from a text node the lead's element may be
# The first kept block is found by its first few words, as far up as this: extractors merge
# inline runs (``<p><em>Note</em></p><p>Text</p>`` may come back as one block).
FIRST_WORDS, FIRST_ANCESTORS = 5, 6
_NOT_LEADS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "a", "li", "td", "th", "title"})
# Text nodes with the needle near their start (a lead or a paragraph opens with its words).
_TEXT_WITH = XPath("//body//text()[contains(substring(., 1, 120), $needle)]")
_POSITION = XPath("count(preceding::*) + count(ancestor::*)")


def _key(text: str) -> str:
    """Lower-cased words only: descriptions and page text differ in punctuation and spacing."""
    return " ".join(WORD.findall(text.lower()))


def _needle(text: str) -> str:
    """A word of ``text``'s opening, as written (XPath's ``contains`` is case-sensitive): the
    longest of the first three, so that it is rare on the page."""
    words = WORD.findall(text)[:3]
    return max(words, key=len) if words else ""


def _element_starting(
    tree: HtmlElement,
    text: str,
    max_chars: int,
    excluded: frozenset[str] = frozenset(),
    ancestors: int = ANCESTORS,
) -> HtmlElement | None:
    """The first, innermost element whose text starts with the words of ``text`` and has at
    most ``max_chars`` characters of words; ``None`` if it is an ``excluded`` tag."""
    key = _key(text)
    needle = _needle(text)
    if not key or not needle:
        return None
    for node in _TEXT_WITH(tree, needle=needle):
        if not isinstance(node, _ElementUnicodeResult):
            continue
        element = node.getparent()
        if element is not None and node.is_tail:
            element = element.getparent()
        for _ in range(ancestors):
            if element is None or not isinstance(element.tag, str):
                break
            text = element.text_content()
            # Words are read from the start only (a container's text may be the whole page).
            if max_chars < NO_LIMIT and (
                len(text) > RAW_PER_KEY_CHAR * max_chars
                or len(_key(text[: RAW_PER_KEY_CHAR * max_chars])) > max_chars
            ):
                break
            if _key(text[: RAW_PER_KEY_CHAR * len(key) + PREFIX_SLACK_CHARS]).startswith(key):
                return None if element.tag in excluded else element
            element = element.getparent()
    return None


def _position(element: HtmlElement) -> float:
    return float(_POSITION(element))


def with_lead(
    blocks: list[Block], tree: HtmlElement, descriptions: tuple[str, ...], links: LinkIndex
) -> list[Block]:
    """``blocks`` with the page's lead in front when it sits before them and they lack it."""
    if not blocks:
        return blocks
    for description in descriptions:
        words = WORD.findall(description)
        if len(words) < MIN_LEAD_WORDS:
            continue  # a tagline ("News from …"): the next description may be the lead
        opening = " ".join(words[:PROBE_WORDS])
        opening_key = _key(opening)
        if opening_key in _key(" ".join(block.text for block in blocks[:HEAD_BLOCKS])):
            return blocks  # kept already (most pages)
        max_chars = int(LEAD_GROWTH * len(_key(description))) + LEAD_SLACK_CHARS
        lead = _element_starting(tree, opening, max_chars, _NOT_LEADS)
        if lead is None:
            return blocks  # the page's summary is not set as its lead
        text = normalize_space(lead.text_content())
        if links.coverage(text) >= MAX_LINK_SHARE or opening_key in _key(
            " ".join(block.text for block in blocks)
        ):
            return blocks
        opening_words = " ".join(WORD.findall(blocks[0].text)[:FIRST_WORDS])
        first = _element_starting(tree, opening_words, NO_LIMIT, ancestors=FIRST_ANCESTORS)
        if first is None or _position(lead) >= _position(first):
            return blocks
        return [Block(text), *blocks]
    return blocks
