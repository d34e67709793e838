"""Choose the default ranker's weights by cross-validation on the CNN/DM sample.

Run: ``.venv/bin/python bench/tune_default.py [--folds 5] [--limit N]``.

Every point of a small grid over ``bot.summarize.default``'s constants is scored once per
article (ROUGE-1/2 F1); then, for each of ``--folds`` folds, the point with the best mean
R1 + R2 on the other folds is evaluated on the held-out fold. The printed cross-validated
figure (the mean over held-out articles) is what to report: it estimates how the chosen rule
does on articles it was not chosen on. The in-sample best is printed for comparison; the
constants in ``default.py`` are the point chosen most often across folds.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rouge_score import rouge_scorer

from bench.bench_summaries import SAMPLE, load_sample
from bot.summarize import default, summarize

GRID: dict[str, tuple[object, ...]] = {
    "POSITION_HALF_LIFE": (8.0, 12.0),
    "CENTRALITY_WEIGHT": (1.0, 2.0),
    "PREFERRED_WORDS": ((10, 25), (10, 30)),
    "NAME_OVERLAP": (1.0, 2.0),  # 2.0: the names-and-content repeat test off
}


def score_grid(limit: int | None) -> tuple[list[dict[str, object]], np.ndarray]:
    """Every grid point and an array [point, article, (R1, R2)] of its ROUGE F1 × 100."""
    pairs = load_sample(limit)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    points = [dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())]
    scores = np.zeros((len(points), len(pairs), 2))
    saved = {name: getattr(default, name) for name in GRID}
    try:
        for p, point in enumerate(points):
            for name, value in point.items():
                setattr(default, name, value)
            for a, (article, reference) in enumerate(pairs):
                bullets = "\n".join(summarize(article).bullets)
                result = scorer.score(reference, bullets)
                scores[p, a] = (100 * result["rouge1"].fmeasure, 100 * result["rouge2"].fmeasure)
    finally:
        for name, value in saved.items():
            setattr(default, name, value)
    return points, scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    if not SAMPLE.exists():
        raise SystemExit(f"data not found: {SAMPLE}")
    points, scores = score_grid(args.limit)
    articles = scores.shape[1]
    fold_of = np.arange(articles) % args.folds  # the sample is sorted by id: no order bias
    held_out = np.zeros((articles, 2))
    chosen: Counter[int] = Counter()
    for fold in range(args.folds):
        train = fold_of != fold
        best = int(np.argmax(scores[:, train].mean(axis=1).sum(axis=1)))
        chosen[best] += 1
        held_out[~train] = scores[best, ~train]
    r1, r2 = held_out.mean(axis=0)
    print(f"articles: {articles}; grid points: {len(points)}; folds: {args.folds}")
    print(f"cross-validated: R1 {r1:.2f}  R2 {r2:.2f}")
    in_sample = int(np.argmax(scores.mean(axis=1).sum(axis=1)))
    mean = scores[in_sample].mean(axis=0)
    print(f"in-sample best: R1 {mean[0]:.2f}  R2 {mean[1]:.2f}  {points[in_sample]}")
    for index, times in chosen.most_common():
        mean = scores[index].mean(axis=0)
        print(f"chosen in {times} folds: {points[index]}", end=" ")
        print(f"(all articles: R1 {mean[0]:.2f} R2 {mean[1]:.2f})")


if __name__ == "__main__":
    main()
