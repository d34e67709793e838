"""Digest benchmark: 10 local feeds × 30 items (articles served locally too), build and post.

    .venv/bin/python bench/bench_digest.py [--feeds 10] [--items 30] [--top 5 48]

Measures, per top-N setting: fetching and parsing every feed, grouping/ranking all items,
summarising the chosen stories' articles and posting to a recording fake Slack (one message
plus one thread reply per story), with a fresh SQLite store. Uses the real safe fetcher and
``bot.pipeline.summarize_url`` when they import; otherwise says which stand-in it used.
Prints a Markdown table and writes ``bench/results/digest.json``.
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
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the local feed server lives with the test fakes

from fakes.digest_slack import RecordingSlack  # noqa: E402
from fakes.feed_server import Entry, FeedServer, LocalFetcher, article_html, rss  # noqa: E402

from bot.digest.runner import Summariser, pipeline_summariser, run_digest  # noqa: E402
from bot.digest.settings import DigestSettings  # noqa: E402
from bot.digest.store import DigestStore  # noqa: E402
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


async def one_run(feed_urls: list[str], top_n: int) -> dict[str, Any]:
    settings = DigestSettings(default_feeds=tuple(feed_urls), top_n=top_n)
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
            start = time.perf_counter()
            result = await run_digest(
                "CBENCH",
                client=slack,
                store=store,
                fetcher=fetcher,
                summarise=summarise,
                settings=settings,
                now=NOW,
            )
            elapsed = time.perf_counter() - start
        await engine.dispose()
    digest = result.digest
    return {
        "top_n": top_n,
        "seconds": round(elapsed, 3),
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
        return [await one_run(urls, top) for top in tops]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=10)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--top", type=int, nargs="+", default=[5, 48])
    args = parser.parse_args()
    rows = asyncio.run(main_async(args.feeds, args.items, args.top))
    print(f"Digest over {args.feeds} feeds × {args.items} items (target: < 15 s)\n")
    print("| top N | build + post (s) | stories | with key points | also-in | Slack calls |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['top_n']} | {r['seconds']:.2f} | {r['stories_posted']} | "
            f"{r['stories_with_key_points']} | {r['multi_source_stories']} | {r['slack_calls']} |"
        )
    print(f"\nfetcher: {rows[0]['fetcher']}; summariser: {rows[0]['summariser']}")
    out = ROOT / "bench" / "results" / "digest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "feeds": args.feeds,
                "items_per_feed": args.items,
                "target_seconds": 15,
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
