"""Pages shaped to be slow or hungry to read (issue 16): capped on parsing, answered with a
short reason, and stopped by the worker budget when they run over it."""

from __future__ import annotations

import pytest
from aiohttp import web
from fakes.article_site import article_page
from fakes.evaluation_data import HAS_EXTRACTION, NO_EXTRACTION, extraction_pages
from fakes.hostile_pages import SHAPES
from fakes.hostile_server import build_app, serve

from bot.errors import KeypointsError, TooComplex
from bot.extraction.limits import (
    MAX_ATTRIBUTE,
    MAX_ELEMENTS,
    MAX_META,
    MAX_PLAIN_TEXT,
    MAX_TEXT_NODE,
    bound_text,
    bound_tree,
)
from bot.extraction.page import parse_html
from bot.fetch import Fetcher, FetchSettings
from bot.pipeline import summarize_url
from bot.workers import RespawningProcessPool, WorkerBudget


def _site() -> web.Application:
    """The hostile server plus one ordinary article at ``/story``."""
    app = build_app()
    story = article_page("Rail plan approved")
    app.router.add_get("/story", lambda _: _page(story))
    return app


async def _page(html: str) -> web.Response:
    return web.Response(text=html, content_type="text/html")


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_a_hostile_page_is_cut_to_the_caps_when_parsed(name: str) -> None:
    """Elements, meta tags, text nodes and attributes are all within the caps after parsing."""
    tree = parse_html(SHAPES[name]())
    assert tree is not None
    elements = [e for e in tree.iter() if e.tag != "meta"]
    assert len(elements) <= MAX_ELEMENTS
    assert sum(1 for _ in tree.iter("meta")) <= MAX_META
    for element in elements:
        assert all(len(value) <= MAX_ATTRIBUTE for value in element.attrib.values())
        if element.tag not in ("script", "style"):
            assert len(element.text or "") <= MAX_TEXT_NODE
            assert len(element.tail or "") <= MAX_TEXT_NODE


def test_the_caps_keep_the_article_after_many_meta_tags() -> None:
    """60,000 meta tags in the head do not push the article out of the element cap."""
    from bot.pipeline import summarize_html

    summary = summarize_html(SHAPES["many_meta_tags"]())
    assert summary.bullets and "council" in summary.bullets[0]


def test_plain_text_is_cut_to_its_cap() -> None:
    """Plain text (batch, CLI) is read up to MAX_PLAIN_TEXT characters only."""
    assert len(bound_text("Hi.\n\n" * 1_000_000)) == MAX_PLAIN_TEXT
    assert bound_text("short") == "short"


@pytest.mark.skipif(not HAS_EXTRACTION, reason=NO_EXTRACTION)
def test_real_pages_pass_the_caps_unchanged() -> None:
    """None of the 121 evaluation pages is cut: the caps only ever bite on hostile pages."""
    import trafilatura

    for page in extraction_pages():
        tree = trafilatura.load_html(page.html)
        assert not bound_tree(tree), page.page_id


async def test_every_shape_via_a_link_gets_a_short_answer_and_others_are_answered() -> None:
    """Each hostile page served gzipped ends in a summary or a one-line reason (never a crash
    or the memory cap), and an ordinary link fetched after them is summarised."""
    # The production memory cap, but a roomy clock: on a loaded test machine wall time says
    # little. Each shape's time is measured by bench/bench_hostile.py; the next test shows the
    # time budget is enforced.
    pool = RespawningProcessPool(1, WorkerBudget(seconds=60))
    settings = FetchSettings(allow_hosts=("127.0.0.1",))
    try:
        async with serve(_site()) as base, Fetcher(settings) as fetcher:
            for name in sorted(SHAPES):
                try:
                    await summarize_url(f"{base}/shape/{name}", fetcher, executor=pool)
                except TooComplex:
                    pytest.fail(f"{name} ran over the worker's memory cap or crashed it")
                except KeypointsError as exc:
                    assert "\n" not in exc.message and len(exc.message) < 120
            summary = await summarize_url(f"{base}/story", fetcher, executor=pool)
    finally:
        pool.shutdown(cancel_futures=True)
    assert summary.article.title == "Rail plan approved" and summary.bullets


async def test_a_page_over_the_budget_is_refused_and_the_next_link_answered() -> None:
    """A page still too slow for the (here tiny) budget is stopped from outside the work: the
    user reads "too large or complex", and a fresh worker answers the next link."""
    pool = RespawningProcessPool(1, WorkerBudget(seconds=0.05))
    settings = FetchSettings(allow_hosts=("127.0.0.1",))
    try:
        async with serve(_site()) as base, Fetcher(settings) as fetcher:
            # about a second of work at the caps: far over 0.05 s
            with pytest.raises(TooComplex) as refused:
                await summarize_url(f"{base}/shape/many_paragraphs", fetcher, executor=pool)
            pool.budget = WorkerBudget(seconds=60)  # the next job may take its time
            summary = await summarize_url(f"{base}/story", fetcher, executor=pool)
    finally:
        pool.shutdown(cancel_futures=True)
    assert refused.value.message == "The page is too large or complex to read."
    assert summary.article.title == "Rail plan approved" and summary.bullets
