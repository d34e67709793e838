"""Fair and complete digests: per-source cap, only posted stories seen, "since the last
digest", aggregator copies, relative links, 404 shared links, failing feeds told once, and
grouping that is exact and runs off the event loop."""

from __future__ import annotations

import dataclasses
import html
import random
import re
import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fakes.digest_fixtures import digest_store, feed_server, local_fetcher  # noqa: F401
from fakes.digest_slack import RecordingSlack
from fakes.feed_server import Entry, FeedServer, LocalFetcher, article_html, rss

import bot.digest.runner as runner_module
from bot.digest.feeds import BrokenFeed, FeedItem, parse_feed
from bot.digest.render import render_json
from bot.digest.runner import build_digest, run_digest
from bot.digest.settings import DigestSettings
from bot.digest.sources import check_feed
from bot.digest.store import DigestStore
from bot.digest.stories import group_stories, title_similarity, url_key
from bot.models import Article, Summary

NOW = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)  # a Monday
SETTINGS = DigestSettings(default_feeds=(), concurrency=2)


class Summariser:
    """Fetches the article locally and keeps its <p> texts (the pipeline's stand-in)."""

    def __init__(self, fetcher: LocalFetcher) -> None:
        self.fetcher = fetcher

    async def __call__(self, url: str) -> Summary:
        page = await self.fetcher.fetch(url, kind="page")
        found = re.findall(r"<p>(.*?)</p>", page.text)
        title = re.search(r"<title>(.*?)</title>", page.text)
        return Summary(Article(tuple(found), title=title.group(1) if title else None), tuple(found))


def article(server: FeedServer, slug: str, title: str) -> str:
    server.routes[f"/articles/{slug}"] = article_html(title, [f"{title} happened.", "More."])
    return server.url(f"/articles/{slug}")


def entry(server: FeedServer, slug: str, title: str, hours: float, points: int = 0) -> Entry:
    return Entry(
        title,
        article(server, slug, title),
        slug,
        NOW - timedelta(hours=hours),
        description=f"<p>{title}.</p><p>Points: {points}</p>",
    )


async def build(
    server: FeedServer,
    fetcher: LocalFetcher,
    store: DigestStore | None,
    feeds: list[str],
    **kw: Any,
) -> Any:
    return await build_digest(
        "C1",
        fetcher=fetcher,
        summarise=Summariser(fetcher),
        settings=dataclasses.replace(SETTINGS, **kw),
        store=store,
        feed_urls=[server.url(f) for f in feeds],
        now=NOW,
    )


# -- 5: one busy source cannot fill the digest -------------------------------------------------
async def test_one_busy_feed_gets_at_most_its_cap(
    server: FeedServer, fetcher: LocalFetcher
) -> None:
    """A feed whose five stories outrank everyone gets two places; the others fill the rest."""
    busy = [entry(server, f"w{n}", f"Wire release {w} about widgets", 1, 900) for n, w in
            enumerate(("alpha", "bravo", "charlie", "delta", "echo"))]  # fmt: skip
    calm = [entry(server, f"c{n}", f"Calm report {w} on gadgets", 5) for n, w in
            enumerate(("foxtrot", "golf"))]  # fmt: skip
    server.routes["/busy.xml"] = rss("PR Wire", busy)
    server.routes["/calm.xml"] = rss("Calm News", calm)
    server.routes["/other.xml"] = rss("Other", [entry(server, "o", "Other view on hotels", 6)])
    feeds = ["/busy.xml", "/calm.xml", "/other.xml"]
    digest = await build(server, fetcher, None, feeds, per_source=2)
    sites = sorted(s.site for s in digest.stories)
    assert sites == ["Calm News", "Calm News", "Other", "PR Wire", "PR Wire"]
    alone = await build(server, fetcher, None, ["/busy.xml"], per_source=2)
    assert len(alone.stories) == 5  # a channel with one feed still gets its top five


