"""The App Home tab (``app_home_opened``, tab ``home``): a read-only overview, published with
``views.publish`` for the person who opened it.

It shows the summaries that person asked for lately (not the whole workspace's: a link posted
in a private channel or a DM must not reach everyone's Home tab), the workspace's stats for the
last week (``bot.store.stats``) and each channel's settings. Settings are changed with the slash
commands in the channel; the view says so.

The listener acknowledges first and publishes in the background. A retried delivery publishes
again: ``views.publish`` replaces the whole view, so that is harmless, and it repairs a first
attempt that failed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.digest.schedule import Schedule
from bot.digest.store import DigestStore
from bot.slack.service import KeypointsService
from bot.slack.tenancy import team_scope
from bot.store.channels import ChannelChoices, team_channel_choices
from bot.store.replies import RecentSummary, recent_summaries
from bot.store.stats import Stats, gather_stats

log = logging.getLogger(__name__)

HOME_DAYS = 7
RECENT_SHOWN = 10
SITES_SHOWN = 3
CHANNELS_SHOWN = 40  # a view holds at most 100 blocks
READ_ONLY_NOTE = (
    "Read-only here: change a channel's settings with `/keypoints auto on|off`, "
    "`/keypoints failures public|private`, `/keypoints min-words <n>|off` or "
    "`/keypoints digest at HH:MM …` in the channel (`/keypoints settings` shows them)."
)


def register_home(app: AsyncApp, service: KeypointsService) -> None:
    """Publish the Home tab whenever someone opens it."""

    @app.event("app_home_opened")
    async def on_home_opened(
        event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        user_id, team_id = str(event.get("user") or ""), str(context.team_id or "")
        if event.get("tab", "home") != "home" or not user_id or not team_id:
            return  # the Messages tab, or nobody to publish for
        service.spawn(publish_home(service, client, team_id, user_id))


async def publish_home(
    service: KeypointsService, client: AsyncWebClient, team_id: str, user_id: str
) -> None:
    """Gather the workspace's data and publish the Home view for ``user_id``."""
    engine, now = service.engine, service.clock()
    since = now - HOME_DAYS * 86400
    recent = await recent_summaries(engine, team_id, user_id, limit=RECENT_SHOWN)
    stats = await gather_stats(engine, since=since, team_id=team_id)
    channels = await team_channel_choices(engine, team_id)
    digests = {
        s.channel_id: s.schedule
        for s in await DigestStore(engine).all_schedules()
        if s.team_id == team_id
    }
    view = home_view(recent, stats, channels, digests)
    with team_scope(team_id):
        await client.views_publish(user_id=user_id, view=view)


def home_view(
    recent: Sequence[RecentSummary],
    stats: Stats,
    channels: Mapping[str, ChannelChoices],
    digests: Mapping[str, Schedule],
) -> dict[str, Any]:
    """The Home view (pure: the same data gives the same view)."""
    blocks: list[dict[str, Any]] = [_header("Your recent summaries")]
    if recent:
        blocks.append(_section("\n".join(_recent_line(r) for r in recent)))
    else:
        blocks.append(_section("None yet: post an article link in a channel I'm in."))
    blocks += [{"type": "divider"}, _header(f"This workspace, last {HOME_DAYS} days")]
    blocks.append(_section(_stats_text(stats)))
    blocks += [{"type": "divider"}, _header("Channel settings")]
    ids = sorted(set(channels) | set(digests))
    if ids:
        blocks += [
            _section(_channel_line(cid, channels.get(cid), digests.get(cid)))
            for cid in ids[:CHANNELS_SHOWN]
        ]
        if len(ids) > CHANNELS_SHOWN:
            blocks.append(_section(f"…and {len(ids) - CHANNELS_SHOWN} more channels."))
    else:
        blocks.append(_section("Every channel has the defaults: auto mode on, failures private."))
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": READ_ONLY_NOTE}]})
    return {"type": "home", "blocks": blocks}


def _recent_line(reply: RecentSummary) -> str:
    fallback = datetime.fromtimestamp(reply.posted_at, UTC).strftime("%Y-%m-%d %H:%M UTC")
    when = f"<!date^{int(reply.posted_at)}^{{date_short_pretty}} {{time}}|{fallback}>"
    return f"• <{reply.url}> in <#{reply.channel_id}> · {when}"


def _stats_text(stats: Stats) -> str:
    if not stats.answers:
        return "No links answered in this period."
    median = stats.median_seconds_to_reply
    lines = [
        f"• links answered: {stats.answers} · replies posted: {stats.replies_posted}",
        f"• failures: {stats.failures} · votes: 👍 {stats.up} · 👎 {stats.down}",
        "• message → reply, median: " + ("–" if median is None else f"{median:.1f} s"),
        f"• cache hit rate: {stats.cache_hit_rate or 0.0:.0%}",
    ]
    trouble = [s for s in stats.sites if s.trouble][:SITES_SHOWN]
    if trouble:
        sites = ", ".join(f"{s.site} ({s.failures} failed, {s.down} 👎)" for s in trouble)
        lines.append(f"• sites to fix first: {sites}")
    return "\n".join(lines)


def _channel_line(channel_id: str, choices: ChannelChoices | None, digest: Schedule | None) -> str:
    c = choices or ChannelChoices()
    parts = [
        f"auto mode {'on' if c.auto else 'off'}",
        f"failures {'public' if c.public_failures else 'private'}",
        f"min words {c.min_words}" if c.min_words else "min words off",
        f"digest {digest.describe()}" if digest else "no digest",
    ]
    return f"<#{channel_id}>: " + " · ".join(parts)


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": text}}


def _section(text: str) -> dict[str, Any]:
    # Section text is limited to 3000 characters; ten lines of links stay well below.
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}
