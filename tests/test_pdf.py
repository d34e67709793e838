"""PDF links (issue 14): read within limits, a paper's abstract first, scans and hostile
files answered with a short reason. The PDFs are built by ``fakes.pdfs``."""

from __future__ import annotations

import pytest
from aiohttp import web
from fakes.hostile_server import serve
from fakes.pdfs import (
    PAPER_ABSTRACT,
    build_pdf,
    decompression_bomb,
    deep_nesting,
    many_pages,
    paper_pdf,
    scanned,
    summarise_in_worker,
    wrap,
)

from bot.errors import NoArticle, NotAWebPage, NoTextLayer, TooComplex, TooLarge
from bot.fetch import Fetcher, FetchSettings
from bot.pdf import pdf_article, read_pdf
from bot.pipeline import summarize_pdf, summarize_url
from bot.workers import RespawningProcessPool, WorkerBudget

REPORT = (
    "The city council approved a new rail line on Tuesday after a decade of debate. "
    "The line will link the airport to the central station in eighteen minutes. "
    "Construction is due to start next spring and to cost about two billion euros. "
    "Critics said the money would be better spent on buses in the outer districts. "
    "The mayor said the first trains should run before the end of the decade. "
    "Residents near the planned route will be offered noise barriers and compensation."
)


def _report_pdf() -> bytes:
    return build_pdf([["Rail plan approved", *wrap(REPORT)]])


def test_a_paper_gives_title_authors_and_key_points_from_its_abstract() -> None:
    """Metadata title and authors; the bullets are sentences of the abstract."""
    summary, _, _ = summarize_pdf(paper_pdf(), "https://example.com/foldy.pdf", 3, "default")
    assert summary.article.title == "Foldy: Learning to Fold Boxes"
    assert summary.article.authors == ("Jane Doe", "John Roe")
    assert len(summary.bullets) == 3
    assert all(bullet in PAPER_ABSTRACT for bullet in summary.bullets)


def test_a_paper_keeps_abstract_and_introduction_but_not_later_sections() -> None:
    """The text summarised is the abstract then the introduction; "Related Work" is left out."""
    article = pdf_article(read_pdf(paper_pdf()))
    assert article.paragraphs[0].startswith("We present Foldy")
    assert any(p.startswith("Warehouses pack") for p in article.paragraphs)
    assert not any("jigs" in p for p in article.paragraphs)


def test_a_document_without_abstract_is_summarised_from_its_body() -> None:
    """No abstract or introduction: the body; the title is its first line, lines rejoined."""
    summary, _, _ = summarize_pdf(_report_pdf(), "https://example.com/r.pdf", 3, "default")
    assert summary.article.title == "Rail plan approved"
    assert summary.bullets[0].startswith("The city council approved a new rail line")
    assert all(bullet in REPORT for bullet in summary.bullets)


def test_words_hyphenated_across_lines_are_joined() -> None:
    """ "infra-" at a line's end and "structure" on the next read as one word."""
    lines = ["Rail plan approved", "The council approved new rail infra-"]
    lines += ["structure for the region after years of debate about costs and routes.", "x" * 200]
    article = pdf_article(read_pdf(build_pdf([lines])))
    assert "infrastructure for the region" in article.text


def test_a_scanned_pdf_gets_an_honest_reply() -> None:
    """Pages without a text layer: NoTextLayer, saying it looks like a scan."""
    with pytest.raises(NoTextLayer) as raised:
        pdf_article(read_pdf(scanned()))
    assert "scan" in raised.value.message


