"""The one flow: (fetch →) extract → quality gate → summarise.

``summarize_html`` and ``summarize_text`` are pure (text in, data out); ``summarize_url`` is the
only function here that does I/O, through the ``Fetcher`` seam, and it runs the CPU-bound part
in a worker thread so an event loop serving Slack stays responsive.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from concurrent.futures import Executor
from typing import TYPE_CHECKING

from bot.errors import FetchError, KeypointsError, NoArticle
from bot.extract import extract
from bot.models import Article, Summary
from bot.observability.metrics import (
    FETCH_FAILURES,
    STAGE_SECONDS,
    SUMMARIES,
    domain_label,
    timed,
)
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
    """Key points of the article in ``html``; ``NoArticle``/``Paywalled`` when there is none."""
    article = check_article(html, extract(html, url))
    return _with_bullets(summarize(article, bullets=bullets, method=method))


def summarize_page(html: str, url: str, bullets: int, method: str) -> tuple[Summary, float, float]:
    """A fetched page's summary with its canonical URL, plus the seconds spent extracting and
    summarising. Pure and picklable, so it runs in a worker process or thread; the caller
    records the timings (a worker's own metrics would never be scraped)."""
    from bot.fetch.urls import canonicalize_url

    start = time.perf_counter()
    article = check_article(html, extract(html, url))
    extracted = time.perf_counter()
    summary = _with_bullets(summarize(article, bullets=bullets, method=method))
    summarised = time.perf_counter()
    article = dataclasses.replace(
        summary.article, url=url, canonical_url=canonicalize_url(url, html)
    )
    return dataclasses.replace(summary, article=article), extracted - start, summarised - extracted


def summarize_text(
    text: str,
    *,
    title: str | None = None,
    bullets: int = DEFAULT_BULLETS,
    method: str = DEFAULT_METHOD,
) -> Summary:
    """Key points of plain text; paragraphs are separated by blank lines."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    if title is None and len(paragraphs) > 1 and looks_like_title(paragraphs[0]):
        title = paragraphs.pop(0)
    if not paragraphs:
        raise NoArticle("The text is empty.")
    article = Article(paragraphs=tuple(paragraphs), title=title)
    return _with_bullets(summarize(article, bullets=bullets, method=method))


def _with_bullets(summary: Summary) -> Summary:
    """A summary with no bullet (only headings, lists or stat lines) is not worth posting."""
    if not summary.bullets:
        raise NoArticle("I couldn't find sentences to quote as key points on that page.")
    return summary


def looks_like_title(paragraph: str) -> bool:
    """A headline: one short line that does not end like a sentence."""
    return (
        "\n" not in paragraph
        and len(paragraph.split()) <= 20
        and not paragraph.rstrip().endswith((".", "!", "?", ":", ";", ","))
    )


async def summarize_url(
    url: str,
    fetcher: Fetcher,
    *,
    bullets: int = DEFAULT_BULLETS,
    method: str = DEFAULT_METHOD,
    executor: Executor | None = None,
) -> Summary:
    """Fetch ``url`` safely, then summarise it off the event loop: in ``executor`` (worker
    processes, see ``bot.workers``) when given, else in a thread."""
    loop = asyncio.get_running_loop()
    try:
        with timed("end_to_end"):
            with timed("fetch"):
                page = await fetcher.fetch(url, kind="page")
            summary, extract_s, summarise_s = await loop.run_in_executor(
                executor, summarize_page, page.text, page.final_url, bullets, method
            )
    except KeypointsError as exc:
        SUMMARIES.labels(exc.reason).inc()
        if isinstance(exc, FetchError):
            FETCH_FAILURES.labels(exc.reason, domain_label(url)).inc()
        raise
    STAGE_SECONDS.labels("extract").observe(extract_s)
    STAGE_SECONDS.labels("summarise").observe(summarise_s)
    SUMMARIES.labels("ok").inc()
    return summary
