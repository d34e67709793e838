"""``run_console``: try the bot offline, typing messages as if in a Slack channel.

The same bolt app and listeners as ``serve`` run against ``SlackStandIn`` (a local Slack Web
API on 127.0.0.1); each typed line becomes a signed event, slash command or mention that is
dispatched to the app, and whatever the bot posts back is printed as plain text.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import secrets
import threading
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any, Protocol
from urllib.parse import urlencode

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.settings import Settings
from bot.slack.app import Bot, BotExtension, running_bot
from bot.slack.handlers import auto_off_hint
from bot.slack.links import links_in_text
from bot.slack.render import as_plain_text
from bot.slack.service import Summariser
from bot.slack.standin import BOT_USER_ID, TEAM_ID, ApiCall, SlackStandIn
from bot.store.channels import auto_enabled

CHANNEL = "CCONSOLE"
USER = "UCONSOLE"
QUIT_WORDS = frozenset({"quit", "exit", "/quit", "/exit"})

INTRO = """\
Keypoints console: the Slack bot running offline against a local stand-in for Slack.
Type what you would post in a channel: a message with a link, `/keypoints <url> [bullets]`,
`/keypoints help`, or `@keypoints <url>`. The bot's reply is printed below.
`quit`, `exit`, Ctrl-D or Ctrl-C quits.
To connect to a real workspace: create the app from deploy/slack-manifest.yml, then set
SLACK_BOT_TOKEN plus SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP Events API)
and run `keypoints serve` (see docs/slack-setup.md).
"""


class LineReader(Protocol):
    def readline(self) -> str: ...


class LineWriter(Protocol):
    def write(self, text: str, /) -> int: ...

    def flush(self) -> None: ...


async def run_console(
    settings: Settings,
    stdin: LineReader,
    stdout: LineWriter,
    *,
    summarise: Summariser | None = None,
    extensions: Sequence[BotExtension] = (),
    log_file: str | None = None,
) -> None:
    """Read lines from ``stdin`` until EOF or ``quit``, printing the bot's replies to
    ``stdout``. ``extensions`` are awaited with the bot, as in ``serve``; ``log_file`` is
    where the caller sends the logs (named in the intro, so they stay out of the dialogue)."""
    _print(stdout, INTRO + (f"Logs go to {log_file}.\n" if log_file else ""))
    async with SlackStandIn() as slack:
        console_settings = dataclasses.replace(
            settings,
            bot_token="xoxb-console",
            app_token=None,
            signing_secret=secrets.token_hex(16),
            api_url=slack.api_url,
        )
        async with running_bot(console_settings, summarise=summarise, extensions=extensions) as bot:
            session = _Session(bot, slack)
            async for line in _typed_lines(stdin):
                if line.strip().lower() in QUIT_WORDS:
                    break
                if line.strip():
                    _print(stdout, await session.say(line.strip()) + "\n")


async def _typed_lines(stdin: LineReader) -> AsyncIterator[str]:
    """The lines read from ``stdin`` until EOF, by a daemon thread: a thread blocked in
    ``readline`` must not hold up Ctrl-C (``asyncio.run`` joins ``to_thread``'s pool, which
    would wait for the next Enter)."""
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str] = asyncio.Queue()

    def read() -> None:
        while True:
            line = stdin.readline()
            try:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            except RuntimeError:
                return  # the loop has closed: the console is gone
            if not line:
                return

    threading.Thread(target=read, name="console-stdin", daemon=True).start()
    while line := await lines.get():
        yield line


class _Session:
    """Turns typed lines into Slack requests and the stand-in's recorded calls into text."""

    def __init__(self, bot: Bot, slack: SlackStandIn) -> None:
        self.bot = bot
        self.slack = slack
        self.secret = bot.settings.signing_secret or ""
        self._seen = 0
        self._ids = itertools.count(1)

    async def say(self, line: str) -> str:
        if line.startswith("/keypoints"):
            await self._command(line.removeprefix("/keypoints").strip())
        elif line.lower().startswith("@keypoints"):
            await self._message(f"<@{BOT_USER_ID}> {line[len('@keypoints') :].strip()}", True)
        else:
            await self._message(line, False)
        await self.bot.service.drain()
        replies = self.slack.replies[self._seen :]
        self._seen += len(replies)
        if not replies:
            return await self._silence(line)
        return "\n\n".join(_as_text(call) for call in replies)

    async def _silence(self, line: str) -> str:
        """Why the bot said nothing: auto mode is off here, or the message had no links."""
        plain = not line.startswith(("/", "@"))
        if plain and links_in_text(line, limit=1):
            engine = self.bot.service.engine
            if not await auto_enabled(engine, TEAM_ID, CHANNEL):
                return f"(no reply: {auto_off_hint(self.bot.settings.reaction)})"
        return "(no reply: the bot answers messages that contain article links)"

    async def _message(self, line: str, mention: bool) -> None:
        n = next(self._ids)
        ts = f"{int(time.time())}.{n:06d}"
        text = _wrap_links(line)
        event = {
            "type": "message",
            "channel": CHANNEL,
            "user": USER,
            "ts": ts,
            "text": text,
            "channel_type": "channel",
        }
        await self._dispatch(_envelope(event, f"EvConsole{n}m"))
        if mention:
            mention_event = {**event, "type": "app_mention"}
            await self._dispatch(_envelope(mention_event, f"EvConsole{n}a"))

    async def _command(self, text: str) -> None:
        n = next(self._ids)
        form = {
            "team_id": TEAM_ID,
            "channel_id": CHANNEL,
            "user_id": USER,
            "command": "/keypoints",
            "text": text,
            "trigger_id": f"console{n}",
            "response_url": self.slack.response_url(f"console{n}"),
        }
        await self._dispatch(urlencode(form), "application/x-www-form-urlencoded")

    async def _dispatch(self, body: str, content_type: str = "application/json") -> None:
        timestamp = str(int(time.time()))
        signature = SignatureVerifier(self.secret).generate_signature(
            timestamp=timestamp, body=body
        )
        headers: dict[str, str | Sequence[str]] = {
            "content-type": content_type,
            "x-slack-request-timestamp": timestamp,
            "x-slack-signature": signature or "",
        }
        await self.bot.app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))


def _envelope(event: dict[str, Any], event_id: str) -> str:
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": TEAM_ID,
            "event": event,
            "event_id": event_id,
            "event_time": int(time.time()),
        }
    )


def _wrap_links(line: str) -> str:
    """Bare URLs as Slack clients send them: ``<url>`` (lines already in that form are kept)."""
    if "<http" in line:
        return line
    for url in links_in_text(line, limit=20):
        line = line.replace(url, f"<{url}>", 1)
    return line


def _as_text(call: ApiCall) -> str:
    text = as_plain_text(str(call.args.get("text", "")), call.args.get("blocks"))
    private = call.method == "chat.postEphemeral" or call.args.get("response_type") == "ephemeral"
    return f"(only you can see this) {text}" if private else text


def _print(stdout: LineWriter, text: str) -> None:
    stdout.write(text)
    stdout.flush()
