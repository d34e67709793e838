"""Plain text → ``Article``, cleaned by the same rules as an extracted page.

Text pasted or saved from a web page keeps the page's furniture: "ADVERTISEMENT" lines,
newsletter prompts, "Read more: …" links and a "Latest stories" list at the end. Left in, it
inflates the word count and the summarisers quote it. So the text is cut into the blocks an
extractor would have returned (paragraphs, split at blank lines; a paragraph whose lines are
separate items, such as a list of headlines, one block per line) and goes through
``bot.extraction.cleanup`` in its plain-text mode. Kept lines are put back together in their
paragraph, so text without furniture comes out as it went in.
"""

from __future__ import annotations

import re

from bot.errors import NoArticle
from bot.extraction.blocks import WORD, Block
from bot.extraction.cleanup import TAIL_PROMPT_MAX_WORDS, kept_blocks
from bot.extraction.page import LinkIndex
from bot.models import Article

# A line that ends a sentence (closing quotes and brackets allowed after the mark).
_ENDS_SENTENCE = re.compile(r"[.!?…:]['\"”’»)\]]*$")
_NO_LINKS = LinkIndex([])


def paragraphs_of(text: str) -> list[str]:
    """The non-empty paragraphs of ``text``, split at blank lines."""
    return [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]


def looks_like_title(paragraph: str) -> bool:
    """A headline: one short line that does not end like a sentence."""
    return (
        "\n" not in paragraph
        and len(paragraph.split()) <= 20
        and not paragraph.rstrip().endswith((".", "!", "?", ":", ";", ","))
    )


def _is_list(lines: list[str]) -> bool:
    """Lines that are separate items rather than one hard-wrapped paragraph: short, and either
    all after the first end a sentence (a label, then items) or none does (headlines)."""
    if len(lines) < 2 or any(len(WORD.findall(line)) > TAIL_PROMPT_MAX_WORDS for line in lines):
        return False
    ends = [bool(_ENDS_SENTENCE.search(line)) for line in lines]
    return all(ends[1:]) or not any(ends)


def _blocks(paragraphs: list[str]) -> tuple[list[Block], list[int]]:
    """The blocks of ``paragraphs`` and, for each, the index of its paragraph."""
    blocks: list[Block] = []
    owners: list[int] = []
    for index, paragraph in enumerate(paragraphs):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        pieces = lines if _is_list(lines) else [paragraph]
        for piece in pieces:
            # Always a paragraph: in plain text a short line without a full stop may be a stat
            # line or a dateline as well as a heading, and trailing headings would be dropped.
            blocks.append(Block(piece))
            owners.append(index)
    return blocks, owners


def clean_paragraphs(paragraphs: list[str]) -> list[str]:
    """``paragraphs`` without page furniture; kept lines stay together in their paragraph."""
    blocks, owners = _blocks(paragraphs)
    kept: dict[int, list[str]] = {}
    for i in kept_blocks(blocks, _NO_LINKS, plain=True):
        kept.setdefault(owners[i], []).append(blocks[i].text)
    return ["\n".join(lines) for _, lines in sorted(kept.items())]


def text_article(text: str, title: str | None = None) -> Article:
    """The article in plain ``text`` (paragraphs separated by blank lines); a first line that
    reads as a headline becomes the title. Raises ``NoArticle`` when nothing is left."""
    paragraphs = paragraphs_of(text)
    if title is None and len(paragraphs) > 1 and looks_like_title(paragraphs[0]):
        title = paragraphs.pop(0)
    if not paragraphs:
        raise NoArticle("The text is empty.")
    cleaned = clean_paragraphs(paragraphs)
    if not cleaned:
        raise NoArticle("The text holds only page furniture (ads, sign-up prompts, link lists).")
    return Article(paragraphs=tuple(cleaned), title=title)