def test_a_damaged_pdf_is_a_short_error() -> None:
    """Bytes that only start like a PDF: NoArticle with one short line, no traceback."""
    with pytest.raises(NoArticle) as raised:
        read_pdf(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    assert raised.value.message == "That PDF is damaged or in a form I can't read."


def test_only_the_first_thirty_pages_are_read() -> None:
    """A 5,000-page file: 30 pages read, the count of all of them kept."""
    # A stopped clock: the page cap is under test, not the time budget (a loaded machine
    # would otherwise stop early, after the few pages read within it).
    pdf = read_pdf(many_pages(5_000, wrap(REPORT)), clock=lambda: 0.0)
    assert len(pdf.pages) == 30 and pdf.page_count == 5_000


def test_reading_stops_at_the_time_budget_with_the_pages_read() -> None:
    """Past the time budget (an injected clock) the pages read so far are used, not lost."""
    ticks = iter(range(100))
    pdf = read_pdf(many_pages(10, wrap(REPORT)), seconds=2.5, clock=lambda: next(ticks))
    assert 1 <= len(pdf.pages) < 10


def test_a_decompression_bomb_is_too_complex_not_a_gigabyte() -> None:
    """A stream inflating to 1 GB stops at pypdf's output limit: TooComplex, not 1 GB of text.
    (Its time is measured by bench/bench_pdf.py, not asserted here.)"""
    with pytest.raises(TooComplex):
        pdf_article(read_pdf(decompression_bomb(1024)))


def test_deep_nesting_is_too_complex() -> None:
    """Objects nested 200,000 deep end in TooComplex, not a crash."""
    with pytest.raises(TooComplex):
        pdf_article(read_pdf(deep_nesting()))


def test_hostile_pdfs_stay_within_memory_and_time_in_a_worker() -> None:
    """Bomb, deep nesting and 10,000 pages, each in a worker: a short outcome from the reader's
    own limits, well inside a roomy budget, and under 256 MB over the worker's resting size."""
    # Bounded, each takes at most about a CPU second; unbounded (every page read, the bomb
    # inflated) minutes. A job over the budget is stopped and its result() raises TimeoutError,
    # failing the test. Their times are measured by bench/bench_pdf.py, not asserted here.
    pool = RespawningProcessPool(1, WorkerBudget(seconds=60))
    try:
        _, _, resting_mb = pool.submit(summarise_in_worker, _report_pdf()).result()
        hostile = {
            "bomb": decompression_bomb(1024),
            "deep": deep_nesting(),
            "pages": many_pages(10_000, wrap(REPORT)),
        }
        for name, data in hostile.items():
            outcome, _, peak_mb = pool.submit(summarise_in_worker, data).result()
            assert peak_mb - resting_mb < 256, (name, peak_mb, resting_mb)
            assert outcome in {"ok", "too_complex"}, (name, outcome)
    finally:
        pool.shutdown(cancel_futures=True)


def _pdf_site(report: bytes) -> web.Application:
    app = web.Application()

    async def typed(_: web.Request) -> web.Response:
        return web.Response(body=report, content_type="application/pdf")

    async def as_html(_: web.Request) -> web.Response:
        return web.Response(body=report, content_type="text/html")

    async def big(_: web.Request) -> web.Response:
        padded = report + b"%" + b" " * 8_000_000  # a comment after %%EOF: still a PDF
        return web.Response(body=padded, content_type="application/pdf")

    async def huge(_: web.Request) -> web.Response:
        return web.Response(body=report + b" " * 21_000_000, content_type="application/pdf")

    async def liar(_: web.Request) -> web.Response:
        return web.Response(body=b"<html><body>hi</body></html>", content_type="application/pdf")

    app.router.add_get("/paper", typed)
    app.router.add_get("/as-html", as_html)
    app.router.add_get("/big.pdf", big)
    app.router.add_get("/huge.pdf", huge)
    app.router.add_get("/liar.pdf", liar)
    return app


async def test_a_pdf_link_is_fetched_and_summarised_in_a_worker() -> None:
    """A PDF served as application/pdf without ".pdf", and one labelled text/html, are both
    read as PDFs by summarize_url, in a worker process."""
    pool = RespawningProcessPool(1, WorkerBudget(seconds=60))  # the path, not the budget
    settings = FetchSettings(allow_hosts=("127.0.0.1",))
    try:
        async with serve(_pdf_site(_report_pdf())) as base, Fetcher(settings) as fetcher:
            typed = await summarize_url(f"{base}/paper", fetcher, executor=pool)
            as_html = await summarize_url(f"{base}/as-html", fetcher, executor=pool)
    finally:
        pool.shutdown(cancel_futures=True)
    assert typed.article.title == as_html.article.title == "Rail plan approved"
    assert typed.bullets == as_html.bullets and typed.bullets


async def test_the_pdf_size_cap_is_twenty_megabytes_and_only_for_pdfs() -> None:
    """An 8 MB PDF passes (the page cap is 5 MB), 21 MB is too large, a "PDF" that is HTML
    is refused, and a caller that does not read PDFs still gets "not a web page"."""
    settings = FetchSettings(allow_hosts=("127.0.0.1",))
    async with serve(_pdf_site(_report_pdf())) as base, Fetcher(settings) as fetcher:
        big = await fetcher.fetch(f"{base}/big.pdf", pdf=True)
        assert big.content_type == "application/pdf" and len(big.body) > 8_000_000
        with pytest.raises(TooLarge):
            await fetcher.fetch(f"{base}/huge.pdf", pdf=True)
        with pytest.raises(NotAWebPage) as liar:
            await fetcher.fetch(f"{base}/liar.pdf", pdf=True)
        assert "not one" in liar.value.message
        with pytest.raises(NotAWebPage):
            await fetcher.fetch(f"{base}/paper")
        with pytest.raises(NotAWebPage):
            await fetcher.fetch(f"{base}/as-html")
