"""The ``/keypoints feed …`` and ``/keypoints digest …`` subcommands.

Register with the Slack command router::

    commands = DigestCommands(store, settings, user_tz=..., run_now=..., preview=...)
    commands.register(router)

Handlers only read ``ctx.args``/ids and answer through ``ctx.reply`` (ephemeral), so they are
tested without Slack.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.digest.model import Digest
from bot.digest.opml import MAX_OUTLINES, export_opml, parse_opml, slack_text_to_xml
from bot.digest.render import escape, render_text, truncate_mrkdwn
from bot.digest.runner import RunResult
from bot.digest.schedule import (
    Days,
    Schedule,
    ScheduleError,
    due_run,
    next_run,
    parse_time,
    parse_weekday,
    zone,
)
from bot.digest.settings import DigestSettings
from bot.digest.store import DigestStore
from bot.digest.stories import KeywordFilters
from bot.errors import KeypointsError
from bot.slack.commands import CommandContext, CommandRouter
from bot.slack.links import unwrap_link

log = logging.getLogger(__name__)

UserTz = Callable[[str], Awaitable[str | None]]  # user id → IANA zone (Slack users.info)
RunNow = Callable[[str, str | None], Awaitable[RunResult]]  # (channel, tz) → posted digest
Preview = Callable[[str, str | None], Awaitable[Digest]]  # (channel, tz) → digest, not posted
CheckFeed = Callable[[str], Awaitable[str]]  # feed URL → its title; raises KeypointsError
FetchOpml = Callable[[str], Awaitable[bytes]]  # OPML URL → its bytes; raises KeypointsError

FEED_USAGE = (
    "feed add <url> | feed remove <url> | feed list | feed export | feed import <OPML text or URL>"
)
DIGEST_USAGE = (
    "digest at HH:MM [Area/City] [weekdays|daily|weekly [mon…sun]] | digest off | digest now"
    " | preview | digest include|exclude <words> | digest filters [clear]"
)
_FILTER_WORD = re.compile(r"^[a-z0-9]{1,64}$")


def slack_user_tz(client: object) -> UserTz:
    """``users.info`` → ``user.tz`` through a Slack ``AsyncWebClient``."""

    async def lookup(user_id: str) -> str | None:
        response = await client.users_info(user=user_id)  # type: ignore[attr-defined]
        tz = (response.get("user") or {}).get("tz")
        return str(tz) if tz else None

    return lookup


def parse_schedule(args: Sequence[str], default_tz: str | None) -> Schedule:
    """``["08:30", "Europe/Berlin", "daily"]`` → ``Schedule``; zone and days are optional.
    ``weekly`` runs on Mondays unless a day (``mon``…``sun``, or its full name) follows."""
    if not args:
        raise ScheduleError("Say when, e.g. `digest at 08:30 Europe/Berlin weekdays`.")
    at = parse_time(args[0])
    tz, days, weekday = default_tz or "UTC", "weekdays", None
    for word in args[1:]:
        lower = word.lower()
        if lower in ("weekdays", "daily", "weekly"):
            days = lower
        elif parse_weekday(lower) is not None:
            weekday = parse_weekday(lower)
        else:
            zone(word)  # raises ScheduleError for an unknown zone
            tz = word
    if weekday is not None and days != "weekly":
        raise ScheduleError("A day of the week goes with `weekly`, e.g. `weekly fri`.")
    kind: Days = "daily" if days == "daily" else "weekly" if days == "weekly" else "weekdays"
    return Schedule(at=at, tz=tz, days=kind, weekday=weekday or 0)


def _digest_changes(args: tuple[str, ...]) -> bool:
    """``digest at|off|include|exclude …`` and ``digest filters clear`` change the channel's
    digest; ``status``, ``now``, ``preview`` and ``filters`` do not."""
    verb = args[0].lower() if args else ""
    if verb == "filters":
        return len(args) > 1 and args[1].lower() == "clear"
    return verb in ("at", "off", "include", "exclude")


@dataclass
class DigestCommands:
    """The two subcommands, bound to the store and the runner."""

    store: DigestStore
    settings: DigestSettings
    user_tz: UserTz
    run_now: RunNow
    preview: Preview
    check_feed: CheckFeed | None = None
    fetch_opml: FetchOpml | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def register(self, router: CommandRouter) -> None:
        """Add ``feed`` and ``digest``; the forms that change the channel's digest pass the
        router's guard first (who may change the channel's settings)."""
        router.register(
            "feed",
            self.feed,
            usage=FEED_USAGE,
            summary="this channel's news feeds",
            changes=lambda args: bool(args) and args[0].lower() in ("add", "remove", "import"),
        )
        router.register(
            "digest",
            self.digest,
            usage=DIGEST_USAGE,
            summary="a morning digest",
            changes=_digest_changes,
        )

    async def share_hook(
        self, team_id: str, channel_id: str, user_id: str, message_ts: str, urls: Sequence[str]
    ) -> None:
        """For ``SlackService.share_hooks``: remember links posted in a channel."""
        await self.store.record_shared_links(
            team_id, channel_id, user_id, message_ts, urls, self.clock()
        )

    async def feed(self, ctx: CommandContext) -> None:
        verb, rest = (ctx.args[0].lower(), ctx.args[1:]) if ctx.args else ("list", ())
        if verb == "list":
            await ctx.reply(await self._feed_list(ctx.channel_id))
        elif verb == "export":
            await ctx.reply(await self._feed_export(ctx.channel_id))
        elif verb == "import" and rest:
            await ctx.reply(await self._feed_import(ctx))
        elif verb in ("add", "remove") and len(rest) == 1:
            url = unwrap_link(rest[0])
            if not url.startswith(("http://", "https://")):
                await ctx.reply("That is not a feed address (it must start with https://).")
            elif verb == "add":
                await ctx.reply(await self._feed_add(ctx, url))
            elif await self.store.remove_feed(ctx.channel_id, url):
                await ctx.reply(f"Removed {escape(url)}.")
            else:
                await ctx.reply(f"This channel has no feed {escape(url)}.")
        else:
            await ctx.reply(f"Usage: `/keypoints {FEED_USAGE}`")

    async def digest(self, ctx: CommandContext) -> None:
        verb, rest = (ctx.args[0].lower(), ctx.args[1:]) if ctx.args else ("status", ())
        if verb == "at":
            try:
                schedule = parse_schedule(rest, await self._user_tz(ctx.user_id))
            except ScheduleError as exc:  # it quotes the input: ``digest at <!channel>``
                await ctx.reply(escape(str(exc)))
                return
            now = self.clock()  # one clock reading: the promise must match the scheduler's view
            await self.store.set_schedule(ctx.channel_id, ctx.team_id, schedule, now)
            await ctx.reply(
                f"Digest set for {schedule.describe()}. "
                + await self._promise(ctx.channel_id, schedule, now)
            )
        elif verb in ("include", "exclude"):
            await ctx.reply(await self._add_filters(ctx.channel_id, verb, rest))
        elif verb == "filters":
            if rest and rest[0].lower() == "clear":
                removed = await self.store.clear_filters(ctx.channel_id)
                await ctx.reply(f"Removed {removed} keyword filter{'s' * (removed != 1)}.")
            else:
                await ctx.reply(self._describe_filters(await self.store.filters(ctx.channel_id)))
        elif verb == "off":
            removed = await self.store.clear_schedule(ctx.channel_id)
            await ctx.reply("Digest turned off." if removed else "This channel had no digest.")
        elif verb == "now":
            result = await self.run_now(ctx.channel_id, await self._tz(ctx))
            await ctx.reply("Posted the digest." if result.posted else "No new stories to post.")
        elif verb == "preview":
            digest = await self.preview(ctx.channel_id, await self._tz(ctx))
            # Keep the line breaks: cut whole lines, never collapse the layout into one line.
            await ctx.reply(truncate_mrkdwn(escape(render_text(digest)), 2900))
        elif verb == "status":
            current = await self.store.get_schedule(ctx.channel_id)
            state = current.describe() if current else "off"
            await ctx.reply(f"Digest: {state}.\nUsage: `/keypoints {DIGEST_USAGE}`")
        else:
            await ctx.reply(f"Usage: `/keypoints {DIGEST_USAGE}`")

    async def _promise(self, channel_id: str, schedule: Schedule, now: datetime) -> str:
        """What the scheduler will do, by its own rules: a run still inside the catch-up window
        goes out at the next tick; a local date that already had its digest gets no other."""
        done = await self.store.finished_dates(channel_id, now.date() - timedelta(days=2))
        due = due_run(schedule, now, self.settings.catch_up)
        if due is not None and due.local_date not in done:
            when = due.at.astimezone(zone(schedule.tz))
            return f"The {when:%a %d %b %H:%M} digest is due, so it goes out within a minute."
        upcoming = next_run(schedule, now)
        note = ""
        while upcoming.local_date in done:
            note = f" ({upcoming.local_date:%a %d %b} already had its digest)"
            upcoming = next_run(schedule, upcoming.at)
        first = upcoming.at.astimezone(zone(schedule.tz))
        return f"Next one: {first:%a %d %b %H:%M %Z}{note}."

    async def _add_filters(self, channel_id: str, kind: str, words: Sequence[str]) -> str:
        wanted = [w.lower().strip(",") for w in words if w.strip(",")]
        if not wanted or not all(_FILTER_WORD.match(w) for w in wanted):
            return f"Say which words, e.g. `digest {kind} rust python` (letters and digits only)."
        for word in wanted:
            await self.store.add_filter(channel_id, kind, word)
        return self._describe_filters(await self.store.filters(channel_id))

    @staticmethod
    def _describe_filters(filters: KeywordFilters) -> str:
        if not filters:
            return "No keyword filters: the digest takes stories on any subject."
        lines = []
        if filters.include:
            lines.append("Only stories naming: " + ", ".join(filters.include) + ".")
        if filters.exclude:
            lines.append("Never stories naming: " + ", ".join(filters.exclude) + ".")
        return "\n".join([*lines, "Links shared in the channel are always considered."])

    async def _tz(self, ctx: CommandContext) -> str | None:
        schedule = await self.store.get_schedule(ctx.channel_id)
        return schedule.tz if schedule else await self._user_tz(ctx.user_id)

    async def _user_tz(self, user_id: str) -> str | None:
        # users.info needs the users:read scope; without it the digest falls back to UTC
        # (and says so in the reply) rather than failing the command.
        try:
            return await self.user_tz(user_id)
        except Exception:
            log.warning("users.info failed for %s; using UTC", user_id, exc_info=True)
            return None

    async def _feed_add(self, ctx: CommandContext, url: str) -> str:
        title = url
        if self.check_feed:
            title = await self.check_feed(url)  # a KeypointsError becomes the router's reply
        if await self.store.add_feed(ctx.channel_id, url, ctx.user_id, self.clock()):
            return f"Added {escape(title)} ({escape(url)})."
        return f"This channel already has {escape(url)}."

    async def _feed_export(self, channel_id: str) -> str:
        feeds = await self.store.list_feeds(channel_id)
        if not feeds:
            return "This channel has no feeds of its own to export (it gets the default list)."
        document = export_opml(feeds, f"Keypoints feeds of channel {channel_id}")
        # Slack reads &, < and > as markup even inside a code block: escape them there too.
        return f"This channel's {len(feeds)} feeds as OPML:\n```\n{escape(document)}\n```"

    async def _feed_import(self, ctx: CommandContext) -> str:
        source = ctx.text.split(None, 2)[2].strip()  # the raw text after "feed import"
        if " " not in source and unwrap_link(source).startswith(("http://", "https://")):
            if self.fetch_opml is None:
                return "Importing from an address is not available here; paste the OPML text."
            document: str | bytes = await self.fetch_opml(unwrap_link(source))
        else:
            document = slack_text_to_xml(source)
        found = await asyncio.to_thread(parse_opml, document)
        if not found.urls:
            return "That OPML lists no feeds (no outline has an `xmlUrl`)."
        limit = asyncio.Semaphore(max(1, self.settings.concurrency))

        async def check(url: str) -> str | None:
            """``None`` when the feed passes ``feed add``'s check, else the reason."""
            if not url.startswith(("http://", "https://")):
                return "not an http(s) address"
            if self.check_feed is None:
                return None
            async with limit:
                try:
                    await self.check_feed(url)
                except KeypointsError as exc:
                    return exc.message
            return None

        reasons = await asyncio.gather(*(check(url) for url in found.urls))
        added = present = 0
        refused: list[str] = []
        for url, reason in zip(found.urls, reasons, strict=True):
            if reason is not None:
                refused.append(f"• {escape(url)}: {escape(reason)}")
            elif await self.store.add_feed(ctx.channel_id, url, ctx.user_id, self.clock()):
                added += 1
            else:
                present += 1
        log.info(
            "feed import in %s: %d added, %d refused, %d present",
            ctx.channel_id,
            added,
            len(refused),
            present,
        )
        lines = [f"Imported {added} feed{'s' * (added != 1)}, refused {len(refused)}."]
        if present:
            lines.append(f"{present} {'were' if present != 1 else 'was'} already in this channel.")
        if found.over_cap:
            lines.append(f"{found.over_cap} more past the first {MAX_OUTLINES} were not read.")
        if len(refused) > 10:
            refused[10:] = [f"… and {len(refused) - 10} more."]
        return "\n".join([*lines, *refused])

    async def _feed_list(self, channel_id: str) -> str:
        own = await self.store.list_feeds(channel_id)
        if own:
            return "This channel's feeds:\n" + "\n".join(f"• {escape(u)}" for u in own)
        defaults = "\n".join(f"• {escape(u)}" for u in self.settings.default_feeds)
        return "No feeds of its own yet, so this channel gets the default list:\n" + defaults
