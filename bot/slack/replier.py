"""Posting replies through the Slack Web API (the only module here that writes to Slack).

Three ways to answer: a message in the thread (``chat.postMessage``), an ephemeral message only
the requester sees (``chat.postEphemeral``), or the ``response_url`` of a slash command or
shortcut, which works even in channels the bot is not a member of.
"""

from __future__ import annotations

from typing import Protocol

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.slack.render import SlackMessage
from bot.slack.tenancy import TeamScopedClient


class Replier(Protocol):
    """Where the service sends its messages; tests substitute a recorder."""

    async def post(
        self, channel_id: str, thread_ts: str | None, message: SlackMessage
    ) -> str | None:
        """A visible message, in a thread when ``thread_ts`` is set; its ``ts`` if known."""

    async def post_ephemeral(
        self, channel_id: str, user_id: str, thread_ts: str | None, message: SlackMessage
    ) -> None:
        """A message only ``user_id`` sees."""

    async def respond(self, response_url: str, message: SlackMessage, *, public: bool) -> None:
        """Answer a slash command or shortcut through its ``response_url``."""


class MessageEditor(Protocol):
    """The rest of what the service does in Slack: progress reactions, deleting its reply
    when the original message goes, and permalinks to earlier replies."""

    async def add_reaction(self, channel_id: str, ts: str, name: str) -> None: ...

    async def remove_reaction(self, channel_id: str, ts: str, name: str) -> None: ...

    async def delete(self, channel_id: str, ts: str) -> None: ...

    async def permalink(self, channel_id: str, ts: str) -> str: ...


class WebApiReplier:
    """``Replier`` over an ``AsyncWebClient`` (which carries the retry handlers), or over a
    ``TeamScopedClient`` that picks the workspace's token per call."""

    def __init__(self, client: AsyncWebClient | TeamScopedClient) -> None:
        self.client = client

    async def post(
        self, channel_id: str, thread_ts: str | None, message: SlackMessage
    ) -> str | None:
        response = await self.client.chat_postMessage(
            channel=channel_id,
            thread_ts=thread_ts,
            text=message.text,
            blocks=message.blocks or None,
            unfurl_links=False,
            unfurl_media=False,
            metadata=message.metadata,
        )
        ts = response.get("ts")
        return str(ts) if ts else None

    async def post_ephemeral(
        self, channel_id: str, user_id: str, thread_ts: str | None, message: SlackMessage
    ) -> None:
        await self.client.chat_postEphemeral(
            channel=channel_id,
            user=user_id,
            thread_ts=thread_ts,
            text=message.text,
            blocks=message.blocks or None,
        )

    async def add_reaction(self, channel_id: str, ts: str, name: str) -> None:
        await self.client.reactions_add(channel=channel_id, timestamp=ts, name=name)

    async def remove_reaction(self, channel_id: str, ts: str, name: str) -> None:
        await self.client.reactions_remove(channel=channel_id, timestamp=ts, name=name)

    async def delete(self, channel_id: str, ts: str) -> None:
        await self.client.chat_delete(channel=channel_id, ts=ts)

    async def permalink(self, channel_id: str, ts: str) -> str:
        response = await self.client.chat_getPermalink(channel=channel_id, message_ts=ts)
        return str(response["permalink"])

    async def respond(self, response_url: str, message: SlackMessage, *, public: bool) -> None:
        retry_handlers: list[AsyncRetryHandler] = list(self.client.retry_handlers or [])
        webhook = AsyncWebhookClient(response_url, retry_handlers=retry_handlers)
        response = await webhook.send(
            text=message.text,
            blocks=message.blocks or None,
            response_type="in_channel" if public else "ephemeral",
            unfurl_links=False,
            unfurl_media=False,
        )
        if response.status_code >= 400:
            raise RuntimeError(f"response_url answered HTTP {response.status_code}")


async def thread_has_marker(
    client: AsyncWebClient | TeamScopedClient, channel_id: str, thread_ts: str, marker: str
) -> bool:
    """Whether a message in the thread carries ``marker`` in its metadata (a reply a replica
    posted before dying, so the job that re-takes its work must not post it again)."""
    cursor = None
    while True:
        response = await client.conversations_replies(
            channel=channel_id, ts=thread_ts, include_all_metadata=True, limit=200, cursor=cursor
        )
        for message in response.get("messages") or []:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("job") == marker:
                return True
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return False
