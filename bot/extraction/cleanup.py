"""Remove what extractors keep around the article: the repeated headline, and boilerplate runs.

Rules are about page *structure*, not about any site:

* The headline is metadata (``Article.title``), not body text. Extractors often keep the
  ``<h1>`` (and the deck under it) as the first block; we drop leading blocks that repeat a
  declared title, and a heading that directly follows such a headline.
* Boilerplate comes in runs that announce themselves: a short marker ("Related stories",
  "Don't miss", "Read more: …") followed by link-only blocks, and a tail of link lists,
  sign-up and share prompts, copyright lines and dangling headings after the last paragraph.
  A block counts as "link-only" when most of its words are the text of links on the page.
"""

from __future__ import annotations

import re

from bot.extraction.blocks import WORD, Block
from bot.extraction.page import LinkIndex

# Share of a block's words that are link text above which it is a link, not prose.
LINK_DOMINATED = 0.5
# Leading blocks examined for a repeated headline (the h1, sometimes a kicker or site line).
HEADLINE_SEARCH = 2
# A marker block ("Related", "Don't miss") is a label, not a sentence.
MARKER_MAX_WORDS = 8
# Tail prompts ("Follow us on …", "© 2024 …") are one line; longer blocks are prose.
TAIL_PROMPT_MAX_WORDS = 25

_APOSTROPHE = "['’]"
# Phrases that introduce a list of other content; safe anywhere when the block is a label.
_MARKER = re.compile(
    rf"""^[\W_]*(related|read\ (more|also|next)|see\ (more|also)|more\ (from|on|about|stories)
    |recommended|you\ (may|might)\ (also\ )?like|don{_APOSTROPHE}?t\ miss|also\ on
    |explore\ further|further\ reading|trending|most\ (read|popular)|popular\ (stories|posts)
    |top\ stories|latest\ (news|stories)|leggi\ anche|lesen\ sie\ auch|mehr\ zum\ thema
    |(à\ )?lire\ aussi|voir\ aussi|leia\ (também|mais)|lea\ también|ver\ también
    |читайте\ также|также\ читайте|関連記事)\b""",
    re.IGNORECASE | re.VERBOSE,
)
# Phrases that open the prompts and notices closing a page; only trusted in the tail.
_CLOSING = re.compile(
    r"""^[\W_]*(follow|subscribe|sign\ up|newsletter|share|like\ this|click\ here|copyright
    |all\ rights\ reserved|advertisement|sponsored|comments?|tags?|filed\ under|topics?
    |categor(y|ies)|this\ (copy|article|material)\ (is|may)|write\ to|about\ the\ author)\b
    |^[\W_]*©""",
    re.IGNORECASE | re.VERBOSE,
)


def _key(text: str) -> str:
    """Lower-cased words only, so punctuation and spacing differences do not matter."""
    return " ".join(WORD.findall(text.lower()))


def _repeats_title(block: Block, titles: list[str]) -> bool:
    """The block is one of the title variants, or most of one (``<title>`` adds a site name)."""
    key = _key(block.text)
    return bool(key) and any(
        key == title or (len(key) >= len(title) / 2 and key in title) for title in titles
    )


def strip_headline(blocks: list[Block], title_variants: tuple[str, ...]) -> list[Block]:
    """Drop a leading repeat of the headline, and the heading (deck) right under it."""
    titles = [key for key in (_key(t) for t in title_variants) if key]
    start = 0
    while start < min(HEADLINE_SEARCH, len(blocks)) and _repeats_title(blocks[start], titles):
        start += 1
    if start and start < len(blocks) and blocks[start].kind == "heading":
        start += 1
    return blocks[start:]


class _Judge:
    """Per-block boilerplate tests, with link coverage computed at most once per block."""

    def __init__(self, blocks: list[Block], links: LinkIndex) -> None:
        self._blocks = blocks
        self._links = links
        self._coverage: dict[int, float] = {}

    def link_dominated(self, i: int) -> bool:
        if i not in self._coverage:
            self._coverage[i] = self._links.coverage(self._blocks[i].text)
        return self._coverage[i] >= LINK_DOMINATED

    def marker(self, i: int) -> bool:
        block = self._blocks[i]
        if not _MARKER.match(block.text):
            return False
        return block.words <= MARKER_MAX_WORDS or self.link_dominated(i)

    def tail_noise(self, i: int) -> bool:
        block = self._blocks[i]
        return (
            block.kind == "heading"
            or self.marker(i)
            or (block.words <= TAIL_PROMPT_MAX_WORDS and bool(_CLOSING.match(block.text)))
            or self.link_dominated(i)
        )


def trim_boilerplate(blocks: list[Block], links: LinkIndex) -> list[Block]:
    """Drop marker-led runs of link blocks anywhere, then the boilerplate tail."""
    judge = _Judge(blocks, links)
    keep = [True] * len(blocks)
    i = 0
    while i < len(blocks):
        if judge.marker(i):
            keep[i] = False
            i += 1
            while i < len(blocks) and judge.link_dominated(i):
                keep[i] = False
                i += 1
        else:
            i += 1
    end = len(blocks)
    while end > 0 and (not keep[end - 1] or judge.tail_noise(end - 1)):
        end -= 1
    return [block for j, block in enumerate(blocks[:end]) if keep[j]]
