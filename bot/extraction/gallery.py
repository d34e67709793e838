"""Galleries appended after the article: a slideshow, "in pictures", a strip of photo teasers.

Their captions are short and alike ("Slide 4 of 50", "Passengers wait at the harbour in
1972. Photo: …"), extractors keep them as paragraphs, and a 50-slide gallery after a short
story buries it: the bot would quote captions. Both signs are structural:

* on the page, its items are images with a short caption each, many of them
  (``GALLERY_MIN_ITEMS`` or more);
* in the extracted text, the gallery is a run of blocks at the end that are all texts of such
  items (or short headings and counters between them), after an article of its own.

The run is cut, with a short heading that announces it ("Gallery", "Photos: …"), when it is
about something else: few of its words (``RELATED_SHARE``) occur in the article before it.
Step photos of a recipe or a how-to repeat the article's words and stay; so does a page that
is only a gallery (the cut needs ``MIN_ARTICLE_WORDS`` of text before the run, most of it not
captions: a story told in slides has captions all along).
"""

from __future__ import annotations

from lxml.html import HtmlElement

from bot.extraction.blocks import WORD, Block, total_words

GALLERY_MIN_ITEMS = 6  # distinct image captions on the page
ITEM_MAX_WORDS = 40  # a caption, not a paragraph
ITEM_LEVELS = 4  # how far above an image its caption's element may be
MIN_RUN = 4  # blocks of gallery text at the end before anything is cut
MIN_ARTICLE_WORDS = 60  # the article before the run
HEADING_MAX_WORDS = 8
# Share of the run's words (of at least CONTENT_CHARS letters) found in the article above
# which makes it part of the story (step photos) rather than an appended gallery.
RELATED_SHARE = 0.4
CONTENT_CHARS = 4
# A story told in slides has captions above the run too: when over this share of the words
# before the run are captions, the gallery is the story, not appended to it.
CAPTIONED_ARTICLE_SHARE = 0.1


def _key(text: str) -> str:
    return " ".join(WORD.findall(text.lower()))


def gallery_texts(tree: HtmlElement) -> str:
    """The captions of the page's images as lower-cased words, each between " | " marks
    ("" when the page has fewer than ``GALLERY_MIN_ITEMS`` captioned images).

    An image's caption is the text of its nearest ancestor that has any (a ``<figure>``, a
    slide, a teaser card), when that text is short. Galleries are often split into rows, so
    captions are counted over the page, not per container."""
    captions: dict[str, None] = {}
    seen: dict[HtmlElement, str | None] = {}  # images share ancestors: each is read once
    for image in tree.iter("img", "picture"):
        node = image.getparent()
        for _ in range(ITEM_LEVELS):
            if node is None:
                break
            if node not in seen:
                seen[node] = _caption_key(node)
            key = seen[node]
            if key is not None:
                if key:
                    captions[key] = None
                break
            node = node.getparent()
    return f"| {' | '.join(captions)} |" if len(captions) >= GALLERY_MIN_ITEMS else ""


def _caption_key(node: HtmlElement) -> str | None:
    """``_key`` of the node's text when it has at most ``ITEM_MAX_WORDS`` words, "" when it
    has more, ``None`` when it has none. Read piece by piece, and only as far as needed: an
    image inside the article's body would otherwise cost a pass over the whole article. (A
    word never spans two pieces: the pieces are joined with spaces.)"""
    words: list[str] = []
    for piece in node.itertext():
        for match in WORD.finditer(piece.lower()):
            if len(words) == ITEM_MAX_WORDS:
                return ""
            words.append(match.group())
    return " ".join(words) if words else None


def may_end_in_gallery(blocks: list[Block]) -> bool:
    """Whether the last ``MIN_RUN`` blocks are short enough to be captions (a cheap test that
    spares most pages the look for captions)."""
    return len(blocks) > MIN_RUN and all(b.words <= ITEM_MAX_WORDS for b in blocks[-MIN_RUN:])


def without_gallery(blocks: list[Block], captions: str) -> list[Block]:
    """``blocks`` without a trailing run of gallery texts (see the module doc)."""
    if not captions or len(blocks) <= MIN_RUN:
        return blocks
    start = len(blocks)
    while start > 0 and _in_gallery(blocks[start - 1], captions):
        start -= 1
    if len(blocks) - start < MIN_RUN:
        return blocks
    if start > 0 and _announces(blocks[start - 1]):
        start -= 1
    article = blocks[:start]
    if (
        total_words(article) < MIN_ARTICLE_WORDS
        or _related(article, blocks[start:])
        or total_words([b for b in article if _in_gallery(b, captions)])
        > CAPTIONED_ARTICLE_SHARE * total_words(article)
    ):
        return blocks
    return blocks[:start]


def _content_words(blocks: list[Block]) -> list[str]:
    return [w for b in blocks for w in WORD.findall(b.text.lower()) if len(w) >= CONTENT_CHARS]


def _related(article: list[Block], run: list[Block]) -> bool:
    """Most of the run's words are the article's too (a recipe's step photos)."""
    seen = set(_content_words(article))
    words = _content_words(run)
    return bool(words) and sum(w in seen for w in words) >= RELATED_SHARE * len(words)


def _in_gallery(block: Block, captions: str) -> bool:
    key = _key(block.text)
    return bool(key) and len(key.split()) <= ITEM_MAX_WORDS and f" {key} " in captions


def _announces(block: Block) -> bool:
    """A short heading or label line right above the run ("Gallery", "Photos: 50 years")."""
    return block.words <= HEADING_MAX_WORDS and (
        block.kind == "heading" or not block.text.rstrip().endswith((".", "!", "?"))
    )
