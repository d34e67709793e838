"""``Fetcher``: the one place Keypoints talks HTTP to the outside world.

Every URL goes through the same gauntlet: ``target_url`` (scheme, host, port, IP literals),
then the connector's ``PolicyResolver`` and socket guard (resolved addresses, rebinding), then
status, size, type and charset checks on the response. Redirects are followed here, one hop at
a time, so every hop gets the full treatment; aiohttp's own redirect following is off.
"""

from __future__ import annotations

import asyncio
import re
from types import TracebackType

import aiohttp
from aiohttp.abc import AbstractResolver
from yarl import URL

from bot.errors import (
    BlockedAddress,
    FetchError,
    FetchTimeout,
    InvalidURL,
    IsAFeed,
    NotAWebPage,
    NotFound,
    TooLarge,
    TooManyRedirects,
    UpstreamError,
)
from bot.fetch.decode import (
    FEED_TYPES,
    SNIFF_BYTES,
    Kind,
    body_fits,
    declared_type_fits,
    decode_body,
    media_type,
    sniff_binary,
)
from bot.fetch.guard import PolicyResolver, RefusedDestination, guarded_socket_factory
from bot.fetch.policy import AllowList
from bot.fetch.response import REDIRECT_STATUSES, FetchedPage, error_for_status
from bot.fetch.settings import FetchSettings
from bot.fetch.urls import target_url

_ACCEPT: dict[Kind, str] = {
    "page": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    "feed": "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,"
    "application/feed+json;q=0.8,*/*;q=0.1",
    "opml": "text/x-opml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1",
}
_ACCEPT_PDF = "text/html,application/xhtml+xml;q=0.9,application/pdf;q=0.8,*/*;q=0.1"
_CHUNK = 64 * 1024


