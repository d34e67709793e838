"""Reading back the message a request is about (a reaction's message, a mention's thread
parent), and what to tell people when Slack will not let the bot read it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.failures import api_error

log = logging.getLogger(__name__)


def unreadable_message_hint(error: str, needed: str | None = None) -> str:
    """Why the bot could not read the message it was asked about, and how to fix it."""
    if error == "not_in_channel":
        return (
            "I can't read messages in this channel because I'm not a member. "
            "Add me with `/invite @Keypoints` and ask again."
        )
    if error == "missing_scope":
        scope = f" (`{needed}`)" if needed else ""
        return (
            f"I'm not allowed to read messages here: the app is missing a permission{scope}. "
            "Ask a workspace admin to reinstall Keypoints from its manifest, then ask again."
        )
    return (
        f"I couldn't read that message (Slack said `{error}`). "
        "You can ask with `/keypoints <url>` instead."
    )


@dataclass(frozen=True, slots=True)
class ReadMessage:
    """A message read back from Slack; ``error`` (Slack's code) when it could not be read."""

    message: dict[str, Any] | None = None
    error: str | None = None
    needed: str | None = None  # missing_scope: the scope Slack names


async def fetch_message(client: AsyncWebClient, channel: str, ts: str) -> ReadMessage:
    """The message ``ts`` of ``channel``, wherever it is: a top-level message, a thread's
    parent or a reply. ``conversations.replies`` takes any message of a thread but always
    answers with the thread's *parent* first (``conversations.history`` sees top-level
    messages only), so the replies are narrowed to ``ts`` and the message is picked by it."""
    cursor = None
    try:
        for _ in range(20):  # pages of 200: a 4,000-message thread at most
            response = await client.conversations_replies(
                channel=channel, ts=ts, oldest=ts, latest=ts, inclusive=True, limit=200,
                cursor=cursor,
            )  # fmt: skip
            for message in response.get("messages") or []:
                if message.get("ts") == ts:
                    return ReadMessage(dict(message))
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
    except SlackApiError as exc:
        error = api_error(exc) or f"http_{exc.response.status_code}"
        log.warning("cannot read message %s in %s: %s", ts, channel, error)
        if error in ("thread_not_found", "message_not_found"):
            return ReadMessage()  # deleted meanwhile: nothing to answer
        data = exc.response.data
        needed = data.get("needed") if isinstance(data, dict) else None
        return ReadMessage(error=error, needed=str(needed) if needed else None)
    return ReadMessage()
