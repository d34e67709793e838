"""Listeners on the bolt ``AsyncApp``: turn Slack payloads into ``LinkRequest``s.

Every listener returns within milliseconds (bolt acknowledges within Slack's 3 seconds). When
the links are in the payload itself (a message, a mention with links) they are written as
durable jobs *before* the ack, so a replica dying right after acknowledging loses nothing;
everything slower (summarising, posting, reading a thread parent) goes to ``service.spawn``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.listener.async_builtins import AsyncTokenRevocationListeners
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.observability.metrics import EVENTS_RECEIVED
from bot.slack.commands import CommandContext, CommandRouter
from bot.slack.links import links_in_message, links_in_text
from bot.slack.predicates import is_fresh_human_message, thread_root
from bot.slack.render import GENERIC_FAILURE, failure_message, notice_message
from bot.slack.service import KeypointsService, LinkRequest
from bot.slack.tenancy import team_scope
from bot.store.channels import auto_enabled, set_auto

log = logging.getLogger(__name__)

SHORTCUT_CALLBACK_ID = "keypoints_shortcut"
COMMAND = "/keypoints"
NO_LINKS_IN_MENTION = (
    "Mention me in a message with a link, or in a thread whose first message has one, "
    "and I'll reply with the article's key points."
)
NO_LINKS_IN_MESSAGE = "That message has no article links I can read."


@dataclass(frozen=True, slots=True)
class TriggerOptions:
    max_links: int = 5
    reaction: str = "memo"


def register_listeners(
    app: AsyncApp, service: KeypointsService, options: TriggerOptions | None = None
) -> CommandRouter:
    """Attach every trigger to ``app``; returns the ``/keypoints`` router so more subcommands
    (the digest's ``feed``/``digest``) can be registered."""
    opts = options or TriggerOptions()
    triggers = _Triggers(service, opts)
    router = CommandRouter(on_link=triggers.command_link)
    router.register(
        "auto",
        triggers.command_auto,
        usage="auto on|off",
        summary="reply to every link posted in this channel, or only when asked",
    )

    @app.middleware
    async def count_requests(body: dict[str, Any], next: Any) -> None:
        EVENTS_RECEIVED.labels(_kind(body)).inc()
        await next()

    @app.event("message")
    async def on_message(event: dict[str, Any], body: dict[str, Any]) -> None:
        if not is_fresh_human_message(event):
            return  # edits, unfurl echoes (message_changed), joins, bots: never a request
        urls = links_in_message(event, opts.max_links)
        if urls:
            await triggers.message(_team(body, event), event, urls)

    @app.event("app_mention")
    async def on_mention(
        event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        if not is_fresh_human_message(event):
            return
        team = _team(body, event)
        urls = links_in_message(event, opts.max_links)
        if urls:  # the links are right here: accept them before the ack
            await triggers.accept(_thread_request(team, event, urls))
        else:  # reading the thread parent is a Web API call: do it after the ack
            service.spawn(
                triggers.mention(body.get("event_id"), team, event, client),
                reply_on_error=_thread_request(team, event, []),
            )

    @app.event("reaction_added")
    async def on_reaction(
        event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        item = event.get("item") or {}
        if event.get("reaction") == opts.reaction and item.get("type") == "message":
            service.spawn(
                triggers.reaction(body.get("event_id"), _team(body, event), event, client)
            )

    @app.command(COMMAND)
    async def on_command(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        # The task copies the context: subcommands (the digest's) act for this workspace.
        with team_scope(str(body.get("team_id") or "")):
            service.spawn(router.dispatch(triggers.command_context(body)))

    @app.shortcut(SHORTCUT_CALLBACK_ID)
    async def on_shortcut(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        service.spawn(triggers.shortcut(body), reply_on_error=_private_request(body))

    return router


class _Triggers:
    """The background half of each listener."""

    def __init__(self, service: KeypointsService, options: TriggerOptions) -> None:
        self.service = service
        self.options = options

    async def message(self, team_id: str, event: Mapping[str, Any], urls: list[str]) -> None:
        """Runs before the ack: share hooks, then the links as jobs when auto mode is on.

        No event-id gate here: every step is idempotent (shared links and jobs are unique per
        message and link), so a retry of a delivery that died half-way finishes the work
        instead of being dropped as already seen, and a plain retry creates nothing."""
        request = _thread_request(team_id, event, urls)
        try:
            await self.service.notify_shared(
                team_id, request.channel_id, request.user_id, request.message_ts, urls
            )
            if await auto_enabled(self.service.engine, team_id, request.channel_id):
                await self.service.enqueue(request)
        except Exception:
            self._accept_failed(request)

    async def accept(self, request: LinkRequest) -> None:
        """Runs before the ack: record the request's links as jobs (idempotent per message
        and link, so, as in ``message``, a retry needs no event-id gate)."""
        try:
            await self.service.enqueue(request)
        except Exception:
            self._accept_failed(request)

    def _accept_failed(self, request: LinkRequest) -> None:
        # The database is failing: say so in the thread rather than leave the user waiting.
        log.exception("could not accept the links of %s", request.message_ts)
        self.service.spawn(self.service.reply_notice(request, failure_message(GENERIC_FAILURE)))

    async def mention(
        self, event_id: str | None, team_id: str, event: Mapping[str, Any], client: AsyncWebClient
    ) -> None:
        if not await self.service.first_delivery(event_id):
            return
        urls = links_in_message(event, self.options.max_links)
        if not urls and event.get("thread_ts"):
            parent = await _fetch_message(client, str(event["channel"]), str(event["thread_ts"]))
            urls = links_in_message(parent, self.options.max_links) if parent else []
        request = _thread_request(team_id, event, urls)
        if urls:
            await self.service.answer(request)
        else:
            await self.service.reply_notice(request, notice_message(NO_LINKS_IN_MENTION))

    async def reaction(
        self, event_id: str | None, team_id: str, event: Mapping[str, Any], client: AsyncWebClient
    ) -> None:
        if not await self.service.first_delivery(event_id):
            return
        item = event["item"]
        message = await _fetch_message(client, str(item["channel"]), str(item["ts"]))
        if message is None or not is_fresh_human_message(message):
            return  # deleted, or a bot's post (including our own replies)
        urls = links_in_message(message, self.options.max_links)
        if urls:
            message = {**message, "channel": item["channel"]}
            await self.service.answer(_thread_request(team_id, message, urls, str(event["user"])))

    async def shortcut(self, body: Mapping[str, Any]) -> None:
        message = dict(body.get("message") or {})
        message["channel"] = body["channel"]["id"]
        request = LinkRequest(
            team_id=str(body["team"]["id"]),
            channel_id=str(message["channel"]),
            user_id=str(body["user"]["id"]),
            message_ts=str(message["ts"]),
            thread_ts=thread_root(message),
            urls=tuple(links_in_message(message, self.options.max_links)),
            response_url=body.get("response_url"),
            dedupe=False,  # asked for explicitly: answer even if auto mode already did
        )
        if request.urls:
            await self.service.answer(request)
        else:
            await self.service.reply_notice(request, notice_message(NO_LINKS_IN_MESSAGE))

    def command_context(self, body: Mapping[str, Any]) -> CommandContext:
        response_url = body.get("response_url")

        async def reply(text: str) -> None:
            if response_url:
                await self.service.replier.respond(response_url, notice_message(text), public=False)
            else:
                await self.service.replier.post_ephemeral(
                    str(body["channel_id"]), str(body["user_id"]), None, notice_message(text)
                )

        return CommandContext(
            team_id=str(body.get("team_id", "")),
            channel_id=str(body.get("channel_id", "")),
            user_id=str(body.get("user_id", "")),
            text=str(body.get("text") or "").strip(),
            args=(),
            reply=reply,
            body=dict(body),
            response_url=response_url,
        )

    async def command_link(self, ctx: CommandContext) -> None:
        urls = links_in_text(ctx.args[0], limit=1)
        bullets: int | None = None
        if len(ctx.args) > 1:
            if not ctx.args[1].isdigit() or not 1 <= int(ctx.args[1]) <= 10:
                await ctx.reply("Usage: `/keypoints <url> [bullets]`, bullets between 1 and 10.")
                return
            bullets = int(ctx.args[1])
        await self.service.answer(
            LinkRequest(
                team_id=ctx.team_id,
                channel_id=ctx.channel_id,
                user_id=ctx.user_id,
                message_ts=str(ctx.body.get("trigger_id") or ""),
                thread_ts=None,
                urls=tuple(urls),
                bullets=bullets,
                response_url=ctx.response_url,
                public_response=True,
                dedupe=False,
            )
        )

    async def command_auto(self, ctx: CommandContext) -> None:
        engine = self.service.engine
        choice = ctx.args[0].lower() if ctx.args else ""
        if choice not in ("on", "off"):
            state = "on" if await auto_enabled(engine, ctx.team_id, ctx.channel_id) else "off"
            await ctx.reply(
                f"Auto mode is *{state}* in this channel. Use `/keypoints auto on|off`."
            )
            return
        await set_auto(
            engine, ctx.team_id, ctx.channel_id, choice == "on", now=self.service.clock()
        )
        if choice == "on":
            await ctx.reply("Auto mode is *on*: I'll reply to every article link posted here.")
        else:
            await ctx.reply(
                f"Auto mode is *off*: mention me, react with :{self.options.reaction}: "
                "or use the *Key points* shortcut to ask."
            )


def register_uninstall(
    app: AsyncApp, service: KeypointsService, store: AsyncInstallationStore
) -> None:
    """OAuth mode: ``tokens_revoked`` drops the revoked tokens; ``app_uninstalled`` drops all
    of the workspace's tokens and then its settings (channels, digest schedules and feeds)."""
    revocation = AsyncTokenRevocationListeners(store)

    @app.event("tokens_revoked")
    async def on_tokens_revoked(event: dict[str, Any], context: AsyncBoltContext) -> None:
        await revocation.handle_tokens_revoked_events(event, context)

    @app.event("app_uninstalled")
    async def on_uninstalled(context: AsyncBoltContext) -> None:
        await revocation.handle_app_uninstalled_events(context)
        if context.team_id:
            await service.forget_team(context.team_id)
            log.info("uninstalled from %s: tokens and settings removed", context.team_id)


def _kind(body: Mapping[str, Any]) -> str:
    """A bounded label for a Slack request: the event type, ``command`` or the payload type."""
    if body.get("command"):
        return "command"
    if body.get("type") == "event_callback":
        return str((body.get("event") or {}).get("type") or "event")[:40]
    return str(body.get("type") or "other")[:40]


def _team(body: Mapping[str, Any], event: Mapping[str, Any]) -> str:
    return str(body.get("team_id") or event.get("team") or "")


def _private_request(body: Mapping[str, Any]) -> LinkRequest:
    """Where a shortcut's failure goes: its ``response_url``, seen only by the requester."""
    return LinkRequest(
        team_id=str((body.get("team") or {}).get("id", "")),
        channel_id=str((body.get("channel") or {}).get("id", "")),
        user_id=str((body.get("user") or {}).get("id", "")),
        message_ts=str((body.get("message") or {}).get("ts", "")),
        thread_ts=None,
        urls=(),
        response_url=body.get("response_url"),
    )


def _thread_request(
    team_id: str, message: Mapping[str, Any], urls: list[str], user_id: str | None = None
) -> LinkRequest:
    return LinkRequest(
        team_id=team_id,
        channel_id=str(message["channel"]),
        user_id=user_id or str(message.get("user") or ""),
        message_ts=str(message["ts"]),
        thread_ts=thread_root(message),
        urls=tuple(urls),
    )


async def _fetch_message(client: AsyncWebClient, channel: str, ts: str) -> dict[str, Any] | None:
    """The message ``ts`` of ``channel`` (a thread parent, a reply or a top-level message)."""
    try:
        response = await client.conversations_replies(
            channel=channel, ts=ts, limit=1, inclusive=True
        )
        for message in response.get("messages") or []:
            if message.get("ts") == ts:
                return dict(message)
        response = await client.conversations_history(
            channel=channel, latest=ts, inclusive=True, limit=1
        )
        for message in response.get("messages") or []:
            if message.get("ts") == ts:
                return dict(message)
    except SlackApiError as exc:
        data = exc.response.data
        error = data.get("error") if isinstance(data, dict) else exc.response.status_code
        log.warning("cannot read message %s in %s: %s", ts, channel, error)
    return None