class Fetcher:
    """Fetches pages and feeds safely; share one per process and ``close()`` it at the end.

    ``resolver`` replaces DNS (tests, or a caching resolver); whatever it answers still goes
    through the address policy. The HTTP session is created on first use, in the running loop.
    """

    def __init__(
        self, settings: FetchSettings | None = None, *, resolver: AbstractResolver | None = None
    ) -> None:
        self.settings = settings or FetchSettings()
        self._allow = self.settings.allow_list
        self._custom_resolver = resolver
        self._session: aiohttp.ClientSession | None = None
        self._resolver: PolicyResolver | None = None
        self._slots: asyncio.Semaphore | None = None

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close connections and the resolver; the fetcher may be used again afterwards."""
        if self._session is not None:
            await self._session.close()
        if self._resolver is not None:
            await self._resolver.close()
        self._session = self._resolver = self._slots = None

    async def fetch(
        self,
        url: str,
        *,
        kind: Kind = "page",
        etag: str | None = None,
        last_modified: str | None = None,
        pdf: bool = False,
    ) -> FetchedPage:
        """Fetch ``url``; raises a ``FetchError`` subclass with a user-facing message.

        ``kind="page"`` accepts HTML/XHTML only, ``kind="feed"`` RSS/Atom/XML (and JSON Feed),
        ``kind="opml"`` an OPML subscription list (``text/x-opml`` or XML).
        With ``pdf=True`` a page may also be a PDF (by its type or its first bytes, whatever
        the type says), up to ``max_pdf_bytes``; it comes back as ``application/pdf`` with the
        bytes in ``body`` and no ``text``.
        With ``etag``/``last_modified`` the request is conditional and may return status 304.
        """
        if kind not in _ACCEPT:
            raise ValueError(f"kind must be 'page', 'feed' or 'opml', not {kind!r}")
        target = target_url(url, self._allow)
        session, slots = self._open()
        conditional = {
            name: value
            for name, value in (("If-None-Match", etag), ("If-Modified-Since", last_modified))
            if value
        }
        async with slots:  # waiting for a free slot is not the site's fault: outside the timer
            try:
                async with asyncio.timeout(self.settings.total_timeout):
                    return await self._follow(session, url, target, kind, conditional, pdf)
            except TimeoutError as exc:
                raise FetchTimeout() from exc

    def _open(self) -> tuple[aiohttp.ClientSession, asyncio.Semaphore]:
        if self._session is None or self._slots is None:
            s = self.settings
            inner = self._custom_resolver or aiohttp.ThreadedResolver()
            self._resolver = PolicyResolver(
                inner, self._allow, owns_inner=self._custom_resolver is None
            )
            connector = aiohttp.TCPConnector(
                resolver=self._resolver,
                socket_factory=guarded_socket_factory(self._resolver, self._allow),
                use_dns_cache=False,  # every new connection is resolved and checked afresh
                limit=s.max_connections,
                limit_per_host=s.max_per_host,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),  # no cookies shared between users' links
                headers={"User-Agent": s.user_agent, "Accept-Language": "en;q=1.0, *;q=0.5"},
                timeout=aiohttp.ClientTimeout(
                    total=None, sock_connect=s.connect_timeout, sock_read=s.total_timeout
                ),
                trust_env=False,  # an env proxy would connect on our behalf, unchecked
            )
            self._slots = asyncio.Semaphore(s.max_connections)
        return self._session, self._slots

    async def _follow(
        self,
        session: aiohttp.ClientSession,
        url: str,
        target: URL,
        kind: Kind,
        conditional: dict[str, str],
        pdf: bool = False,
    ) -> FetchedPage:
        """Request ``target``, following at most ``max_redirects`` redirects, each re-checked."""
        # Cookies live for this fetch's redirect chain only (consent hops), never across users.
        cookies = aiohttp.CookieJar(unsafe=True)
        headers = {"Accept": _ACCEPT_PDF if pdf else _ACCEPT[kind], **conditional}
        for _ in range(self.settings.max_redirects + 1):
            cookie_header = "; ".join(
                f"{name}={morsel.value}" for name, morsel in cookies.filter_cookies(target).items()
            )
            hop_headers = {**headers, "Cookie": cookie_header} if cookie_header else headers
            try:
                async with session.get(
                    target, headers=hop_headers, allow_redirects=False
                ) as response:
                    cookies.update_cookies(response.cookies, response.url)
                    location = response.headers.get("Location")
                    if response.status in REDIRECT_STATUSES and location:
                        target = _next_hop(target, location, self._allow)
                        continue
                    return await self._page(response, url, target, kind, conditional, pdf)
            except aiohttp.ClientError as exc:
                raise _translate(exc) from exc
        raise TooManyRedirects()

    async def _page(
        self,
        response: aiohttp.ClientResponse,
        url: str,
        final: URL,
        kind: Kind,
        conditional: dict[str, str],
        pdf: bool = False,
    ) -> FetchedPage:
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        if response.status == 304 and conditional:
            return FetchedPage(
                url=url,
                final_url=str(final),
                status=304,
                content_type="",
                body=b"",
                text="",
                etag=etag or conditional.get("If-None-Match"),
                last_modified=last_modified or conditional.get("If-Modified-Since"),
            )
        error = error_for_status(response.status)
        if error is not None:
            raise error
        mime, charset = media_type(response.headers.get("Content-Type"))
        pdf = pdf and kind == "page"
        if pdf and mime == "application/pdf":
            body = await self._read_capped(response, pdf=True)
            if not _is_pdf(body):
                raise NotAWebPage("That link says it is a PDF, but it is not one.")
            return _pdf_page(url, final, response.status, body, etag, last_modified)
        fits = declared_type_fits(mime, kind)
        if fits is False and kind == "page" and mime in _GENERIC_XML:
            # A feed or some other XML (a sitemap): the first tag tells, for a clearer refusal.
            raise _wrong_kind(kind, feed=_is_xml_feed(await self._read_capped(response)))
        if fits is False:
            raise _wrong_kind(kind, feed=kind == "page" and mime in FEED_TYPES)
        body = await self._read_capped(response, pdf=pdf)
        if pdf and _is_pdf(body):  # served as HTML or as a vague type: the bytes decide
            return _pdf_page(url, final, response.status, body, etag, last_modified)
        if fits is None and not body_fits(body, kind):
            raise _wrong_kind(kind, feed=kind == "page" and _is_xml_feed(body))
        if fits is None:
            mime = "text/html" if kind == "page" else "application/xml"
        return FetchedPage(
            url=url,
            final_url=str(final),
            status=response.status,
            content_type=mime,
            body=body,
            text=decode_body(body, charset),
            etag=etag,
            last_modified=last_modified,
        )

    async def _read_capped(self, response: aiohttp.ClientResponse, *, pdf: bool = False) -> bytes:
        """The decompressed body, refused as soon as it passes ``max_bytes`` or looks binary.

        Counted chunk by chunk while streaming: a gzip bomb or an endless body stops near the
        cap instead of being buffered whole. With ``pdf``, a body whose first bytes are a PDF
        signature is let through up to ``max_pdf_bytes`` instead.
        """
        limit = self.settings.max_bytes
        ceiling = max(limit, self.settings.max_pdf_bytes) if pdf else limit
        if response.content_length is not None and response.content_length > ceiling:
            raise TooLarge()
        parts: list[bytes] = []
        size = 0
        sniffed = False
        async for chunk in response.content.iter_chunked(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise TooLarge()
            parts.append(chunk)
            if not sniffed and size >= SNIFF_BYTES:
                head = b"".join(parts)[:SNIFF_BYTES]
                if pdf and _is_pdf(head):
                    limit = ceiling
                else:
                    _refuse_binary(head)
                sniffed = True
        body = b"".join(parts)
        if not (pdf and _is_pdf(body)):
            _refuse_binary(body[:SNIFF_BYTES])
        return body


def _is_pdf(body: bytes) -> bool:
    """A PDF by its signature (some servers put white space before it)."""
    return sniff_binary(body[:SNIFF_BYTES]) == "PDF"


def _pdf_page(
    url: str, final: URL, status: int, body: bytes, etag: str | None, last_modified: str | None
) -> FetchedPage:
    return FetchedPage(
        url=url,
        final_url=str(final),
        status=status,
        content_type="application/pdf",
        body=body,
        text="",
        etag=etag,
        last_modified=last_modified,
    )


def _next_hop(current: URL, location: str, allow: AllowList) -> URL:
    """The redirect target, resolved against the current URL and checked like user input."""
    try:
        hop = current.join(URL(location))
    except ValueError as exc:
        raise UpstreamError("The site sent a broken redirect.") from exc
    return target_url(str(hop.with_fragment(None)), allow)


def _refuse_binary(head: bytes) -> None:
    found = sniff_binary(head)
    if found is not None:
        raise NotAWebPage(f"That link is not a web page (it looks like a {found} file).")


def _wrong_kind(kind: Kind, *, feed: bool = False) -> NotAWebPage:
    if kind == "feed":
        return NotAWebPage("That address did not return an RSS or Atom feed.")
    if kind == "opml":
        return NotAWebPage("That address did not return an OPML file.")
    return IsAFeed() if feed else NotAWebPage()


_GENERIC_XML = frozenset({"application/xml", "text/xml"})
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>]", re.IGNORECASE)


def _is_xml_feed(body: bytes) -> bool:
    """An RSS/Atom/RDF document, by its root element near the start."""
    return _FEED_ROOT.search(body[:SNIFF_BYTES]) is not None


def _translate(exc: aiohttp.ClientError) -> FetchError:
    """Map aiohttp's failures to the outcome a user understands."""
    if isinstance(exc, aiohttp.ClientConnectorError) and isinstance(
        exc.os_error, RefusedDestination
    ):
        return BlockedAddress()
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return NotFound("I couldn't find that site: its name does not resolve.")
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
        return UpstreamError("The site's secure connection (TLS) failed.")
    if isinstance(exc, aiohttp.ServerTimeoutError):
        return FetchTimeout()
    if isinstance(exc, aiohttp.ClientConnectorError):
        return UpstreamError("The site refused the connection.")
    if isinstance(exc, aiohttp.InvalidURL):
        return InvalidURL()
    if isinstance(exc, aiohttp.ClientPayloadError):
        return UpstreamError("The site sent a broken response.")
    return UpstreamError()
