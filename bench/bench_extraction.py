"""Extraction benchmark: accuracy (shingle F1) and speed of ours vs the libraries it builds on.

    .venv/bin/python bench/bench_extraction.py            # all pages
    .venv/bin/python bench/bench_extraction.py --limit 20 # a quick run

Data: ``../shared/data/extraction`` (scrapinghub article-extraction-benchmark subset; see its
README). Scored with the upstream metric (``bench/metrics.py``). Extractors:

* ``keypoints`` – ``bot.extract.extract`` (paragraphs joined by blank lines);
* ``trafilatura`` – ``trafilatura.extract(html)``, default settings (the speed reference);
* ``trafilatura_precision`` – the same with ``favor_precision=True``;
* ``readability`` – readability-lxml ``Document(html).summary()`` converted to text.

Timing: per page, ours and plain ``trafilatura.extract`` run back to back so machine load
hits both alike. We report wall-clock median and p99 milliseconds, and the ratio of total times
to plain trafilatura both in wall-clock and in CPU time (``time.process_time``: on a shared
machine other processes' load inflates wall-clock times, CPU time much less). When the
summariser is importable, the full pipeline (extract → quality gate → summarise) is timed too.
Prints a Markdown table and writes ``bench/results/extraction.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import gzip
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# OpenBLAS (numpy, used by the summariser) keeps worker threads spinning after each call; their
# CPU time would be billed to whatever runs next. One thread is also faster on small matrices.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import trafilatura  # noqa: E402
from lxml.html import fromstring  # noqa: E402
from readability import Document  # noqa: E402

from bench.metrics import PageScore, Scores, aggregate, score_page, tokens  # noqa: E402
from bot.errors import KeypointsError  # noqa: E402
from bot.extract import extract  # noqa: E402
from bot.extraction.blocks import from_html  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "extraction"
RESULTS = ROOT / "bench" / "results" / "extraction.json"

Extractor = Callable[[str, str], str]


def keypoints(html: str, url: str) -> str:
    """Our extractor's body text ("" when it finds no article)."""
    try:
        return extract(html, url).text
    except KeypointsError:
        return ""


def trafilatura_default(html: str, url: str) -> str:
    """``trafilatura.extract`` with default settings, the way most users call it."""
    return trafilatura.extract(html) or ""


def trafilatura_precision(html: str, url: str) -> str:
    """``trafilatura.extract`` tuned for precision."""
    return trafilatura.extract(html, favor_precision=True) or ""


def readability_text(html: str, url: str) -> str:
    """readability-lxml's summary, as text (one line per block)."""
    summary = Document(html).summary(html_partial=True)
    return "\n".join(block.text for block in from_html(fromstring(summary)))


EXTRACTORS: dict[str, Extractor] = {
    "keypoints": keypoints,
    "trafilatura": trafilatura_default,
    "trafilatura_precision": trafilatura_precision,
    "readability": readability_text,
}


def _pipeline() -> Extractor | None:
    """The whole pipeline (extract → quality → summarise) if the summariser is importable."""
    try:
        from bot.pipeline import summarize_html
    except Exception:  # the summariser is built elsewhere; time it only when present
        return None

    def run(html: str, url: str) -> str:
        with contextlib.suppress(KeypointsError):
            summarize_html(html, url)
        return ""

    return run


def load_pages(data: Path, limit: int | None) -> list[tuple[str, str, str, str]]:
    """(id, url, html, truth) for the first ``limit`` pages in id order."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth)[:limit]:
        with gzip.open(data / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8") as f:
            html = f.read()
        pages.append((page_id, truth[page_id]["url"], html, truth[page_id]["articleBody"]))
    return pages


def _timed(extractor: Extractor, html: str, url: str) -> tuple[str, float, float]:
    """Text, wall-clock seconds and CPU seconds of one extraction.

    Garbage left by the previous call is collected first, so a collector pause caused by one
    extractor's allocations is not billed to the next one.
    """
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    text = extractor(html, url)
    return text, time.perf_counter() - wall, time.process_time() - cpu


def _ms(wall: list[float], cpu: list[float]) -> dict[str, float]:
    ordered = sorted(wall)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p99_ms": p99 * 1000,
        "total_s": sum(ordered),
        "cpu_median_ms": statistics.median(cpu) * 1000,
        "cpu_total_s": sum(cpu),
    }


def timing_stats(
    walls: dict[str, list[float]], cpus: dict[str, list[float]], reference: str = "trafilatura"
) -> dict[str, dict[str, float]]:
    """Median/p99/totals per name, with total time as a ratio of ``reference``'s."""
    timing = {name: _ms(walls[name], cpus[name]) for name in walls}
    base = timing[reference]
    for stats in timing.values():
        stats["ratio"] = stats["total_s"] / base["total_s"]
        stats["cpu_ratio"] = stats["cpu_total_s"] / base["cpu_total_s"]
    return timing


def run(data: Path, limit: int | None) -> dict[str, Any]:
    """Score every extractor on every page and time ours against plain trafilatura."""
    pages = load_pages(data, limit)
    pipeline = _pipeline()
    timed = {"keypoints", "trafilatura"} | ({"pipeline"} if pipeline else set())
    scores: dict[str, list[tuple[PageScore, bool]]] = {name: [] for name in EXTRACTORS}
    walls: dict[str, list[float]] = {name: [] for name in timed}
    cpus: dict[str, list[float]] = {name: [] for name in timed}
    per_page: dict[str, dict[str, float]] = {}
    for page_id, url, html, truth in pages:
        per_page[page_id] = {}
        for name, extractor in EXTRACTORS.items():
            text, wall, cpu = _timed(extractor, html, url)
            page = score_page(truth, text)
            scores[name].append((page, tokens(truth) == tokens(text)))
            per_page[page_id][name] = round(page.f1, 4)
            if name in walls:
                walls[name].append(wall)
                cpus[name].append(cpu)
        if pipeline:
            _, wall, cpu = _timed(pipeline, html, url)
            walls["pipeline"].append(wall)
            cpus["pipeline"].append(cpu)
    summary: dict[str, Scores] = {name: aggregate(s) for name, s in scores.items()}
    timing = timing_stats(walls, cpus)
    return {
        "pages": len(pages),
        "scores": {name: asdict(s) for name, s in summary.items()},
        "timing": timing,
        "per_page_f1": per_page,
    }


def markdown(result: dict[str, Any]) -> str:
    """The result as a Markdown table (accuracy for all, time where measured)."""
    lines = [
        f"Pages: {result['pages']}",
        "",
        "| extractor | F1 | precision | recall | exact | median ms | p99 ms "
        "| time vs trafilatura (wall / CPU) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows = list(result["scores"].items()) + [
        (name, None) for name in result["timing"] if name not in result["scores"]
    ]
    for name, s in rows:
        t = result["timing"].get(name)
        quality = (
            f"{s['f1']:.3f} | {s['precision']:.3f} | {s['recall']:.3f} | {s['accuracy']:.3f}"
            if s
            else "– | – | – | –"
        )
        speed = (
            f"{t['median_ms']:.1f} | {t['p99_ms']:.1f} | {t['ratio']:.2f}× / {t['cpu_ratio']:.2f}×"
            if t
            else "– | – | –"
        )
        lines.append(f"| {name} | {quality} | {speed} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument("--data", type=Path, default=DATA, help="benchmark folder")
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results file")
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth.json").exists():
        print(f"benchmark data not found at {args.data}", file=sys.stderr)
        return 2
    result = run(args.data, args.limit)
    print(markdown(result))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"\nwrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
