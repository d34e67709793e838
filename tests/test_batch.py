"""`keypoints batch`: JSONL in, JSONL out, same order, errors per line, never aborting."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar, TextIO

import pytest

from bot.batch import BatchRunner
from bot.cli import main
from bot.fetch import Fetcher, FetchSettings
from bot.settings import Settings
from bot.workers import WorkerBudget

FIXTURES = Path(__file__).parent / "fixtures" / "cli"


def _runner(**settings: object) -> BatchRunner:
    return BatchRunner(
        bullets=3,
        method="default",
        fetcher_factory=lambda: Fetcher(FetchSettings(**settings)),  # type: ignore[arg-type]
    )


async def _run(lines: list[str], **settings: object) -> list[dict[str, object]]:
    out = io.StringIO()
    await _runner(**settings).run(lines, out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


async def test_mixed_lines_keep_order_and_report_errors_per_line() -> None:
    """Good html/text lines get bullets; bad lines get a short error; order is preserved."""
    html = (FIXTURES / "article.html").read_text()
    text = (FIXTURES / "article.txt").read_text()
    lines = [
        json.dumps({"id": "a", "html": html, "url": "https://news.example.com/x"}),
        "{not json",
        json.dumps({"id": "b", "text": text}),
        json.dumps({"id": "c"}),
        "",
        json.dumps({"id": "d", "html": "<html><body></body></html>"}),
        json.dumps([1, 2]),
    ]
    records = await _run(lines)
    assert [r["id"] for r in records] == ["a", None, "b", "c", "d", None]
    for record in records:
        contract = {"id", "title", "text", "bullets", "error"}
        assert set(record) == contract | {"bullets_requested", "bullets_note"}
    assert records[0]["error"] is None and len(records[0]["bullets"]) == 3  # type: ignore[arg-type]
    assert "Acme" in str(records[0]["title"])
    assert "\n\n" in str(records[0]["text"])
    assert "not valid JSON" in str(records[1]["error"])
    assert records[2]["error"] is None and records[2]["bullets"]
    assert "needs" in str(records[3]["error"])
    assert records[4]["error"] and records[4]["bullets"] == []
    assert "JSON object" in str(records[5]["error"])


async def test_url_lines_are_refused_by_the_default_address_policy() -> None:
    """A URL line pointing at loopback is an error line, not a fetch."""
    records = await _run([json.dumps({"id": 1, "url": "http://127.0.0.1:8080/article"})])
    assert records[0]["id"] == 1
    assert "private or internal" in str(records[0]["error"])


async def test_url_lines_are_fetched_concurrently_from_an_allowed_host() -> None:
    """URL lines are fetched (several at once) and keep their input order in the output."""
    import asyncio

    from aiohttp import web

    html = (FIXTURES / "article.html").read_text()
    in_flight = 0
    peak = 0

    async def page(request: web.Request) -> web.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        if request.match_info["n"] == "404":
            return web.Response(status=404, text="gone")
        return web.Response(text=html, content_type="text/html")

    app = web.Application()
    app.router.add_get("/{n}", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        ids = ["1", "2", "404", "3", "4"]
        lines = [json.dumps({"id": i, "url": f"http://127.0.0.1:{port}/{i}"}) for i in ids]
        records = await _run(lines, allow_hosts=("127.0.0.1",))
    finally:
        await runner.cleanup()
    assert [r["id"] for r in records] == ids
    assert [r["error"] is None for r in records] == [True, True, False, True, True]
    assert "not found" in str(records[2]["error"])
    assert peak >= 2


def _many_pages() -> list[str]:
    """Batch lines for many real pages (the evaluation data), else for the repo's fixtures."""
    from fakes.evaluation_data import HAS_EXTRACTION, extraction_pages

    fixtures = Path(__file__).parent / "fixtures"
    if HAS_EXTRACTION:
        pages = [(p.page_id, p.html, p.url) for p in extraction_pages()[:40]]
    else:
        files = [*sorted((fixtures / "extract").glob("*.html")), FIXTURES / "article.html"]
        pages = [(f.stem, f.read_text(), "https://news.example.com/a") for f in files]
    return [json.dumps({"id": pid, "html": html, "url": url}) for pid, html, url in pages]


