"""Pipeline speed per stage: extract, split, summarise, and the whole pipeline against
``trafilatura.extract`` alone, on the same pages in the same run.

    .venv/bin/python bench/bench_pipeline.py [--limit N] [--repeat R]

For each page, in turn: plain ``trafilatura.extract(html)`` (the reference), then
``bot.pipeline.summarize_html`` (extract → quality gate → summarise, the whole pure pipeline),
then each stage alone (``extract``; ``split_sentences`` on the body; ``summarize`` of the
extracted article, which includes its own sentence split). Running them back to back per page
means machine load hits reference and candidate alike. Targets (issue #2): whole pipeline ≤ 1.3 ×
trafilatura alone; p99 ≤ 250 ms per page. Writes ``bench/results/pipeline.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from bench.bench_extraction import DATA, load_pages, timing_stats  # noqa: E402
from bot.errors import KeypointsError  # noqa: E402
from bot.extract import extract  # noqa: E402
from bot.models import Article  # noqa: E402
from bot.pipeline import summarize_html  # noqa: E402
from bot.summarize import summarize  # noqa: E402
from bot.text import split_sentences  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "pipeline.json"
STAGES = ("trafilatura", "pipeline", "extract", "split", "summarise")


def _clock(call: Callable[[], object]) -> tuple[float, float]:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    # A page with no article still costs its time (the pipeline rejects it), so it counts.
    with contextlib.suppress(KeypointsError):
        call()
    return time.perf_counter() - wall, time.process_time() - cpu


def run(limit: int | None, repeat: int) -> dict[str, Any]:
    pages = load_pages(DATA, limit)
    walls: dict[str, list[float]] = {s: [] for s in STAGES}
    cpus: dict[str, list[float]] = {s: [] for s in STAGES}
    for rnd in range(repeat + 1):  # round 0 warms caches and lazy imports; it is not counted
        for _id, url, html, _truth in pages[: 3 if rnd == 0 else None]:
            try:
                article = extract(html, url)
            except KeypointsError:
                article = Article(paragraphs=())
            calls: dict[str, Callable[[], object]] = {
                "trafilatura": lambda h=html: trafilatura.extract(h),
                "pipeline": lambda h=html, u=url: summarize_html(h, u),
                "extract": lambda h=html, u=url: extract(h, u),
                "split": lambda a=article: split_sentences(a.text, a.language),
                "summarise": lambda a=article: summarize(a),
            }
            for stage in STAGES:
                wall, cpu = _clock(calls[stage])
                if rnd:
                    walls[stage].append(wall)
                    cpus[stage].append(cpu)
    stats = timing_stats(walls, cpus)
    return {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {_cores()} cores",
        "pages": len(pages),
        "repeat": repeat,
        "stages": stats,
    }


def _cores() -> int:
    return os.cpu_count() or 0


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"Pipeline speed, {result['pages']} pages × {result['repeat']} "
        f"({result['machine']}, {result['date']})",
        "",
        "| stage | median ms | p99 ms | total s | × trafilatura (wall) | × trafilatura (CPU) |",
        "|---|---|---|---|---|---|",
    ]
    for stage, s in result["stages"].items():
        lines.append(
            f"| {stage} | {s['median_ms']:.1f} | {s['p99_ms']:.1f} | {s['total_s']:.2f} "
            f"| {s['ratio']:.2f} | {s['cpu_ratio']:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument("--repeat", type=int, default=2, help="passes over the pages")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"no benchmark data at {DATA}", file=sys.stderr)
        return 2
    result = run(args.limit, args.repeat)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
