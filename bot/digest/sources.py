"""Fetching a channel's sources into ``FeedItem`` values; one broken source never stops the rest.

I/O goes only through the injected ``FeedFetcher`` (the project's safe fetcher in production,
a local one in tests), with conditional GET from the channel's stored validators. Parsing goes
through the injected ``FeedParse`` (the bot's ``FeedParserPool``: worker processes with limits).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from bot.digest.feeds import FeedItem, site_of
from bot.digest.model import FeedState
from bot.digest.parsing import FeedParse, check_inline, parse_inline
from bot.digest.store import SharedLinkRecord
from bot.errors import KeypointsError

log = logging.getLogger(__name__)

SHARED_SOURCE = "shared in this channel"


class FetchedFeed(Protocol):
    """What the digest reads from ``bot.fetch.FetchedPage``."""

    @property
    def status(self) -> int: ...
    @property
    def body(self) -> bytes: ...
    @property
    def etag(self) -> str | None: ...
    @property
    def last_modified(self) -> str | None: ...
    @property
    def final_url(self) -> str: ...


class FeedFetcher(Protocol):
    """The part of ``bot.fetch.Fetcher`` the digest uses."""

    async def fetch(
        self,
        url: str,
        *,
        kind: Literal["feed", "opml"],  # "opml": a subscription list (``feed import <url>``)
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchedFeed: ...


@dataclass(frozen=True, slots=True)
class FetchedSources:
    items: list[FeedItem]
    states: list[FeedState]  # validators to store once the digest is posted
    problems: list[str]  # "feed URL: reason", logged and shown in previews
    read: list[str] = field(default_factory=list)  # feed URLs that answered (200 or 304)
    failed: dict[str, str] = field(default_factory=dict)  # feed URL → reason


async def fetch_feeds(
    fetcher: FeedFetcher,
    urls: Sequence[str],
    states: Mapping[str, FeedState],
    concurrency: int,
    parse: FeedParse = parse_inline,
) -> FetchedSources:
    """Items of every feed that answered; a 304 contributes nothing new."""
    limit = asyncio.Semaphore(max(1, concurrency))

    async def one(url: str) -> tuple[list[FeedItem], FeedState | None, str | None]:
        known = states.get(url, FeedState(url))
        async with limit:
            try:
                page = await fetcher.fetch(
                    url, kind="feed", etag=known.etag, last_modified=known.last_modified
                )
                if page.status == 304:
                    return [], None, None
                items = await parse(page.body, page.final_url or url)
            except KeypointsError as exc:
                log.warning("digest feed skipped: %s (%s)", url, exc.reason)
                return [], None, f"{url}: {exc.message}"
            except Exception:  # one broken feed must never stop the digest
                log.exception("digest feed failed: %s", url)
                return [], None, f"{url}: unexpected error"
        return items, FeedState(url, page.etag, page.last_modified), None

    unique = list(dict.fromkeys(urls))
    results = await asyncio.gather(*(one(url) for url in unique))
    failed = {
        url: p.removeprefix(f"{url}: ") for url, (_, _, p) in zip(unique, results, strict=True) if p
    }
    return FetchedSources(
        items=[item for items, _, _ in results for item in items],
        states=[state for _, state, _ in results if state is not None],
        problems=[problem for _, _, problem in results if problem],
        read=[url for url in unique if url not in failed],
        failed=failed,
    )


def shared_link_items(links: Sequence[SharedLinkRecord]) -> list[FeedItem]:
    """Links shared in the channel as items; their titles come later from the article."""
    return [
        FeedItem(
            key=link.url,
            title=site_of(link.url),
            url=link.url,
            source=SHARED_SOURCE,
            published=link.shared_at,
            shared=True,
        )
        for link in links
    ]


async def check_feed(fetcher: FeedFetcher, url: str, parse: FeedParse = check_inline) -> str:
    """Fetch and parse ``url`` once (``feed add``, with the strict ``check_feed_body``); its
    title, or the fetch/parse error (a malformed feed, or one over the parse limits, is refused
    here, so it is never saved and failing at every digest)."""
    page = await fetcher.fetch(url, kind="feed")
    items = await parse(page.body, page.final_url or url)
    return items[0].source if items else site_of(url)
