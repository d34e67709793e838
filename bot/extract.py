"""Article extraction: an HTML page (``str``) and its URL → ``Article``.

The page is parsed once, and every stage reads that one tree (trafilatura and readability each
work on their own copy of it, far cheaper than a new parse). Metadata and page signals are read
from the pristine tree, then trafilatura extracts the body in its fast mode (no built-in
fallback, no comments): its fallback runs a second extractor on every page, which costs more
than it gains. Our own cleanup removes the repeated headline and boilerplate runs, and
readability is asked for a second opinion only on the few pages where a cheap signal says
trafilatura failed (see ``bot.extraction.second_opinion``); when that signal says fast mode
took the wrong block (a menu, a list of links) or that a short result may go on, trafilatura's
full path is tried first. Last, a gallery of captioned photos about something else, appended
after the story, is cut (``bot.extraction.gallery``), and the lead the page declares, set apart
above the body, is put back in front (``bot.extraction.lead``); a page that is only a list of
annotated links keeps it (``bot.extraction.cleanup.link_roundup``). On both extraction
benchmarks this is compared with ``trafilatura.extract`` with default settings
(``bench/bench_extraction.py``; figures in the README).
"""

from __future__ import annotations

import logging

import trafilatura
from lxml.html import HtmlElement

from bot.extraction.blocks import Block, from_trafilatura, total_words
from bot.extraction.cleanup import link_roundup, strip_headline, trim_boilerplate
from bot.extraction.gallery import gallery_texts, may_end_in_gallery, without_gallery
from bot.extraction.key_points import read_key_points, without_key_points
from bot.extraction.lead import with_lead
from bot.extraction.metadata import PageMetadata, read_metadata
from bot.extraction.page import PageSignals, parse_html
from bot.extraction.second_opinion import (
    AGREE,
    TOO_SHORT_WORDS,
    doubt,
    extends,
    readability_blocks,
    support,
    vote,
    wrong_block,
)
from bot.models import Article
from bot.quality import explain_empty

__all__ = ["extract", "extract_blocks"]

log = logging.getLogger(__name__)

# Doubts that mean fast mode took the wrong block (a menu, a list): trafilatura's full path,
# which compares candidates, usually finds the article there (see ``_fuller_blocks``). For
# the other doubts readability's vote did better on both benchmarks than the full path's.
WRONG_BLOCK_REASONS = frozenset({"links", "list"})


def _trafilatura_blocks(tree: HtmlElement, url: str | None, fast: bool = True) -> list[Block]:
    """trafilatura's main-text blocks of ``tree``; [] if it fails. ``tree`` stays as it is:
    trafilatura works on its own copy of a tree it is given (``tests/test_extraction_speed``
    checks it), so the second opinions below read the same tree again instead of a new parse.
    """
    try:
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            fast=fast,  # True: skip trafilatura's own readability/justext comparison
            include_comments=False,  # reader comments are not the article
            with_metadata=False,  # read separately, far cheaper (bot.extraction.metadata)
            output_format="txt",  # only the body tree is read: skip flattening it to text
        )
    except Exception:  # odd markup must end in NoArticle (or readability's try), not a crash
        log.warning("trafilatura failed on %s", url, exc_info=True)
        return []
    return from_trafilatura(getattr(document, "body", None))


def _fuller_blocks(
    tree: HtmlElement, url: str | None, metadata: PageMetadata, page: PageSignals
) -> list[Block]:
    """trafilatura's full path (fast mode plus its own comparison with its readability and
    jusText ports) on the page's tree, cleaned like the fast result."""
    blocks = _trafilatura_blocks(tree, url, fast=False)
    return trim_boilerplate(strip_headline(blocks, metadata.title_variants), page.links)


def _other_block(fuller: list[Block], ours: list[Block]) -> bool:
    """``fuller`` is mostly text that ``ours`` lacks: another part of the page, not a subset of
    the same one (a recipe's ingredient list is list-like, and the fuller path may only drop
    the list)."""
    return support(fuller, ours) < AGREE


def extract_blocks(html: str, url: str | None = None) -> tuple[list[Block], PageMetadata]:
    """The article's blocks and the page metadata; empty blocks when no article text is found."""
    blocks, metadata, _ = _read_page(html, url)
    return blocks, metadata


def _read_page(
    html: str, url: str | None, guess_date: bool = False
) -> tuple[list[Block], PageMetadata, tuple[str, ...]]:
    """Blocks and metadata as ``extract_blocks``, plus the publisher's key points (kept out of
    the blocks: they summarise the article, they are not part of it)."""
    tree = parse_html(html)
    if tree is None:
        return [], PageMetadata(), ()
    metadata = read_metadata(tree, url, guess_date=guess_date)
    page = PageSignals.read(tree)
    key_points = read_key_points(tree)
    fast = strip_headline(_trafilatura_blocks(tree, url), metadata.title_variants)
    blocks = trim_boilerplate(fast, page.links)
    reason = doubt(blocks, page)
    if reason in WRONG_BLOCK_REASONS:
        fuller = _fuller_blocks(tree, url, metadata, page)
        if total_words(fuller) >= TOO_SHORT_WORDS and not wrong_block(fuller, page):
            # the same part of the page, shortened: ours was a real list; else the article
            blocks = fuller if _other_block(fuller, blocks) else blocks
    elif reason == "short":
        fuller = _fuller_blocks(tree, url, metadata, page)
        blocks = fuller if extends(fuller, blocks) else blocks
    elif reason:
        theirs = readability_blocks(tree)
        theirs = trim_boilerplate(strip_headline(theirs, metadata.title_variants), page.links)
        blocks = vote(blocks, theirs)
    if not blocks and link_roundup(fast, page.links):
        blocks = fast  # the page is a list of annotated links, and nothing else
    if may_end_in_gallery(blocks):
        blocks = without_gallery(blocks, gallery_texts(tree))
    blocks = with_lead(blocks, tree, metadata.descriptions, page.links)
    return without_key_points(blocks, key_points), metadata, key_points


def extract(html: str, url: str | None = None, *, guess_date: bool = False) -> Article:
    """The readable article in ``html``. Its date is the one the page declares (meta tags,
    JSON-LD, ``<time datetime>``, the address); ``guess_date`` also searches the page's text
    for one when it declares none, which costs a few milliseconds more
    (``bot.extraction.metadata``).

    Raises ``NoArticle`` when the page has no article text, or ``Paywalled`` when what it shows
    instead is a bot check or a paywall (``bot.quality.explain_empty``).
    """
    blocks, metadata, key_points = _read_page(html, url, guess_date)
    if not blocks:
        raise explain_empty(html)
    return Article(
        paragraphs=tuple(block.text for block in blocks),
        title=metadata.title,
        url=url,
        canonical_url=metadata.canonical_url,
        site_name=metadata.site_name,
        published=metadata.published,
        language=metadata.language,
        publisher_points=key_points,
    )
