"""Turn an article into the sentences a summariser may pick from.

Shared by every method so that they all see the same, bounded input: boilerplate removed,
datelines stripped, at most ``MAX_SENTENCES`` sentences / ``MAX_WORDS`` words (this cap is
what keeps the slow sumy methods bounded on huge pages), and only sentences that can stand
alone as a bullet marked eligible.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.models import Article
from bot.text import is_boilerplate, split_sentences, strip_dateline, tokenize_words

MAX_SENTENCES = 150
MAX_WORDS = 5_000
MIN_BULLET_WORDS = 5  # shorter sentences are fragments, headings or stray captions
MAX_BULLET_WORDS = 45  # longer ones do not read as a key point


@dataclass(frozen=True, slots=True)
class Candidate:
    """One content sentence of the article, verbatim, with its position and word tokens."""

    position: int  # index among the content sentences, in article order
    text: str
    words: tuple[str, ...]
    eligible: bool  # may be used as a bullet


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


def _can_be_bullet(text: str, words: tuple[str, ...], title: str) -> bool:
    if not MIN_BULLET_WORDS <= len(words) <= MAX_BULLET_WORDS:
        return False
    if text.rstrip("\"'”’)] ").endswith("?"):
        return False  # a question does not state a key point
    return _normalised(text) != title  # the title repeated in the body adds nothing


def content_sentences(
    article: Article, max_sentences: int = MAX_SENTENCES, max_words: int = MAX_WORDS
) -> list[Candidate]:
    """The article's content sentences in order, capped to bound the work done on them."""
    title = _normalised(article.title or "")
    candidates: list[Candidate] = []
    total_words = 0
    for paragraph in article.paragraphs:
        for sentence in split_sentences(paragraph, article.language):
            if is_boilerplate(sentence):
                continue
            text = strip_dateline(sentence)
            words = tuple(tokenize_words(text))
            if not words:
                continue
            eligible = _can_be_bullet(text, words, title)
            candidates.append(Candidate(len(candidates), text, words, eligible))
            total_words += len(words)
            if len(candidates) >= max_sentences or total_words >= max_words:
                return candidates
    return candidates


def bullet_budget(requested: int, content_count: int) -> int:
    """How many bullets to give: never more than half the text (rounded up), nor requested."""
    return max(0, min(requested, (content_count + 1) // 2))
