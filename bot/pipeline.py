"""The one flow: (fetch →) extract → quality gate → summarise.

``summarize_html`` and ``summarize_text`` are pure (text in, data out); ``summarize_url`` is the
only function here that does I/O, through the ``Fetcher`` seam, and it runs the CPU-bound part
in a worker thread so an event loop serving Slack stays responsive.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import TYPE_CHECKING

from bot.extract import extract
from bot.models import Article, Summary
from bot.quality import check_article
from bot.summarize import summarize

if TYPE_CHECKING:
    from bot.fetch import Fetcher

DEFAULT_BULLETS = 3
DEFAULT_METHOD = "default"


def summarize_html(
    html: str,
    url: str | None = None,
    *,
    bullets: int = DEFAULT_BULLETS,
    method: str = DEFAULT_METHOD,
) -> Summary:
    """Key points of the article in ``html``; raises ``NoArticle``/``Paywalled`` when there is none."""
    article = check_article(html, extract(html, url))
    return summarize(article, bullets=bullets, method=method)


def summarize_text(
    text: str,
    *,
    title: str | None = None,
    bullets: int = DEFAULT_BULLETS,
    method: str = DEFAULT_METHOD,
) -> Summary:
    """Key points of plain text; paragraphs are separated by blank lines."""
    paragraphs = tuple(p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip())
    return summarize(Article(paragraphs=paragraphs, title=title), bullets=bullets, method=method)


async def summarize_url(
    url: str,
    fetcher: Fetcher,
    *,
    bullets: int = DEFAULT_BULLETS,
    method: str = DEFAULT_METHOD,
) -> Summary:
    """Fetch ``url`` safely, then summarise it off the event loop."""
    from bot.fetch import canonicalize_url

    page = await fetcher.fetch(url, kind="page")
    summary = await asyncio.to_thread(
        summarize_html, page.text, page.final_url, bullets=bullets, method=method
    )
    canonical = canonicalize_url(page.final_url, page.text)
    article = dataclasses.replace(summary.article, url=page.final_url, canonical_url=canonical)
    return dataclasses.replace(summary, article=article)
