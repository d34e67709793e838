"""Who may talk to the bot and what it writes down: signed requests against the real app and
the Slack stand-in (issue 16 items 4, 6, 7, 11), and the log format itself."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from fakes.bot_process import free_port
from fakes.fake_slack import (
    TEAM_ID,
    event_callback,
    link_message,
    send_signed,
    signed_headers,
    slash_command,
)
from fakes.slack_harness import SECRET, Harness, http_bot

from bot.errors import SettingsError
from bot.fetch import Fetcher
from bot.fetch.settings import FetchSettings
from bot.observability import metrics
from bot.observability.logs import RateLimitedLog, configure_logging
from bot.settings import Settings
from bot.slack import gate
from bot.slack.serve import serving_metrics

URL = "https://news.example.com/story/1"
CANARY = "CANARY-message-text-4242"  # recognisable in a log, if it ever got there
FORGED = "2026-01-01 00:00:00,000 CRITICAL bot.security: FORGED LINE"


@pytest.fixture
def log_stream(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """The production log set-up (text, INFO) writing to a string; a fresh rate limit."""
    monkeypatch.setattr(gate, "refusals", RateLimitedLog(gate.log, gate.LOG_INTERVAL_SECONDS))
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging(fmt="text", level="INFO", stream=stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


async def post_raw(h: Harness, body: bytes, headers: dict[str, str]) -> int:
    """POST exactly ``body`` to /slack/events."""
    async with h.session.post(h.events_url, data=body, headers=headers) as response:
        return response.status


def rejected(reason: str) -> float:
    return metrics.REQUESTS_REJECTED.labels(reason)._value.get()


async def test_badly_signed_flood_logs_one_short_line_and_no_body(
    tmp_path: Path, log_stream: io.StringIO
) -> None:
    """30 badly signed ~1 MB requests get 401 and add one short line, without the body."""
    async with http_bot(tmp_path) as h:
        event = link_message(URL, text=CANARY + " " + "x" * 1_000_000)
        for _ in range(30):
            status, _ = await send_signed(h.session, h.events_url, "wrong", event_callback(event))
            assert status == 401
        await h.settle()
        assert h.slack.replies == []
    output = log_stream.getvalue()
    assert CANARY not in output
    assert output.count("refused a Slack request") == 1
    assert len(output) < 2000


async def test_raw_newline_in_a_rejected_body_forges_no_line(
    tmp_path: Path, log_stream: io.StringIO
) -> None:
    """A form body with a raw newline and a fake log line, badly signed: nothing of it logged."""
    async with http_bot(tmp_path) as h:
        body = f"command=/keypoints&text=hi\n{FORGED}\n".encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            **signed_headers("wrong-secret", body.decode()),
        }
        assert await post_raw(h, body, headers) == 401
    assert "FORGED" not in log_stream.getvalue()


async def test_signed_message_text_never_reaches_the_log_at_info(
    tmp_path: Path, log_stream: io.StringIO
) -> None:
    """A correctly signed message is answered, and its text appears in no logger at INFO."""
    async with http_bot(tmp_path) as h:
        event = link_message(URL, text=f"{CANARY} <{URL}>")
        status, _ = await send_signed(h.session, h.events_url, SECRET, event_callback(event))
        assert status == 200
        await h.settle()
        assert len(h.slack.replies) == 1
    assert CANARY not in log_stream.getvalue()


def test_text_log_lines_escape_control_characters(log_stream: io.StringIO) -> None:
    """Newlines, escape sequences and bidi controls in a message are written as escapes, and a
    traceback's lines are indented: only a record's first line starts at column 0."""
    log = logging.getLogger("bot.test")
    log.warning("user said %s", f"hi\n{FORGED}\r\x1b[2J\u202e")
    try:
        raise ValueError(f"bad\n{FORGED}")
    except ValueError:
        log.exception("failed")
    lines = log_stream.getvalue().splitlines()
    assert "\\n2026-01-01" in lines[0] and "\\x1b[2J\\u202e" in lines[0]
    starts = [line for line in lines if not line.startswith(" ")]
    assert len(starts) == 2 and not any(line.startswith(FORGED) for line in lines)
    assert any(line.startswith("    Traceback") for line in lines)


def test_libraries_info_records_are_dropped_unless_debug() -> None:
    """Below WARNING, libraries' records (bolt logs request bodies at INFO) are dropped at INFO
    and kept at DEBUG; our own INFO lines and libraries' warnings always pass."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        for chosen, expect_library_info in (("INFO", False), ("DEBUG", True)):
            stream = io.StringIO()
            configure_logging(fmt="json", level=chosen, stream=stream)
            logging.getLogger("slack_bolt.App").info("body: %s", CANARY)
            logging.getLogger("aiohttp.access").info("POST %s", CANARY)
            logging.getLogger("slack_bolt.App").warning("library warning")
            logging.getLogger("bot.slack.serve").info("our info")
            output = stream.getvalue()
            assert (CANARY in output) is expect_library_info
            assert "library warning" in output and "our info" in output
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def test_rate_limited_log_counts_what_it_left_out() -> None:
    """One line per interval; the next line says how many were left out meanwhile."""
    now = [0.0]
    stream = io.StringIO()
    logger = logging.getLogger("keypoints.ratelimit.test")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        limited = RateLimitedLog(logger, 60.0, clock=lambda: now[0])
        for _ in range(5):
            limited.warning("refused")
        now[0] = 61.0
        limited.warning("refused")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    assert stream.getvalue().splitlines() == [
        "refused",
        "refused (and 4 more like it since the last such line)",
    ]