async def test_concurrent_batches_give_the_serial_output() -> None:
    """Batches run at once, on worker processes and on in-process threads, each write exactly
    what one job at a time writes (lxml shared by threads once corrupted pages, issue 16)."""
    import asyncio

    lines = _many_pages()

    async def run(workers: int, window: int) -> str:
        out = io.StringIO()
        runner = BatchRunner(
            bullets=3,
            method="default",
            fetcher_factory=lambda: Fetcher(FetchSettings()),
            window=window,
            workers=workers,
            # The production memory cap with a roomy clock: on a loaded machine a page could
            # otherwise run over 5 s in one run and not the other, and the outputs differ.
            budget=WorkerBudget(seconds=60),
        )
        await runner.run(lines, out)
        return out.getvalue()

    serial = await run(workers=0, window=1)
    assert serial.count("\n") == len(lines) and '"error": null' in serial
    runs = await asyncio.gather(run(2, 16), run(2, 16), run(0, 16))
    for output in runs:  # line by line, so a failure shows the record that differs
        assert output.splitlines() == serial.splitlines()


async def test_text_is_returned_when_no_bullet_or_only_a_paywall_teaser() -> None:
    """A page or text with no quotable sentence, and a paywall teaser, keep their extracted
    text (and title); `error` says why there are no bullets."""
    teaser = (
        "The city council voted on Monday to build forty kilometres of protected bike lanes "
        "over the next three years, at a cost of about thirty million dollars."
    )
    paywalled = (
        '<html><head><title>Bike lanes</title><script type="application/ld+json">'
        '{"@type": "NewsArticle", "isAccessibleForFree": false}</script></head>'
        f"<body><article><p>{teaser}</p></article></body></html>"
    )
    questions = "Headline here\n\nWhat happened next? Who knows?\n\nWhat will the council do?"
    records = await _run(
        [
            json.dumps({"id": "q", "text": questions}),
            json.dumps({"id": "p", "html": paywalled}),
            json.dumps({"id": "e", "html": "<html><body></body></html>"}),
        ]
    )
    assert records[0]["text"] == "What happened next? Who knows?\n\nWhat will the council do?"
    assert records[0]["title"] == "Headline here"
    assert records[0]["bullets"] == [] and "key points" in str(records[0]["error"])
    assert records[1]["text"] == teaser and records[1]["title"] == "Bike lanes"
    assert records[1]["bullets"] == [] and "paywall" in str(records[1]["error"])
    assert records[2]["text"] is None and records[2]["error"]  # extraction found nothing


class _RecordingRunner:
    """Stands in for ``BatchRunner`` in ``keypoints batch``: keeps what it was built with."""

    built: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, **kwargs: Any) -> None:
        self.built.append(kwargs)

    async def run(self, lines: Iterable[str], out: TextIO) -> int:
        return 0


@pytest.mark.parametrize(("value", "seconds"), [(None, Settings().job_seconds), ("0.7", 0.7)])
def test_batch_gives_each_page_the_budget_serve_reads_from_keypoints_job_seconds(
    monkeypatch: pytest.MonkeyPatch, value: str | None, seconds: float
) -> None:
    """`keypoints batch` builds its runner with KEYPOINTS_JOB_SECONDS as the per-page budget
    (the bot's default when unset), not a fixed 5 s."""
    kwargs = _runner_built_by_batch(monkeypatch, "KEYPOINTS_JOB_SECONDS", value)
    assert kwargs["budget"] == WorkerBudget(seconds=seconds)


def _runner_built_by_batch(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str | None
) -> dict[str, object]:
    """Runs `keypoints batch` on empty input with ``name`` set to ``value`` (unset for None)
    and returns the keyword arguments its runner was built with."""
    import bot.batch

    if value is None:
        monkeypatch.delenv(name, raising=False)
    else:
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(_RecordingRunner, "built", [])
    monkeypatch.setattr(bot.batch, "BatchRunner", _RecordingRunner)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["batch"]) == 0
    (kwargs,) = _RecordingRunner.built
    return kwargs


def test_a_bad_keypoints_job_seconds_stops_batch_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A value below 0.1 s exits 2 with the variable named, before any line is read."""
    monkeypatch.setenv("KEYPOINTS_JOB_SECONDS", "0")
    monkeypatch.setattr("sys.stdin", io.StringIO('{"id": 1, "text": "never read"}\n'))
    assert main(["batch"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().splitlines() == [
        "keypoints: KEYPOINTS_JOB_SECONDS must be at least 0.1, got 0"
    ]


@pytest.mark.parametrize(("value", "workers"), [(None, Settings().workers), ("0", 0), ("3", 3)])
def test_batch_uses_the_worker_count_serve_reads_from_keypoints_workers(
    monkeypatch: pytest.MonkeyPatch, value: str | None, workers: int
) -> None:
    """`keypoints batch` starts KEYPOINTS_WORKERS worker processes (the bot's default when
    unset; 0 runs the pipeline in a thread), as `serve` does."""
    kwargs = _runner_built_by_batch(monkeypatch, "KEYPOINTS_WORKERS", value)
    assert kwargs["workers"] == workers
