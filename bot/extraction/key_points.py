"""The publisher's own key points: a short bullet list above the article under a "Key Points"
heading (CNBC, Business Insider and many others), exactly the format Keypoints imitates.

Found by structure, never by site name: a ``<ul>``/``<ol>`` of 2-6 sentence-long items that
either sits right under a heading reading like "Key Points" / "Key takeaways" / "Highlights" /
"Summary" / "In brief", or is marked as such by its own or an ancestor's class or aria-label
("key-points", "summary-list", "takeaways"), and that comes before the article's body (at
most one long paragraph before it). A list deeper in the page is a list in the story, and a
list of links is navigation: neither counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml.html import HtmlElement

from bot.extraction.blocks import Block, normalize_space

MIN_POINTS, MAX_POINTS = 2, 6
MIN_POINT_WORDS, MAX_POINT_WORDS = 5, 60
LONG_PARAGRAPH_CHARS = 120  # a <p> this long is body text
MAX_BODY_BEFORE = 1  # long paragraphs allowed before the list (a standfirst)
_HEADING = re.compile(
    r"^\W*(?:key\s+(?:points?|takeaways?|facts|highlights)|(?:story\s+)?highlights|takeaways?|"
    r"summary|in\s+(?:brief|short)|at\s+a\s+glance|tl;?\s?dr|the\s+big\s+picture|"
    r"what\s+(?:you\s+)?need\s+to\s+know|the\s+bottom\s+line|why\s+it\s+matters)\W*$",
    re.IGNORECASE,
)
_MARKED = re.compile(r"key[-_ ]?points?|key[-_ ]?takeaways?|summary[-_ ]?list|takeaways", re.I)
_ANCESTORS = 4  # how far up from the list a heading sibling or a marking class may be


def _items(listing: HtmlElement) -> list[str] | None:
    """The list's item texts when they read like key points (sentences, not links)."""
    items = [child for child in listing if child.tag == "li"]
    if not MIN_POINTS <= len(items) <= MAX_POINTS:
        return None
    texts: list[str] = []
    for item in items:
        text = normalize_space(item.text_content())
        words = len(text.split())
        if not MIN_POINT_WORDS <= words <= MAX_POINT_WORDS or text[-1:] not in ".!\"”'’)":
            return None
        linked = sum(len(normalize_space(a.text_content())) for a in item.iter("a"))
        if linked * 2 > len(text):
            return None  # mostly a link: a related-stories list
        texts.append(text)
    return texts


def _is_key_point_list(listing: HtmlElement) -> bool:
    """Whether a heading like "Key Points", or a marking class/label, belongs to the list."""
    element: HtmlElement | None = listing
    for _ in range(_ANCESTORS):
        if element is None:
            return False
        marks = " ".join(filter(None, (element.get("class"), element.get("aria-label"))))
        if _MARKED.search(marks):
            return True
        for sibling in element.itersiblings(preceding=True):
            text = normalize_space(sibling.text_content())
            if text:  # only the nearest sibling with text can be the list's heading
                if _HEADING.match(text):
                    return True
                break
        element = element.getparent()
    return False


def read_key_points(tree: HtmlElement) -> tuple[str, ...]:
    """The publisher's key points on the page, verbatim; ``()`` when it has none."""
    body_before = 0
    for element in tree.iter("p", "ul", "ol"):
        if element.tag == "p":
            if len(normalize_space(element.text_content())) >= LONG_PARAGRAPH_CHARS:
                body_before += 1
                if body_before > MAX_BODY_BEFORE:
                    return ()
            continue
        points = _items(element)
        if points and _is_key_point_list(element):
            return tuple(points)
    return ()


def without_key_points(blocks: Sequence[Block], points: Sequence[str]) -> list[Block]:
    """``blocks`` without the key points and their heading: the text we summarise is the body."""
    if not points:
        return list(blocks)
    dropped = set(points)
    return [
        block
        for block in blocks
        if block.text not in dropped and not (block.words <= 4 and _HEADING.match(block.text))
    ]
