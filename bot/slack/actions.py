"""Clicks on a reply's buttons (``block_actions``): More / Fewer points, 👍 / 👎, Remove.

The listener acknowledges first and does the work in the background (Slack wants the ack
within 3 seconds; Socket Mode and HTTP alike). Each click sets a state in the database (bullets
shown, this person's vote, removed), never steps one, so a click delivered twice, or handled by
two replicas, ends the same. The message is then re-rendered from the database and the cached
summary and replaced in place (``chat.update``; a reply that went out through a
``response_url`` is replaced through the click's own). After an update the state is read
again: a vote that landed meanwhile (on any replica) is shown by another update, so the last
update Slack sees always has the final counts.

More / Fewer never fetch the page again: the summary at the new count is in the cache, or it is
made from the cached article text (the summariser works on text; it runs in a thread).
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.models import Summary
from bot.slack.buttons import (
    DOWN,
    FEWER,
    MORE,
    REMOVE,
    UP,
    ButtonState,
    bullet_range,
    parse_value,
    with_buttons,
)
from bot.slack.failures import api_error, short_reason
from bot.slack.reading import fetch_message
from bot.slack.render import SlackMessage, summary_message
from bot.slack.service import KeypointsService
from bot.slack.tenancy import team_scope
from bot.store import replies
from bot.store.cache import any_cached_summary, get_cached, put_cached

log = logging.getLogger(__name__)

ACTION_PATTERN = re.compile(r"^keypoints_(more|fewer|up|down|remove)$")
NOT_ALLOWED = (
    "Only the person who posted the link, the person who asked for these key points, "
    "or a workspace admin can remove this reply."
)
GONE = "That reply is no longer available."
EXPIRED = (
    "I no longer have that article at hand, so I can't change its key points. "
    "Ask again with `/keypoints <url> [bullets]`."
)
_REFRESHES = 3  # re-renders when clicks keep landing meanwhile; the last one catches up
_SLACK_TS = re.compile(r"^\d+\.\d+$")


@dataclass(frozen=True, slots=True)
class Click:
    """One button click, as ``block_actions`` describes it."""

    action_id: str
    reply_id: str
    count: int | None
    team_id: str
    user_id: str
    channel_id: str
    thread_ts: str | None
    response_url: str | None
    message: dict[str, Any]
    delivery: str  # the click's trigger id: a retried delivery carries the same one


def parse_click(body: dict[str, Any]) -> Click | None:
    """The click in a ``block_actions`` payload, or None when it is not one of ours."""
    actions = body.get("actions") or []
    if not actions:
        return None
    action = actions[0]
    reply_id, count = parse_value(str(action.get("value") or ""))
    user = body.get("user") or {}
    container = body.get("container") or {}
    message = body.get("message") or {}
    return Click(
        action_id=str(action.get("action_id") or ""),
        reply_id=reply_id,
        count=count,
        team_id=str((body.get("team") or {}).get("id") or user.get("team_id") or ""),
        user_id=str(user.get("id") or ""),
        channel_id=str(container.get("channel_id") or (body.get("channel") or {}).get("id") or ""),
        thread_ts=container.get("thread_ts") or message.get("thread_ts"),
        response_url=body.get("response_url"),
        message=dict(message),
        delivery=str(body.get("trigger_id") or action.get("action_ts") or ""),
    )


def register_actions(app: AsyncApp, service: KeypointsService) -> None:
    """Listen for the reply buttons; the work runs after the ack, on ``service``'s tasks."""
    clicks = ReplyClicks(service)

    @app.action(ACTION_PATTERN)
    async def on_click(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        click = parse_click(body)
        if click is not None:
            service.spawn(clicks.handle(click, client))


class ReplyClicks:
    """What each button does."""

    def __init__(self, service: KeypointsService) -> None:
        self.service = service

    async def handle(self, click: Click, client: AsyncWebClient) -> None:
        # A retried delivery (HTTP retry, Socket Mode redelivery, another replica) is dropped;
        # the state-setting writes below would make it harmless anyway, but not silent.
        if click.delivery and not await self.service.first_delivery(
            f"click:{click.delivery}"[:128]
        ):
            return
        engine = self.service.engine
        reply = await replies.reply_of(engine, click.reply_id)
        with team_scope(click.team_id):
            if reply is None or reply.team_id != click.team_id or reply.kind != replies.SUMMARY:
                await self._tell(client, click, GONE)
                return
            if reply.removed:
                return  # a repeated Remove, or a click on a message being deleted
            if click.action_id in (MORE, FEWER):
                await self._resize(reply, click, client)
            elif click.action_id in (UP, DOWN):
                vote = replies.UP if click.action_id == UP else replies.DOWN
                now = self.service.clock()
                await replies.set_vote(engine, reply.reply_id, click.user_id, vote, now=now)
                await self._refresh(reply, click, client)
            elif click.action_id == REMOVE:
                await self._remove(reply, click, client)

    async def _resize(self, reply: replies.Reply, click: Click, client: AsyncWebClient) -> None:
        low, high = bullet_range(reply.base_bullets)
        if click.count is None or not low <= click.count <= high:
            return  # not a value we render: ignore
        if await self.summary_at(reply, click.count) is None:
            await self._tell(client, click, EXPIRED)
            return
        await replies.set_bullets(self.service.engine, reply.reply_id, click.count)
        await self._refresh(reply, click, client)

    async def summary_at(self, reply: replies.Reply, bullets: int) -> Summary | None:
        """The summary with ``bullets`` key points, from the cache or re-made from the cached
        article text (then cached too); None when the article is no longer cached."""
        service, method = self.service, self.service.options.method
        cached = await get_cached(service.engine, reply.url, bullets, method, now=service.clock())
        if isinstance(cached, Summary):
            return cached
        source = await any_cached_summary(service.engine, reply.url, method, now=service.clock())
        if source is None:
            return None
        from bot.summarize import summarize  # loaded already (the renderer uses its links)

        # Pure text work (no lxml), a few milliseconds: a thread keeps the event loop free.
        summary = await asyncio.to_thread(summarize, source.article, bullets, method)
        if not summary.bullets:
            return None
        try:
            ttl, now = service.options.cache_ttl, service.clock()
            await put_cached(service.engine, [reply.url], bullets, method, summary, ttl, now=now)
        except Exception:  # the answer is still good
            log.exception("could not cache the re-made summary of reply %s", reply.reply_id)
        return summary

    async def _refresh(self, reply: replies.Reply, click: Click, client: AsyncWebClient) -> None:
        """Show the current state; again while the state moved during the update."""
        engine = self.service.engine
        state = await replies.reply_state(engine, reply.reply_id)
        for _ in range(_REFRESHES):
            if state is None or state.removed:
                return
            await self._show(reply, click, client, await self._render(reply, click, state))
            after = await replies.reply_state(engine, reply.reply_id)
            if after == state:
                return
            state = after

    async def _render(
        self, reply: replies.Reply, click: Click, state: replies.ReplyState
    ) -> SlackMessage:
        summary = await self.summary_at(reply, state.bullets)
        if summary is None:  # cache expired: keep the message as Slack has it, new counts
            message = SlackMessage(
                text=str(click.message.get("text") or ""),
                blocks=list(click.message.get("blocks") or []),
            )
            shown = state.bullets
            buttons = ButtonState(reply.reply_id, shown, shown, False, state.up, state.down)
            return with_buttons(message, buttons)
        shown = len(summary.bullets)
        buttons = ButtonState(
            reply.reply_id, shown, reply.base_bullets, shown >= state.bullets, state.up, state.down
        )
        return with_buttons(summary_message(summary, reply.url), buttons)

    async def _show(
        self, reply: replies.Reply, click: Click, client: AsyncWebClient, message: SlackMessage
    ) -> None:
        if reply.reply_ts:
            await client.chat_update(
                channel=reply.channel_id,
                ts=reply.reply_ts,
                text=message.text,
                blocks=message.blocks,
            )
        elif click.response_url:  # a /keypoints answer or a private one: no ts of ours
            await AsyncWebhookClient(click.response_url).send(
                text=message.text, blocks=message.blocks, replace_original=True
            )

    async def _remove(self, reply: replies.Reply, click: Click, client: AsyncWebClient) -> None:
        if not await self._may_remove(reply, click, client):
            await self._tell(client, click, NOT_ALLOWED)
            return
        # Delete first, then mark: a retry after a crash in between deletes (or finds it gone).
        if reply.reply_ts:
            try:
                await client.chat_delete(channel=reply.channel_id, ts=reply.reply_ts)
            except SlackApiError as exc:
                if api_error(exc) != "message_not_found":
                    raise
        elif click.response_url:
            await AsyncWebhookClient(click.response_url).send(delete_original=True)
        await replies.mark_removed(self.service.engine, reply.reply_id, now=self.service.clock())

    async def _may_remove(self, reply: replies.Reply, click: Click, client: AsyncWebClient) -> bool:
        """The person who asked, the link's poster, or a workspace admin or owner."""
        if click.user_id == reply.requester_id:
            return True
        if _SLACK_TS.match(reply.message_ts):  # a message (a /keypoints request has none)
            read = await fetch_message(client, reply.channel_id, reply.message_ts)
            if read.message is not None and read.message.get("user") == click.user_id:
                return True
        try:
            user = (await client.users_info(user=click.user_id)).get("user") or {}
        except SlackApiError as exc:
            log.warning("could not look up who clicked Remove: %s", short_reason(exc))
            return False
        return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))

    async def _tell(self, client: AsyncWebClient, click: Click, text: str) -> None:
        """A note only the clicker sees, in the reply's thread."""
        try:
            await client.chat_postEphemeral(
                channel=click.channel_id, user=click.user_id, text=text, thread_ts=click.thread_ts
            )
        except SlackApiError as exc:
            if not click.response_url:
                raise
            log.info("ephemeral note failed (%s); using the response_url", short_reason(exc))
            await AsyncWebhookClient(click.response_url).send(
                text=text, response_type="ephemeral", replace_original=False
            )
