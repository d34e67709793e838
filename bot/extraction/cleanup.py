"""Remove what extractors keep around the article: the repeated headline, and boilerplate runs.

Rules are about page *structure*, not about any site:

* The headline is metadata (``Article.title``), not body text. Extractors often keep the
  ``<h1>`` (and the deck under it) as the first block; we drop leading blocks that repeat a
  declared title, and a heading that directly follows such a headline.
* Boilerplate comes in runs that announce themselves: a short marker ("Related stories",
  "Don't miss", "Read more: …") followed by link-only blocks, and a tail of link lists,
  sign-up and share prompts, copyright lines and dangling headings after the last paragraph,
  and a labelled rail of teasers (linked headline, short standfirst) closing the text.
  A block counts as "link-only" when most of its words are the text of links on the page.
* Some furniture is never article text wherever it sits, so short blocks that are only an
  advertisement label or a newsletter sign-up prompt go from the middle of the text too.
* Plain text (``plain=True``) has lost its links, so "link-only" cannot be seen: there a
  "Read more: …" line is taken as the link it was, and a list of short items after a label
  ("Latest stories") is dropped when it runs to the end of the text.
"""

from __future__ import annotations

import re

from bot.extraction.blocks import WORD, Block, total_words
from bot.extraction.page import LinkIndex
from bot.quality import count_words

# Share of a block's words that are link text above which it is a link, not prose.
LINK_DOMINATED = 0.5
# Leading blocks examined for a repeated headline (the h1, sometimes a kicker or site line).
HEADLINE_SEARCH = 2
# A marker block ("Related", "Don't miss") is a label, not a sentence.
MARKER_MAX_WORDS = 8
# Tail prompts ("Follow us on …", "© 2024 …") are one line; longer blocks are prose.
TAIL_PROMPT_MAX_WORDS = 25
# A link roundup (see ``link_roundup``): at least this many items holding this share of the
# words, and this share of them at least this long with at most this share of link words.
ROUNDUP_MIN_ITEMS = 5
ROUNDUP_ITEM_SHARE = 0.8
ROUNDUP_ANNOTATED_SHARE = 0.6
ROUNDUP_ITEM_WORDS = 8
ROUNDUP_MAX_COVERAGE = 0.9
# A teaser rail (see ``_Judge.teaser_tail``): at least this many pairs of a linked headline and
# a standfirst of at most this many words.
TEASER_MIN_PAIRS = 3
TEASER_MAX_WORDS = 40
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|[。！？]")

