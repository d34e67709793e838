"""Listeners on the bolt ``AsyncApp``: turn Slack payloads into ``LinkRequest``s.

Every listener returns within milliseconds (bolt acknowledges within Slack's 3 seconds). When
the links are in the payload itself (a message, a mention with links) they are written as
durable jobs *before* the ack, so a replica dying right after acknowledging loses nothing;
everything slower (summarising, posting, reading a thread parent) goes to ``service.spawn``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.listener.async_builtins import AsyncTokenRevocationListeners
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.observability.metrics import EVENTS_RECEIVED
from bot.slack.commands import CommandContext, CommandRouter
from bot.slack.filter_commands import register_filter_commands
from bot.slack.filters import plan_auto
from bot.slack.followups import earlier_replies, forget_message
from bot.slack.links import links_in_message, links_in_text
from bot.slack.predicates import is_fresh_human_message, thread_root
from bot.slack.reading import fetch_message, unreadable_message_hint
from bot.slack.render import GENERIC_FAILURE, failure_message, notice_message
from bot.slack.service import KeypointsService, LinkRequest
from bot.slack.tenancy import team_scope
from bot.store.channels import auto_enabled, channel_choices, set_auto, set_public_failures

log = logging.getLogger(__name__)

SHORTCUT_CALLBACK_ID = "keypoints_shortcut"
COMMAND = "/keypoints"
NO_LINKS_IN_MENTION = (
    "Mention me in a message with a link, or in a thread whose first message has one, "
    "and I'll reply with the article's key points."
)
NO_LINKS_IN_MESSAGE = "That message has no article links I can read."
ALREADY_ANSWERED = "I already replied with the key points of {what}: {links}"


def links_left_out_hint(answered: int, left_out: int) -> str:
    """The message had more links than the cap: which were answered, how to get the rest."""
    more = "link was" if left_out == 1 else "links were"
    return (
        f"I replied to the first {answered} links of that message; {left_out} more {more} "
        "left out. Ask for them with `/keypoints <url>` or in a message of their own."
    )


def auto_off_hint(reaction: str) -> str:
    """Why a link got no reply in a channel with auto mode off, and how to ask. Slack stays
    silent there (that is what auto off is for); the console and ``auto off`` say it."""
    return (
        "Auto mode is off in this channel, so links get key points only when asked: mention "
        f"@Keypoints in the message, react with :{reaction}:, or use `/keypoints <url>`. "
        "`/keypoints auto on` turns it back on."
    )


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
        changes=lambda args: bool(args) and args[0].lower() in ("on", "off"),
    )
    router.register(
        "failures",
        triggers.command_failures,
        usage="failures public|private",
        summary="who sees it when a link posted here (auto mode) cannot be summarised",
        changes=lambda args: bool(args) and args[0].lower() in ("public", "private"),
    )
    register_filter_commands(router, service, reaction=opts.reaction)

    @app.middleware
    async def count_requests(body: dict[str, Any], next: Any) -> None:
        EVENTS_RECEIVED.labels(_kind(body)).inc()
        await next()

    @app.event("message")
    async def on_message(event: dict[str, Any], body: dict[str, Any]) -> None:
        team = _team(body, event)
        subtype = event.get("subtype")
        if subtype == "message_deleted" and event.get("deleted_ts"):
            service.spawn(
                forget_message(service, team, str(event["channel"]), str(event["deleted_ts"]))
            )
            return
        if subtype == "message_changed":
            await triggers.changed(team, event)
            return
        if not is_fresh_human_message(event):
            return  # unfurl echoes, joins, bots: never a request
        urls = links_in_message(event, None, code=False)  # auto mode: code is not reading
        if urls:
            await triggers.message(team, event, urls)

    @app.event("app_mention")
    async def on_mention(
        event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        if not is_fresh_human_message(event):
            return
        team = _team(body, event)
        urls = links_in_message(event, None)
        if urls:  # the links are right here: accept them before the ack
            if await triggers.accept(_thread_request(team, event, urls[: opts.max_links])):
                # Only the delivery that created the jobs (message or app_mention) says it.
                triggers.note_left_out(_thread_request(team, event, []), len(urls))
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
        """Runs before the ack: the links auto mode answers (``bot.slack.filters``: auto on
        or off, the channel's sites, the poster's opt-out), up to the cap, as quiet jobs (a
        failure is told to the poster alone), in one transaction; the settings and opt-outs
        come from memory, and the share hooks (the digest's record of shared links) run after
        the ack.

        No event-id gate here: every step is idempotent (shared links and jobs are unique per
        message and link), so a retry of a delivery that died half-way finishes the work
        instead of being dropped as already seen, and a plain retry creates nothing."""
        request = _thread_request(team_id, event, [])
        cap = self.options.max_links
        try:
            cache = self.service.channel_settings
            choices = await cache.choices(team_id, request.channel_id)
            # A link sent to the bot in a direct message is a request, opted out or not.
            opted_out = event.get("channel_type") != "im" and await cache.opted_out(
                team_id, request.user_id
            )
            plan = plan_auto(urls, choices, opted_out=opted_out)
            if plan.shared:
                self.service.share_later(
                    team_id, request.channel_id, request.user_id, request.message_ts,
                    plan.shared[:cap],
                )  # fmt: skip
            request = dataclasses.replace(
                request,
                urls=plan.answer[:cap],
                quiet=not choices.public_failures,
                min_words=choices.min_words or None,
                no_minimum=plan.no_minimum,
            )
            if request.urls and await self.service.enqueue(request):
                self.note_left_out(request, len(plan.answer))
        except Exception:
            self._accept_failed(request)

    async def changed(self, team_id: str, event: Mapping[str, Any]) -> None:
        """An edit: links it added are answered like a new message's (once: jobs are unique
        per message and link); a parent deleted under its thread (a tombstone) takes our
        reply with it."""
        new = {
            **(event.get("message") or {}),
            "channel": event.get("channel"),
            "channel_type": event.get("channel_type"),  # a DM is never filtered (opt-out)
        }
        if new.get("subtype") == "tombstone" and new.get("ts"):
            self.service.spawn(
                forget_message(self.service, team_id, str(new["channel"]), str(new["ts"]))
            )
            return
        if not new.get("ts") or not is_fresh_human_message({**new, "subtype": None}):
            return
        before = set(links_in_message(event.get("previous_message") or {}, None, code=False))
        added = [u for u in links_in_message(new, None, code=False) if u not in before]
        if added:  # an unfurl echo changes no link, so it adds nothing
            await self.message(team_id, new, added)

    def note_left_out(self, request: LinkRequest, found: int) -> None:
        """Past the cap of links per message: tell the requester what was left out."""
        left_out = found - self.options.max_links
        if left_out > 0:
            hint = links_left_out_hint(self.options.max_links, left_out)
            self.service.spawn(
                self.service.reply_notice(request, notice_message(hint), ephemeral=True)
            )

    async def accept(self, request: LinkRequest) -> int:
        """Runs before the ack: record the request's links as jobs (idempotent per message
        and link, so, as in ``message``, a retry needs no event-id gate); how many were new."""
        try:
            return await self.service.enqueue(request)
        except Exception:
            self._accept_failed(request)
            return 0

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
            read = await fetch_message(client, str(event["channel"]), str(event["thread_ts"]))
            if read.error is not None:
                hint = unreadable_message_hint(read.error, read.needed)
                request = _thread_request(team_id, event, [])
                await self.service.reply_notice(request, notice_message(hint), ephemeral=True)
                return
            urls = links_in_message(read.message, self.options.max_links) if read.message else []
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
        read = await fetch_message(client, str(item["channel"]), str(item["ts"]))
        if read.error is not None:  # tell the person who reacted, and only them
            where = {"channel": item["channel"], "ts": item["ts"]}
            request = _thread_request(team_id, where, [], str(event["user"]))
            hint = notice_message(unreadable_message_hint(read.error, read.needed))
            await self.service.reply_notice(request, hint, ephemeral=True)
            return
        message = read.message
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
        if not request.urls:
            await self.service.reply_notice(request, notice_message(NO_LINKS_IN_MESSAGE))
            return
        # Links already answered for this message: point to the reply instead of a second one.
        earlier = await earlier_replies(
            self.service, request.team_id, request.channel_id, request.message_ts, request.bullets
        )
        answered = {u: earlier[k] for u in request.urls if (k := self.service.key(u)) in earlier}
        if answered:
            what = "that link" if len(answered) == 1 else "those links"
            links = ", ".join(f"<{link}|reply {n}>" for n, link in enumerate(answered.values(), 1))
            note = ALREADY_ANSWERED.format(what=what, links=links)
            await self.service.reply_notice(request, notice_message(note), ephemeral=True)
        rest = tuple(u for u in request.urls if u not in answered)
        if rest:
            await self.service.answer(dataclasses.replace(request, urls=rest))

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

    async def command_failures(self, ctx: CommandContext) -> None:
        """``/keypoints failures public|private``: who sees auto mode's failures here."""
        choice = ctx.args[0].lower() if ctx.args else ""
        engine = self.service.engine
        if choice not in ("public", "private"):
            public = (await channel_choices(engine, ctx.team_id, ctx.channel_id)).public_failures
            await ctx.reply(
                f"Failures of links posted here are *{'public' if public else 'private'}*. "
                "Use `/keypoints failures public|private`."
            )
            return
        now = self.service.clock()
        await set_public_failures(engine, ctx.team_id, ctx.channel_id, choice == "public", now=now)
        self.service.channel_settings.changed()  # other replicas: within a poll (1 s)
        who = "I'll say why in the thread" if choice == "public" else "only its poster sees why"
        await ctx.reply(f"When a link posted here cannot be summarised, {who}.")

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
        self.service.channel_settings.changed()  # other replicas: within a poll (1 s)
        if choice == "on":
            await ctx.reply("Auto mode is *on*: I'll reply to every article link posted here.")
        else:
            await ctx.reply(auto_off_hint(self.options.reaction))


