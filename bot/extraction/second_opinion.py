"""Ask readability for a second opinion, only when trafilatura's result looks wrong.

Running readability-lxml on every page would double the extraction time, and on most pages it
is no better than trafilatura. Two cheap signals catch the pages where trafilatura fails
outright:

* **structure** – one block holds most of the text: the extractor returned a layout table
  or a menu flattened into one run of words, not paragraphs (a block of short lines the page
  broke with ``<br>``, a changelog or a poem, is not counted: ``lined``);
* **recall** – the page's long ``<p>`` paragraphs hold over twice the text we kept:
  part of the article was missed (articles split over several containers);

* **wrong block** – most of the words are link text, or most are labels rather than sentences:
  trafilatura's fast mode returned a menu or a list (``bot.extract`` then tries trafilatura's
  fuller path first, see ``wrong_block``);

* **short** – under ``SHORT_WORDS`` words: a news brief, or the start of an article that
  fast mode stopped short of; trafilatura's full path is asked, and its text is kept only when
  it holds ours and clearly more (``extends``);

plus the trivial one, an (almost) empty result. When one fires, the two outputs vote; the
measure of agreement is the share of one text's 3-word shingles found in the other:

* ours is one blob that contains readability's (shorter) text → take readability's;
* readability's text is much longer and contains ours → take readability's;
* readability's text is many times longer (``FRAGMENT_GROWTH``), whatever the overlap → take
  readability's: ours was a fragment (a sidebar teaser, a consent notice, a box of form text)
  and the two opinions found different parts of the page;
* otherwise, when they agree on the core, drop our leading and trailing blocks that
  readability does not support (edge boilerplate it left out).
"""

from __future__ import annotations

import logging
from collections import Counter

from lxml.html import HtmlElement, fromstring
from lxml_html_clean import Cleaner

from bot.extraction.blocks import WORD, Block, from_html, total_words
from bot.extraction.fast_readability import FastDocument
from bot.extraction.page import PageSignals, parse_html
from bot.quality import prose_share

log = logging.getLogger(__name__)

# A single block holding more than this share of the words is a blob, not an article.
BLOB_SHARE = 0.6
# Below this many words, a "blob" is just a short article in one paragraph.
BLOB_MIN_WORDS = 50
# ... and a block the page itself broke into at least this many lines, of at most this many
# words each on average and none holding half of its words, is not one: a changelog, a poem,
# a list typed with <br> (see ``lined``). A flattened layout table or menu is broken by cells
# and paragraphs, not lines; a story cell beside a <br>-separated link column is one long line.
LINED_MIN_LINES = 5
LINED_LINE_WORDS = 12
# Keeping under this share of the page's long-paragraph text means we missed some.
RECALL_SHARE = 0.5
# A result this short is as good as empty: let readability try.
TOO_SHORT_WORDS = 25
# Under this many words a result is a news brief or the first part of an article that fast
# mode stopped short of (text after it outside any <p>): trafilatura's full path is asked
# whether the story goes on, and its result is kept only when it extends ours.
SHORT_WORDS = 50
# Voting thresholds (shares of 3-word shingles found in the other text).
CONTAINED = 0.8  # "contains": nearly all of one text appears in the other
AGREE = 0.5  # "agree on the core": most of readability's text is in ours
SUPPORTED = 0.5  # a block is supported when most of it appears in the other text
BLOB_SHRINK = 0.8  # readability's text must be clearly shorter than our blob
RECALL_GROWTH = 1.5  # readability's text must be clearly longer than ours
# ... and when it is this many times longer, ours was a fragment (a teaser, a notice, a box
# beside the story) whatever the overlap: on trafilatura's evaluation set such pairs ran
# 11-90×, pairs where ours was the article up to 4.5× (none on the ScrapingHub set).
FRAGMENT_GROWTH = 8
SHINGLE = 3
# A result whose words are mostly link text is a menu, a scores box or a "SECTIONS" list.
LINK_DENSE = 0.5
# ... and so is one where under this share of the words are in sentences (bot.quality).
LIST_PROSE_SHARE = 0.5
WRONG_BLOCK_MAX_WORDS = 1_500


def link_share(blocks: list[Block], page: PageSignals) -> float:
    """Share of the words of ``blocks`` that are link text on the page."""
    words = total_words(blocks)
    linked = sum(page.links.coverage(block.text) * block.words for block in blocks)
    return linked / words if words else 0.0


def wrong_block(blocks: list[Block], page: PageSignals) -> str | None:
    """Why ``blocks`` look like navigation rather than an article ("links", "list"), if so."""
    if link_share(blocks, page) > LINK_DENSE:
        return "links"
    if prose_share(tuple(block.text for block in blocks)) < LIST_PROSE_SHARE:
        return "list"
    return None


def lined(block: Block) -> bool:
    """``block`` is short lines the page broke with ``<br>`` (a changelog, a poem), not a run of
    words from a flattened table."""
    return (
        block.lines >= LINED_MIN_LINES
        and block.words <= LINED_LINE_WORDS * block.lines
        and 2 * block.longest_line < block.words
    )


