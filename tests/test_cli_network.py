"""The CLI against local servers: `summarize URL`, `batch` with URLs, `digest --dry-run`."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import UTC, datetime, timedelta

from fakes.article_site import PARAGRAPHS, article_page
from fakes.feed_server import Entry, FeedServer, rss


async def run_cli(*args: str, stdin: bytes = b"", allow: bool = True) -> tuple[int, str, str]:
    """Run `python -m bot ARGS` without blocking the loop that serves the test's pages."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "KEYPOINTS_"))}
    env["KEYPOINTS_ALLOW_HOSTS"] = "127.0.0.1" if allow else ""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(stdin), timeout=90)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def _site() -> FeedServer:
    now = datetime.now(UTC)
    server = FeedServer()
    server.routes["/articles/rail"] = article_page("Light rail line approved").encode()
    server.routes["/articles/solar"] = article_page("Solar farm opens", PARAGRAPHS[::-1]).encode()
    entries = [
        Entry("Light rail line approved", "/articles/rail", published=now - timedelta(hours=1)),
        Entry("Solar farm opens", "/articles/solar", published=now - timedelta(hours=2)),
    ]
    server.routes["/feed.xml"] = lambda: rss(
        "Local", [Entry(e.title, server.url(e.link), published=e.published) for e in entries]
    )
    return server


async def test_summarize_url_fetches_an_allowed_host() -> None:
    """`summarize URL` fetches the page and prints its title and verbatim bullets."""
    async with _site() as site:
        code, out, err = await run_cli("summarize", site.url("/articles/rail"), "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["title"] == "Light rail line approved"
    assert payload["bullets"] and all(any(b in p for p in PARAGRAPHS) for b in payload["bullets"])


async def test_summarize_url_on_loopback_is_refused_by_default() -> None:
    """Without KEYPOINTS_ALLOW_HOSTS, a loopback URL exits 2 with the blocked-address line."""
    async with _site() as site:
        code, out, err = await run_cli("summarize", site.url("/articles/rail"), allow=False)
        assert site.hits == {}
    assert code == 2 and out == ""
    assert "private or internal network" in err and "Traceback" not in err


async def test_batch_reads_jsonl_from_stdin_and_writes_one_line_each() -> None:
    """`batch` answers every line in order, with errors for the bad ones."""
    async with _site() as site:
        lines = [
            {"id": 1, "url": site.url("/articles/rail")},
            {"id": 2, "url": site.url("/articles/missing")},
            {"id": 3, "text": "\n\n".join(PARAGRAPHS)},
        ]
        stdin = ("\n".join(json.dumps(x) for x in lines) + "\nnot json\n").encode()
        code, out, err = await run_cli("batch", "--bullets", "2", stdin=stdin)
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == [1, 2, 3, None]
    assert len(records[0]["bullets"]) == 2 and records[0]["error"] is None
    assert records[1]["error"] == "The page was not found." and records[1]["bullets"] == []
    assert records[2]["error"] is None and records[2]["text"].count("\n\n") >= 3
    assert "not valid JSON" in records[3]["error"]


async def test_digest_dry_run_prints_text_and_block_kit() -> None:
    """`digest --dry-run --feed` builds the digest without Slack, as text or Block Kit JSON."""
    async with _site() as site:
        feed = site.url("/feed.xml")
        code, text, err = await run_cli("digest", "--channel", "C1", "--feed", feed, "--dry-run")
        assert code == 0, err
        code, raw, err = await run_cli(
            "digest", "--channel", "C1", "--feed", feed, "--dry-run", "--json"
        )
    assert code == 0, err
    assert "Light rail line approved" in text and "Solar farm opens" in text
    assert "• " in text
    message = json.loads(raw)
    assert message["blocks"][0]["type"] == "header"
    assert len(message["blocks"]) <= 50
    assert len(message["thread"]) == 2
    assert "Light rail line approved" in message["text"]


async def test_digest_now_without_a_token_says_what_to_set() -> None:
    """`digest --now` needs Slack credentials; without them it exits 2 with one line."""
    code, out, err = await run_cli("digest", "--channel", "C1", "--now")
    assert code == 2 and out == ""
    assert "SLACK_BOT_TOKEN" in err and len(err.strip().splitlines()) == 1
