"""The bot over Socket Mode, against a local websocket stand-in (apps.connections.open)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fakes.fake_slack import SlackStandIn, event_callback, link_message, slash_command
from fakes.slack_harness import FakeSummariser, settings_for, simple_canonical

from bot.settings import Settings, SettingsError
from bot.slack.app import running_bot
from bot.slack.serve import serve, serve_socket_mode

URL = "https://news.example.com/socket/1"


async def test_socket_mode_envelope_is_acked_and_answered(tmp_path: Path) -> None:
    """An events_api envelope is acknowledged by envelope id and answered in the thread."""
    async with SlackStandIn() as slack:
        settings = settings_for(
            slack, tmp_path / "kp.db", signing_secret=None, app_token="xapp-test"
        )
        async with running_bot(
            settings, summarise=FakeSummariser(), canonicalize=simple_canonical
        ) as bot:
            stop = asyncio.Event()
            server = asyncio.create_task(serve_socket_mode(bot, "xapp-test", stop))
            try:
                event = link_message(URL)
                await slack.deliver(
                    {
                        "envelope_id": "env-1",
                        "type": "events_api",
                        "payload": event_callback(event),
                        "accepts_response_payload": False,
                        "retry_attempt": 0,
                    }
                )
                ack = await slack.wait_for_ack("env-1")
                assert ack == {"envelope_id": "env-1"} or ack.get("envelope_id") == "env-1"
                (reply,) = await slack.wait_for(1, "chat.postMessage")
                assert reply.args["thread_ts"] == event["ts"]
                command = slash_command(f"{URL} 2", slack.response_url("c"))
                await slack.deliver(
                    {
                        "envelope_id": "env-2",
                        "type": "slash_commands",
                        "payload": command,
                        "accepts_response_payload": True,
                    }
                )
                await slack.wait_for_ack("env-2")
                (answer,) = await slack.wait_for(1, "response_url")
                assert answer.args["response_type"] == "in_channel"
            finally:
                stop.set()
                await server
        assert slack.calls_to("apps.connections.open")


async def test_serve_without_credentials_raises_settings_error() -> None:
    """`serve` with no Slack tokens stops at once with a SettingsError naming the variables."""
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN"):
        await serve(Settings())
