"""A local RSS/Atom + article server on 127.0.0.1, and a fetcher that talks to it.

The project's safe fetcher refuses loopback addresses by design, so digest tests use
``LocalFetcher``: the same ``fetch(url, kind=, etag=, last_modified=)`` shape, plain aiohttp.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime

from aiohttp import ClientSession, ClientTimeout, web

from bot.errors import NotFound, UpstreamError


@dataclass(frozen=True)
class Entry:
    """One feed entry to serve."""

    title: str
    link: str
    guid: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    description: str = ""


def rss(title: str, entries: Sequence[Entry]) -> bytes:
    """An RSS 2.0 document."""
    items = []
    for e in entries:
        parts = [f"<title>{html.escape(e.title)}</title>", f"<link>{html.escape(e.link)}</link>"]
        if e.guid:
            parts.append(f'<guid isPermaLink="false">{html.escape(e.guid)}</guid>')
        if e.published:
            parts.append(f"<pubDate>{format_datetime(e.published)}</pubDate>")
        if e.updated:
            parts.append(f"<atom:updated>{e.updated.isoformat()}</atom:updated>")
        parts.append(f"<description>{html.escape(e.description)}</description>")
        items.append("<item>" + "".join(parts) + "</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f"<title>{html.escape(title)}</title><link>http://example.test/</link>"
        f"<description>test</description>{''.join(items)}</channel></rss>"
    ).encode()


def atom(title: str, entries: Sequence[Entry]) -> bytes:
    """An Atom 1.0 document."""
    items = []
    for e in entries:
        published = (e.published or e.updated or datetime(2026, 1, 1)).isoformat()
        updated = (e.updated or e.published or datetime(2026, 1, 1)).isoformat()
        items.append(
            f"<entry><title>{html.escape(e.title)}</title>"
            f'<link rel="alternate" href="{html.escape(e.link)}"/>'
            f"<id>{html.escape(e.guid or e.link)}</id>"
            f"<published>{published}</published><updated>{updated}</updated>"
            f"<summary>{html.escape(e.description)}</summary></entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{html.escape(title)}</title><id>urn:test:{html.escape(title)}</id>"
        f"<updated>2026-01-01T00:00:00Z</updated>{''.join(items)}</feed>"
    ).encode()


def article_html(title: str, paragraphs: Sequence[str]) -> bytes:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{html.escape(title)}</title></head>"
        f"<body><article><h1>{html.escape(title)}</h1>{body}</article></body></html>"
    ).encode()


Body = bytes | Callable[[], bytes]  # a callable is re-evaluated per request


@dataclass
class FeedServer:
    """Serves ``routes`` (path → body); paths in ``etags`` answer 304 to a matching ETag.
    ``types`` overrides a path's Content-Type (default: text/html under /articles/, else
    application/xml)."""

    routes: dict[str, Body] = field(default_factory=dict)
    etags: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    base: str = ""
    _runner: web.AppRunner | None = None

    async def __aenter__(self) -> FeedServer:
        app = web.Application()
        app.router.add_get("/{path:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner:
            await self._runner.cleanup()

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    async def _handle(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        self.hits[path] = self.hits.get(path, 0) + 1
        if path not in self.routes:
            return web.Response(status=404, text="not found")
        etag = self.etags.get(path)
        if etag and request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        body = self.routes[path]
        data = body() if callable(body) else body
        headers = {"ETag": etag} if etag else {}
        kind = "text/html" if path.startswith("/articles/") else "application/xml"
        headers["Content-Type"] = self.types.get(path, kind)
        return web.Response(body=data, headers=headers)


@dataclass(frozen=True)
class LocalPage:
    status: int
    body: bytes
    etag: str | None
    last_modified: str | None
    final_url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class LocalFetcher:
    """``Fetcher``-shaped client for the local server (counts requests by kind)."""

    def __init__(self) -> None:
        self._session: ClientSession | None = None
        self.calls: list[tuple[str, str, str | None]] = []

    async def __aenter__(self) -> LocalFetcher:
        self._session = ClientSession(timeout=ClientTimeout(total=10))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session:
            await self._session.close()

    async def fetch(
        self,
        url: str,
        *,
        kind: str = "page",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> LocalPage:
        assert self._session is not None
        self.calls.append((kind, url, etag))
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        async with self._session.get(url, headers=headers) as response:
            body = await response.read()
            if response.status == 404:
                raise NotFound()
            if response.status >= 400:
                raise UpstreamError()
            return LocalPage(
                response.status,
                body,
                response.headers.get("ETag"),
                response.headers.get("Last-Modified"),
                str(response.url),
            )
