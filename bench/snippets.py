"""Snippet scoring: trafilatura's own evaluation rules (``tests/comparison.py`` upstream).

Each page lists strings the extracted text must contain (``with``) and strings it must not
(``without``). A present ``with`` string is a true positive, an absent one a false negative; a
present ``without`` string is a false positive, an absent one a true negative. Whitespace is
normalised on both sides first (extractors differ in how they join blocks), as upstream does.
Over a set, precision and recall are computed from the summed counts (micro-averaged), so the
figures are comparable with the ones trafilatura publishes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SnippetCounts:
    """True/false positives and negatives of one page or of a whole set."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def __add__(self, other: SnippetCounts) -> SnippetCounts:
        return SnippetCounts(
            self.tp + other.tp, self.fn + other.fn, self.fp + other.fp, self.tn + other.tn
        )

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 0.0 when nothing was found at all."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when there was nothing to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    @property
    def accuracy(self) -> float:
        """(TP + TN) over all snippets."""
        total = self.tp + self.fn + self.fp + self.tn
        return (self.tp + self.tn) / total if total else 1.0


def _normal(text: str) -> str:
    return " ".join(text.split())


def score_snippets(text: str | None, with_: Sequence[str], without: Sequence[str]) -> SnippetCounts:
    """Counts for one page's extracted ``text`` (``None`` or "" when nothing was extracted)."""
    if not text:
        return SnippetCounts(fn=len(with_), tn=len(without))
    found = _normal(text)
    tp = sum(1 for s in with_ if _normal(s) in found)
    fp = sum(1 for s in without if _normal(s) in found)
    return SnippetCounts(tp=tp, fn=len(with_) - tp, fp=fp, tn=len(without) - fp)


def total(counts: Iterable[SnippetCounts]) -> SnippetCounts:
    """The sum of per-page counts."""
    result = SnippetCounts()
    for c in counts:
        result = result + c
    return result