# -- 6: only what was posted is seen ---------------------------------------------------------
async def test_only_posted_stories_are_marked_seen(
    server: FeedServer, fetcher: LocalFetcher, store: DigestStore
) -> None:
    """After posting the top 2 of 6 stories, the other 4 are not seen and come next time."""
    words = ("amber", "basalt", "cobalt", "dune", "ember", "flint")
    entries = [entry(server, w, f"Story {w} about geology", n) for n, w in enumerate(words)]
    server.routes["/feed.xml"] = rss("Rocks", entries)
    settings = dataclasses.replace(SETTINGS, top_n=2, per_source=0)
    kw: dict[str, Any] = {"fetcher": fetcher, "summarise": Summariser(fetcher), "store": store}
    feeds = [server.url("/feed.xml")]
    first = await run_digest("C1", client=RecordingSlack(), settings=settings, now=NOW,
                             feed_urls=feeds, **kw)  # fmt: skip
    assert first.digest is not None and len(first.digest.stories) == 2
    unposted = [e.link for e in entries if e.link not in {s.url for s in first.digest.stories}]
    assert await store.seen_keys("C1", [url_key(u) for u in unposted]) == set()
    second = await run_digest("C1", client=RecordingSlack(), settings=settings,
                              now=NOW + timedelta(days=1), feed_urls=feeds, **kw)  # fmt: skip
    assert second.digest is not None
    assert {s.url for s in second.digest.stories} <= set(unposted)


# -- 7: weekday schedules look back to the last digest ---------------------------------------
async def test_monday_digest_looks_back_to_fridays(
    server: FeedServer, fetcher: LocalFetcher, store: DigestStore
) -> None:
    """Monday's digest includes Friday afternoon's items and shared links (> 48 h old)."""
    friday = NOW - timedelta(days=3)  # Friday 07:30 UTC: the last digest
    assert await store.claim_run("C1", friday.date(), "r1", friday, SETTINGS.claim_lease, 3)
    await store.mark_header("C1", friday.date(), "r1", "1.0", friday)
    await store.finish_run("C1", friday.date(), "r1", "posted", friday, "1.0")
    server.routes["/feed.xml"] = rss(
        "Week", [entry(server, "fri", "Friday afternoon launch story", 64)]
    )
    shared = article(server, "shared", "Shared on Friday evening story")
    await store.record_shared_links("T1", "C1", "U1", "2.0", [shared], NOW - timedelta(hours=62))
    digest = await build(server, fetcher, store, ["/feed.xml"])
    assert {s.title for s in digest.stories} == {
        "Friday afternoon launch story",
        "Shared on Friday evening story",
    }


# -- 8: an aggregator's copy is the publisher's story ----------------------------------------
def aggregator_feed(server: FeedServer, publisher_link: str, with_source: bool) -> bytes:
    """A Techmeme-like feed on another host name: items link to its own pages, the
    description links to the publisher."""
    agg = server.base.replace("127.0.0.1", "localhost")
    source = '<source url="https://register.test/feed">The Register</source>' if with_source else ""
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Aggregator</title>'
        f"<link>{agg}/</link><description>x</description><item>"
        "<title>EU regulator hits chip firm with record penalty</title>"
        f"<link>{agg}/story/1</link><guid>agg-1</guid>"
        f"<pubDate>Mon, 30 Nov 2026 06:00:00 GMT</pubDate>{source}"
        f"<description>&lt;a href=&quot;{html.escape(html.escape(publisher_link))}&quot;&gt;"
        "Read&lt;/a&gt; and 300 comments"
        "</description></item></channel></rss>"
    ).encode()


async def test_aggregator_copy_merges_with_the_publishers_story(
    server: FeedServer, fetcher: LocalFetcher
) -> None:
    """Different URL and title: merged by the publisher link; the publisher is shown."""
    pub = entry(server, "fine", "Chipmaker fined over faulty processors", 2)
    server.routes["/pub.xml"] = rss("The Register", [pub])
    server.routes["/agg.xml"] = aggregator_feed(server, pub.link + "?utm_source=agg", False)
    agg_feed = server.url("/agg.xml").replace("127.0.0.1", "localhost")
    digest = await build_digest(
        "C1",
        fetcher=fetcher,
        summarise=Summariser(fetcher),
        settings=SETTINGS,
        feed_urls=[agg_feed, server.url("/pub.xml")],
        now=NOW,
    )
    (story,) = digest.stories
    assert story.site == "The Register" and story.also_in == ("Aggregator",)
    assert story.url == pub.link and story.title == "Chipmaker fined over faulty processors"