def doubt(blocks: list[Block], page: PageSignals) -> str | None:
    """Why trafilatura's blocks need a second opinion ("empty", "links", "list", "structure",
    "recall", "short"), if so."""
    words = total_words(blocks)
    if words < TOO_SHORT_WORDS:
        return "empty"
    # A menu or a scores box is short; a longer list-like text is a table or list page, where
    # the check (and the full path it calls for) costs more than it could find.
    wrong = wrong_block(blocks, page) if words <= WRONG_BLOCK_MAX_WORDS else None
    if wrong:
        return wrong
    largest = max(blocks, key=lambda block: block.words)
    if words >= BLOB_MIN_WORDS and largest.words > BLOB_SHARE * words and not lined(largest):
        return "structure"
    if sum(len(block.text) for block in blocks) < RECALL_SHARE * page.long_paragraph_chars:
        return "recall"
    if words < SHORT_WORDS:
        return "short"
    return None


def extends(fuller: list[Block], ours: list[Block]) -> bool:
    """``fuller`` holds nearly all of ``ours`` and clearly more: the rest of the same story."""
    return (
        total_words(fuller) > RECALL_GROWTH * total_words(ours)
        and support(ours, fuller) > CONTAINED
    )


# readability's own cleaner (``readability.cleaners.html_cleaner``) without ``javascript``:
# that option rewrites every link and drops ``on*`` attributes, a fifth of readability's time,
# and neither is read by its scoring or is part of the text we take from its summary.
_CLEANER = Cleaner(
    scripts=True,
    javascript=False,
    comments=True,
    style=True,
    links=True,
    meta=False,
    add_nofollow=False,
    page_structure=False,
    processing_instructions=True,
    embedded=False,
    frames=False,
    forms=False,
    annoying_tags=False,
    remove_unknown_tags=False,
    safe_attrs_only=False,
)


def readability_blocks(page: str | HtmlElement) -> list[Block]:
    """readability-lxml's article blocks of a page's HTML or of its tree from ``parse_html``
    (left as it is: readability rewrites the tree it reads, so it reads a copy, which costs
    far less than a new parse; ``bot.extraction.fast_readability``)."""
    tree = parse_html(page) if isinstance(page, str) else page
    if tree is None:
        return []
    try:
        summary = FastDocument(tree, _CLEANER).summary(html_partial=True)
        return from_html(fromstring(summary)) if summary.strip() else []
    except Exception as error:  # readability raises on odd markup; it is only a second opinion
        log.debug("readability failed: %s", error)
        return []


def _shingles(words: list[str]) -> Counter[tuple[str, ...]]:
    if len(words) < SHINGLE:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def _support(text: str, reference: Counter[tuple[str, ...]], reference_key: str) -> float:
    """Share of ``text`` found in the reference text (short texts: as a word run)."""
    words = WORD.findall(text.lower())
    if len(words) < SHINGLE:
        return 1.0 if f" {' '.join(words)} " in reference_key else 0.0
    shingles = _shingles(words)
    return sum(n for s, n in shingles.items() if s in reference) / sum(shingles.values())


def support(blocks: list[Block], reference: list[Block]) -> float:
    """Share of the text of ``blocks`` found in the text of ``reference`` (3-word shingles)."""
    ref_words = WORD.findall(" ".join(b.text for b in reference).lower())
    return _support(
        " ".join(b.text for b in blocks), _shingles(ref_words), f" {' '.join(ref_words)} "
    )


def vote(ours: list[Block], theirs: list[Block]) -> list[Block]:
    """Combine trafilatura's (``ours``) and readability's (``theirs``) blocks; see module doc."""
    if not theirs:
        return ours
    if total_words(ours) < TOO_SHORT_WORDS:
        return theirs if total_words(theirs) > total_words(ours) else ours
    our_text = " ".join(b.text for b in ours)
    their_text = " ".join(b.text for b in theirs)
    our_words, their_words = WORD.findall(our_text.lower()), WORD.findall(their_text.lower())
    our_shingles, their_shingles = _shingles(our_words), _shingles(their_words)
    our_key, their_key = f" {' '.join(our_words)} ", f" {' '.join(their_words)} "
    theirs_in_ours = _support(their_text, our_shingles, our_key)
    ours_in_theirs = _support(our_text, their_shingles, their_key)
    n_ours, n_theirs = len(our_words), len(their_words)

    is_blob = max(b.words for b in ours) > BLOB_SHARE * n_ours
    if is_blob and BLOB_MIN_WORDS < n_theirs < BLOB_SHRINK * n_ours and theirs_in_ours > CONTAINED:
        return theirs
    if n_theirs > RECALL_GROWTH * n_ours and ours_in_theirs > CONTAINED:
        return theirs
    if n_theirs > FRAGMENT_GROWTH * n_ours:
        return theirs
    if theirs_in_ours <= AGREE:
        return ours
    supported = [_support(b.text, their_shingles, their_key) >= SUPPORTED for b in ours]
    if not any(supported):
        return ours
    first = supported.index(True)
    last = len(supported) - supported[::-1].index(True)
    return ours[first:last]
