"""Forgetting a workspace: what ``app_uninstalled`` removes from the Slack tables."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.channels import ChannelSettings, bump_version
from bot.store.filters import ChannelSite, UserOptOut
from bot.store.jobs import LinkJob


async def forget_team(engine: AsyncEngine, team_id: str) -> set[str]:
    """Delete the team's channel settings (site rules and opt-outs too) and link jobs;
    returns the channels they named, so tables keyed by channel alone (the digest's) can be
    cleaned too."""
    async with engine.begin() as conn:
        channels = set(
            (
                await conn.execute(
                    select(ChannelSettings.channel_id).where(ChannelSettings.team_id == team_id)
                )
            ).scalars()
        )
        channels |= set(
            (
                await conn.execute(
                    select(LinkJob.channel_id).where(LinkJob.team_id == team_id).distinct()
                )
            ).scalars()
        )
        await conn.execute(delete(ChannelSettings).where(ChannelSettings.team_id == team_id))
        await conn.execute(delete(ChannelSite).where(ChannelSite.team_id == team_id))
        await conn.execute(delete(UserOptOut).where(UserOptOut.team_id == team_id))
        await bump_version(conn)  # replicas drop their copy of the team's settings
        await conn.execute(delete(LinkJob).where(LinkJob.team_id == team_id))
    return channels
