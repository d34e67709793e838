"""The CLI against local servers: `summarize URL`, `batch` with URLs, `digest --dry-run`."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import UTC, datetime, timedelta

from fakes.article_site import PARAGRAPHS, article_page
from fakes.feed_server import Entry, FeedServer, rss


async def run_cli(*args: str, stdin: bytes = b"", allow: bool | str = True) -> tuple[int, str, str]:
    """Run `python -m bot ARGS` without blocking the loop that serves the test's pages;
    ``allow`` is True (127.0.0.1), False (nothing) or the KEYPOINTS_ALLOW_HOSTS value."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "KEYPOINTS_"))}
    env["KEYPOINTS_ALLOW_HOSTS"] = allow if isinstance(allow, str) else "127.0.0.1" * allow
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
    try:
        out, err = await asyncio.wait_for(proc.communicate(stdin), timeout=300)
    finally:  # a hung CLI fails its test; it must not outlive it
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
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


async def test_allow_list_entry_with_a_port_lets_that_server_be_fetched() -> None:
    """`KEYPOINTS_ALLOW_HOSTS=127.0.0.1:PORT`, the natural first guess, works."""
    async with _site() as site:
        host_port = site.base.removeprefix("http://")
        code, out, err = await run_cli("summarize", site.url("/articles/rail"), allow=host_port)
    assert code == 0, err
    assert out.startswith("Light rail line approved")


async def test_summarize_of_a_feed_url_points_to_digest() -> None:
    """An RSS/Atom URL given to `summarize` is called a feed, with the digest command to use."""
    async with _site() as site:
        code, out, err = await run_cli("summarize", site.url("/feed.xml"))
    assert code == 2 and out == ""
    hint = f"digest --dry-run --channel C0123456 --feed {site.url('/feed.xml')}"
    assert "news feed" in err and hint in err
    assert "file or an image" not in err and len(err.strip().splitlines()) == 1


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


async def test_digest_dry_run_with_every_feed_failing_exits_2_in_one_line() -> None:
    """When no feed can be read, `digest --dry-run` exits 2 with one stderr line, no digest."""
    async with _site() as site:
        feeds = [site.url("/missing.xml"), site.url("/gone.xml")]
        code, out, err = await run_cli(
            "digest", "--channel", "C1", "--feed", feeds[0], "--feed", feeds[1], "--dry-run"
        )
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "none of the 2 feeds could be read" in err and "/missing.xml" in err


async def test_digest_dry_run_with_some_feeds_failing_names_each_on_stderr() -> None:
    """Broken feeds next to a working one: exit 0, the digest, and one stderr line per failure."""
    async with _site() as site:
        broken = [site.url("/missing.xml"), site.url("/gone.xml")]
        args = ["--feed", site.url("/feed.xml"), "--feed", broken[0], "--feed", broken[1]]
        code, out, err = await run_cli("digest", "--channel", "C1", *args, "--dry-run")
    assert code == 0, err
    assert "Light rail line approved" in out
    lines = err.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith("keypoints: feed skipped: ") for line in lines)
    assert broken[0] in lines[0] and broken[1] in lines[1]


async def test_digest_now_without_a_token_says_what_to_set() -> None:
    """`digest --now` needs Slack credentials; without them it exits 2 with one line."""
    code, out, err = await run_cli("digest", "--channel", "C1", "--now")
    assert code == 2 and out == ""
    assert "SLACK_BOT_TOKEN" in err and len(err.strip().splitlines()) == 1
