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
from bot.extraction.staged import FastRun
from bot.models import Article
from bot.quality import explain_empty

__all__ = ["extract", "extract_blocks"]

log = logging.getLogger(__name__)

# Doubts that mean fast mode took the wrong block (a menu, a list): trafilatura's full path,
# which compares candidates, usually finds the article there (see ``_fuller_blocks``). For
# the other doubts readability's vote did better on both benchmarks than the full path's.
WRONG_BLOCK_REASONS = frozenset({"links", "list"})


def _trafilatura_run(tree: HtmlElement, url: str | None) -> FastRun | None:
    """trafilatura's fast-mode run on ``tree`` (its main-text body and its full path on
    demand, ``bot.extraction.staged``); None if it fails. ``tree`` stays as it is: trafilatura
    works on its own copy (``tests/test_extraction_speed`` checks it), so the second opinions
    below read the same tree again instead of a new parse. Fast mode skips trafilatura's own
    readability/jusText comparison; reader comments are not the article; metadata is read
    separately, far cheaper (``bot.extraction.metadata``); only the body tree is read."""
    try:
        return FastRun(tree, url)
    except Exception:  # odd markup must end in NoArticle (or readability's try), not a crash
        log.warning("trafilatura failed on %s", url, exc_info=True)
        return None


def _fuller_blocks(
    run: FastRun | None, url: str | None, metadata: PageMetadata, page: PageSignals
) -> list[Block]:
    """trafilatura's full path (fast mode plus its own comparison with its readability and
    jusText ports) on the page, cleaned like the fast result; it takes up the cleaned tree
    fast mode left, instead of cleaning the page again."""
    if run is None:
        return []
    try:
        body = run.full()
    except Exception:  # as in fast mode: a failure is no result, not a crash
        log.warning("trafilatura's full path failed on %s", url, exc_info=True)
        return []
    blocks = from_trafilatura(body)
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
    run = _trafilatura_run(tree, url)
    fast = strip_headline(from_trafilatura(run.body if run else None), metadata.title_variants)
    blocks = trim_boilerplate(fast, page.links)
    reason = doubt(blocks, page)
    if reason in WRONG_BLOCK_REASONS:
        fuller = _fuller_blocks(run, url, metadata, page)
        if total_words(fuller) >= TOO_SHORT_WORDS and not wrong_block(fuller, page):
            # the same part of the page, shortened: ours was a real list; else the article
            blocks = fuller if _other_block(fuller, blocks) else blocks
    elif reason == "short":
        fuller = _fuller_blocks(run, url, metadata, page)
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
