"""Building and posting digests against a local feed server, a SQLite store and a fake Slack."""

from __future__ import annotations

import dataclasses
import itertools
import re
from datetime import UTC, datetime, timedelta

import pytest
from fakes.digest_fixtures import digest_store, feed_server, local_fetcher  # noqa: F401
from fakes.digest_slack import RecordingSlack
from fakes.feed_server import Entry, FeedServer, LocalFetcher, article_html, atom, rss

from bot.digest.runner import build_digest, post_digest, run_digest
from bot.digest.settings import DigestSettings
from bot.digest.store import DigestStore
from bot.models import Article, Summary

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
SETTINGS = DigestSettings(default_feeds=(), concurrency=2)


def paragraphs(topic: str) -> list[str]:
    return [f"{topic} is the first point.", f"{topic} is the second point.", f"{topic} ends."]


class ParagraphSummariser:
    """Stands in for the pipeline: fetches the article locally and keeps its <p> texts."""

    def __init__(self, fetcher: LocalFetcher) -> None:
        self.fetcher = fetcher
        self.urls: list[str] = []

    async def __call__(self, url: str) -> Summary:
        self.urls.append(url)
        page = await self.fetcher.fetch(url, kind="page")
        found = re.findall(r"<p>(.*?)</p>", page.text)
        title = re.search(r"<title>(.*?)</title>", page.text)
        article = Article(tuple(found), title=title.group(1) if title else None)
        return Summary(article, tuple(found[:3]))


def serve_article(server: FeedServer, slug: str, title: str) -> str:
    server.routes[f"/articles/{slug}"] = article_html(title, paragraphs(title))
    return server.url(f"/articles/{slug}")