def register_uninstall(
    app: AsyncApp, service: KeypointsService, store: AsyncInstallationStore | None
) -> None:
    """Every mode (Slack retries an event that gets no 200): ``app_uninstalled`` drops the
    workspace's settings (channels, digest schedules and feeds) and, with OAuth, its tokens;
    ``tokens_revoked`` drops the revoked tokens (OAuth) or, with one configured token, marks
    the app degraded until the token is replaced."""
    revocation = AsyncTokenRevocationListeners(store) if store is not None else None

    @app.event("tokens_revoked")
    async def on_tokens_revoked(event: dict[str, Any], context: AsyncBoltContext) -> None:
        if revocation is not None:
            await revocation.handle_tokens_revoked_events(event, context)
        elif (event.get("tokens") or {}).get("bot"):
            service.token_problems[context.team_id or ""] = "tokens_revoked"
            log.warning("bot token of %s revoked: set a new SLACK_BOT_TOKEN", context.team_id)

    @app.event("app_uninstalled")
    async def on_uninstalled(context: AsyncBoltContext) -> None:
        if revocation is not None:
            await revocation.handle_app_uninstalled_events(context)
        else:
            service.token_problems[context.team_id or ""] = "app_uninstalled"
        if context.team_id:
            await service.forget_team(context.team_id)
            log.warning("uninstalled from %s: its settings were removed", context.team_id)


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
