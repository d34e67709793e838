"""The App Home tab (``app_home_opened``, tab ``home``): an overview with the channels'
settings, published with ``views.publish`` for the person who opened it.

It shows the summaries that person asked for lately (not the whole workspace's: a link posted
in a private channel or a DM must not reach everyone's Home tab), the workspace's stats for the
last week (``bot.store.stats``) and each channel's settings, each with an **Edit** button, plus
a channel picker for a channel still on the defaults. Both open the settings form
(``bot.slack.settings_editor``), which checks who may change what; the slash commands keep
working and show the same settings.

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
from bot.slack.settings_view import EDIT_ACTION, PICK_ACTION
from bot.slack.tenancy import team_scope
from bot.store.channels import ChannelChoices, team_channel_choices
from bot.store.replies import RecentSummary, recent_summaries
from bot.store.stats import Stats, gather_stats

log = logging.getLogger(__name__)

HOME_DAYS = 7
RECENT_SHOWN = 10
SITES_SHOWN = 3
CHANNELS_SHOWN = 40  # a view holds at most 100 blocks
SETTINGS_NOTE = (
    "A channel's members can change its settings here (*Edit*) or with `/keypoints …` in the "
    "channel (`/keypoints settings` shows them); where an admin made them admins-only, only "
    "workspace admins and owners can."
)
PICK_PLACEHOLDER = "Set up another channel…"


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
    view = home_view(recent, stats, channels, digests, default_bullets=service.options.bullets)
    with team_scope(team_id):
        await client.views_publish(user_id=user_id, view=view)


def home_view(
    recent: Sequence[RecentSummary],
    stats: Stats,
    channels: Mapping[str, ChannelChoices],
    digests: Mapping[str, Schedule],
    *,
    default_bullets: int = 3,
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
        for cid in ids[:CHANNELS_SHOWN]:
            line = _channel_line(cid, channels.get(cid), digests.get(cid), default_bullets)
            row = _section(line)
            if not cid.startswith("D"):  # a direct message: its settings are set in it
                row["accessory"] = _edit_button(cid)
            blocks.append(row)
        if len(ids) > CHANNELS_SHOWN:
            blocks.append(_section(f"…and {len(ids) - CHANNELS_SHOWN} more channels."))
    else:
        blocks.append(
            _section(
                f"Every channel has the defaults: auto mode on, {default_bullets} key points, "
                "failures private."
            )
        )
    blocks.append(_channel_picker())
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": SETTINGS_NOTE}]})
    return {"type": "home", "blocks": blocks}


def _edit_button(channel_id: str) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": EDIT_ACTION,
        "text": {"type": "plain_text", "text": "Edit", "emoji": True},
        "value": channel_id,
    }


def _channel_picker() -> dict[str, Any]:
    """Any channel (one on the defaults has no row above) opens the same form."""
    return {
        "type": "actions",
        "block_id": "keypoints_home_pick",
        "elements": [
            {
                "type": "conversations_select",
                "action_id": PICK_ACTION,
                "placeholder": {"type": "plain_text", "text": PICK_PLACEHOLDER, "emoji": True},
                "filter": {
                    "include": ["public", "private"],
                    "exclude_bot_users": True,
                    "exclude_external_shared_channels": True,
                },
            }
        ],
    }


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


def _channel_line(
    channel_id: str, choices: ChannelChoices | None, digest: Schedule | None, default_bullets: int
) -> str:
    c = choices or ChannelChoices()
    parts = [
        f"auto mode {'on' if c.auto else 'off'}",
        f"{c.bullets or default_bullets} key points",
        f"failures {'public' if c.public_failures else 'private'}",
        f"min words {c.min_words}" if c.min_words else "min words off",
        f"digest {digest.describe()}" if digest else "no digest",
    ]
    if c.admins_only:
        parts.append("admins only")
    return f"<#{channel_id}>: " + " · ".join(parts)


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": text}}


def _section(text: str) -> dict[str, Any]:
    # Section text is limited to 3000 characters; ten lines of links stay well below.
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}
