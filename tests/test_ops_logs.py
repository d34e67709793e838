"""A real `keypoints serve` process never writes its Slack token or signing secret to its logs,
even at DEBUG, with errors on every path (bad signatures, failing pages, failing Slack calls)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import aiohttp
from fakes.article_site import ArticleSite
from fakes.bot_process import BotProcess, free_port
from fakes.fake_slack import event_callback, link_message, send_signed, slash_command

from bot.slack.standin import SlackStandIn

TOKEN = f"xoxb-{uuid.uuid4().hex}"
SECRET = f"signing-{uuid.uuid4().hex}"


async def test_logs_contain_neither_token_nor_signing_secret(tmp_path: Path) -> None:
    """Traffic with errors at LOG_LEVEL=DEBUG, JSON logs: no token or secret in the output."""
    async with SlackStandIn() as slack, ArticleSite() as site, aiohttp.ClientSession() as session:
        env = {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.api_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'logs.db'}",
            "KEYPOINTS_ALLOW_HOSTS": "127.0.0.1",
            "KEYPOINTS_POST_INTERVAL": "0",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "DEBUG",
        }
        bot = BotProcess(env, tmp_path / "bot.log")
        await bot.start()
        try:
            await bot.wait_healthy(session)
            events = f"{bot.base}/slack/events"
            dead = f"http://127.0.0.1:{free_port()}/gone"  # connection refused
            slack.fail_next("chat.postMessage", 200, body={"ok": False, "error": "invalid_auth"})
            for url in (site.url("/article/1"), site.url("/paywalled"), dead):
                payload = event_callback(link_message(url))
                assert (await send_signed(session, events, SECRET, payload))[0] == 200
            forged = event_callback(link_message(site.url("/article/2")))
            assert (await send_signed(session, events, "wrong-secret", forged))[0] == 401
            command = slash_command(site.url("/article/3"), slack.response_url("c"))
            assert (await send_signed(session, events, SECRET, command, form=True))[0] == 200
            await slack.wait_for(4, within=20)
        finally:
            await bot.stop()
    output = bot.log()
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    # The refused post: one warning line naming Slack's error, no traceback.
    refused = [line for line in lines if "Slack refused" in line["message"]]
    assert len(refused) == 1 and refused[0]["level"] == "warning"
    assert "invalid_auth" in refused[0]["message"]
    assert not any("invalid_auth" in line.get("exception", "") for line in lines)
    assert TOKEN not in output and SECRET not in output
    assert TOKEN[:20] not in output  # not even a prefix of the token
