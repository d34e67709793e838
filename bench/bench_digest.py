"""Digest benchmark: 10 local feeds × 500 items (articles served locally too), build and post.

    .venv/bin/python bench/bench_digest.py [--feeds 10] [--items 500] [--top 5 48]

Measures, per top-N setting: fetching and parsing every feed (in the bot's ``FeedParserPool``
worker process), grouping/ranking all items, summarising the chosen stories' articles and
posting to a recording fake Slack (one message plus one thread reply per story), with a fresh
SQLite store. Targets: build + post in < 5 s, and slash commands still acknowledged fast while
it runs: a thread sends a request every 20 ms to a minimal ack endpoint served on the same event
loop as the build (as the bot's slash-command handler is), and the p99 of those round trips
must stay < 100 ms. Uses the real safe fetcher and ``bot.pipeline.summarize_url`` when they
import; otherwise says which stand-in it used. Prints a Markdown table and writes
``bench/results/digest.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import re
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the local feed server lives with the test fakes

from fakes.digest_slack import RecordingSlack  # noqa: E402
from fakes.feed_server import Entry, FeedServer, LocalFetcher, article_html, rss  # noqa: E402

from bot.digest.feeds import FeedItem  # noqa: E402
from bot.digest.parsing import FeedLimits, FeedParserPool  # noqa: E402
from bot.digest.runner import Summariser, pipeline_summariser, run_digest  # noqa: E402
from bot.digest.settings import DigestSettings  # noqa: E402
from bot.digest.store import DigestStore  # noqa: E402
from bot.digest.stories import choose_stories  # noqa: E402
from bot.models import Article, Summary  # noqa: E402
from bot.store.db import init_db, make_engine  # noqa: E402
from bot.workers import one_at_a_time  # noqa: E402  (lxml never on two threads at once)

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def words(text: str) -> list[str]:
    return text.split()


SUBJECTS = words("chipmaker browser startup regulator carrier telescope robot database kernel")
VERBS = words("unveils delays acquires fines launches patches open-sources benchmarks retires")
OBJECTS = words("processor engine platform satellite model compiler network battery headset")


def sentence(rng: random.Random) -> str:
    head = [rng.choice(SUBJECTS), rng.choice(VERBS), "the", rng.choice(OBJECTS)]
    tail = rng.sample(words("after months of testing in several markets with partners"), 5)
    return " ".join(["The", *head, *tail]).capitalize() + "."


def build_site(server: FeedServer, feeds: int, items: int, seed: int = 7) -> list[str]:
    """``feeds`` RSS feeds of ``items`` entries; about a fifth of stories appear in two feeds."""
    rng = random.Random(seed)
    stories = []
    for n in range(feeds * items):
        title = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {n} story"
        slug = f"s{n}"
        paragraphs = [" ".join(sentence(rng) for _ in range(4)) for _ in range(8)]
        server.routes[f"/articles/{slug}"] = article_html(title.capitalize(), paragraphs)
        stories.append(
            Entry(
                title.capitalize(),
                server.url(f"/articles/{slug}"),
                slug,
                NOW - timedelta(minutes=rng.randint(5, 36 * 60)),
                description=f"<p>{paragraphs[0]}</p><p>Points: {rng.randint(1, 900)}</p>",
            )
        )
    server.routes["/articles/warm-up"] = article_html(
        "Warm-up page", [" ".join(sentence(rng) for _ in range(4)) for _ in range(8)]
    )
    urls = []
    for f in range(feeds):
        mine = stories[f * items : (f + 1) * items]
        shared = stories[((f + 1) % feeds) * items : ((f + 1) % feeds) * items + items // 5]
        entries = mine[: items - len(shared)] + shared
        server.routes[f"/feed{f}.xml"] = rss(f"Source {f}", entries)
        urls.append(server.url(f"/feed{f}.xml"))
    return urls


def fallback_summariser(fetcher: Any, bullets: int) -> tuple[Summariser, str]:
    """While the pipeline can't import: extract + summarise directly (no quality gate), or,
    failing that too, the first three <p> texts of the article."""
    try:
        from bot.extract import extract
        from bot.summarize import summarize
    except ImportError:
        extract = summarize = None

    async def summarise(url: str) -> Summary:
        page = await fetcher.fetch(url, kind="page")
        if extract is not None and summarize is not None:
            article = await asyncio.to_thread(one_at_a_time, extract, page.text, page.final_url)
            return await asyncio.to_thread(one_at_a_time, summarize, article, bullets)
        found = tuple(re.findall(r"<p>(.*?)</p>", page.text))
        return Summary(Article(found), found[:3])

    name = "bot.extract + bot.summarize" if extract is not None else "first-<p> stand-in"
    return summarise, name


class AckProbe:
    """Round trips of a tiny POST to an endpoint on this event loop, from another thread."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        async def ack(request: web.Request) -> web.Response:
            await request.read()
            return web.Response(text="")  # Slack's slash-command ack: an empty 200

        app = web.Application()
        app.router.add_post("/slack/commands", ack)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/slack/commands"
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            start = time.perf_counter()
            request = urllib.request.Request(self.url, data=b"command=/keypoints", method="POST")
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
            self.samples.append(time.perf_counter() - start)
            self._stop.wait(0.02)

    async def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join)
        if self._runner is not None:
            await self._runner.cleanup()

    def p99_ms(self) -> float:
        ordered = sorted(self.samples)
        return 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0