async def test_aggregator_only_story_shows_publisher_and_clean_link(
    server: FeedServer, fetcher: LocalFetcher
) -> None:
    """Only the aggregator carries it: the publisher's name and link, without utm_."""
    link = article(server, "solo", "Chip firm penalty") + "?utm_source=agg&utm_medium=rss&id=7"
    server.routes["/agg.xml"] = aggregator_feed(server, link, True)
    agg_feed = server.url("/agg.xml").replace("127.0.0.1", "localhost")
    digest = await build_digest(
        "C1", fetcher=fetcher, summarise=Summariser(fetcher), settings=SETTINGS,
        feed_urls=[agg_feed], now=NOW,
    )  # fmt: skip
    (story,) = digest.stories
    assert story.site == "The Register"
    assert story.url == server.url("/articles/solo?id=7")


# -- 9: relative RSS links and 404 shared links ----------------------------------------------
def test_rss_item_with_a_relative_link_is_resolved_against_the_feed() -> None:
    """``<link>/articles/7</link>`` in RSS becomes an absolute URL on the feed's host."""
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Rel</title>'
        b"<item><title>Relative link story</title><link>/articles/7</link></item>"
        b"</channel></rss>"
    )
    (item,) = parse_feed(body, "https://news.example/feeds/all.xml")
    assert item.url == "https://news.example/articles/7"


async def test_shared_link_to_a_404_page_does_not_lift_its_story(
    server: FeedServer, fetcher: LocalFetcher, store: DigestStore
) -> None:
    """A shared link that 404s lends its story no extra source: the ranking is unchanged."""
    top = entry(server, "top", "Top story of the morning", 1, 300)
    gone = Entry(
        "Quiet story nobody reads", server.url("/articles/gone"), "gone", NOW - timedelta(hours=3)
    )
    server.routes["/feed.xml"] = rss("Feed", [top, gone])
    await store.record_shared_links("T1", "C1", "U1", "3.0", [gone.link], NOW - timedelta(hours=1))
    digest = await build(server, fetcher, store, ["/feed.xml"])
    assert [s.title for s in digest.stories] == [top.title, gone.title]
    assert digest.stories[1].also_in == ()


# -- 10: broken feeds are visible, refused on add, told once ---------------------------------
async def test_broken_feed_is_in_the_json_and_refused_on_add(
    server: FeedServer, fetcher: LocalFetcher
) -> None:
    """``--dry-run --json`` lists the feed that failed; ``feed add`` refuses malformed XML."""
    server.routes["/ok.xml"] = rss("Ok", [entry(server, "ok", "A working story here", 1)])
    server.routes["/bad.xml"] = rss("Bad", [entry(server, "b", "Cut short story here", 1)])[:-40]
    digest = await build(server, fetcher, None, ["/ok.xml", "/missing.xml"])
    (problem,) = render_json(digest)["feed_problems"]
    assert problem["feed"] == server.url("/missing.xml") and "not found" in problem["reason"]
    with pytest.raises(BrokenFeed):
        await check_feed(fetcher, server.url("/bad.xml"))
    assert await check_feed(fetcher, server.url("/ok.xml")) == "Ok"


async def test_a_feed_that_keeps_failing_is_told_once(
    server: FeedServer, fetcher: LocalFetcher, store: DigestStore
) -> None:
    """Failing two digests in a row puts one notice in the posted digest; later ones don't."""
    notes = []
    for day in range(4):
        now = NOW + timedelta(days=day)
        fresh = entry(server, f"d{day}", f"Fresh story number {day} today", 1)
        server.routes["/ok.xml"] = rss("Ok", [dataclasses.replace(fresh, published=now)])
        slack = RecordingSlack()
        await run_digest(
            "C1", client=slack, store=store, fetcher=fetcher, summarise=Summariser(fetcher),
            settings=SETTINGS, now=now, feed_urls=[server.url("/ok.xml"), server.url("/down.xml")],
        )  # fmt: skip
        (header,) = slack.top_level
        notes.append("down.xml could not be read" in str(header["blocks"]))
    assert notes == [False, True, False, False]


