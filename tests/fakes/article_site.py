"""A local news site on 127.0.0.1 serving article pages, a paywalled page and slow pages."""

from __future__ import annotations

import asyncio
import html

from aiohttp import web

PARAGRAPHS = (
    "The city council approved a new plan on Tuesday to expand the light rail network by "
    "twelve kilometres, connecting the northern suburbs with the central station by 2029.",
    "Officials said the project will cost 1.4 billion euros, with most of the money coming "
    "from a regional infrastructure fund and a smaller share from national grants.",
    "Construction is expected to begin next spring, starting with the section between the "
    "university campus and the old harbour district, where traffic congestion is worst.",
    "Residents had complained for years about crowded buses and long commutes, and a survey "
    "last year found that two thirds of them would switch to rail if a line were available.",
    "Critics argue that the budget is optimistic and point to earlier transport projects in "
    "the region that ran over schedule and over budget by a wide margin.",
    "The mayor dismissed those concerns, saying the new contracts include penalties for "
    "delays and that an independent board will review the costs every six months.",
    "The plan also includes new cycling lanes along the route and three park-and-ride "
    "stations at the edge of the city, designed to keep cars out of the centre.",
    "Environmental groups welcomed the decision, estimating that the line could cut the "
    "region's transport emissions by up to eight percent within a decade of opening.",
)


def article_page(
    title: str, paragraphs: tuple[str, ...] = PARAGRAPHS, site: str = "Local News"
) -> str:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)}</title>
<meta property="og:title" content="{html.escape(title, quote=True)}">
<meta property="og:site_name" content="{html.escape(site, quote=True)}">
</head><body><header><nav><a href="/">Home</a></nav></header>
<main><article><h1>{html.escape(title)}</h1>{body}</article></main>
<footer><p>Copyright Local News</p></footer></body></html>"""


class ArticleSite:
    """``/article/<n>`` articles, ``/title?t=...`` with a chosen title, ``/paywalled`` (402)."""

    def __init__(self, *, delay: float = 0.0) -> None:
        self.delay = delay
        self.hits = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def __aenter__(self) -> ArticleSite:
        app = web.Application()
        app.router.add_get("/article/{n}", self._article)
        app.router.add_get("/title", self._titled)
        app.router.add_get("/paywalled", self._paywalled)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def _article(self, request: web.Request) -> web.Response:
        self.hits += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        n = request.match_info["n"]
        return web.Response(text=article_page(f"Rail plan, part {n}"), content_type="text/html")

    async def _titled(self, request: web.Request) -> web.Response:
        self.hits += 1
        return web.Response(
            text=article_page(request.query.get("t", "Untitled")), content_type="text/html"
        )

    async def _paywalled(self, _: web.Request) -> web.Response:
        self.hits += 1
        return web.Response(
            status=402, text="<html><body>Subscribe</body></html>", content_type="text/html"
        )
