"""Turn an article into the sentences a summariser may pick from.

Shared by every method so that they all see the same, bounded input: boilerplate removed,
datelines stripped, captions cut off the sentences they were glued to, quotations the
splitter cut in pieces joined back into one unit, at most
``MAX_SENTENCES`` sentences / ``MAX_WORDS`` words (this cap is what keeps the slow sumy
methods bounded on huge pages), and only sentences that can stand alone as a bullet marked
eligible: a statement of sensible length, ending with a full stop (not a question, heading or
trailing "..."), with its quotes and brackets balanced, and not a fragment (stat line, table
row, Q&A turn, either half of a sentence cut at an abbreviation).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from bot.models import Article
from bot.summarize.language import word_units
from bot.text import (
    ends_with_abbreviation,
    is_balanced,
    is_boilerplate,
    join_quotations,
    looks_like_fragment,
    split_glued,
    split_sentences,
    strip_dateline,
    tokenize_words,
)

MAX_SENTENCES = 150
MAX_WORDS = 5_000
MIN_BULLET_WORDS = 5  # shorter sentences are fragments, headings or stray captions
MAX_BULLET_WORDS = 45  # longer ones do not read as a key point
REPEAT_OVERLAP = 0.8  # share of the shorter sentence's words that makes it a repeat
_CLOSING = "\"'”’)]」』） "  # stripped before looking at a sentence's final mark


@dataclass(frozen=True, slots=True)
class Candidate:
    """One content sentence of the article, verbatim, with its position and word tokens."""

    position: int  # index among the content sentences, in article order
    text: str
    words: tuple[str, ...]
    eligible: bool  # may be used as a bullet


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


def _can_be_bullet(text: str, words: tuple[str, ...], title: str, language: str | None) -> bool:
    if not MIN_BULLET_WORDS <= word_units(words) <= MAX_BULLET_WORDS:
        return False
    body = text.rstrip(_CLOSING)
    if body[-1:] not in (".", "!", "。", "！") or body.endswith(".."):
        return False  # a question states no key point; no final stop: a heading; "...": a teaser
    if not is_balanced(text) or looks_like_fragment(text, words, language):
        return False
    return _normalised(text) != title  # the title repeated in the body adds nothing


def content_sentences(
    article: Article, max_sentences: int = MAX_SENTENCES, max_words: int = MAX_WORDS
) -> list[Candidate]:
    """The article's content sentences in order, capped to bound the work done on them."""
    title = _normalised(article.title or "")
    language = article.language
    candidates: list[Candidate] = []
    total_words = 0
    after_cut = False  # the previous sentence was cut at an abbreviation: this is its tail
    for paragraph in article.paragraphs:
        sentences = [
            piece
            for sentence in split_sentences(paragraph, language)
            for piece in split_glued(sentence)
        ]
        for sentence in join_quotations(paragraph, sentences):
            if is_boilerplate(sentence):
                continue
            text = strip_dateline(sentence, first=not candidates)
            words = tuple(tokenize_words(text))
            if not words:
                continue
            eligible = not after_cut and _can_be_bullet(text, words, title, language)
            after_cut = ends_with_abbreviation(text, language)
            candidates.append(Candidate(len(candidates), text, words, eligible))
            total_words += len(words)
            if len(candidates) >= max_sentences or total_words >= max_words:
                return candidates
    return candidates


def mark_repeats(candidates: list[Candidate]) -> list[Candidate]:
    """Make ineligible any sentence that mostly repeats an earlier eligible one.

    Pages often say a thing twice (a photo caption, then the body sentence it was cut from);
    no method should offer both as bullets. Word-set overlaps come from one matrix product.
    """
    vocabulary: dict[str, int] = {}
    rows = [
        {vocabulary.setdefault(word.lower(), len(vocabulary)) for word in c.words}
        for c in candidates
    ]
    incidence = np.zeros((len(rows), max(1, len(vocabulary))), dtype=np.float32)
    for row, columns in enumerate(rows):
        incidence[row, list(columns)] = 1.0
    sizes = incidence.sum(axis=1)
    repeats = incidence @ incidence.T > REPEAT_OVERLAP * np.minimum.outer(sizes, sizes)
    kept = np.zeros(len(rows), dtype=bool)
    marked: list[Candidate] = []
    for row, candidate in enumerate(candidates):
        if candidate.eligible:
            if np.any(repeats[row, :row] & kept[:row]):
                candidate = replace(candidate, eligible=False)
            else:
                kept[row] = True
        marked.append(candidate)
    return marked


def bullet_budget(requested: int, content_count: int) -> int:
    """How many bullets to give: never more than half the text (rounded up), nor requested."""
    return max(0, min(requested, (content_count + 1) // 2))
