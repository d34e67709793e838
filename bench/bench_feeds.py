"""Feed-parse benchmark: what each feed shape costs, and what the bot lets it cost.

    .venv/bin/python bench/bench_feeds.py [--cap 60]

For every shape (built here, nothing fetched) two measurements:

* unbounded: ``parse_feed`` alone in a fresh process (item cap on, no time budget), its CPU
  seconds and peak RSS; stopped after ``--cap`` seconds;
* bot: the same body through ``FeedParserPool`` with the default ``FeedLimits`` (2 s, 200
  items, 512 MB), as ``feed add`` and the digest use it: outcome, wall time, and the worst
  lateness of a 10 ms ``asyncio.sleep`` ticker on the event loop meanwhile.

Prints a Markdown table and writes ``bench/results/feeds.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.digest.parsing import FeedLimits, FeedParserPool, FeedTooLarge  # noqa: E402

URL = "https://bench.test/feed"
HEAD = '<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>'
TAIL = "</channel></rss>"


def item(i: int, description: str = "") -> str:
    return (
        f"<item><title>Story {i} ships</title><link>https://b.test/{i}</link>"
        f"<description>{description}</description></item>"
    )


def typical(count: int) -> bytes:
    """A real-looking feed: escaped HTML descriptions of a few sentences."""
    text = html.escape("<p>The company said on Tuesday that the <b>new chip</b> ships soon.</p>")
    return (HEAD + "".join(item(i, text * 3) for i in range(count)) + TAIL).encode()


def many_items(count: int) -> bytes:
    """Short items (~110 bytes): the issue's 33k-item feed, without its longer texts."""
    return (HEAD + "".join(item(i, "Some text") for i in range(count)) + TAIL).encode()


def nested_loose(depth: int) -> bytes:
    """Nested tags in a malformed feed (feedparser falls back to its slow loose parser)."""
    return (
        '<rss version="2.0"><channel><title>Deep & broken</title>'
        + item(0, "<b>" * depth + "</b>" * depth)
        + TAIL
    ).encode()


def nested_xhtml(depth: int) -> bytes:
    """Nested elements in a well-formed Atom xhtml content."""
    return (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Deep</title>'
        '<entry><title>x</title><link href="https://b.test/x"/><content type="xhtml">'
        '<div xmlns="http://www.w3.org/1999/xhtml">' + "<b>" * depth + "</b>" * depth + "</div>"
        "</content></entry></feed>"
    ).encode()


def angle_brackets(count: int) -> bytes:
    """A description of ``count`` escaped '<' (once quadratic in the tag-stripping regex)."""
    return (HEAD + item(0, "&lt;" * count) + TAIL).encode()


SHAPES: dict[str, Callable[[], bytes]] = {
    "typical, 30 items": lambda: typical(30),
    "typical, 1,000 items": lambda: typical(1_000),
    "33k short items": lambda: many_items(33_000),
    "100k nested tags, malformed": lambda: nested_loose(100_000),
    "100k nested xhtml elements": lambda: nested_xhtml(100_000),
    "700k '<' in a description": lambda: angle_brackets(700_000),
}

_CHILD = """
import resource, sys, time
from bot.digest.parsing import FeedLimits, parse_within
body, url = sys.stdin.buffer.read(), sys.argv[1]
start = time.process_time()
try:
    outcome = f"{len(parse_within(body, url, FeedLimits()))} items"
except Exception as exc:
    outcome = type(exc).__name__
cpu = time.process_time() - start
print(cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, outcome, sep="|")
"""


def unbounded(body: bytes, cap: float) -> dict[str, Any]:
    """CPU seconds and peak RSS (MB) of parsing ``body`` in a fresh process, no time budget."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, URL],
            input=body,
            capture_output=True,
            timeout=cap,
            cwd=ROOT,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return {"cpu_s": None, "peak_mb": None, "outcome": f"over {cap:g} s"}
    cpu, peak, outcome = done.stdout.decode().strip().split("|")
    return {"cpu_s": round(float(cpu), 2), "peak_mb": int(peak), "outcome": outcome}


async def in_the_bot(parser: FeedParserPool, body: bytes) -> dict[str, Any]:
    lags: list[float] = []

    async def ticker() -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append(time.perf_counter() - start - 0.01)

    task = asyncio.create_task(ticker())
    start = time.perf_counter()
    try:
        outcome = f"{len(await parser(body, URL))} items"
    except FeedTooLarge:
        outcome = "refused: too large"
    finally:
        wall = time.perf_counter() - start
        task.cancel()
    return {"outcome": outcome, "wall_s": round(wall, 2), "worst_lag_ms": round(max(lags) * 1e3)}


async def through_the_bot(rows: list[dict[str, Any]]) -> None:
    parser = FeedParserPool(FeedLimits())
    try:
        await parser(typical(1), URL)  # start the worker: spawn cost is paid once, at start-up
        for row in rows:
            row["bot"] = await in_the_bot(parser, SHAPES[row["shape"]]())
            print(f"  {row}", file=sys.stderr)
    finally:
        parser.close()


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| shape | size | parse alone: CPU | peak RSS | result "
        "| in the bot: result | wall | worst loop lag |",
        "|---|---:|---:|---:|---|---|---:|---:|",
    ]
    for r in rows:
        u, b = r["unbounded"], r["bot"]
        cpu = f"{u['cpu_s']} s" if u["cpu_s"] is not None else "–"
        peak = f"{u['peak_mb']} MB" if u["peak_mb"] is not None else "–"
        lines.append(
            f"| {r['shape']} | {r['bytes'] / 1e6:.2f} MB | {cpu} | {peak} | {u['outcome']} "
            f"| {b['outcome']} | {b['wall_s']} s | {b['worst_lag_ms']} ms |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=60.0, help="seconds per unbounded parse")
    args = parser.parse_args()
    rows = []
    for name, build in SHAPES.items():
        body = build()
        rows.append({"shape": name, "bytes": len(body), "unbounded": unbounded(body, args.cap)})
    asyncio.run(through_the_bot(rows))
    print(table(rows))
    out = ROOT / "bench" / "results" / "feeds.json"
    out.parent.mkdir(exist_ok=True)
    meta = {"python": platform.python_version(), "machine": platform.machine()}
    out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
