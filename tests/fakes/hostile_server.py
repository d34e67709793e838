"""A local web server that misbehaves on purpose, for the fetcher's tests (127.0.0.1 only).

Each route is one way a real or malicious site can hurt a fetcher: bombs, endless or dripping
bodies, lying headers, redirect games; ``/shape/<name>`` serves the pages of ``hostile_pages``
that are cheap to send and costly to read. ``app[HITS]`` counts requests per path so tests can
prove a refused destination was never contacted.
"""

from __future__ import annotations

import asyncio
import functools
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from aiohttp import web
from fakes.hostile_pages import SHAPES

ARTICLE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Story</title></head>"
    "<body><article><p>Café prices rose sharply.</p></article></body></html>"
)
RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
    "<item><title>One</title><link>https://news.example.com/1</link></item></channel></rss>"
)
CYRILLIC = "<html><head><meta charset='windows-1251'></head><body>Привет, мир</body></html>"
CHALLENGE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
    "<body>Checking your browser before accessing the site. cf-chl</body></html>"
)
BOMB_DECOMPRESSED = 64 * 1024 * 1024  # 64 MiB of "a" compresses to ~64 KiB
ETAG = '"v1"'
HITS = web.AppKey("hits", Counter[str])  # requests per path
SENT = web.AppKey("sent", Counter[str])  # body bytes written by streaming routes

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@functools.cache
def gzip_bomb() -> bytes:
    """An HTML-looking body: tiny on the wire, 64 MiB once decompressed."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
    block = b"a" * (1024 * 1024)
    parts = [packer.compress(b"<html><body><p>")]
    parts += [packer.compress(block) for _ in range(BOMB_DECOMPRESSED // len(block))]
    parts.append(packer.flush())
    return b"".join(parts)


def _html(body: bytes | str, charset: str | None = "utf-8", status: int = 200) -> web.Response:
    data = body.encode("utf-8") if isinstance(body, str) else body
    content_type = f"text/html; charset={charset}" if charset else "text/html"
    return web.Response(body=data, status=status, headers={"Content-Type": content_type})


async def _conditional(request: web.Request, body: str, content_type: str) -> web.Response:
    if request.headers.get("If-None-Match") == ETAG:
        return web.Response(status=304, headers={"ETag": ETAG})
    return web.Response(
        body=body.encode(),
        headers={
            "Content-Type": content_type,
            "ETag": ETAG,
            "Last-Modified": "Mon, 30 Nov 2026 04:00:00 GMT",
        },
    )


async def _article(request: web.Request) -> web.Response:
    return await _conditional(request, ARTICLE, "text/html; charset=utf-8")


async def _feed(request: web.Request) -> web.Response:
    return await _conditional(request, RSS, "application/rss+xml")


async def _endless(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    await response.prepare(request)
    chunk = b"<p>" + b"x" * 65_536 + b"</p>"
    sent = request.app[SENT]
    while True:  # until the client hangs up
        await response.write(chunk)
        sent["endless"] += len(chunk)


async def _drip(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    await response.prepare(request)
    await response.write(b"<html>")
    while True:
        await asyncio.sleep(0.05)
        await response.write(b"a")


async def _stall(request: web.Request) -> web.StreamResponse:
    await asyncio.sleep(3600)  # never answers
    raise AssertionError("unreachable")


async def _declared_huge(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    response.content_length = 50_000_000
    await response.prepare(request)
    await response.write(b"<html>" + b"a" * 1024)
    await asyncio.sleep(3600)
    return response


async def _bomb(request: web.Request) -> web.Response:
    return web.Response(
        body=gzip_bomb(), headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
    )


async def _shape(request: web.Request) -> web.Response:
    """A page of ``hostile_pages.SHAPES``, gzipped as a cheap attacker would serve it."""
    build = SHAPES.get(request.match_info["name"])
    if build is None:
        raise web.HTTPNotFound()
    body = zlib.compress(build().encode(), 6, wbits=31)
    return web.Response(
        body=body, headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}
    )


async def _redirect(request: web.Request) -> web.Response:
    raise web.HTTPFound(request.query["to"])


async def _chain(request: web.Request) -> web.Response:
    left = int(request.match_info["n"])
    raise web.HTTPFound(f"/chain/{left - 1}" if left > 0 else "/article")


async def _cookie_gate(request: web.Request) -> web.Response:
    if request.cookies.get("consent") == "yes":
        return _html(ARTICLE)
    response = web.HTTPFound("/cookie-gate")
    response.set_cookie("consent", "yes")
    raise response


def _fixed(response: Callable[[], web.Response]) -> Handler:
    async def handle(request: web.Request) -> web.Response:
        return response()

    return handle


def build_app() -> web.Application:
    """The hostile application; serve it with ``serve``."""
    hits: Counter[str] = Counter()

    @web.middleware
    async def count(request: web.Request, handler: Handler) -> web.StreamResponse:
        hits[request.path] += 1
        return await handler(request)

    app = web.Application(middlewares=[count])
    app[HITS] = hits
    app[SENT] = Counter()
    latin1 = "<html><body><p>Café à la carte, naïve.</p></body></html>"
    pages: dict[str, Callable[[], web.Response]] = {
        "/utf8-labelled-latin1": lambda: _html(latin1.encode("latin-1"), "utf-8"),
        "/latin1-labelled-utf8": lambda: _html(latin1.encode("utf-8"), "iso-8859-1"),
        "/bogus-charset": lambda: _html(latin1.encode("utf-8"), "x-no-such-charset"),
        "/meta-charset": lambda: _html(CYRILLIC.encode("cp1251"), None),
        "/pdf-as-html": lambda: _html(b"%PDF-1.7\n" + b"\x00\x01binary" * 200),
        "/png-as-html": lambda: _html(b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000),
        "/gzip-as-html": lambda: _html(zlib.compress(b"<html>hi</html>" * 50, wbits=31)),
        "/nul-bytes": lambda: _html(b"<html>" + b"\x00" * 100 + b"</html>"),
        "/image": lambda: web.Response(body=b"\x89PNG\r\n\x1a\n", content_type="image/png"),
        "/no-type": lambda: web.Response(body=ARTICLE.encode(), headers={"Content-Type": ""}),
        "/challenge": lambda: _html(CHALLENGE, status=403),
        "/paywall": lambda: _html("<html>subscribe</html>", status=402),
        "/unauthorized": lambda: _html("<html>log in</html>", status=401),
        "/legal": lambda: _html("<html>blocked</html>", status=451),
        "/gone": lambda: _html("<html>gone</html>", status=410),
        "/server-error": lambda: _html("<html>oops</html>", status=503),
        "/rate-limited": lambda: _html("<html>slow down</html>", status=429),
        "/loop/a": lambda: web.Response(status=302, headers={"Location": "/loop/b"}),
        "/loop/b": lambda: web.Response(status=302, headers={"Location": "/loop/a"}),
        "/redirect-to-ftp": lambda: web.Response(status=301, headers={"Location": "ftp://x/y"}),
        "/json": lambda: web.json_response({"not": "html"}),
    }
    for path, make in pages.items():
        app.router.add_get(path, _fixed(make))
    app.router.add_get("/article", _article)
    app.router.add_get("/feed.xml", _feed)
    app.router.add_get("/endless", _endless)
    app.router.add_get("/drip", _drip)
    app.router.add_get("/stall", _stall)
    app.router.add_get("/declared-huge", _declared_huge)
    app.router.add_get("/gzip-bomb", _bomb)
    app.router.add_get("/shape/{name}", _shape)
    app.router.add_get("/redirect", _redirect)
    app.router.add_get("/chain/{n}", _chain)
    app.router.add_get("/cookie-gate", _cookie_gate)
    return app


@asynccontextmanager
async def serve(app: web.Application, host: str = "127.0.0.1") -> AsyncIterator[str]:
    """Run ``app`` on ``host`` at a free port; yields the base URL (no trailing slash)."""
    runner = web.AppRunner(app, shutdown_timeout=0.1, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()