# -- 4: grouping is exact, near-linear, and off the event loop -------------------------------
def test_indexed_grouping_equals_comparing_every_pair() -> None:
    """On random headlines from a small vocabulary, the index finds every similar pair."""
    rng = random.Random(3)
    vocab = "chip firm fined record penalty cloud outage rail strike model open weights"
    words = vocab.split()
    items = [
        FeedItem(
            f"k{n}", " ".join(rng.sample(words, rng.randint(3, 6))), f"https://x.test/{n}", "S"
        )
        for n in range(300)
    ]
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if title_similarity(items[i].title, items[j].title) >= 0.75:
                parent[root(j)] = root(i)
    expected = {frozenset(k for k in range(len(items)) if root(k) == r) for r in range(len(items))}
    index = {item.key: n for n, item in enumerate(items)}
    got = {frozenset(index[i.key] for i in g) for g in group_stories(items, 0.75)}
    assert got == {g for g in expected if g}


async def test_grouping_runs_off_the_event_loop(
    server: FeedServer, fetcher: LocalFetcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Story grouping is not run on the event loop's thread."""
    threads: list[threading.Thread] = []
    real = runner_module.choose_stories

    def spy(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(runner_module, "choose_stories", spy)
    server.routes["/feed.xml"] = rss("F", [entry(server, "x", "Any story at all", 1)])
    await build(server, fetcher, None, ["/feed.xml"])
    assert threads and threads[0] is not threading.main_thread()


def test_week_dates_are_what_the_tests_assume() -> None:
    """NOW is a Monday, so three days back is the Friday before."""
    assert NOW.date() == date(2026, 11, 30) and NOW.weekday() == 0


# -- Beyond: keyword filters per channel -----------------------------------------------------
async def test_keyword_filters_include_and_exclude(
    server: FeedServer, fetcher: LocalFetcher, store: DigestStore
) -> None:
    """Include keeps only stories naming a word; exclude drops them; shared links stay."""
    entries = [
        entry(server, "r", "Rust compiler gets faster builds", 1),
        entry(server, "c", "Rust crypto exchange collapses overnight", 2),
        entry(server, "p", "Python release brings free threading", 3),
    ]
    server.routes["/feed.xml"] = rss("Dev", entries)
    shared = article(server, "s", "Gardening tips for the winter months")
    await store.record_shared_links("T1", "C1", "U1", "4.0", [shared], NOW - timedelta(hours=1))
    await store.add_filter("C1", "include", "rust")
    await store.add_filter("C1", "include", "python")
    await store.add_filter("C1", "exclude", "crypto")
    digest = await build(server, fetcher, store, ["/feed.xml"], per_source=0)
    assert {s.title for s in digest.stories} == {
        "Rust compiler gets faster builds",
        "Python release brings free threading",
        "Gardening tips for the winter months",
    }
    assert await store.clear_filters("C1") == 3
    everything = await build(server, fetcher, store, ["/feed.xml"], per_source=0)
    assert len(everything.stories) == 4


# -- Beyond: a weekly roll-up looks back to last week's digest -------------------------------
async def test_weekly_digest_looks_back_a_week_and_no_further(
    server: FeedServer, fetcher: LocalFetcher, store: DigestStore
) -> None:
    """A week after the last digest, items from six days ago are in; eight days ago are not."""
    last = NOW - timedelta(days=7)
    assert await store.claim_run("C1", last.date(), "r1", last, SETTINGS.claim_lease, 3)
    await store.mark_header("C1", last.date(), "r1", "1.0", last)
    await store.finish_run("C1", last.date(), "r1", "posted", last, "1.0")
    server.routes["/feed.xml"] = rss(
        "Week",
        [
            entry(server, "tue", "Tuesday product launch story", 6 * 24),
            entry(server, "old", "Story from before the last digest", 8 * 24),
        ],
    )
    digest = await build(server, fetcher, store, ["/feed.xml"])
    assert [s.title for s in digest.stories] == ["Tuesday product launch story"]