def grouping_seconds(items: int, seed: int = 7) -> float:
    """``choose_stories`` alone over ``items`` feed items (the part that used to be quadratic)."""
    rng = random.Random(seed)
    feed_items = [
        FeedItem(
            key=f"k{n}",
            title=f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} the {rng.choice(OBJECTS)} "
            f"{rng.choice(SUBJECTS)} {rng.choice(OBJECTS)} {n % 97}",
            url=f"https://site{n % 10}.example/a/{n}",
            source=f"Source {n % 10}",
            published=NOW - timedelta(minutes=rng.randint(5, 36 * 60)),
        )
        for n in range(items)
    ]
    start = time.perf_counter()
    choose_stories(
        feed_items, seen=set(), now=NOW, top_n=5, max_age=timedelta(hours=48), threshold=0.75
    )
    return time.perf_counter() - start


async def one_run(feed_urls: list[str], top_n: int, items: int) -> dict[str, Any]:
    settings = DigestSettings(default_feeds=tuple(feed_urls), top_n=top_n, feed_max_items=items)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite+aiosqlite:///{tmp}/bench.db")
        await init_db(engine)
        store = DigestStore(engine)
        slack = RecordingSlack()
        try:
            from bot.fetch import Fetcher, FetchSettings

            fetcher: Any = Fetcher(FetchSettings(allow_hosts=("127.0.0.1",)))
            fetcher_name = "bot.fetch.Fetcher"
        except ImportError:
            fetcher, fetcher_name = LocalFetcher(), "tests.fakes LocalFetcher"
        async with fetcher:
            try:
                summarise = pipeline_summariser(fetcher, settings.bullets)
                summariser_name = "bot.pipeline.summarize_url"
            except ImportError as exc:
                summarise, summariser_name = fallback_summariser(fetcher, settings.bullets)
                summariser_name += f" (bot.pipeline unavailable: {exc.name})"
            # A running bot has its parser worker started and the pipeline imported: warm both.
            parser = FeedParserPool(FeedLimits(max_items=items))
            await parser(rss("warm-up", []), "http://127.0.0.1/warm-up")
            await summarise(feed_urls[0].rsplit("/", 1)[0] + "/articles/warm-up")
            probe = AckProbe()
            await probe.start()
            try:
                start = time.perf_counter()
                result = await run_digest(
                    "CBENCH",
                    client=slack,
                    store=store,
                    fetcher=fetcher,
                    summarise=summarise,
                    settings=settings,
                    now=NOW,
                    parse=parser,
                )
                elapsed = time.perf_counter() - start
            finally:
                await probe.stop()
                parser.close()
        await engine.dispose()
    digest = result.digest
    assert digest is not None
    return {
        "top_n": top_n,
        "seconds": round(elapsed, 3),
        "ack_p99_ms": round(probe.p99_ms(), 1),
        "ack_max_ms": round(1000 * max(probe.samples, default=0.0), 1),
        "ack_samples": len(probe.samples),
        "stories_posted": len(digest.stories),
        "stories_with_key_points": sum(1 for s in digest.stories if s.bullets),
        "new_stories_found": digest.new_stories,
        "multi_source_stories": sum(1 for s in digest.stories if s.also_in),
        "slack_calls": len(slack.posts),
        "problems": len(digest.problems),
        "fetcher": fetcher_name,
        "summariser": summariser_name,
    }


async def main_async(feeds: int, items: int, tops: list[int]) -> list[dict[str, Any]]:
    async with FeedServer() as server:
        urls = build_site(server, feeds, items)
        return [await one_run(urls, top, items) for top in tops]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=10)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--top", type=int, nargs="+", default=[5, 48])
    args = parser.parse_args()
    rows = asyncio.run(main_async(args.feeds, args.items, args.top))
    grouping = {n: round(grouping_seconds(n), 3) for n in (1_000, 5_000, 20_000)}
    print(
        f"Digest over {args.feeds} feeds × {args.items} items "
        "(targets: < 5 s; slash-command ack p99 < 100 ms during the build)\n"
    )
    print("| top N | build + post (s) | ack p99 (ms) | ack max (ms) | stories | with key points "
          "| also-in | Slack calls |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['top_n']} | {r['seconds']:.2f} | {r['ack_p99_ms']:.1f} | "
            f"{r['ack_max_ms']:.1f} | {r['stories_posted']} | "
            f"{r['stories_with_key_points']} | {r['multi_source_stories']} | {r['slack_calls']} |"
        )
    print(f"\nfetcher: {rows[0]['fetcher']}; summariser: {rows[0]['summariser']}")
    print("grouping alone: " + ", ".join(f"{n:,} items {t:.2f} s" for n, t in grouping.items()))
    out = ROOT / "bench" / "results" / "digest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "feeds": args.feeds,
                "items_per_feed": args.items,
                "target_seconds": 5,
                "target_ack_p99_ms": 100,
                "grouping_seconds": grouping,
                "python": platform.python_version(),
                "machine": platform.machine(),
                "runs": rows,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