@pytest.mark.parametrize(
    ("body", "timestamp"),
    [
        (b"{not json", None),
        (b"[1, 2, 3]", None),
        (b'{"type": "event_callback"}', "abc"),
        (b'{"type": "event_callback"}', "1e3"),
        (b"\xff\xfe not utf-8", None),
    ],
)
async def test_unsigned_malformed_bodies_get_401_quietly(
    tmp_path: Path, log_stream: io.StringIO, body: bytes, timestamp: str | None
) -> None:
    """Malformed bodies or timestamps without a valid signature: 401, no error, no traceback."""
    async with http_bot(tmp_path) as h:
        headers = {"Content-Type": "application/json", "X-Slack-Signature": "v0=" + "0" * 64}
        headers["X-Slack-Request-Timestamp"] = timestamp or "1700000000"
        assert await post_raw(h, body, headers) == 401
    output = log_stream.getvalue()
    assert "ERROR" not in output and "Traceback" not in output


@pytest.mark.parametrize("body", ["{not json", "[1, 2, 3]", "payload=%5B1%5D"])
async def test_signed_malformed_bodies_get_400_quietly(
    tmp_path: Path, log_stream: io.StringIO, body: str
) -> None:
    """A correctly signed body that is not a Slack payload: 400, no error, no traceback."""
    async with http_bot(tmp_path) as h:
        kind = "application/json" if body[0] in "{[" else "application/x-www-form-urlencoded"
        headers = {"Content-Type": kind, **signed_headers(SECRET, body)}
        assert await post_raw(h, body.encode(), headers) == 400
    output = log_stream.getvalue()
    assert "ERROR" not in output and "Traceback" not in output


async def test_events_from_another_workspace_are_ignored(tmp_path: Path) -> None:
    """Single-workspace mode: a signed event or command from another team gets an empty ack
    and no work; the configured team is still answered."""
    async with http_bot(tmp_path) as h:
        before = rejected("other_workspace")
        foreign = event_callback(link_message(URL))
        foreign["team_id"] = "TOTHER"
        foreign["authorizations"] = [{"team_id": "TOTHER", "user_id": "UX", "is_bot": True}]
        status, _ = await send_signed(h.session, h.events_url, SECRET, foreign)
        assert status == 200
        command = {**slash_command(URL, h.slack.response_url("x")), "team_id": "TOTHER"}
        status, _ = await send_signed(h.session, h.events_url, SECRET, command, form=True)
        assert status == 200
        await h.settle()
        assert h.slack.replies == [] and h.summariser.calls == []
        assert rejected("other_workspace") - before == 2
        own = event_callback(link_message(URL))
        assert own["team_id"] == TEAM_ID
        assert (await send_signed(h.session, h.events_url, SECRET, own))[0] == 200
        await h.settle()
        assert len(h.slack.replies) == 1


async def test_refused_targets_share_one_metrics_label() -> None:
    """A link to an internal address is counted under domain="refused", never by address."""
    from bot.pipeline import summarize_url

    async with Fetcher(FetchSettings()) as fetcher:
        for url in ("http://169.254.169.254/latest/meta-data", "http://0x7f.2/x"):
            with pytest.raises(Exception) as caught:
                await summarize_url(url, fetcher)
            assert getattr(caught.value, "reason", None) in metrics.REFUSED_REASONS
    text = metrics.exposition().decode()
    assert 'domain="refused"' in text
    assert "169.254" not in text and "0x7f" not in text


async def test_metrics_token_is_required_when_set(tmp_path: Path) -> None:
    """With KEYPOINTS_METRICS_TOKEN, /metrics answers 401 without the bearer token."""
    async with http_bot(tmp_path, metrics_token="metrics-token-123") as h:
        url = h.events_url.replace("/slack/events", "/metrics")
        async with h.session.get(url) as response:
            assert response.status == 401
        wrong = {"Authorization": "Bearer nope"}
        async with h.session.get(url, headers=wrong) as response:
            assert response.status == 401
        right = {"Authorization": "Bearer metrics-token-123"}
        async with h.session.get(url, headers=right) as response:
            assert response.status == 200
            assert "keypoints_events_received" in await response.text()


async def test_metrics_can_move_to_their_own_address(tmp_path: Path) -> None:
    """With KEYPOINTS_METRICS_ADDR, /metrics is served there and no longer on PORT."""
    port = free_port()
    async with http_bot(tmp_path, metrics_addr=("127.0.0.1", port)) as h:
        main = h.events_url.replace("/slack/events", "/metrics")
        async with h.session.get(main) as response:
            assert response.status == 404
        async with serving_metrics(h.bot) as bound, aiohttp.ClientSession() as session:
            assert bound == port
            async with session.get(f"http://127.0.0.1:{port}/metrics") as response:
                assert response.status == 200


def test_metrics_address_setting_is_parsed_and_checked() -> None:
    """KEYPOINTS_METRICS_ADDR takes host:port, [v6]:port or :port; anything else is refused."""
    read = Settings.from_env
    assert read({"KEYPOINTS_METRICS_ADDR": "127.0.0.1:9100"}).metrics_addr == ("127.0.0.1", 9100)
    assert read({"KEYPOINTS_METRICS_ADDR": "[::1]:9100"}).metrics_addr == ("::1", 9100)
    assert read({"KEYPOINTS_METRICS_ADDR": ":9100"}).metrics_addr == ("0.0.0.0", 9100)
    for bad in ("9100", "host:", "host:99999"):
        with pytest.raises(SettingsError, match="KEYPOINTS_METRICS_ADDR"):
            read({"KEYPOINTS_METRICS_ADDR": bad})