_APOSTROPHE = "['’]"
# Phrases that introduce a list of other content; safe anywhere when the block is a label.
_MARKER = re.compile(
    rf"""^[\W_]*(related|read\ (more|also|next)|see\ (more|also)|more\ (from|on|about|stories)
    |recommended|you\ (may|might)\ (also\ )?like|don{_APOSTROPHE}?t\ miss|also\ on
    |explore\ further|further\ reading|trending|most\ (read|popular)|popular\ (stories|posts)
    |top\ stories|latest\ (news|stories)|leggi\ anche|lesen\ sie\ auch|mehr\ zum\ thema
    |(à\ )?lire\ aussi|voir\ aussi|leia\ (também|mais)|lea\ también|ver\ también
    |читайте\ также|также\ читайте|関連記事
    |more\ (news|articles)|also\ read|what\ to\ read\ next|keep\ reading|up\ next
    |(auch|schon)\ (gelesen|interessant|lesen)|lesen\ sie\ (hier|mehr)|zum\ weiterlesen
    |(das\ )?(thema\ )?könnte\ (dich|sie|euch)\ (auch\ )?interessieren|weiterlesen
    |(weitere|mehr|ähnliche|verwandte|empfohlene|beliebte)\ (artikel|themen|beiträge|meldungen)
    |top[-\ ]themen|meistgelesen|lesetipp|mehr\ lesen
    |le[ae]\ (más|también|aquí)|vea\ también|(te|le)\ puede\ interesar|puede\ interesarte
    |(también\ )?puede\ leer|(notas?|noticias|artículos|contenidos?)\ relacionad[oa]s?
    |más\ noticias
    |(à\ )?lire\ également|sur\ le\ même\ sujet|en\ savoir\ plus
    |veja\ (também|mais)|saiba\ mais|(notícias|matérias)\ relacionadas
    |potrebbe\ interessarti|articoli\ correlati
    |(czytaj|zobacz|przeczytaj)\ (też|także|również|więcej)|dowiedz\ się\ więcej|polecamy
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)
# Phrases that open the prompts and notices closing a page; only trusted in the tail.
_CLOSING = re.compile(
    r"""^[\W_]*(follow|subscribe|sign\ up|newsletter|share|like\ this|click\ here|copyright
    |all\ rights\ reserved|advertisement|sponsored|comments?|tags?|filed\ under|topics?
    |categor(y|ies)|this\ (copy|article|material)\ (is|may)|write\ to|about\ the\ author
    |(for\ the\ latest\ .{0,60})?download\ (the|our)\b
    |s[ií]guenos|suscr[ií]bete|folgen\ sie\ uns|folg(e|t)\ uns|jetzt\ (abonnieren|anmelden)
    |abonnez-vous|suivez-nous|inscrivez-vous|obserwuj|zapisz\ się|siga-nos|segue-nos|assine)\b
    |^[\W_]*©""",
    re.IGNORECASE | re.VERBOSE,
)

# A marker phrase that labels the link after it: "Read more: …", "Related stories: …".
_MARKER_LINE = re.compile(_MARKER.pattern + r"[^:\n]{0,30}:", re.IGNORECASE | re.VERBOSE)
# Furniture anywhere in the text: ad labels and newsletter sign-up prompts (short blocks only).
_FURNITURE = re.compile(
    r"""^[\W_]*(?:(skip\ )?(advertisement|advertising|sponsored(\ content)?|ad)[\W_]*$
    |story\ continues\ (below|after)\b.{0,30}$|continue\ reading\ (below|the\ main\ story)\W*$
    |(sign\ up|subscribe|register)\b.{0,60}\bnewsletters?\b)
    |\b(delivered|sent|straight|directly)\ (to|into)\ your\ inbox\b
    |\b(to\ (view|read|continue\ reading)|for)\ the\ full\ (story|article)\b.{0,40}\bsubscri
    |\balready\ a\ (subscriber|member)\b.{0,60}\blog\ ?in\b
    |^[\W_]*(pour\ (lire\ la\ suite|accéder\ en\ illimité)
    |sie\ sind\ (aktuell\ |derzeit\ )?nicht\ (eingeloggt|angemeldet))""",
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
    """Drop a leading repeat of the headline (and a kicker line above it), and the heading
    (deck) right under it."""
    titles = [key for key in (_key(t) for t in title_variants) if key]
    start = 0
    if len(blocks) > 1 and _kicker(blocks[0]) and _repeats_title(blocks[1], titles):
        start = 1  # "Semesterstart" over the headline: a label, not the story
    while start < min(HEADLINE_SEARCH, len(blocks)) and _repeats_title(blocks[start], titles):
        start += 1
    if start and start < len(blocks) and blocks[start].kind == "heading":
        start += 1
    return blocks[start:]


def _kicker(block: Block) -> bool:
    """A short label line (a kicker or rubric), not a sentence."""
    return block.words <= MARKER_MAX_WORDS and not _SENTENCE_END.search(block.text)


class _Judge:
    """Per-block boilerplate tests, with link coverage computed at most once per block."""

    def __init__(self, blocks: list[Block], links: LinkIndex, plain: bool = False) -> None:
        self._blocks = blocks
        self._links = links
        self._plain = plain
        self._coverage: dict[int, float] = {}

    def link_dominated(self, i: int) -> bool:
        if i not in self._coverage:
            self._coverage[i] = self._links.coverage(self._blocks[i].text)
        return self._coverage[i] >= LINK_DOMINATED

    def marker(self, i: int) -> bool:
        block = self._blocks[i]
        if not _MARKER.match(block.text):
            return False
        if self._plain and block.words <= TAIL_PROMPT_MAX_WORDS and _MARKER_LINE.match(block.text):
            return True  # plain text: the words after "Read more:" were the link's text
        return self.label(i) or self.link_dominated(i)

    def label(self, i: int) -> bool:
        """A bare marker ("Latest stories"): a label announcing a list, not a sentence."""
        block = self._blocks[i]
        return block.words <= MARKER_MAX_WORDS and bool(_MARKER.match(block.text))

    def furniture(self, i: int) -> bool:
        block = self._blocks[i]
        return block.words <= TAIL_PROMPT_MAX_WORDS and bool(_FURNITURE.search(block.text))

    def listed_tail(self, end: int) -> int:
        """Plain text: where a label followed only by short items up to ``end`` starts (a
        related-stories list whose links are gone); ``end`` when there is none."""
        if not self._plain:
            return end
        i = end - 1
        while i >= 0 and not self.label(i) and self._listed_item(i):
            i -= 1
        return i if i >= 0 and self.label(i) else end

    def _listed_item(self, i: int) -> bool:
        """A headline of a story list: short (Chinese and Japanese counted by characters) and
        one sentence at most. Prose after a "read also" line has paragraphs of several
        sentences, however short they are."""
        text = self._blocks[i].text
        return count_words(text) <= TAIL_PROMPT_MAX_WORDS and len(_SENTENCE_END.findall(text)) <= 1

    def teaser_tail(self, end: int) -> int:
        """Where a rail of teasers ending at ``end`` starts, with the label heading over it
        ("Other columns", "Mehr aus der Region"); ``end`` when there is none. A teaser is a
        heading that is mostly link text (another story's headline) followed by its short
        standfirst, which is not; the label is a short heading that is not a link. The rule
        reads structure and links only, so it holds in any language; the label is required,
        so a list of linked items that is the article (a buyer's guide) is not cut."""
        start, pairs = end, 0
        while start >= 2 and self._teaser(start - 2):
            start, pairs = start - 2, pairs + 1
        label = start - 1
        if pairs < TEASER_MIN_PAIRS or label < 1:
            return end
        block = self._blocks[label]
        is_label = block.kind == "heading" and block.words <= MARKER_MAX_WORDS
        return label if is_label and not self.link_dominated(label) else end

    def _teaser(self, i: int) -> bool:
        """Blocks ``i`` and ``i + 1`` are a linked headline and its standfirst."""
        head, standfirst = self._blocks[i], self._blocks[i + 1]
        return (
            head.kind == "heading"
            and standfirst.kind == "paragraph"
            and count_words(standfirst.text) <= TEASER_MAX_WORDS
            and self.link_dominated(i)
            and not self.link_dominated(i + 1)
        )

    def tail_noise(self, i: int) -> bool:
        block = self._blocks[i]
        return (
            block.kind == "heading"
            or self.marker(i)
            or (block.words <= TAIL_PROMPT_MAX_WORDS and bool(_CLOSING.match(block.text)))
            or self.link_dominated(i)
        )


def link_roundup(blocks: list[Block], links: LinkIndex) -> bool:
    """``blocks`` are a list of annotated links (a blog's link roundup, a reading list): many
    items, nearly all of the text, most of them headline-long with words of their own beside
    the link ("… via netzpolitik.org"). A menu's or a related-stories list's items are all link.
    Such a page has no other text; cleanup would drop the whole list as link runs."""
    items = [block for block in blocks if block.kind == "item"]
    if len(items) < ROUNDUP_MIN_ITEMS or total_words(items) < ROUNDUP_ITEM_SHARE * total_words(
        blocks
    ):
        return False
    annotated = sum(
        1
        for item in items
        if item.words >= ROUNDUP_ITEM_WORDS and links.coverage(item.text) <= ROUNDUP_MAX_COVERAGE
    )
    return annotated >= ROUNDUP_ANNOTATED_SHARE * len(items)


def trim_boilerplate(blocks: list[Block], links: LinkIndex) -> list[Block]:
    """Drop furniture and marker-led runs of link blocks anywhere, then the boilerplate tail."""
    return [blocks[i] for i in kept_blocks(blocks, links)]


def kept_blocks(blocks: list[Block], links: LinkIndex, *, plain: bool = False) -> list[int]:
    """Indices of the blocks ``trim_boilerplate`` keeps; ``plain``: the blocks come from plain
    text, which has no links (see the module doc)."""
    judge = _Judge(blocks, links, plain)
    keep = [not judge.furniture(i) for i in range(len(blocks))]
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
    end, previous = len(blocks), -1
    while end != previous:
        previous = end
        while end > 0 and (not keep[end - 1] or judge.tail_noise(end - 1)):
            end -= 1
        end = judge.teaser_tail(judge.listed_tail(end))
    return [j for j in range(end) if keep[j]]
