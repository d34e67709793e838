"""How bullets read on their own: the counts ``bench_summaries.py`` reports for every method.

Per bullet: does it open with a word that points outside it (a connective such as "But",
"However," or a pronoun/demonstrative subject such as "He", "They", "It's"), unless the
bullet before it is the sentence right before it in the article (then the reader has seen
what it points at) or it is the article's first sentence (nothing before it to point at: "This
is the moment ...", "She's been living in New York ..., and Princess Eugenie ..."); the share of
bullets opening that way wherever they stand is reported too. Is it boilerplate, a fragment,
or unbalanced in its quotes/brackets; does it repeat an earlier bullet (≥ 80 % of the shorter
one's words)? Plus the mean words per bullet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.text import (
    is_balanced,
    is_boilerplate,
    leans_on_context,
    looks_like_fragment,
    refers_back,
    tokenize_words,
)

_CONNECTIVE = re.compile(
    r"^\W*(?:and|but|or|so|yet|also|still|however|meanwhile|moreover|furthermore|besides|"
    r"nevertheless|nonetheless|instead|indeed|then|that\s+said|even\s+so|in\s+addition|"
    r"in\s+fact|as\s+a\s+result|on\s+the\s+other\s+hand|after\s+all|of\s+course|plus)\b",
    re.IGNORECASE,
)
NEAR_DUPLICATE = 0.8


def points_outside(bullet: str) -> bool:
    """Whether the bullet opens with a connective or a pronoun/demonstrative subject."""
    return bool(_CONNECTIVE.match(bullet) or leans_on_context(bullet) or refers_back(bullet))


def _follows(previous: str, bullet: str, text: str) -> bool:
    """Whether ``bullet`` comes right after ``previous`` in ``text`` (only spaces between)."""
    end = text.find(previous)
    if end < 0:
        return False
    start = text.find(bullet, end + len(previous))
    return start >= 0 and not text[end + len(previous) : start].strip()


@dataclass(slots=True)
class Quality:
    """Counts over every bullet of a method's summaries."""

    bullets: int = 0
    words: int = 0
    dangling: int = 0  # pointing outside, and what it points at is not the bullet before
    opens_outside: int = 0  # pointing outside, wherever it stands
    boilerplate: int = 0
    fragments: int = 0
    unbalanced: int = 0
    near_duplicates: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, bullets: Sequence[str], text: str, language: str | None = "en") -> None:
        """Count one summary's ``bullets`` of the article ``text``."""
        seen: list[set[str]] = []
        for index, bullet in enumerate(bullets):
            words = tuple(tokenize_words(bullet))
            self.bullets += 1
            self.words += len(words)
            after_previous = index > 0 and _follows(bullets[index - 1], bullet, text)
            opening = index == 0 and text.lstrip().startswith(bullet)  # nothing before it
            outside = points_outside(bullet)
            self.opens_outside += outside
            if outside and not after_previous and not opening:
                self.dangling += 1
                if len(self.examples) < 12:
                    self.examples.append(bullet)
            self.boilerplate += is_boilerplate(bullet)
            self.fragments += looks_like_fragment(bullet, words, language)
            self.unbalanced += not is_balanced(bullet)
            lowered = {word.lower() for word in words}
            if any(
                len(lowered & other) > NEAR_DUPLICATE * min(len(lowered), len(other))
                for other in seen
            ):
                self.near_duplicates += 1
            seen.append(lowered)

    def row(self) -> dict[str, float]:
        """The figures for the table: dangling share in %, counts, mean words per bullet."""
        total = max(1, self.bullets)
        return {
            "dangling_pct": round(100 * self.dangling / total, 1),
            "opens_outside_pct": round(100 * self.opens_outside / total, 1),
            "boilerplate": self.boilerplate,
            "fragments": self.fragments,
            "unbalanced": self.unbalanced,
            "near_duplicates": self.near_duplicates,
            "words_mean": round(self.words / total, 1),
            "bullets": self.bullets,
        }
