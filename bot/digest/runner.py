"""Build one channel's digest and post it (the edge that ties sources, stories and Slack)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.digest.feeds import FeedItem
from bot.digest.furniture import is_feed_furniture
from bot.digest.model import Digest, DigestStory
from bot.digest.parsing import FeedParse, parse_inline
from bot.digest.render import render_message
from bot.digest.settings import DigestSettings
from bot.digest.sources import FeedFetcher, fetch_feeds, shared_link_items
from bot.digest.store import DigestStore
from bot.digest.stories import StoryGroup, choose_stories, url_key
from bot.errors import KeypointsError
from bot.models import Summary

log = logging.getLogger(__name__)

Summariser = Callable[[str], Awaitable[Summary]]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“])")


def pipeline_summariser(fetcher: Any, bullets: int, executor: Executor | None = None) -> Summariser:
    """The production summariser: ``bot.pipeline.summarize_url`` through the safe fetcher
    (and the bot's worker processes, when it has them)."""
    from bot.pipeline import summarize_url

    async def summarise(url: str) -> Summary:
        return await summarize_url(url, fetcher, bullets=bullets, executor=executor)

    return summarise


async def build_digest(
    channel_id: str,
    *,
    fetcher: FeedFetcher,
    summarise: Summariser,
    settings: DigestSettings,
    store: DigestStore | None = None,
    feed_urls: Sequence[str] | None = None,
    now: datetime,
    tz: str | None = None,
    parse: FeedParse = parse_inline,
) -> Digest:
    """The digest the channel would get now. Reads the store (if any) but never writes it.

    Feeds: ``feed_urls`` if given, else the channel's own feeds, else the default list. Without
    a store nothing counts as seen and no conditional GET is made (the CLI's ``--dry-run``).
    ``parse`` reads each feed body (the bot passes its ``FeedParserPool``).
    """
    if feed_urls is None:
        feed_urls = (await store.list_feeds(channel_id) if store else []) or settings.default_feeds
    states = await store.feed_states(channel_id) if store else {}
    fetched = await fetch_feeds(fetcher, feed_urls, states, settings.concurrency, parse)
    shared = await store.shared_links(channel_id, now - settings.max_item_age) if store else []
    items = [*fetched.items, *shared_link_items(shared)]
    seen = await store.seen_keys(channel_id, _identities(items)) if store else set()
    _, ranked = choose_stories(
        items,
        seen=seen,
        now=now,
        top_n=settings.top_n,
        max_age=settings.max_item_age,
        threshold=settings.title_similarity,
    )
    limit = asyncio.Semaphore(max(1, settings.concurrency))
    problems = list(fetched.problems)

    async def story(group: StoryGroup) -> DigestStory | None:
        async with limit:
            return await _story(group, summarise, problems)

    # A shared link that cannot be read (blocked, paywalled, not an article) has nothing to
    # show, so it is dropped and the next-ranked story takes its place.
    stories: list[DigestStory] = []
    queue = list(ranked)
    while queue and len(stories) < settings.top_n:
        batch, queue = (
            queue[: settings.top_n - len(stories)],
            queue[settings.top_n - len(stories) :],
        )
        stories += [s for s in await asyncio.gather(*(story(g) for g in batch)) if s is not None]
    return Digest(
        channel_id=channel_id,
        generated_at=now,
        stories=tuple(stories),
        new_stories=len(ranked),
        heading=_heading(now, tz),
        problems=tuple(problems),
        feeds=len(dict.fromkeys(feed_urls)),  # fetch_feeds reads each URL once
        feed_problems=tuple(fetched.problems),
        seen_keys=frozenset(k for group in ranked for k in group.keys),
        feed_states=tuple(fetched.states),
    )


async def post_digest(
    client: Any,
    channel: str,
    digest: Digest,
    on_posted: Callable[[str], Awaitable[None]] | None = None,
) -> str:
    """Post the digest message, then each story's key points in its thread; returns its ``ts``.

    ``client`` is a ``slack_sdk.web.async_client.AsyncWebClient`` (or a fake with the same
    ``chat_postMessage``). ``on_posted(ts)`` runs right after the main message, before the
    replies, so the run is recorded as posted even if a reply fails or the process dies.
    """
    message = render_message(digest)  # the same payloads `keypoints digest --dry-run --json` prints
    response = await client.chat_postMessage(
        channel=channel,
        text=message["text"],
        blocks=message["blocks"],
        unfurl_links=False,
        unfurl_media=False,
    )
    ts = str(response["ts"])
    if on_posted:
        await on_posted(ts)
    for number, reply in enumerate(message["thread"], 1):
        try:
            await client.chat_postMessage(
                channel=channel,
                thread_ts=ts,
                text=reply["text"],
                unfurl_links=False,
                unfurl_media=False,
            )
        except Exception:  # a failed reply must not lose the rest of the thread
            log.exception("digest thread reply %d failed in %s", number, channel)
    return ts


@dataclass(frozen=True, slots=True)
class RunResult:
    digest: Digest
    ts: str | None  # the posted message, None when quiet

    @property
    def posted(self) -> bool:
        return self.ts is not None


async def run_digest(
    channel_id: str,
    *,
    client: Any,
    store: DigestStore,
    fetcher: FeedFetcher,
    summarise: Summariser,
    settings: DigestSettings,
    now: datetime,
    tz: str | None = None,
    feed_urls: Sequence[str] | None = None,
    on_posted: Callable[[str], Awaitable[None]] | None = None,
    parse: FeedParse = parse_inline,
) -> RunResult:
    """Build, apply the quiet rule, post, and remember what was posted (``digest now``)."""
    digest = await build_digest(
        channel_id,
        fetcher=fetcher,
        summarise=summarise,
        settings=settings,
        store=store,
        feed_urls=feed_urls,
        now=now,
        tz=tz,
        parse=parse,
    )
    if digest.is_quiet(settings.min_stories):
        return RunResult(digest, None)

    async def remember(ts: str) -> None:
        await store.remember_digest(channel_id, digest.seen_keys, digest.feed_states, now)
        if on_posted:
            await on_posted(ts)

    ts = await post_digest(client, channel_id, digest, on_posted=remember)
    return RunResult(digest, ts)


async def _story(
    group: StoryGroup, summarise: Summariser, problems: list[str]
) -> DigestStory | None:
    """The story with its key points; ``None`` for a shared link that could not be read."""
    lead = group.lead
    bullets: tuple[str, ...] = ()
    title = lead.title
    try:
        summary = await summarise(lead.url)
        bullets = summary.bullets
        if lead.shared and summary.article.title:
            title = summary.article.title
    except KeypointsError as exc:
        problems.append(f"{lead.url}: {exc.message}")
    except Exception:  # one unreadable article must never stop the digest
        log.exception("digest article failed: %s", lead.url)
        problems.append(f"{lead.url}: unexpected error")
    if not bullets and lead.shared:
        return None
    return DigestStory(
        title=title,
        url=lead.url,
        site=lead.source,
        best_line=bullets[0] if bullets else first_sentence(lead.summary),
        bullets=bullets,
        also_in=group.sources[1:],
        published=lead.published,
        score=group.score,
    )


def first_sentence(text: str) -> str:
    """The first sentence of a feed description (its whole text if it has no clear end).

    ``""`` when the description is feed furniture ("Article URL: … Points: 35"): never a key point.
    """
    if not text.strip() or is_feed_furniture(text):
        return ""
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


def _identities(items: Sequence[FeedItem]) -> list[str]:
    return [k for item in items for k in (item.key, url_key(item.url))]


def _heading(now: datetime, tz: str | None) -> str:
    local = now.astimezone(ZoneInfo(tz)) if tz else now
    return f"Tech digest · {local:%A} {local.day} {local:%B}"
