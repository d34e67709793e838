"""`keypoints batch`: JSONL in, JSONL out, same order, errors per line, never aborting."""

from __future__ import annotations

import io
import json
from pathlib import Path

from bot.batch import BatchRunner
from bot.fetch import Fetcher, FetchSettings

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
        assert set(record) == {"id", "title", "text", "bullets", "error"}
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
