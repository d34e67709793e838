"""ROUGE and speed of every summary method on the CNN/DM sample.

Run: ``.venv/bin/python bench/bench_summaries.py [--limit N] [--methods default,lead]``.
Scores ROUGE-1/2/Lsum F1 (``rouge_score``, Porter stemming, bullets joined by newlines)
against the human highlights, times ``summarize`` per article, prints a Markdown table and
writes ``bench/results/summaries.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rouge_score import rouge_scorer

from bench.bullet_quality import Quality
from bot.models import Article
from bot.summarize import METHODS, summarize

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "data" / "summaries" / "cnndm_test_sample.jsonl"
RESULTS = ROOT / "bench" / "results" / "summaries.json"
ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")


def load_sample(limit: int | None = None) -> list[tuple[Article, str]]:
    """(article, reference) pairs; the articles are single-paragraph plain text."""
    pairs = []
    with SAMPLE.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            # The corpus has no paragraph breaks: the whole body is one paragraph.
            article = Article(paragraphs=(row["article"],), language="en")
            pairs.append((article, "\n".join(row["highlights"])))
    return pairs[:limit] if limit else pairs


def evaluate(method: str, pairs: list[tuple[Article, str]], repeat: int) -> dict[str, float]:
    """Mean ROUGE F1 (×100) and per-article time of ``method`` over ``pairs``.

    Each article is timed ``repeat`` times and the fastest run kept: the machine is shared,
    and the minimum is the figure least disturbed by other processes.
    """
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    totals = dict.fromkeys(ROUGE_TYPES, 0.0)
    quality = Quality()
    times: list[float] = []
    for article, reference in pairs:
        fastest = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            summary = summarize(article, bullets=3, method=method)
            fastest = min(fastest, time.perf_counter() - started)
        times.append(fastest * 1000)
        scores = scorer.score(reference, "\n".join(summary.bullets))
        for kind in ROUGE_TYPES:
            totals[kind] += scores[kind].fmeasure
        quality.add(summary.bullets, article.text)
    result: dict[str, float] = {
        kind: round(100 * total / len(pairs), 2) for kind, total in totals.items()
    }
    result.update(quality.row())
    result["ms_median"] = round(statistics.median(times), 3)
    result["ms_mean"] = round(statistics.fmean(times), 3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    parser.add_argument("--methods", default=",".join(METHODS), help="comma-separated methods")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs per article")
    args = parser.parse_args()
    if not SAMPLE.exists():
        raise SystemExit(f"data not found: {SAMPLE}")
    pairs = load_sample(args.limit)
    summarize(pairs[0][0])  # warm-up: imports, stemmer and stop-word caches
    results = {method: evaluate(method, pairs, args.repeat) for method in args.methods.split(",")}

    print(f"articles: {len(pairs)}; time: fastest of {args.repeat} runs per article")
    print(
        "| method | R1 | R2 | RLsum | dangling % | opens outside % | boilerplate | fragments "
        "| unbalanced | near-dup | words/bullet | ms median | ms mean |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for method, r in results.items():
        print(
            f"| {method} | {r['rouge1']:.2f} | {r['rouge2']:.2f} | {r['rougeLsum']:.2f} "
            f"| {r['dangling_pct']:.1f} | {r['opens_outside_pct']:.1f} "
            f"| {r['boilerplate']:.0f} | {r['fragments']:.0f} | {r['unbalanced']:.0f} "
            f"| {r['near_duplicates']:.0f} | {r['words_mean']:.1f} "
            f"| {r['ms_median']:.2f} | {r['ms_mean']:.2f} |"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"articles": len(pairs), "repeat": args.repeat, "methods": results}, indent=2)
        + "\n"
    )
    print(f"written: {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
