"""Shingle F1: the article-extraction-benchmark metric (scrapinghub, ``evaluate.py``).

Re-implemented here (not imported) so the benchmark and its tests need nothing but the
standard library. The rules match upstream exactly, so our figures are comparable with the
published ones:

* tokens are the matches of ``\\w+`` (Unicode); a text becomes the multiset of its 4-token
  shingles (a text shorter than four tokens is one shorter shingle);
* per page, TP/FP/FN are multiset overlaps, normalised to sum to 1 so long pages weigh
  the same as short ones;
* precision is averaged over the pages that predicted something, recall over the pages whose
  truth has text; F1 is the harmonic mean of those two averages (not a mean of page F1s).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import mean

_TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4


@dataclass(frozen=True, slots=True)
class PageScore:
    """One page's shingle overlap, normalised so tp + fp + fn == 1 (or all 0 if both empty)."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        """Share of predicted shingles that are in the truth (1.0 when both texts are empty)."""
        if self.fp == self.fn == 0:
            return 1.0
        if self.tp == self.fp == 0:
            return 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        """Share of true shingles that were predicted (1.0 when both texts are empty)."""
        if self.fp == self.fn == 0:
            return 1.0
        if self.tp == self.fn == 0:
            return 0.0
        return self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        """Harmonic mean of this page's precision and recall (for per-page reports only)."""
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


@dataclass(frozen=True, slots=True)
class Scores:
    """Benchmark figures over a set of pages."""

    f1: float
    precision: float
    recall: float
    accuracy: float  # share of pages whose token sequence equals the truth exactly
    pages: int


def tokens(text: str | None) -> list[str]:
    """The ``\\w+`` tokens of ``text``, as upstream tokenises it."""
    return _TOKEN.findall(text or "")


def shingles(text: str | None, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Multiset of ``size``-token shingles; a shorter non-empty text is a single shingle."""
    toks = tokens(text)
    count = max(1, len(toks) - size + 1)
    return Counter(tuple(toks[i : i + size]) for i in range(count) if toks[i : i + size])


def score_page(truth: str | None, prediction: str | None) -> PageScore:
    """Normalised shingle TP/FP/FN of one prediction against its ground truth."""
    true_sh, pred_sh = shingles(truth), shingles(prediction)
    tp = sum((true_sh & pred_sh).values())
    fp = sum((pred_sh - true_sh).values())
    fn = sum((true_sh - pred_sh).values())
    total = tp + fp + fn
    if total == 0:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


def aggregate(pages: Iterable[tuple[PageScore, bool]]) -> Scores:
    """Benchmark figures from (page score, exact token match) pairs, as upstream computes them."""
    items = list(pages)
    if not items:
        raise ValueError("no pages to score")
    precisions = [s.precision for s, _ in items if s.tp + s.fp > 0]
    recalls = [s.recall for s, _ in items if s.tp + s.fn > 0]
    precision = mean(precisions) if precisions else 0.0
    recall = mean(recalls) if recalls else 0.0
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    accuracy = mean(1.0 if exact else 0.0 for _, exact in items)
    return Scores(f1=f1, precision=precision, recall=recall, accuracy=accuracy, pages=len(items))


def evaluate(truths: Mapping[str, str], predictions: Mapping[str, str | None]) -> Scores:
    """Score predictions keyed like the truths; a missing prediction counts as empty."""
    return aggregate(
        (
            score_page(truth, predictions.get(key)),
            tokens(truth) == tokens(predictions.get(key)),
        )
        for key, truth in truths.items()
    )
