"""The one flow: (fetch →) extract → quality gate → summarise.

``summarize_html`` and ``summarize_text`` are pure (text in, data out); ``summarize_url`` is the
only function here that does I/O, through the ``Fetcher`` seam, and it runs the CPU-bound part
in a worker process (or a thread taking its turn) on a time and memory budget, so an event
loop serving Slack stays responsive (``bot.workers``).
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import TYPE_CHECKING

from bot.errors import FetchError, KeypointsError, NoArticle
from bot.extract import extract
from bot.extraction.limits import bound_text
from bot.extraction.plain_text import text_article
from bot.models import Article, Summary
from bot.quality import check_article
from bot.summarize import summarize
from bot.text.detect import SAMPLE_CHARS, detect_language

# PDFs (pypdf), worker processes (pebble) and metrics (prometheus_client) are imported where
# they are used: a `keypoints summarize FILE` needs none of them (~0.1 s of its start-up).
# Worker processes import them at start (``bot.workers``), so no job's budget pays for them.
if TYPE_CHECKING:
    from bot.fetch import Fetcher

DEFAULT_BULLETS = 3
DEFAULT_METHOD = "default"

# Words English prose is full of and other languages written in Latin letters hardly use (not
# "in", "is", "was", "also": Dutch and German have them too). In the first 3,000 characters of
# the shared data's ~1,200 texts they are a median 19 % of an English text's words (15 % or
# more in 87 % of them), and at most 7 % of a text in another language with few non-ASCII
# letters (pages that mix in English reach 14 %, with 6-21 % of their letters outside ASCII).
# fmt: off
_ENGLISH_MARKERS = frozenset({
    "the", "and", "of", "to", "that", "with", "which", "from", "this", "have", "has", "they",
    "their", "were", "been", "would", "said", "who", "than", "about", "could",
})
# fmt: on
_LETTER_RUN = re.compile(r"[^\W\d_]+")
PLAINLY_ENGLISH_MIN_WORDS = 60
PLAINLY_ENGLISH_MIN_SHARE = 0.15  # of the words: English markers
PLAINLY_ENGLISH_MAX_OTHER = 0.01  # of the letters: in words with a letter outside ASCII


def summarize_html(
    html: str,
    url: str | None = None,
    *,
    bullets: int = DEFAULT_BULLETS,
    method: str = DEFAULT_METHOD,
) -> Summary:
    """Key points of the article in ``html``; ``NoArticle``/``Paywalled`` when there is none."""
    article = in_its_language(extract(html, url))
    with _keeping(article):
        checked = check_article(html, article)
        return _with_bullets(summarize(checked, bullets=bullets, method=method))


def summarize_page(html: str, url: str, bullets: int, method: str) -> tuple[Summary, float, float]:
    """A fetched page's summary with its canonical URL, plus the seconds spent extracting and
    summarising. Pure and picklable, so it runs in a worker process or thread; the caller
    records the timings (a worker's own metrics would never be scraped)."""
    from bot.fetch.urls import canonicalize_url
    from bot.pdf import arxiv_abstract_url, arxiv_article

    start = time.perf_counter()
    paper = arxiv_article(html, url) if arxiv_abstract_url(url) else None
    article = paper or in_its_language(extract(html, url))
    with _keeping(dataclasses.replace(article, url=url)):
        article = paper or check_article(html, article)
        extracted = time.perf_counter()
        summary = _with_bullets(summarize(article, bullets=bullets, method=method))
    summarised = time.perf_counter()
    article = dataclasses.replace(
        summary.article, url=url, canonical_url=canonicalize_url(url, html)
    )
    return dataclasses.replace(summary, article=article), extracted - start, summarised - extracted


def summarize_pdf(data: bytes, url: str, bullets: int, method: str) -> tuple[Summary, float, float]:
    """A fetched PDF's summary, as ``summarize_page`` for a page: its first pages read within
    limits (``bot.pdf``), a paper's abstract and introduction first. ``NoTextLayer`` for a scan."""
    from bot.pdf import pdf_article, read_pdf

    start = time.perf_counter()
    article = in_its_language(pdf_article(read_pdf(data), url))
    extracted = time.perf_counter()
    with _keeping(article):
        summary = _with_bullets(summarize(article, bullets=bullets, method=method))
    return summary, extracted - start, time.perf_counter() - extracted


def summarize_text(
    text: str,
    *,
    title: str | None = None,
    bullets: int = DEFAULT_BULLETS,
    method: str = DEFAULT_METHOD,
) -> Summary:
    """Key points of plain text; paragraphs are separated by blank lines. The text is
    cleaned like an extracted page (ads, sign-up prompts, link lists) before any method sees
    it (``bot.extraction.plain_text``)."""
    article = in_its_language(text_article(bound_text(text), title))
    with _keeping(article):
        return _with_bullets(summarize(article, bullets=bullets, method=method))


def in_its_language(article: Article) -> Article:
    """``article`` with the language its text is in: the markup's, unless the text clearly
    says otherwise (``bot.text.detect``); sentence splitting, stemming, stop words and the
    boilerplate filters all follow it. Plainly English text with no other language declared
    is English without asking the language model (``plainly_english``)."""
    declared = (article.language or "").strip().lower()[:2]
    if declared in ("", "en") and plainly_english(article.text):
        language: str | None = "en"  # what detect_language says, minus its model's 0.3 s load
    else:
        language = detect_language(article.text, article.language)
    return (
        article if language == article.language else dataclasses.replace(article, language=language)
    )


def plainly_english(text: str) -> bool:
    """Whether the start of ``text`` (what ``detect_language`` reads) is English beyond doubt:
    at least 60 words, 15 % of them English function words, and hardly a letter outside ASCII.
    A cheap check (~0.1 ms) that spares a ``keypoints summarize`` loading the language model
    (0.3 s per process); anything less plain goes to the model."""
    words = _LETTER_RUN.findall(text[:SAMPLE_CHARS])
    if len(words) < PLAINLY_ENGLISH_MIN_WORDS:
        return False
    letters = other = markers = 0
    for word in words:
        letters += len(word)
        if not word.isascii():
            other += len(word)
        elif word.lower() in _ENGLISH_MARKERS:
            markers += 1
    return (
        markers >= PLAINLY_ENGLISH_MIN_SHARE * len(words)
        and other <= PLAINLY_ENGLISH_MAX_OTHER * letters
    )


@contextmanager
def _keeping(article: Article) -> Iterator[None]:
    """A failure after extraction carries the extracted article: ``keypoints batch`` still
    returns its text."""
    try:
        yield
    except KeypointsError as exc:
        if exc.article is None:
            exc.article = article
        raise


def _with_bullets(summary: Summary) -> Summary:
    """A summary with no bullet (only headings, lists or stat lines) is not worth posting."""
    if not summary.bullets:
        raise NoArticle("I couldn't find sentences to quote as key points on that page.")
    return summary


async def summarize_url(
    url: str,
    fetcher: Fetcher,
    *,
    bullets: int = DEFAULT_BULLETS,
    method: str = DEFAULT_METHOD,
    executor: Executor | None = None,
) -> Summary:
    """Fetch ``url`` safely, then summarise it off the event loop: in ``executor`` (worker
    processes, see ``bot.workers``) when given, else in a thread that takes its turn.
    ``TooComplex`` when the page runs over the worker's budget. A PDF is read as a document
    (``summarize_pdf``); an arXiv paper's PDF or HTML link is read from its abstract page."""
    from bot.observability.metrics import (
        FETCH_FAILURES,
        STAGE_SECONDS,
        SUMMARIES,
        domain_label,
        timed,
    )
    from bot.pdf import arxiv_abstract_url
    from bot.workers import run_in_worker

    try:
        with timed("end_to_end"):
            with timed("fetch"):
                page = await fetcher.fetch(arxiv_abstract_url(url) or url, kind="page", pdf=True)
            if page.content_type == "application/pdf":
                summary, extract_s, summarise_s = await run_in_worker(
                    executor, summarize_pdf, page.body, page.final_url, bullets, method
                )
            else:
                summary, extract_s, summarise_s = await run_in_worker(
                    executor, summarize_page, page.text, page.final_url, bullets, method
                )
    except KeypointsError as exc:
        SUMMARIES.labels(exc.reason).inc()
        if isinstance(exc, FetchError):
            FETCH_FAILURES.labels(exc.reason, domain_label(url, exc.reason)).inc()
        raise
    STAGE_SECONDS.labels("extract").observe(extract_s)
    STAGE_SECONDS.labels("summarise").observe(summarise_s)
    SUMMARIES.labels("ok").inc()
    return summary