def at(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


async def test_digest_from_rss_atom_and_broken_feed_groups_shared_story(
    server: FeedServer, fetcher: LocalFetcher
) -> None:
    """RSS and Atom are merged, the broken feed is skipped, a story in both shows once."""
    chip = serve_article(server, "chip", "Chipmaker unveils record breaking processor")
    db = serve_article(server, "db", "Database vendor open sources storage engine")
    server.routes["/rss.xml"] = rss(
        "Ars", [Entry("Chipmaker unveils record breaking processor", chip, "r1", at(2))]
    )
    server.routes["/atom.xml"] = atom(
        "Verge",
        [
            Entry("Chipmaker unveils new processor", chip + "?utm_source=v", "a1", at(1)),
            Entry("Database vendor open sources storage engine", db, "a2", at(3)),
        ],
    )
    server.routes["/broken.xml"] = b"<html>this is not a feed</html>"
    feeds = [server.url("/rss.xml"), server.url("/atom.xml"), server.url("/broken.xml")]
    digest = await build_digest(
        "C1",
        fetcher=fetcher,
        summarise=ParagraphSummariser(fetcher),
        settings=SETTINGS,
        feed_urls=feeds,
        now=NOW,
    )
    assert [s.title.split()[0] for s in digest.stories] == ["Chipmaker", "Database"]
    first = digest.stories[0]
    assert set((first.site, *first.also_in)) == {"Ars", "Verge"}
    assert first.bullets == tuple(paragraphs("Chipmaker unveils record breaking processor"))
    assert first.best_line == first.bullets[0]
    assert len(digest.problems) == 1 and "broken.xml" in digest.problems[0]
    assert digest.new_stories == 2


async def test_unreadable_article_falls_back_to_feed_summary(
    server: FeedServer, fetcher: LocalFetcher
) -> None:
    """When the article 404s, the story still appears with the feed's first sentence."""
    server.routes["/rss.xml"] = rss(
        "Ars",
        [
            Entry(
                "Gone article still listed",
                server.url("/articles/missing"),
                "g",
                at(1),
                description="<p>Feed summary sentence one. Sentence two.</p>",
            )
        ],
    )
    digest = await build_digest(
        "C1",
        fetcher=fetcher,
        summarise=ParagraphSummariser(fetcher),
        settings=SETTINGS,
        feed_urls=[server.url("/rss.xml")],
        now=NOW,
    )
    [only] = digest.stories
    assert only.bullets == () and only.best_line == "Feed summary sentence one."
    assert any("missing" in p for p in digest.problems)


async def test_run_posts_once_and_updated_date_change_does_not_repost(
    server: FeedServer, fetcher: LocalFetcher, store: DigestStore
) -> None:
    """After a post, the same GUIDs with a new `updated` date count as seen: next run is quiet."""
    url = serve_article(server, "a", "Kernel maintainers merge scheduler rewrite")
    tick = itertools.count()

    def changing_feed() -> bytes:  # every request bumps the entry's updated date
        updated = NOW + timedelta(minutes=next(tick))
        entry = Entry("Kernel maintainers merge scheduler rewrite", url, "k1", at(2), updated)
        return rss("LWN", [entry])

    server.routes["/changing.xml"] = changing_feed
    await store.add_feed("C1", server.url("/changing.xml"), "U1", NOW)
    slack = RecordingSlack()
    summarise = ParagraphSummariser(fetcher)
    first = await run_digest(
        "C1",
        client=slack,
        store=store,
        fetcher=fetcher,
        summarise=summarise,
        settings=SETTINGS,
        now=NOW,
    )
    second = await run_digest(
        "C1",
        client=slack,
        store=store,
        fetcher=fetcher,
        summarise=summarise,
        settings=SETTINGS,
        now=NOW + timedelta(days=1),
    )
    assert first.posted and not second.posted
    assert second.digest.new_stories == 0
    assert len(slack.top_level) == 1 and len(slack.replies) == 1
    assert server.hits["/changing.xml"] == 2


async def test_feed_answering_304_is_asked_with_stored_etag(
    server: FeedServer, fetcher: LocalFetcher, store: DigestStore
) -> None:
    """The ETag saved after a post is sent next time; a 304 adds no stories."""
    url = serve_article(server, "e", "Browser engine ships faster layout code")
    server.routes["/etag.xml"] = rss("Web", [Entry("Browser engine ships faster layout", url)])
    server.etags["/etag.xml"] = '"v1"'
    feed = server.url("/etag.xml")
    await store.add_feed("C1", feed, "U1", NOW)
    slack = RecordingSlack()
    kw = {"client": slack, "store": store, "fetcher": fetcher, "settings": SETTINGS}
    first = await run_digest("C1", summarise=ParagraphSummariser(fetcher), now=NOW, **kw)  # type: ignore[arg-type]
    second = await run_digest("C1", summarise=ParagraphSummariser(fetcher), now=NOW, **kw)  # type: ignore[arg-type]
    assert first.posted and not second.posted
    feed_calls = [c for c in fetcher.calls if c[0] == "feed"]
    assert feed_calls == [("feed", feed, None), ("feed", feed, '"v1"')]
    assert (await store.feed_states("C1"))[feed].etag == '"v1"'


async def test_quiet_rule_posts_nothing_and_keeps_items_for_later(
    server: FeedServer, fetcher: LocalFetcher, store: DigestStore
) -> None:
    """Fewer than K new stories: no post, nothing marked seen, so a later run can post them."""
    entries = [
        Entry("Quantum startup raises funding round", serve_article(server, "q", "Q"), "q", at(1)),
        Entry("Satellite network expands coverage", serve_article(server, "s", "S"), "s", at(1)),
    ]
    server.routes["/two.xml"] = rss("Space", entries)
    await store.add_feed("C1", server.url("/two.xml"), "U1", NOW)
    slack = RecordingSlack()
    kw = {"client": slack, "store": store, "fetcher": fetcher}
    summarise = ParagraphSummariser(fetcher)
    strict = dataclasses.replace(SETTINGS, min_stories=3)
    quiet = await run_digest("C1", summarise=summarise, settings=strict, now=NOW, **kw)  # type: ignore[arg-type]
    assert not quiet.posted and slack.posts == []
    assert await store.seen_keys("C1", ["q", "s"]) == set()
    loud = await run_digest("C1", summarise=summarise, settings=SETTINGS, now=NOW, **kw)  # type: ignore[arg-type]
    assert loud.posted and len(loud.digest.stories) == 2


async def test_shared_links_become_stories_titled_from_the_article(
    server: FeedServer, fetcher: LocalFetcher, store: DigestStore
) -> None:
    """Links recorded from channel messages join the digest with the article's own title."""
    url = serve_article(server, "shared", "Shared article about compilers")
    await store.record_shared_links("T1", "C1", "U1", "111.222", [url], NOW - timedelta(hours=1))
    await store.record_shared_links("T1", "C1", "U1", "111.222", [url], NOW)  # event retry
    digest = await build_digest(
        "C1",
        fetcher=fetcher,
        summarise=ParagraphSummariser(fetcher),
        settings=SETTINGS,
        store=store,
        feed_urls=[],
        now=NOW,
    )
    [only] = digest.stories
    assert only.title == "Shared article about compilers"
    assert only.site == "shared in this channel"


async def test_post_digest_threads_key_points_without_unfurls() -> None:
    """One top-level message (no unfurls), then one thread reply per story; replies may fail."""
    from bot.digest.model import Digest, DigestStory

    stories = tuple(
        DigestStory(f"T{i}", f"https://x.test/{i}", "S", "b", ("b", "c")) for i in range(3)
    )
    digest = Digest("C1", NOW, stories, new_stories=3)
    slack = RecordingSlack()
    seen_ts: list[str] = []

    async def record(ts: str) -> None:
        seen_ts.append(ts)

    ts = await post_digest(slack, "C1", digest, on_posted=record)
    assert seen_ts == [ts]
    [main] = slack.top_level
    assert main["unfurl_links"] is False and main["unfurl_media"] is False
    assert [r["thread_ts"] for r in slack.replies] == [ts] * 3
    broken = RecordingSlack(fail_replies=True)
    assert await post_digest(broken, "C1", digest)  # replies fail, the post still returns
    assert len(broken.top_level) == 1


async def test_works_with_the_real_safe_fetcher_and_conditional_get(server: FeedServer) -> None:
    """bot.fetch.Fetcher (loopback explicitly allowed) serves feeds and honours stored ETags."""
    fetch = pytest.importorskip("bot.fetch", reason="the safe fetcher (bot/fetch) is not present")
    url = serve_article(server, "real", "Real fetcher reads this article")
    server.routes["/real.xml"] = rss("Real", [Entry("Real fetcher reads article", url, "r", at(1))])
    server.etags["/real.xml"] = '"r1"'
    feed = server.url("/real.xml")
    async with fetch.Fetcher(fetch.FetchSettings(allow_hosts=("127.0.0.1",))) as real:
        first = await build_digest(
            "C1",
            fetcher=real,
            summarise=ParagraphSummariser(real),  # type: ignore[arg-type]
            settings=SETTINGS,
            feed_urls=[feed],
            now=NOW,
        )
        assert [s.title for s in first.stories] == ["Real fetcher reads article"]
        assert first.stories[0].bullets[0] == "Real fetcher reads this article is the first point."
        assert first.feed_states[0].etag == '"r1"'
        from bot.digest.model import FeedState
        from bot.digest.sources import fetch_feeds

        again = await fetch_feeds(real, [feed], {feed: FeedState(feed, '"r1"')}, 2)
        assert again.items == [] and again.problems == [] and again.states == []


async def test_post_digest_through_real_slack_client_to_stand_in() -> None:
    """slack_sdk's AsyncWebClient accepts our blocks/kwargs; the stand-in records the thread."""
    fake_slack = pytest.importorskip("fakes.fake_slack", reason="Slack stand-in not present")
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.digest.model import Digest, DigestStory

    story = DigestStory("AT&T <fast>", "https://x.test/1", "S", "b", ("b", "c"), ("Verge",))
    digest = Digest("C1", NOW, (story,), new_stories=1)
    async with fake_slack.SlackStandIn() as standin:
        client = AsyncWebClient(token="xoxb-test", base_url=standin.api_url)
        ts = await post_digest(client, "C1", digest)
        posts = standin.calls_to("chat.postMessage")
    assert len(posts) == 2
    assert posts[1].args["thread_ts"] == ts
    assert "AT&amp;T &lt;fast&gt;" in str(posts[0].args["blocks"])


async def test_unreadable_shared_link_is_dropped_and_the_next_story_shown(
    server: FeedServer, fetcher: LocalFetcher, store: DigestStore
) -> None:
    """A shared link that cannot be read is left out; the next-ranked story takes its place."""
    good = [serve_article(server, slug, f"Readable story {slug}") for slug in ("a", "b")]
    missing = server.url("/articles/gone")  # 404: nothing to show, not even a feed summary
    for n, url in enumerate([missing, *good]):
        await store.record_shared_links("T1", "C1", "U1", f"1.{n}", [url], NOW - timedelta(hours=n))
    digest = await build_digest(
        "C1",
        fetcher=fetcher,
        summarise=ParagraphSummariser(fetcher),
        settings=dataclasses.replace(SETTINGS, top_n=2),
        store=store,
        feed_urls=[],
        now=NOW,
    )
    assert [s.url for s in digest.stories] == good
    assert any(missing in problem for problem in digest.problems)
