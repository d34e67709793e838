"""Build one channel's digest and post it (the edge that ties sources, stories and Slack)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.digest.feeds import FeedItem, site_of
from bot.digest.furniture import is_feed_furniture
from bot.digest.model import Digest, DigestStory, FeedState
from bot.digest.parsing import FeedParse, parse_inline
from bot.digest.render import MAX_BLOCKS, render_message
from bot.digest.settings import DigestSettings
from bot.digest.sources import FeedFetcher, fetch_feeds, shared_link_items
from bot.digest.store import DigestStore
from bot.digest.stories import (
    KeywordFilters,
    StoryGroup,
    canonical_link,
    choose_stories,
    item_keys,
)
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
    since = await _since(store, channel_id, now, settings)
    limit = asyncio.Semaphore(max(1, settings.concurrency))
    problems = list(fetched.problems)
    read: dict[str, Summary] = {}  # articles already summarised (shared links read ahead)
    shared = await store.shared_links(channel_id, since) if store else []
    shared_items = await _readable_shared(
        shared_link_items(shared[-settings.shared_read_ahead :]), summarise, limit, read, problems
    )
    filters = await store.filters(channel_id) if store else KeywordFilters()
    items = [item for item in (*fetched.items, *shared_items) if filters.keeps(item)]
    seen = await store.seen_keys(channel_id, _identities(items)) if store else set()
    # Grouping is pure Python over every item: in a thread, so slash commands are still
    # acknowledged while it runs (it is near-linear, but a 5,000-item day is still ~0.1 s).
    top, ranked = await asyncio.to_thread(
        choose_stories,
        items,
        seen=seen,
        now=now,
        top_n=len(items),
        max_age=now - since,
        threshold=settings.title_similarity,
        per_source=settings.per_source,
    )

    async def story(group: StoryGroup) -> DigestStory | None:
        async with limit:
            return await _story(group, summarise, problems, read)

    # A story whose shared link cannot be read has nothing to show, so it is dropped and the
    # next-ranked story takes its place.
    stories: list[DigestStory] = []
    queue = list(top)
    while queue and len(stories) < settings.top_n:
        batch, queue = (
            queue[: settings.top_n - len(stories)],
            queue[settings.top_n - len(stories) :],
        )
        stories += [s for s in await asyncio.gather(*(story(g) for g in batch)) if s is not None]
    notices, told = await _feed_notices(store, channel_id, fetched.failed, settings)
    posted = stories[: MAX_BLOCKS - 2]  # render.shown_stories: only these are posted
    return Digest(
        channel_id=channel_id,
        generated_at=now,
        stories=tuple(stories),
        new_stories=len(ranked),
        heading=_heading(now, tz),
        problems=tuple(problems),
        feeds=len(dict.fromkeys(feed_urls)),  # fetch_feeds reads each URL once
        feed_problems=tuple(fetched.problems),
        seen_keys=frozenset(k for s in posted for k in s.keys),
        feed_states=tuple(fetched.states),
        notices=notices,
        feeds_read=tuple(fetched.read),
        feeds_failed=tuple(fetched.failed.items()),
        told=told,
    )


async def _since(
    store: DigestStore | None, channel_id: str, now: datetime, settings: DigestSettings
) -> datetime:
    """Where "since the last digest" starts: the last posted digest (Monday's looks back to
    Friday's), at least ``max_item_age`` back and at most ``max_lookback``."""
    since = now - settings.max_item_age
    last = await store.last_posted_at(channel_id) if store else None
    if last is not None and last < since:
        since = max(last, now - settings.max_lookback)
    return since


async def _readable_shared(
    items: list[FeedItem],
    summarise: Summariser,
    limit: asyncio.Semaphore,
    read: dict[str, Summary],
    problems: list[str],
) -> list[FeedItem]:
    """Shared links whose page can be read, titled with the article's own title. Read before
    ranking: a link to a 404 page must not lend its story an extra source."""

    async def one(item: FeedItem) -> FeedItem | None:
        async with limit:
            try:
                summary = await summarise(item.url)
            except KeypointsError as exc:
                problems.append(f"{item.url}: {exc.message}")
                return None
            except Exception:
                log.exception("digest shared link failed")
                problems.append(f"{item.url}: unexpected error")
                return None
        if not summary.bullets:
            return None
        read[item.url] = summary
        return dataclasses.replace(item, title=summary.article.title or item.title)

    found = await asyncio.gather(*(one(item) for item in items))
    return [item for item in found if item is not None]


async def _feed_notices(
    store: DigestStore | None,
    channel_id: str,
    failed: dict[str, str],
    settings: DigestSettings,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(notices, feed URLs)`` for feeds failing ``feed_notice_after`` digests in a row that
    the channel was not yet told about (told once per failing streak, never every day)."""
    if not failed or store is None:
        return (), ()
    health = await store.feed_health(channel_id)
    notices: list[str] = []
    told: list[str] = []
    for url, reason in failed.items():
        known = health.get(url)
        streak = (known.failures if known else 0) + 1
        if streak >= settings.feed_notice_after and not (known and known.told):
            notices.append(
                f"The feed {url} could not be read in the last {streak} digests ({reason}). "
                f"`/keypoints feed remove {url}` drops it."
            )
            told.append(url)
    return tuple(notices), tuple(told)


DIGEST_EVENT_TYPE = "keypoints_digest"  # message metadata of a digest's header and replies


@dataclass(frozen=True, slots=True)
class PostPlan:
    """Everything a run posts and then remembers: saved with the claim before the header goes
    out, so a replica that takes over a half-posted run finishes *that* digest."""

    message: dict[str, Any]  # render_message: text, blocks, thread
    seen_keys: tuple[str, ...] = ()
    feed_states: tuple[FeedState, ...] = ()
    feeds_read: tuple[str, ...] = ()
    feeds_failed: tuple[tuple[str, str], ...] = ()
    told: tuple[str, ...] = ()

    @classmethod
    def of(cls, digest: Digest) -> PostPlan:
        return cls(
            message=render_message(digest),
            seen_keys=tuple(sorted(digest.seen_keys)),
            feed_states=digest.feed_states,
            feeds_read=digest.feeds_read,
            feeds_failed=digest.feeds_failed,
            told=digest.told,
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "message": self.message,
                "seen_keys": list(self.seen_keys),
                "feed_states": [[s.url, s.etag, s.last_modified] for s in self.feed_states],
                "feeds_read": list(self.feeds_read),
                "feeds_failed": [list(f) for f in self.feeds_failed],
                "told": list(self.told),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> PostPlan:
        data = json.loads(text)
        return cls(
            message=data["message"],
            seen_keys=tuple(data["seen_keys"]),
            feed_states=tuple(FeedState(*state) for state in data["feed_states"]),
            feeds_read=tuple(data["feeds_read"]),
            feeds_failed=tuple((url, reason) for url, reason in data["feeds_failed"]),
            told=tuple(data["told"]),
        )


@dataclass(frozen=True, slots=True)
class DigestRun:
    """The scheduler's claim on one run, as the job sees it."""

    marker: str  # "channel/local date": in the metadata of everything the run posts
    oldest: datetime  # no header of this run can be older than this
    payload: str | None  # the PostPlan a previous owner saved: this is a take-over
    header_ts: str | None  # the header that owner recorded as posted
    save: Callable[[str], Awaitable[None]]  # keep the PostPlan with the claim
    header_posted: Callable[[str], Awaitable[None]]  # the header is out: never post another


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
    return await post_plan(client, channel, PostPlan.of(digest).message, on_posted)


async def post_plan(
    client: Any,
    channel: str,
    message: dict[str, Any],
    on_posted: Callable[[str], Awaitable[None]] | None = None,
    *,
    marker: str | None = None,
    header_ts: str | None = None,
) -> str:
    """Post ``message`` (header, then thread replies). With ``header_ts`` the header is already
    out: only the replies the thread does not hold yet (by their metadata) are posted."""
    done: set[int] = set()
    if header_ts is None:
        response = await client.chat_postMessage(
            channel=channel,
            text=message["text"],
            blocks=message["blocks"],
            unfurl_links=False,
            unfurl_media=False,
            **_metadata(marker, 0),
        )
        ts = str(response["ts"])
    else:
        ts = header_ts
        done = await _parts_in_thread(client, channel, ts, marker)
    if on_posted:
        await on_posted(ts)
    for number, reply in enumerate(message["thread"], 1):
        if number in done:
            continue
        try:
            await client.chat_postMessage(
                channel=channel,
                thread_ts=ts,
                text=reply["text"],
                unfurl_links=False,
                unfurl_media=False,
                **_metadata(marker, number),
            )
        except Exception:  # a failed reply must not lose the rest of the thread
            log.exception("digest thread reply %d failed in %s", number, channel)
    return ts


def _metadata(marker: str | None, part: int) -> dict[str, Any]:
    if marker is None:
        return {}
    payload = {"event_type": DIGEST_EVENT_TYPE, "event_payload": {"run": marker, "part": part}}
    return {"metadata": payload}


async def find_header(client: Any, channel: str, marker: str, oldest: datetime) -> str | None:
    """The ``ts`` of this run's header if a replica posted it and died before recording it
    (found by its message metadata, as link replies are)."""
    cursor = None
    for _ in range(10):  # 2,000 messages since the run was due: far more than a channel's day
        response = await client.conversations_history(
            channel=channel,
            oldest=f"{oldest.timestamp():.6f}",
            include_all_metadata=True,
            limit=200,
            cursor=cursor,
        )
        for message in response.get("messages") or []:
            if _marker_part(message, marker) == 0:
                return str(message["ts"])
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            break
    return None


async def _parts_in_thread(client: Any, channel: str, ts: str, marker: str | None) -> set[int]:
    """Numbers of the thread replies already posted (a half-posted digest's thread)."""
    found: set[int] = set()
    cursor = None
    while marker is not None:
        response = await client.conversations_replies(
            channel=channel, ts=ts, include_all_metadata=True, limit=200, cursor=cursor
        )
        for message in response.get("messages") or []:
            part = _marker_part(message, marker)
            if part:
                found.add(part)
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            break
    return found


def _marker_part(message: dict[str, Any], marker: str) -> int | None:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    if metadata.get("event_type") != DIGEST_EVENT_TYPE or payload.get("run") != marker:
        return None
    part = payload.get("part")
    return part if isinstance(part, int) else None


@dataclass(frozen=True, slots=True)
class RunResult:
    digest: Digest | None  # None when a take-over finished a digest built by another replica
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
    run: DigestRun | None = None,
) -> RunResult:
    """Build, apply the quiet rule, post, and remember what was posted (``digest now``).

    With ``run`` (the scheduler's claim): the plan is saved with the claim before the header is
    posted and everything posted carries the run's metadata, so a take-over finishes a
    half-posted digest instead of posting a second one.
    """
    digest: Digest | None = None
    header_ts = run.header_ts if run else None
    if run is not None and run.payload is not None:
        plan = PostPlan.from_json(run.payload)
        if header_ts is None:  # its owner may have died between posting and recording it
            header_ts = await find_header(client, channel_id, run.marker, run.oldest)
        if header_ts is not None:
            log.info(
                "digest resuming a half-posted digest in %s (header %s)", channel_id, header_ts
            )
    else:
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
        plan = PostPlan.of(digest)
        if run is not None:
            await run.save(plan.to_json())

    async def remember(ts: str) -> None:
        if run is not None:
            await run.header_posted(ts)
        if on_posted:
            await on_posted(ts)
        # The header is out: a failure to remember must never lead to posting it again, so it
        # is logged and the thread still goes out (seen items are only an optimisation here).
        try:
            await store.remember_digest(channel_id, plan.seen_keys, plan.feed_states, now)
            await store.record_feed_health(
                channel_id, plan.feeds_read, dict(plan.feeds_failed), plan.told, now
            )
        except Exception:
            log.exception("digest posted in %s but not remembered", channel_id)

    ts = await post_plan(
        client,
        channel_id,
        plan.message,
        remember,
        marker=run.marker if run else None,
        header_ts=header_ts,
    )
    return RunResult(digest, ts)


async def _story(
    group: StoryGroup, summarise: Summariser, problems: list[str], read: dict[str, Summary]
) -> DigestStory | None:
    """The story with its key points; ``None`` for a shared link that could not be read."""
    lead = group.lead
    bullets: tuple[str, ...] = ()
    title = lead.title
    url = lead.shown_url
    try:
        summary = read.get(lead.url) or await summarise(url)
        bullets = summary.bullets
        if lead.shared and summary.article.title:
            title = summary.article.title
        url = _canonical(url, summary.article.canonical_url)
    except KeypointsError as exc:
        problems.append(f"{url}: {exc.message}")
    except Exception:  # one unreadable article must never stop the digest
        log.exception("digest article failed: %s", url)
        problems.append(f"{url}: unexpected error")
    if not bullets and lead.shared:
        return None
    return DigestStory(
        title=title,
        url=canonical_link(url),
        site=lead.shown_source,
        best_line=bullets[0] if bullets else first_sentence(lead.summary),
        bullets=bullets,
        also_in=group.sources[1:],
        published=lead.published,
        score=group.score,
        keys=group.keys,
    )


def _canonical(url: str, declared: str | None) -> str:
    """The page's declared canonical URL when it is on the same site (a page may not send its
    readers elsewhere), else ``url``."""
    if (
        declared
        and declared.startswith(("http://", "https://"))
        and site_of(declared) == site_of(url)
    ):
        return declared
    return url


def first_sentence(text: str) -> str:
    """The first sentence of a feed description (its whole text if it has no clear end).

    ``""`` when the description is feed furniture ("Article URL: … Points: 35"): never a key point.
    """
    if not text.strip() or is_feed_furniture(text):
        return ""
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


def _identities(items: Sequence[FeedItem]) -> list[str]:
    return [k for item in items for k in item_keys(item)]


def _heading(now: datetime, tz: str | None) -> str:
    local = now.astimezone(ZoneInfo(tz)) if tz else now
    return f"Tech digest · {local:%A} {local.day} {local:%B}"
